import datetime as dt

import pytest

from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN, QINAN
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(admin_user):
    unit = uf.unit(actor=admin_user, name="县委宣传部")
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN)
    cadre = uf.cadre(actor=admin_user, unit=unit, name="李爱仙")
    household = hf.household(actor=admin_user, village=NUANQUAN)
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    af.visit(actor=admin_user, household=household, cadre=cadre, visited_on=dt.date.today())
    hf.household(actor=admin_user, village="620522103200", category="demonstration")
    return unit


def test_region_dashboard_with_children(login, county_officer, work):
    response = login(county_officer).get(f"/api/v1/dashboard/regions/{QINAN}")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["level"]) == (QINAN, "county")
    figures = body["figures"]
    assert figures["households"] == 2
    assert figures["households_by_category"]["poor"] == 1
    assert (figures["poor_with_active_cadre"], figures["poor_coverage"]) == (1, 100.0)
    assert (figures["units"], figures["cadres"], figures["visits_30_days"]) == (1, 1, 1)
    assert figures["not_visited_60_days"] == 0
    children = {child["code"]: child for child in body["children"]}
    assert children[GUOJIA]["households"] == 1
    assert children[LONGCHENG]["households_by_category"]["demonstration"] == 1
    assert children[GUOJIA]["villages"] == 35


def test_unit_dashboard(login, admin_user, work):
    body = login(admin_user).get(f"/api/v1/dashboard/units/{work.pk}").json()
    assert (body["id"], body["name"]) == (work.pk, "县委宣传部")
    assert body["figures"]["cadres"] == 1
    assert body["figures"]["paired_households"] == 1
    assert body["figures"]["visits_90_days"] == 1


def test_unit_dashboard_only_for_whoever_sees_all_its_villages(
    login, admin_user, county_officer, town_officer, unit_admin, cadre_user, work
):
    """县委宣传部 is based in 秦安县: not 郭嘉镇's to see, though 暖泉村 is. Neither the
    administrator of a unit sharing 暖泉村 nor a cadre sees it."""
    path = f"/api/v1/dashboard/units/{work.pk}"
    assert login(county_officer).get(path).status_code == 200
    for user in (town_officer, unit_admin, cadre_user):
        hidden = login(user).get(path)
        missing = login(user).get("/api/v1/dashboard/units/999999")
        assert hidden.status_code == missing.status_code == 404, user.username
        assert hidden.json()["message"].replace(str(work.pk), "ID") == missing.json()[
            "message"
        ].replace("999999", "ID")
    assert login(unit_admin).get(f"/api/v1/dashboard/units/{unit_admin.unit_id}").status_code == 200


def test_out_of_scope_is_the_same_404_as_nothing(login, town_officer, cadre_user, work):
    client = login(town_officer)
    hidden = client.get(f"/api/v1/dashboard/regions/{LONGCHENG}")
    missing = client.get("/api/v1/dashboard/regions/620522104999")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.json()) == {"message", "extra"}
    assert login(cadre_user).get(f"/api/v1/dashboard/regions/{NUANQUAN}").status_code == 404


def test_anonymous_gets_401(client, work):
    assert client.get(f"/api/v1/dashboard/regions/{QINAN}").status_code == 401
