import datetime as dt
import re

import pytest

from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import GUOJIA, HUAIMIAO, LONGCHENG, NUANQUAN, QINAN
from shuanglian.households.selectors import household_list
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects.selectors import project_list
from shuanglian.projects.tests import factories as prf
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db


def figure(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">(?:<a [^>]*>)?([^<]*)', html)
    assert match, element_id
    return match.group(1).strip()


def build(admin_user, *, households_per_village: int):
    """县委宣传部 leads 暖泉村 and 槐庙村; a cadre pairs every poor household and visits it."""
    unit = uf.unit(actor=admin_user, name="县委宣传部")
    cadre = uf.cadre(actor=admin_user, unit=unit, name="李爱仙")
    for village in (NUANQUAN, HUAIMIAO):
        pf.village_pairing(actor=admin_user, unit=unit, village=village, role="lead")
        for index in range(households_per_village):
            household = hf.household(
                actor=admin_user, village=village, head_name="孙旺奎",
                category="poor" if index % 2 == 0 else "general",
            )  # fmt: skip
            if index % 2 == 0:
                pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
                af.visit(actor=admin_user, household=household, cadre=cadre,
                         visited_on=dt.date.today())  # fmt: skip
    project = prf.project(actor=admin_user, village=NUANQUAN, type="road", lead_unit_id=unit.pk)
    prf.funding(actor=admin_user, project=project, amount="1000", unit_id=unit.pk)
    hf.household(actor=admin_user, village="620522103200", category="poor")
    return unit, cadre


def test_index_sends_each_role_to_its_dashboard(login, county_officer, unit_admin, cadre_user):
    assert login(county_officer).get("/dashboard/")["Location"] == f"/dashboard/regions/{QINAN}/"
    unit = unit_admin.unit
    assert login(unit_admin).get("/dashboard/")["Location"] == f"/dashboard/units/{unit.pk}/"
    assert login(cadre_user).get("/dashboard/")["Location"] == "/"


def test_index_for_an_administrator_lists_the_provinces(login, admin_user):
    response = login(admin_user).get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/regions/620000000000/"


def test_county_dashboard_figures_children_and_breadcrumbs(login, admin_user, county_officer):
    build(admin_user, households_per_village=4)
    client = login(county_officer)
    html = client.get(f"/dashboard/regions/{QINAN}/").content.decode()
    assert figure(html, "fig-households") == "9"
    assert figure(html, "fig-poor-covered") == "4"
    assert "共 5 户贫困户（80.0%）" in html
    assert figure(html, "fig-units") == "1"
    assert figure(html, "fig-cadres") == "1"
    assert figure(html, "fig-visits-30") == "4"
    assert figure(html, "fig-not-visited-60") == "0"
    # The children table links to each township's dashboard; 郭嘉镇 has 8 households.
    assert f'href="/dashboard/regions/{GUOJIA}/"' in html
    row = re.search(
        rf'href="/dashboard/regions/{GUOJIA}/">[^<]*</a></td><td class="text-end">(\d+)', html
    )
    assert row.group(1) == "8"
    # The breadcrumbs of a village go back up to the county (the officer's own region) and name
    # the city and province without a link.
    html = client.get(f"/dashboard/regions/{NUANQUAN}/").content.decode()
    crumbs = html[html.index('id="dashboard-breadcrumbs"') :].split("</ol>")[0]
    assert f'href="/dashboard/regions/{QINAN}/"' in crumbs
    assert f'href="/dashboard/regions/{GUOJIA}/"' in crumbs
    assert "/dashboard/regions/620500000000/" not in crumbs
    assert "天水市" in crumbs


def test_figures_equal_the_counts_of_the_lists_they_link_to(login, admin_user, town_officer):
    build(admin_user, households_per_village=3)
    client = login(town_officer)
    html = client.get(f"/dashboard/regions/{GUOJIA}/").content.decode()
    links = re.findall(r'href="([^"]+)" data-figure="([^"]+)">(\d+)<', html)
    assert {name for _href, name, _n in links} >= {"households-poor", "projects-road-planned"}
    for href, name, value in links:
        query = dict(part.split("=") for part in href.split("?")[1].split("&amp;"))
        if name.startswith("households-"):
            page = household_list(user=town_officer, limit=1000, **query)
        else:
            page = project_list(user=town_officer, limit=1000, **query)
        assert len(page.items) == int(value), name
        listed = client.get(href.replace("&amp;", "&"))
        assert listed.status_code == 200
    total = household_list(user=town_officer, limit=1000, region=GUOJIA)
    assert figure(html, "fig-households") == str(len(total.items))


def test_out_of_scope_and_cadres_get_404(login, admin_user, town_officer, cadre_user):
    build(admin_user, households_per_village=1)
    assert login(town_officer).get(f"/dashboard/regions/{LONGCHENG}/").status_code == 404
    assert login(town_officer).get(f"/dashboard/regions/{QINAN}/").status_code == 404
    assert login(town_officer).get("/dashboard/regions/620522104999/").status_code == 404
    assert login(cadre_user).get(f"/dashboard/regions/{NUANQUAN}/").status_code == 404


def test_unit_dashboard(login, admin_user, unit_admin, cadre_user):
    unit, _cadre = build(admin_user, households_per_village=2)
    client = login(admin_user)
    html = client.get(f"/dashboard/units/{unit.pk}/").content.decode()
    assert figure(html, "fig-cadres") == "1"
    assert figure(html, "fig-paired-villages") == "2"
    assert figure(html, "fig-poor-covered") == "2"
    assert figure(html, "fig-funds") == "1000.00"
    # 县妇联's administrator sees only 县妇联's dashboard: not that of a unit sharing its village
    # (暖泉村), nor one of 陇城镇. Its cadre sees none, not even 县妇联's (their own figures are
    # on their home page).
    assert login(unit_admin).get(f"/dashboard/units/{unit.pk}/").status_code == 404
    water = uf.unit(actor=admin_user, name="县水务局")
    pf.village_pairing(actor=admin_user, unit=water, village="620522103200")
    assert login(unit_admin).get(f"/dashboard/units/{water.pk}/").status_code == 404
    assert login(unit_admin).get(f"/dashboard/units/{unit_admin.unit_id}/").status_code == 200
    assert login(cadre_user).get(f"/dashboard/units/{unit_admin.unit_id}/").status_code == 404


def test_unit_dashboard_needs_the_officers_region_to_cover_all_the_units_villages(
    login, admin_user, town_officer, other_town_officer, county_officer
):
    """A 郭嘉镇 unit paired with 暖泉村 is 郭嘉镇's to see; once also paired with a village of
    陇城镇, its figures count 陇城镇's households too, and only the county sees them."""
    unit = uf.unit(actor=admin_user, name="郭嘉镇卫生院", region=GUOJIA, level="township")
    cadre = uf.cadre(actor=admin_user, unit=unit, name="李爱仙")
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN, role="lead")
    url = f"/dashboard/units/{unit.pk}/"
    assert login(town_officer).get(url).status_code == 200
    assert login(other_town_officer).get(url).status_code == 404
    pf.village_pairing(actor=admin_user, unit=unit, village="620522103200", role="lead")
    household = hf.household(actor=admin_user, village="620522103200", category="poor")
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    town = login(town_officer)
    hidden, missing = town.get(url), town.get("/dashboard/units/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert town.get(f"/api/v1/dashboard/units/{unit.pk}").status_code == 404
    assert login(other_town_officer).get(url).status_code == 404
    html = login(county_officer).get(url).content.decode()
    assert figure(html, "fig-paired-villages") == "2"
    # A unit based in the county is the county's, whichever villages it is paired with.
    county_unit = uf.unit(actor=admin_user, name="县委宣传部")
    pf.village_pairing(actor=admin_user, unit=county_unit, village=NUANQUAN, role="member")
    assert login(town_officer).get(f"/dashboard/units/{county_unit.pk}/").status_code == 404
    assert login(county_officer).get(f"/dashboard/units/{county_unit.pk}/").status_code == 200


def test_cadre_home_shows_the_cadres_own_figures(login, admin_user, cadre_user):
    cadre = cadre_user.cadre
    household = hf.household(actor=admin_user, village=NUANQUAN)
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    af.visit(actor=admin_user, household=household, cadre=cadre, visited_on=dt.date.today())
    html = login(cadre_user).get("/").content.decode()
    assert 'id="my-figures"' in html
    assert figure(html, "fig-paired-households") == "1"
    assert figure(html, "fig-visits-30") == "1"
    assert figure(html, "fig-not-visited-60") == "0"


def test_city_dashboard_draws_a_map_of_its_counties_and_a_county_none(login, admin_user):
    client = login(admin_user)
    html = client.get("/dashboard/regions/620500000000/").content.decode()
    assert 'id="dashboard-map"' in html and "秦安县" in html
    assert 'data-chart="map"' in html
    html = client.get(f"/dashboard/regions/{QINAN}/").content.decode()
    assert 'id="dashboard-map"' not in html
    assert "vendor/echarts/echarts.min.js" in html


@pytest.mark.parametrize("per_village", [1, 12])
def test_a_dashboard_request_runs_the_same_queries_whatever_the_data(
    login, admin_user, county_officer, django_assert_max_num_queries, per_village
):
    build(admin_user, households_per_village=per_village)
    client = login(county_officer)
    for code in (QINAN, GUOJIA, NUANQUAN):
        with django_assert_max_num_queries(12):
            assert client.get(f"/dashboard/regions/{code}/").status_code == 200
    unit_admin_client = login(admin_user)
    from shuanglian.units.models import Unit

    unit = Unit.objects.get(name="县委宣传部")
    with django_assert_max_num_queries(8):
        assert unit_admin_client.get(f"/dashboard/units/{unit.pk}/").status_code == 200
