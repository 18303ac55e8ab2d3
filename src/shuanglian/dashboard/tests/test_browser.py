"""The 秦安县 officer drills down from the county to a village, a screenshot at each level; the
charts are drawn (ECharts served locally). Debian's chromium through Playwright."""

import datetime as dt

import pytest

from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import HUAIMIAO, NUANQUAN, SCREENSHOTS
from shuanglian.households import services as household_services
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects.tests import factories as prf
from shuanglian.units.tests import factories as uf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(admin_user):
    unit = uf.unit(actor=admin_user, name="县委宣传部")
    cadre = uf.cadre(actor=admin_user, unit=unit, name="李爱仙")
    for village in (NUANQUAN, HUAIMIAO):
        pf.village_pairing(actor=admin_user, unit=unit, village=village)
        for index in range(3):
            household = hf.household(
                actor=admin_user, village=village, head_name="孙旺奎",
                category=("poor", "demonstration", "general")[index],
            )  # fmt: skip
            household_services.income_record_save(
                actor=admin_user,
                household=household,
                year=2012,
                wage_income=str(2000 * index + 1500),
            )
            if index < 2:
                pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
                af.visit(actor=admin_user, household=household, cadre=cadre,
                         visited_on=dt.date.today() - dt.timedelta(days=10 * index))  # fmt: skip
    project = prf.project(actor=admin_user, village=NUANQUAN, lead_unit_id=unit.pk)
    prf.funding(actor=admin_user, project=project, amount="30000")
    hf.household(actor=admin_user, village="620522103200")


def login(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def charts_drawn(page) -> int:
    page.wait_for_function("document.querySelectorAll('[data-drawn]').length > 0")
    return page.locator("[data-drawn]").count()


def test_drill_from_qinan_to_a_village(page, data, county_officer):
    SCREENSHOTS.mkdir(exist_ok=True)
    login(page, county_officer)
    page.goto("/dashboard/")
    assert page.locator("#dashboard-title").inner_text().startswith("秦安县")
    assert page.locator("#fig-households").inner_text() == "7"
    assert charts_drawn(page) >= 5
    page.screenshot(path=SCREENSHOTS / "dashboard-1-county-qinan.png", full_page=True)

    page.locator("#dashboard-children a", has_text="郭嘉镇").click()
    page.wait_for_load_state()
    assert page.locator("#dashboard-title").inner_text().startswith("郭嘉镇")
    assert page.locator("#fig-households").inner_text() == "6"
    assert page.locator("#fig-poor-covered").inner_text() == "2"
    assert charts_drawn(page) >= 5
    page.screenshot(path=SCREENSHOTS / "dashboard-2-township-guojia.png", full_page=True)

    page.locator("#dashboard-children a", has_text="暖泉村").click()
    page.wait_for_load_state()
    assert page.locator("#dashboard-title").inner_text().startswith("暖泉村")
    assert page.locator("#fig-households").inner_text() == "3"
    assert page.locator("#fig-visits-30").inner_text() == "2"
    assert charts_drawn(page) >= 5
    page.screenshot(path=SCREENSHOTS / "dashboard-3-village-nuanquan.png", full_page=True)

    # Breadcrumbs lead back up.
    page.locator("#dashboard-breadcrumbs a", has_text="秦安县").click()
    page.wait_for_load_state()
    assert page.locator("#dashboard-title").inner_text().startswith("秦安县")


def test_city_map_of_its_counties(page, data, admin_user):
    login(page, admin_user)
    page.goto("/dashboard/regions/620500000000/")
    page.wait_for_function("document.querySelector('[data-chart=map]').dataset.drawn === 'true'")
    page.screenshot(path=SCREENSHOTS / "dashboard-0-city-tianshui-map.png", full_page=True)
    # Clicking 秦安县 on the map opens its dashboard (the map's drill-down).
    box = page.locator("[data-chart=map] canvas").first.bounding_box()
    assert box["width"] > 100
