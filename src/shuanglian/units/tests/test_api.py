import datetime as dt

import pytest

from shuanglian.conftest import HUAIMIAO, NUANQUAN
from shuanglian.core.pagination import CURSOR_INVALID
from shuanglian.core.tests.api_helpers import error_body, walk_pages, zh
from shuanglian.households.tests.factories import household
from shuanglian.pairings import services as pairing_services
from shuanglian.pairings.models import VillageRole
from shuanglian.pairings.tests.factories import household_pairing, village_pairing
from shuanglian.regions.selectors import REGION_CODE_INVALID, REGION_NOT_FOUND
from shuanglian.units import services
from shuanglian.units.models import CadreRank, Unit, UnitKind, UnitLevel
from shuanglian.units.selectors import UNIT_KIND_INVALID, UNIT_LEVEL_INVALID, UNIT_NOT_FOUND
from shuanglian.units.tests.factories import cadre, unit

LONGCHENG_VILLAGE = "620522103200"
LIST = "/api/v1/units"


def detail_url(pk) -> str:
    return f"{LIST}/{pk}"


@pytest.fixture
def units(admin_user):
    """A county unit paired with 暖泉村, a school in 郭嘉镇, a city body paired with 槐庙村,
    and a county unit paired with a village of 陇城镇."""
    propaganda = unit(actor=admin_user, name="县委宣传部", short_name="宣传部")
    village_pairing(actor=admin_user, unit=propaganda, village=NUANQUAN)
    school = unit(
        actor=admin_user,
        name="郭嘉中学",
        region="620522104000",
        kind=UnitKind.SCHOOL,
        level=UnitLevel.TOWNSHIP,
    )
    congress = unit(
        actor=admin_user,
        name="天水市人大",
        region="620500000000",
        kind=UnitKind.CONGRESS,
        level=UnitLevel.CITY,
    )
    village_pairing(actor=admin_user, unit=congress, village=HUAIMIAO)
    bank = unit(actor=admin_user, name="县建行", kind=UnitKind.FINANCE)
    village_pairing(actor=admin_user, unit=bank, village=LONGCHENG_VILLAGE)
    return {"propaganda": propaganda, "school": school, "congress": congress, "bank": bank}


def listed(client, **params) -> list[dict]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def names(items) -> set[str]:
    return {item["name"] for item in items}


# --- scope -------------------------------------------------------------------------------------


def test_admin_lists_every_unit(login, admin_user, units):
    assert names(listed(login(admin_user))) == {"县委宣传部", "郭嘉中学", "天水市人大", "县建行"}


def test_town_officer_sees_units_based_or_paired_in_town(login, town_officer, units):
    assert names(listed(login(town_officer))) == {"县委宣传部", "郭嘉中学", "天水市人大"}


def test_other_town_officer_sees_only_its_units(login, other_town_officer, units):
    client = login(other_town_officer)
    assert names(listed(client)) == {"县建行"}
    assert listed(client, region="620522104") == []
    body = error_body(client.get(LIST, {"region": "620522199"}), 400)
    assert body["message"] == zh(REGION_NOT_FOUND).format(code="620522199")


def test_out_of_scope_detail_is_the_same_404_as_nonexistent(login, other_town_officer, units):
    client = login(other_town_officer)
    target = units["propaganda"]
    missing_id = Unit.objects.order_by("-pk").first().pk + 1000
    out_of_scope = error_body(client.get(detail_url(target.pk)), 404)
    missing = error_body(client.get(detail_url(missing_id)), 404)
    assert out_of_scope["message"] == zh(UNIT_NOT_FOUND).format(id=target.pk)
    assert missing["message"] == zh(UNIT_NOT_FOUND).format(id=missing_id)
    assert out_of_scope["extra"] == missing["extra"] == {"field": "id"}


def test_viewer_reads(login, viewer, units):
    client = login(viewer)
    assert len(listed(client)) == 4
    assert client.get(detail_url(units["school"].pk)).status_code == 200


@pytest.mark.parametrize("path", ["", "/1"])
def test_anonymous_gets_401(client, regions, path):
    error_body(client.get(LIST + path), 401)


# --- filters -----------------------------------------------------------------------------------


def test_region_filter_takes_home_and_paired_villages(login, admin_user, units):
    client = login(admin_user)
    assert names(listed(client, region="620522104")) == {"县委宣传部", "郭嘉中学", "天水市人大"}
    assert names(listed(client, region=HUAIMIAO)) == {"天水市人大"}
    assert names(listed(client, region="620522103")) == {"县建行"}
    assert names(listed(client, region="6205")) == {
        "县委宣传部",
        "郭嘉中学",
        "天水市人大",
        "县建行",
    }


