"""The rating sheet and the honour list in a browser: an officer ticks stars and saves the sheet,
then prints the honour list (A4). Screenshots land in test-results/ratings/."""

import datetime as dt

import pytest

from shuanglian.conftest import NUANQUAN, SCREENSHOTS
from shuanglian.households.tests import factories as hf
from shuanglian.ratings.models import StarRating
from shuanglian.ratings.tests import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = SCREENSHOTS / "ratings"
ALL = ("爱国守法", "诚信友善", "勤劳致富", "孝老爱亲", "卫生整洁")


def _login(page, user):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("Test@12345")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_sheet_then_honour_list(page, admin_user, town_officer):
    from playwright.sync_api import expect

    rf.stars(actor=admin_user)
    names = ["孙旺奎", "邵维基", "李爱仙", "王建祥"]
    households = [hf.household(actor=admin_user, village=NUANQUAN, head_name=n) for n in names]
    rf.rating(actor=admin_user, household=households[0], year=2011, names=ALL[:3])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    _login(page, town_officer)

    page.goto(f"/ratings/villages/{NUANQUAN}/2012/")
    expect(page.locator("h1")).to_contain_text("评定表")
    page.locator("#id_decided_on").fill(dt.date(2012, 12, 28).isoformat())
    for household in households[:2]:
        for box in page.locator(f'input[name="stars_{household.pk}"]').all():
            box.check()
    page.locator(f'input[name="stars_{households[2].pk}"]').first.check()
    page.screenshot(path=str(OUTPUT / "rating-sheet.png"), full_page=True)
    page.locator("#rating-sheet button[type=submit]").click()
    expect(page.locator("#summary-stars")).to_be_visible()
    assert StarRating.objects.filter(year=2012).count() == 3
    page.screenshot(path=str(OUTPUT / "village-summary.png"), full_page=True)

    page.goto(f"/ratings/villages/{NUANQUAN}/2012/honour/")
    table = page.locator("#honour-table")
    expect(table).to_contain_text("孙旺奎")
    expect(table).to_contain_text("邵维基")
    expect(table).not_to_contain_text("李爱仙")
    page.screenshot(path=str(OUTPUT / "honour-list.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    page.screenshot(path=str(OUTPUT / "honour-list-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
