"""The household booklet in a browser, on screen and as printed (A4, the navigation hidden), and
from the household page's link. Screenshots land in test-results/booklet/."""

import re

import pytest

from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import NUANQUAN, SCREENSHOTS
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.ratings.tests import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = SCREENSHOTS / "booklet"


def test_booklet_on_screen_and_printed(page, admin_user, cadre_user, settings, tmp_path):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    household = hf.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    hf.member(actor=admin_user, household=household, name="李秀英")
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre_user.cadre)
    plan = af.plan(actor=admin_user, household=household, goals="发展苹果种植，两年脱贫")
    af.measure(actor=admin_user, plan=plan)
    af.visit(actor=cadre_user, household=household)
    rf.stars(actor=admin_user)
    rf.rating(actor=admin_user, household=household, names=["爱国守法", "卫生整洁"])
    OUTPUT.mkdir(parents=True, exist_ok=True)

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(cadre_user.username)
    page.locator("#id_password").fill("Test@12345")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/households/{household.pk}/")
    page.locator("#booklet-link").click()
    page.wait_for_url(f"**/booklet/households/{household.pk}/")
    for key in ("household", "members", "plan", "visits", "ratings"):
        expect(page.locator(f"#booklet-{key}")).to_be_visible()
    expect(page.locator("#booklet-members")).to_contain_text("********")
    page.screenshot(path=str(OUTPUT / "booklet.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    page.screenshot(path=str(OUTPUT / "booklet-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    # The cover, the household, and the plan and the visits each start a new page.
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 4