def test_kind_level_and_name_filters(login, admin_user, units):
    client = login(admin_user)
    assert names(listed(client, kind=UnitKind.SCHOOL)) == {"郭嘉中学"}
    assert names(listed(client, level=UnitLevel.CITY)) == {"天水市人大"}
    assert names(listed(client, q="宣传")) == {"县委宣传部"}
    assert names(listed(client, q="县", kind=UnitKind.FINANCE)) == {"县建行"}


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("kind", "club", UNIT_KIND_INVALID),
        ("level", "national", UNIT_LEVEL_INVALID),
        ("region", "tianshui", REGION_CODE_INVALID),
        ("region", "6205221042001", REGION_CODE_INVALID),
    ],
)
def test_bad_filter_is_400(login, admin_user, units, param, value, message):
    body = error_body(login(admin_user).get(LIST, {param: value}), 400)
    assert body["message"] == zh(message).format(value=value)
    assert body["extra"] == {"field": param}


def test_malformed_cursor_is_400(login, admin_user, units):
    body = error_body(login(admin_user).get(LIST, {"cursor": "nope"}), 400)
    assert body["message"] == zh(CURSOR_INVALID)


def test_cursor_walks_every_unit_exactly_once(login, admin_user, units):
    for n in range(3):
        unit(actor=admin_user, name=f"县直单位{n}")
    seen, pages = walk_pages(login(admin_user), LIST, limit=3)
    assert sorted(seen) == seen
    assert set(seen) == set(Unit.objects.values_list("pk", flat=True))
    assert len(seen) == 7
    assert pages == 3


# --- content -----------------------------------------------------------------------------------


def test_list_item_fields(login, admin_user, units):
    cadre(actor=admin_user, unit=units["school"])
    gone = cadre(actor=admin_user, unit=units["school"], name="离任干部")
    services.cadre_update(actor=admin_user, cadre=gone, name=gone.name, is_active=False)
    [item] = listed(login(admin_user), kind=UnitKind.SCHOOL)
    assert item == {
        "id": units["school"].pk,
        "name": "郭嘉中学",
        "short_name": "",
        "kind": "school",
        "level": "township",
        "home_region": {"code": "620522104000", "name": "郭嘉镇"},
        "leader_name": "",
        "leader_post": "",
        "cadre_count": 1,
    }


def test_detail_has_cadres_masked_and_pairing_history(login, admin_user, units):
    propaganda = units["propaganda"]
    leader = cadre(
        actor=admin_user,
        unit=propaganda,
        name="李爱仙",
        position="县委常委、宣传部长",
        rank=CadreRank.DIVISION,
        phone="13812345678",
    )
    h = household(actor=admin_user, village=NUANQUAN)
    household_pairing(actor=admin_user, household=h, cadre=leader)
    [first] = propaganda.village_pairings.all()
    pairing_services.village_pairing_end(
        actor=admin_user, pairing=first, end_date=dt.date(2013, 12, 31)
    )
    village_pairing(
        actor=admin_user,
        unit=propaganda,
        village=HUAIMIAO,
        role=VillageRole.MEMBER,
        start=dt.date(2014, 1, 1),
    )

    response = login(admin_user).get(detail_url(propaganda.pk))
    assert response.status_code == 200
    body = response.json()
    assert "13812345678" not in response.content.decode()
    assert body["name"] == "县委宣传部"
    assert body["short_name"] == "宣传部"
    assert body["cadre_count"] == 1
    [only] = body["cadres"]
    assert only["name"] == "李爱仙"
    assert only["position"] == "县委常委、宣传部长"
    assert only["rank"] == "division"
    assert only["phone_masked"] == leader.phone_masked
    assert "*" in only["phone_masked"]
    assert only["household_count"] == 0  # the village pairing ended, and with it the cadre's
    assert set(only) == {
        "id",
        "name",
        "position",
        "rank",
        "phone_masked",
        "is_active",
        "household_count",
    }

    current, history = body["village_pairings"]
    assert current["village"] == {"code": HUAIMIAO, "name": "槐庙村民委员会"}
    assert current["township"] == {"code": "620522104000", "name": "郭嘉镇"}
    assert (current["role"], current["is_active"], current["end_date"]) == ("member", True, None)
    assert history["village"]["code"] == NUANQUAN
    assert (history["role"], history["is_active"]) == ("lead", False)
    assert (history["start_date"], history["end_date"]) == ("2012-03-01", "2013-12-31")


def test_detail_counts_current_households_per_cadre(login, admin_user, units):
    leader = cadre(actor=admin_user, unit=units["propaganda"])
    for name in ("李爱仙", "单雄信"):
        h = household(actor=admin_user, village=NUANQUAN, head_name=name)
        household_pairing(actor=admin_user, household=h, cadre=leader)
    body = login(admin_user).get(detail_url(units["propaganda"].pk)).json()
    assert body["cadres"][0]["household_count"] == 2


def test_list_query_count_does_not_grow_with_rows(
    login, admin_user, regions, django_assert_max_num_queries
):
    for n in range(8):
        u = unit(actor=admin_user, name=f"单位{n}")
        cadre(actor=admin_user, unit=u)
    client = login(admin_user)
    with django_assert_max_num_queries(4):
        response = client.get(LIST)
    assert len(response.json()["items"]) == 8
    assert all(item["cadre_count"] == 1 for item in response.json()["items"])
