"""The monitoring page and a case, in Debian's chromium through Playwright: screenshots."""

import pytest
from django.utils import timezone

from shuanglian.conftest import GUOJIA, SCREENSHOTS
from shuanglian.monitoring import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_monitoring_page_and_a_refused_case(page, admin_user, town_officer):
    cases = demo.seed(actor=admin_user, today=timezone.localdate())
    refused = next(c for c in cases if c.household == demo.refused_household())
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(town_officer.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto(f"/monitoring/?region={GUOJIA}")
    assert page.locator("#by-stage tr[data-stage='confirmed'] td").nth(1).inner_text() == "4"
    assert page.locator("#overdue").inner_text() == "1"
    assert "暖泉村" in page.locator("#children").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "monitoring.png"), full_page=True)

    page.goto(f"/monitoring/cases/{refused.pk}/")
    problems = page.locator("#elimination-problems").inner_text()
    assert "无劳动能力" in problems or "can work" in problems
    assert "开发式帮扶" in page.locator("#measures").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "monitoring-case.png"), full_page=True)
