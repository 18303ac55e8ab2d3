"""Screenshots of a procedure and its printable notice (test-results/lifecycle/)."""

import pytest

from shuanglian.conftest import SCREENSHOTS
from shuanglian.households.models import Category
from shuanglian.households.tests import factories as hf
from shuanglian.lifecycle import services
from shuanglian.lifecycle.models import Step
from shuanglian.lifecycle.tests import factories as lf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = SCREENSHOTS / "lifecycle"


def _log_in(page, user):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("Test@12345")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_procedure_and_its_notice(page, admin_user, town_officer):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    procedures = []
    for name in ("孙旺奎", "邵维基"):
        household = hf.household(
            actor=admin_user, village="620522104200", head_name=name, category=Category.GENERAL
        )
        procedure = lf.identification(actor=admin_user, household=household)
        lf.advance(admin_user, procedure, until=Step.FIRST_NOTICE)
        procedures.append(procedure)
    notice = services.notice_publish(
        actor=admin_user,
        procedures=procedures,
        step=Step.FIRST_NOTICE,
        starts_on=lf.days_ago(2),
        objection_channel=lf.OBJECTIONS,
    )
    _log_in(page, town_officer)
    page.goto(f"/lifecycle/procedures/{procedures[0].pk}/")
    assert page.locator("#procedure-sequence li").count() == 7
    assert "孙旺奎" in page.locator("h1").inner_text()
    page.screenshot(path=str(OUTPUT / "procedure.png"), full_page=True)
    page.goto(f"/lifecycle/notices/{notice.pk}/")
    rows = page.locator("#notice-households tbody tr")
    assert rows.count() == 2
    assert "*" in rows.first.locator("td").last.inner_text()
    assert lf.OBJECTIONS in page.locator("#notice-objections").inner_text()
    page.screenshot(path=str(OUTPUT / "notice.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    page.screenshot(path=str(OUTPUT / "notice-print.png"), full_page=True)
