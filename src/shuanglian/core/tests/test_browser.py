"""A real browser (Debian's chromium, driven by Playwright) walks the pages as an officer would."""

import pytest
from playwright.sync_api import expect

from shuanglian.conftest import NUANQUAN, QINAN, SCREENSHOTS
from shuanglian.core.idcard import mask_id
from shuanglian.households.tests.factories import household, id_number
from shuanglian.pairings.tests.factories import household_pairing, village_pairing
from shuanglian.units.tests.factories import cadre, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_drills_from_qinan_to_nuanquan_and_opens_a_household(
    page, county_officer, admin_user
):
    head_id = id_number()
    paired_unit = unit(
        actor=admin_user, name="天水市人民代表大会常务委员会", short_name="天水市人大"
    )
    village_pairing(actor=admin_user, unit=paired_unit, village=NUANQUAN)
    home = household(actor=admin_user, village=NUANQUAN, head_name="邵维基", head_id=head_id)
    household_pairing(
        actor=admin_user, household=home, cadre=cadre(actor=admin_user, unit=paired_unit)
    )

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(county_officer.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto(f"/regions/{QINAN}/")
    assert page.locator("h1").inner_text().startswith("秦安县")
    page.locator("#children").get_by_role("link", name="郭嘉镇").click()
    # Each click loads a new page: wait for it (expect retries) before reading it.
    expect(page.locator("h1")).to_contain_text("郭嘉镇")
    nuanquan = page.locator(f'#children tr[data-code="{NUANQUAN}"]')
    assert nuanquan.locator('[data-count="total"]').inner_text() == "1"
    nuanquan.get_by_role("link", name="暖泉村").click()
    expect(page.locator("h1")).to_contain_text("暖泉村")
    assert "天水市人民代表大会常务委员会" in page.locator("#village-pairings").inner_text()

    page.get_by_role("link", name="本区域的户").click()
    expect(page.get_by_role("link", name="邵维基").first).to_be_visible()
    page.get_by_role("link", name="邵维基").first.click()
    expect(page.locator("#members")).to_contain_text(mask_id(head_id))
    body = page.locator("main").inner_text()
    assert "邵维基" in body and "暖泉村" in body
    assert mask_id(head_id) in body
    assert head_id not in page.content()

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "household-detail.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("Household")
