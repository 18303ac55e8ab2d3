"""A town officer searches and exports the audit trail in a real browser, in two languages."""

import pytest

from shuanglian.conftest import NUANQUAN, SCREENSHOTS
from shuanglian.households import services as households
from shuanglian.households.tests.factories import household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONGCHENG_VILLAGE = "620522103200"


def test_officer_searches_and_exports_the_audit_trail(page, town_officer, admin_user):
    near = household(actor=admin_user, village=NUANQUAN, head_name="邵维基", phone="13812345678")
    households.household_update(
        actor=admin_user, household=near, address="", category="poor", phone="13987654321"
    )
    household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="孙旺奎")

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(town_officer.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto("/audit/")
    assert page.locator("h1").inner_text() == "审计日志"
    table = page.locator("table").inner_text()
    assert "邵维基" in table and "孙旺奎" not in table
    assert "138****5678 → 139****4321" in table
    assert "13812345678" not in page.content()

    page.get_by_label("操作").select_option("update")
    page.get_by_role("button", name="查找").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "邵维基".encode() in data

    page.goto("/audit/?date_from=2024-02-30")
    assert "「起始日期」" in page.get_by_role("search").inner_text()

    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto("/audit/")
    page.screenshot(path=str(SCREENSHOTS / "audit-search.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Audit trail"
    assert "Export CSV" in page.locator("main").inner_text()
