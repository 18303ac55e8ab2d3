import pytest

from shuanglian.conftest import GUOJIA, HUAIMIAO, NUANQUAN, QINAN
from shuanglian.core.tests.api_helpers import error_body, zh
from shuanglian.households.models import Category
from shuanglian.households.tests.factories import household
from shuanglian.pairings.tests.factories import household_pairing, village_pairing
from shuanglian.regions.selectors import REGION_NOT_FOUND
from shuanglian.units.tests.factories import cadre, unit

URL = "/api/v1/regions/{}"


def get(client, code):
    return client.get(URL.format(code))


@pytest.fixture
def activity(admin_user):
    """In 暖泉村: one unit, two cadres, three households; in 槐庙村: one household."""
    propaganda = unit(actor=admin_user)
    village_pairing(actor=admin_user, unit=propaganda, village=NUANQUAN)
    cadres = [cadre(actor=admin_user, unit=propaganda, name=n) for n in ("李爱仙", "邵维基")]
    poor = [household(actor=admin_user, village=NUANQUAN, head_name=n) for n in ("王一", "王二")]
    household(actor=admin_user, village=NUANQUAN, head_name="王三", category=Category.DEMONSTRATION)
    for h, c in zip(poor, cadres, strict=True):
        household_pairing(actor=admin_user, household=h, cadre=c)
    household(actor=admin_user, village=HUAIMIAO, head_name="孙四", category=Category.MONITORED)


@pytest.mark.parametrize("code", ["620522104", GUOJIA])
def test_township_with_children_and_counts(login, admin_user, activity, code):
    body = get(login(admin_user), code).json()
    assert body["code"] == GUOJIA
    assert body["name"] == "郭嘉镇"
    assert body["short_name"] == "郭嘉镇"
    assert body["level"] == "township"
    assert body["parent"] == {"code": QINAN, "name": "秦安县"}
    assert len(body["children"]) == 35
    children = {child["code"]: child for child in body["children"]}
    assert children[NUANQUAN] == {
        "code": NUANQUAN,
        "name": "暖泉村民委员会",
        "short_name": "暖泉村",
        "level": "village",
        "units": 1,
        "cadres": 2,
        "households": {
            "general": 0,
            "poor": 2,
            "demonstration": 1,
            "exited": 0,
            "monitored": 0,
        },
        "households_total": 3,
    }
    assert children[HUAIMIAO]["households"]["monitored"] == 1
    assert children[HUAIMIAO]["households_total"] == 1
    assert children[HUAIMIAO]["units"] == 0


def test_county_children_add_up_by_township(login, admin_user, activity):
    body = get(login(admin_user), "620522").json()
    assert body["code"] == QINAN
    assert body["level"] == "county"
    assert len(body["children"]) == 17
    [guojia] = [c for c in body["children"] if c["code"] == GUOJIA]
    assert (guojia["units"], guojia["cadres"], guojia["households_total"]) == (1, 2, 4)
    assert guojia["households"]["poor"] == 2


def test_province_has_no_parent(login, admin_user, regions):
    body = get(login(admin_user), "62").json()
    assert body["code"] == "620000000000"
    assert body["level"] == "province"
    assert body["parent"] is None
    assert "620500000000" in {c["code"] for c in body["children"]}


def test_village_has_no_children(login, admin_user, regions):
    body = get(login(admin_user), NUANQUAN).json()
    assert body["level"] == "village"
    assert body["parent"] == {"code": GUOJIA, "name": "郭嘉镇"}
    assert body["children"] == []


def test_town_officer_reads_own_town_only(login, town_officer, activity):
    client = login(town_officer)
    assert get(client, "620522104").status_code == 200
    assert get(client, NUANQUAN).status_code == 200
    error_body(get(client, "620522"), 404)


def test_viewer_reads(login, viewer, activity):
    assert get(login(viewer), "620522").status_code == 200


def test_out_of_scope_is_the_same_404_as_unknown(login, other_town_officer, regions):
    client = login(other_town_officer)
    out_of_scope = error_body(get(client, "620522104"), 404)
    unknown = error_body(get(client, "620522199"), 404)
    assert out_of_scope["message"] == zh(REGION_NOT_FOUND).format(code=GUOJIA)
    assert unknown["message"] == zh(REGION_NOT_FOUND).format(code="620522199000")
    assert out_of_scope["extra"] == unknown["extra"] == {"field": "code"}


@pytest.mark.parametrize("code", ["620522199", "999999999999", "gansu", "6205221042001"])
def test_unknown_or_malformed_code_is_404(login, admin_user, regions, code):
    error_body(get(login(admin_user), code), 404)


def test_anonymous_gets_401(client, regions):
    error_body(get(client, "620522"), 401)


def test_query_count_does_not_grow_with_children(
    login, admin_user, activity, django_assert_max_num_queries
):
    client = login(admin_user)
    with django_assert_max_num_queries(7):
        response = get(client, "620522104")
    assert len(response.json()["children"]) == 35
