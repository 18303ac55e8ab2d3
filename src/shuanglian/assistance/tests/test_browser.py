"""A cadre on a phone-sized screen logs a visit with a photo and a request, and finds the
request among the follow-ups. Debian's chromium through Playwright, as in core's browser test.
"""

import io

import pytest
from PIL import Image

from shuanglian.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    # A phone's screen: cadres log visits standing in the household's yard.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_cadre_logs_a_visit_with_a_photo_and_a_request(page, aw, cadre_user, tmp_path):
    photo = tmp_path / "院子.png"
    image = Image.new("RGB", (64, 48), (90, 160, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(cadre_user.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto(f"/assistance/households/{aw.household_g.pk}/visits/")
    page.locator(f'a[href="/assistance/households/{aw.household_g.pk}/visits/new/"]').click()
    page.locator("#id_visited_on").fill("2012-08-14")
    page.locator("#id_mode").select_option("home")
    page.locator("#id_discussion").fill("了解苹果园管护和孩子上学情况")
    page.locator("#id_satisfaction").select_option("5")
    page.locator("#id_request_1").fill("申请苹果树修剪技术指导")
    page.locator("#id_request_1_due").fill("2012-09-30")
    page.locator("#id_photos").set_input_files(str(photo))
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    assert "申请苹果树修剪技术指导" in page.locator("#requests").inner_text()
    thumbnail = page.locator("#photos img").first
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")

    page.goto("/assistance/follow-ups/")
    item = page.locator("#follow-ups li").filter(has_text="申请苹果树修剪技术指导")
    assert item.count() == 1
    assert "马秀英" in item.inner_text()
    assert "2012-09-30" in item.inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "visit.png"), full_page=True)
