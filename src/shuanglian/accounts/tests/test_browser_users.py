"""A county officer creates a cadre account in a real browser; the cadre then sees exactly the
households paired with them."""

import pytest

from shuanglian.conftest import NUANQUAN, SCREENSHOTS
from shuanglian.households.tests.factories import household
from shuanglian.pairings.tests.factories import household_pairing, village_pairing
from shuanglian.units.tests.factories import cadre, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Test@12345"
CADRE_PASSWORD = "Sunwangkui@2012"
CADRE_NEW_PASSWORD = "Nuanquan@2024"


def _log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_officer_creates_a_cadre_account_scoped_to_two_households(
    page,
    county_officer,
    admin_user,
):
    paired_unit = unit(actor=admin_user, name="中共秦安县委宣传部", short_name="县委宣传部")
    village_pairing(actor=admin_user, unit=paired_unit, village=NUANQUAN)
    helper = cadre(actor=admin_user, unit=paired_unit, name="孙旺奎", position="科员")
    colleague = cadre(actor=admin_user, unit=paired_unit, name="李爱仙")
    for head in ("邵维基", "王建祥"):
        home = household(actor=admin_user, village=NUANQUAN, head_name=head)
        household_pairing(actor=admin_user, household=home, cadre=helper)
    # A household of the same village with another cadre: not in the new account's set.
    other = household(actor=admin_user, village=NUANQUAN, head_name="张国栋")
    household_pairing(actor=admin_user, household=other, cadre=colleague)

    _log_in(page, county_officer.username, PASSWORD)
    page.get_by_role("link", name="用户", exact=True).click()
    assert page.locator("h1").inner_text() == "用户管理"
    page.get_by_role("link", name="新增", exact=True).click()
    assert page.locator("h1").inner_text() == "新增用户账号"

    page.get_by_label("用户名").fill("sunwk")
    page.get_by_label("姓名").fill("孙旺奎")
    page.get_by_label("角色").select_option(label="干部")
    page.get_by_label("干部", exact=True).select_option(label="孙旺奎（县委宣传部，现联系 2 户）")
    # Required fields' labels end in " *": the first password box is named by its id.
    page.locator("#id_password").fill(CADRE_PASSWORD)
    page.get_by_label("再次输入初始密码").fill(CADRE_PASSWORD)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text().startswith("sunwk")
    assert "账号 sunwk 已创建。" in page.get_by_role("alert").inner_text()
    households = page.locator("#account-households tbody tr")
    assert households.count() == 2
    listed = page.locator("#account-households").inner_text()
    assert "邵维基" in listed and "王建祥" in listed and "张国栋" not in listed
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "user-management.png"), full_page=True)

    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    _log_in(page, "sunwk", CADRE_PASSWORD)
    # The initial password was set by the officer: it must be changed before anything else.
    assert page.locator("h1").inner_text() == "修改密码"
    page.get_by_label("当前密码").fill(CADRE_PASSWORD)
    page.locator("#id_new_password").fill(CADRE_NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(CADRE_NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "我的账户"

    page.get_by_role("link", name="联系户", exact=True).click()
    page.wait_for_load_state()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    table = page.locator("main table").inner_text()
    assert "邵维基" in table and "王建祥" in table and "张国栋" not in table
    # A cadre manages no accounts: no 用户 link, and the page itself is refused.
    assert page.get_by_role("link", name="用户", exact=True).count() == 0
    assert page.goto("/accounts/users/").status == 403
