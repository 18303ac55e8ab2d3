"""The county officer opens a scheme's ranking and drills into one unit's evidence; screenshots of
both. Debian's chromium through Playwright, as in core's browser test."""

import pytest

from shuanglian.assessments import services
from shuanglian.assessments.models import Score
from shuanglian.assessments.tests import factories
from shuanglian.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ranking_and_evidence_drill_down(page, work, county_officer):
    scheme = factories.scheme(actor=work.admin)
    services.scheme_compute(actor=work.admin, scheme=scheme)
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(county_officer.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto(f"/assessments/{scheme.pk}/ranking/")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 2
    assert "县委宣传部" in rows.first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "assessment-ranking.png"), full_page=True)

    rows.first.get_by_role("link", name="县委宣传部").click()
    page.wait_for_load_state()
    visits = Score.objects.get(scheme=scheme, result__unit=work.unit_a, indicator__rule="visits")
    page.locator(f'a[href="/assessments/scores/{visits.pk}/"]').click()
    page.wait_for_load_state()
    assert page.locator("#evidence tbody tr").count() == visits.basis == 4
    assert page.locator("#basis").inner_text() == "4"
    page.screenshot(path=str(SCREENSHOTS / "assessment-evidence.png"), full_page=True)
