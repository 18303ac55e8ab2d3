"""A town officer reads the alert digest, drills into a village's alerts and dismisses one, in a
real browser; screenshots of the inbox and the digest."""

import pytest

from shuanglian.alerts.models import AlertDismissal, AlertKind
from shuanglian.alerts.tests.factories import open_alerts, refresh, world
from shuanglian.conftest import NUANQUAN, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_digest_inbox_and_dismiss(page, admin_user, town_officer):
    data = world(admin_user)
    refresh()
    SCREENSHOTS.mkdir(exist_ok=True)
    _log_in(page, town_officer.username)
    page.goto("/alerts/digest/")
    total = open_alerts().filter(region__code__startswith="620522104").count()
    assert page.locator("#digest-total").inner_text() == str(total)
    page.screenshot(path=str(SCREENSHOTS / "alerts-digest.png"), full_page=True)
    page.locator(f'tr[data-region="{NUANQUAN}"] td a').first.click()
    page.wait_for_load_state()
    rows = page.locator("#alerts tbody tr")
    assert rows.count() == total
    page.screenshot(path=str(SCREENSHOTS / "alerts-inbox.png"), full_page=True)
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    page.locator(f'tr[data-alert="{alert.pk}"] a.btn').click()
    page.wait_for_load_state()
    page.locator("#id_reason").fill("已安排联系干部，下周录入")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(f'tr[data-alert="{alert.pk}"]').count() == 0
    assert AlertDismissal.objects.filter(alert=alert, user=town_officer).exists()
