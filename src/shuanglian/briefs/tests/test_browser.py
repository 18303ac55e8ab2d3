"""A town officer generates a work brief in a real browser, edits a section, and opens the
printable page; screenshots of the brief and its print view."""

import datetime as dt

import pytest

from shuanglian.alerts.tests.factories import world
from shuanglian.briefs.models import Brief
from shuanglian.conftest import GUOJIA, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_generate_edit_and_print_a_brief(page, admin_user, town_officer):
    world(admin_user)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(town_officer.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto("/briefs/new/")
    page.locator("#id_region").fill(GUOJIA)
    page.locator("#id_period_start").fill("2012-01-01")
    page.locator("#id_period_end").fill(dt.date(2012, 12, 31).isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    brief = Brief.objects.get()
    assert page.locator("h1").inner_text() == brief.title
    assert "【县委宣传部】" in page.locator("article").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "brief-detail.png"), full_page=True)
    page.goto(f"/briefs/{brief.pk}/edit/")
    page.locator("#id_overview").fill("全镇双联工作稳步推进。")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "全镇双联工作稳步推进。" in page.locator("article").inner_text()
    page.goto(f"/briefs/{brief.pk}/print/")
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    page.screenshot(path=str(SCREENSHOTS / "brief-print.png"), full_page=True)
