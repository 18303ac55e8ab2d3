import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuanglian.conftest import HUAIMIAO, NUANQUAN
from shuanglian.core.pagination import CURSOR_INVALID
from shuanglian.core.tests.api_helpers import error_body, walk_pages, zh
from shuanglian.households import services
from shuanglian.households.models import Category, Household, Relation
from shuanglian.households.selectors import (
    CATEGORY_UNKNOWN,
    HOUSEHOLD_NOT_FOUND,
)
from shuanglian.households.tests.factories import household, id_number, member
from shuanglian.pairings import services as pairing_services
from shuanglian.pairings.tests.factories import household_pairing, village_pairing
from shuanglian.regions.selectors import REGION_CODE_INVALID, REGION_NOT_FOUND
from shuanglian.units.tests.factories import cadre, unit

LONGCHENG_VILLAGE = "620522103200"  # 常营村, 陇城镇
LIST = "/api/v1/households"

# Fields that hold ciphertext or blind indexes: never part of a response.
SEALED_FIELDS = ("cipher", "_index", 'id_number"', 'phone"')


def detail_url(pk) -> str:
    return f"{LIST}/{pk}"


@pytest.fixture
def two_towns(admin_user):
    """Households in two villages of 郭嘉镇 and one of 陇城镇."""
    return {
        "guojia": [
            household(actor=admin_user, village=NUANQUAN, head_name="李爱仙"),
            household(actor=admin_user, village=NUANQUAN, head_name="单雄信"),
            household(
                actor=admin_user,
                village=HUAIMIAO,
                head_name="孙旺奎",
                category=Category.DEMONSTRATION,
            ),
        ],
        "longcheng": [
            household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="王建祥"),
            household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="李秀英"),
        ],
    }


def ids(households) -> set[int]:
    return {h.pk for h in households}


def listed(client, **params) -> list[dict]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


# --- scope -------------------------------------------------------------------------------------


def test_admin_lists_every_household(login, admin_user, two_towns):
    items = listed(login(admin_user))
    assert {i["id"] for i in items} == ids(two_towns["guojia"] + two_towns["longcheng"])


def test_town_officer_lists_only_own_town(login, town_officer, two_towns):
    items = listed(login(town_officer))
    assert {i["id"] for i in items} == ids(two_towns["guojia"])


def test_other_town_officer_sees_nothing_of_guojia(login, other_town_officer, two_towns):
    client = login(other_town_officer)
    assert {i["id"] for i in listed(client)} == ids(two_towns["longcheng"])
    # A region above the officer's own narrows nothing.
    assert {i["id"] for i in listed(client, region="62")} == ids(two_towns["longcheng"])


@pytest.mark.parametrize("region", ["620522104", "620522104200"])
def test_region_filter_out_of_scope_lists_nothing(login, other_town_officer, two_towns, region):
    assert listed(login(other_town_officer), region=region) == []


@pytest.mark.parametrize("region", ["620522199", "620522103999", "63"])
def test_unknown_region_filter_is_400(login, admin_user, two_towns, region):
    body = error_body(login(admin_user).get(LIST, {"region": region}), 400)
    assert body["message"] == zh(REGION_NOT_FOUND).format(code=region)
    assert body["extra"] == {"field": "region"}


def test_viewer_reads_list_and_detail(login, viewer, two_towns):
    client = login(viewer)
    assert len(listed(client)) == 5
    target = two_towns["guojia"][0]
    response = client.get(detail_url(target.pk))
    assert response.status_code == 200
    assert response.json()["id"] == target.pk


def test_out_of_scope_detail_is_the_same_404_as_nonexistent(login, other_town_officer, two_towns):
    client = login(other_town_officer)
    target = two_towns["guojia"][0]
    missing_id = Household.objects.order_by("-pk").first().pk + 1000
    out_of_scope = error_body(client.get(detail_url(target.pk)), 404)
    missing = error_body(client.get(detail_url(missing_id)), 404)
    assert out_of_scope["message"] == zh(HOUSEHOLD_NOT_FOUND).format(id=target.pk)
    assert missing["message"] == zh(HOUSEHOLD_NOT_FOUND).format(id=missing_id)
    assert out_of_scope["extra"] == missing["extra"]


def test_unit_admin_sees_the_households_of_the_units_villages(login, unit_admin, two_towns):
    # 县妇联 is paired with 暖泉村 only.
    client = login(unit_admin)
    assert {i["id"] for i in listed(client)} == ids(two_towns["guojia"][:2])
    error_body(client.get(detail_url(two_towns["guojia"][2].pk)), 404)


def test_cadre_sees_exactly_the_households_paired_with_them_now(
    login, admin_user, cadre_user, two_towns
):
    client = login(cadre_user)
    assert listed(client) == []
    mine, other = two_towns["guojia"][:2]
    pairing = household_pairing(actor=admin_user, household=mine, cadre=cadre_user.cadre)
    assert {i["id"] for i in listed(client)} == {mine.pk}
    assert client.get(detail_url(mine.pk)).status_code == 200
    error_body(client.get(detail_url(other.pk)), 404)
    pairing_services.household_pairing_end(
        actor=admin_user, pairing=pairing, end_date=pairing.start_date
    )
    assert listed(client) == []
    error_body(client.get(detail_url(mine.pk)), 404)


@pytest.mark.parametrize("path", ["", "/1"])
def test_anonymous_gets_401(client, regions, path):
    error_body(client.get(LIST + path), 401)


# --- filters -----------------------------------------------------------------------------------


def test_township_filter_returns_only_its_villages(login, admin_user, two_towns):
    items = listed(login(admin_user), region="620522104")
    assert {i["id"] for i in items} == ids(two_towns["guojia"])
    assert all(i["village"]["code"].startswith("620522104") for i in items)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("62", 5),
        ("620522", 5),
        ("620522000000", 5),
        ("620522103", 2),
        ("620522104000", 3),
        (NUANQUAN, 2),
        (HUAIMIAO, 1),
        ("620522105", 0),
    ],
)
def test_region_filter_at_any_level(login, admin_user, two_towns, region, expected):
    assert len(listed(login(admin_user), region=region)) == expected


def test_category_filter(login, admin_user, two_towns):
    items = listed(login(admin_user), category=Category.DEMONSTRATION)
    assert [i["head_name"] for i in items] == ["孙旺奎"]
    assert items[0]["category"] == "demonstration"


@pytest.mark.parametrize(
    ("q", "head"),
    [
        ("lax", "李爱仙"),
        ("liaixian", "李爱仙"),
        ("LAX", "李爱仙"),
        ("李爱仙", "李爱仙"),
        ("shanxiongxin", "单雄信"),
        ("sxx", "单雄信"),
    ],
)
def test_pinyin_search_finds_the_head(login, admin_user, two_towns, q, head):
    assert [i["head_name"] for i in listed(login(admin_user), q=q)] == [head]


def test_search_by_household_number(login, admin_user, two_towns):
    target = two_towns["longcheng"][0]
    assert [i["id"] for i in listed(login(admin_user), q=target.number)] == [target.pk]


def test_search_respects_scope(login, other_town_officer, two_towns):
    assert listed(login(other_town_officer), q="lax") == []


def test_filters_combine(login, admin_user, two_towns):
    client = login(admin_user)
    assert len(listed(client, region="620522104", q="l")) == 1
    assert listed(client, region="620522103", category=Category.DEMONSTRATION) == []


# --- pagination --------------------------------------------------------------------------------


def test_cursor_walks_every_row_exactly_once(login, admin_user, two_towns):
    extra = [household(actor=admin_user, head_name=f"张{n}") for n in range(4)]
    every = ids(two_towns["guojia"] + two_towns["longcheng"] + extra)
    seen, pages = walk_pages(login(admin_user), LIST, limit=2)
    assert len(seen) == len(set(seen)) == len(every)
    assert set(seen) == every
    assert seen == sorted(seen)
    assert pages == 5


def test_cursor_walk_keeps_filters(login, admin_user, two_towns):
    seen, _ = walk_pages(login(admin_user), LIST, limit=1, region="620522104")
    assert set(seen) == ids(two_towns["guojia"])


def test_last_page_has_no_cursor(login, admin_user, two_towns):
    body = login(admin_user).get(LIST, {"limit": 5}).json()
    assert len(body["items"]) == 5
    assert body["next_cursor"] is None


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["!!!", "abc", "azE6LTU", "bm90IGEgY3Vyc29y"])
def test_malformed_cursor_is_400(login, admin_user, two_towns, cursor):
    body = error_body(login(admin_user).get(LIST, {"cursor": cursor}), 400)
    assert body["message"] == zh(CURSOR_INVALID)
    assert body["extra"] == {"field": "cursor"}


def test_unknown_category_is_400(login, admin_user, two_towns):
    body = error_body(login(admin_user).get(LIST, {"category": "rich"}), 400)
    assert body["message"] == zh(CATEGORY_UNKNOWN).format(value="rich")
    assert body["extra"] == {"field": "category"}


@pytest.mark.parametrize("region", ["abc", "6", "6205221042001", "62052210x"])
def test_malformed_region_is_400(login, admin_user, two_towns, region):
    body = error_body(login(admin_user).get(LIST, {"region": region}), 400)
    assert body["message"] == zh(REGION_CODE_INVALID).format(value=region)
    assert body["extra"] == {"field": "region"}


@pytest.mark.parametrize("limit", ["0", "501", "many"])
def test_bad_limit_is_422(login, admin_user, two_towns, limit):
    body = error_body(login(admin_user).get(LIST, {"limit": limit}), 422)
    assert body["extra"]["errors"][0]["loc"] == ["query", "limit"]


def test_non_numeric_id_is_422(login, admin_user, regions):
    error_body(login(admin_user).get(detail_url("abc")), 422)


# --- content -----------------------------------------------------------------------------------


def test_list_item_fields(login, admin_user, regions):
    h = household(actor=admin_user, village=NUANQUAN, head_name="李爱仙")
    member(actor=admin_user, household=h, name="王秀兰")
    u = unit(actor=admin_user)
    c = cadre(actor=admin_user, unit=u, name="邵维基")
    village_pairing(actor=admin_user, unit=u)
    household_pairing(actor=admin_user, household=h, cadre=c)
    [item] = listed(login(admin_user))
    assert item == {
        "id": h.pk,
        "number": h.number,
        "head_name": "李爱仙",
        "village": {"code": NUANQUAN, "name": "暖泉村民委员会"},
        "category": "poor",
        "member_count": 2,
        "current_cadre": {"id": c.pk, "name": "邵维基", "unit": {"id": u.pk, "name": "县委宣传部"}},
    }


def test_list_item_without_cadre(login, admin_user, regions):
    household(actor=admin_user)
    [item] = listed(login(admin_user))
    assert item["current_cadre"] is None


@pytest.fixture
def full_household(admin_user):
    head_id = id_number(birth=dt.date(1962, 5, 17))
    spouse_id = id_number(birth=dt.date(1965, 8, 2), male=False)
    son_id = id_number(birth=dt.date(1990, 1, 9))
    h = household(
        actor=admin_user,
        head_name="李爱仙",
        head_id=head_id,
        phone="13812345678",
        address="暖泉村三组",
    )
    member(actor=admin_user, household=h, name="王秀兰", id_number=spouse_id, sex="female")
    son = member(
        actor=admin_user, household=h, name="李强", id_number=son_id, relation=Relation.SON
    )
    services.member_end(actor=admin_user, member=son, ended_on=dt.date(2012, 6, 1), reason="split")
    u = unit(actor=admin_user)
    first = cadre(actor=admin_user, unit=u, name="邵维基", phone="13987654321")
    second = cadre(actor=admin_user, unit=u, name="王建祥")
    village_pairing(actor=admin_user, unit=u)
    household_pairing(actor=admin_user, household=h, cadre=first, start=dt.date(2012, 3, 1))
    household_pairing(actor=admin_user, household=h, cadre=second, start=dt.date(2013, 1, 1))
    services.income_record_save(
        actor=admin_user,
        household=h,
        year=2012,
        wage_income="6000",
        business_income="2500.50",
        transfer_income="800",
        production_cost="1300.50",
        population=2,
    )
    h.refresh_from_db()
    return {
        "household": h,
        "ids": [head_id, spouse_id, son_id],
        "phones": ["13812345678", "13987654321"],
        "cadres": (first, second),
        "unit": u,
    }


def test_detail_fields(login, admin_user, full_household):
    h = full_household["household"]
    first, second = full_household["cadres"]
    body = login(admin_user).get(detail_url(h.pk)).json()
    assert body["number"] == h.number
    assert body["head_name"] == "李爱仙"
    assert body["village"] == {"code": NUANQUAN, "name": "暖泉村民委员会"}
    assert body["township"] == {"code": "620522104000", "name": "郭嘉镇"}
    assert body["address"] == "暖泉村三组"
    assert body["phone_masked"] == h.phone_masked
    assert body["category"] == "poor"
    assert body["member_count"] == 2

    head, spouse, son = body["members"]
    assert (head["name"], head["relation"], head["is_active"]) == ("李爱仙", "head", True)
    assert head["birth_date"] == "1962-05-17"
    assert head["sex"] == "male"
    assert spouse["id_number_masked"] == h.members.get(name="王秀兰").id_number_masked
    assert spouse["sex"] == "female"
    assert (son["is_active"], son["ended_on"], son["end_reason"]) == (False, "2012-06-01", "split")
    assert set(head) == {
        "id",
        "name",
        "id_number_masked",
        "relation",
        "sex",
        "birth_date",
        "ethnicity",
        "education",
        "school_status",
        "health",
        "labour",
        "work_status",
        "is_active",
        "ended_on",
        "end_reason",
    }

    assert body["current_cadre"] == {
        "id": second.pk,
        "name": "王建祥",
        "unit": {"id": full_household["unit"].pk, "name": "县委宣传部"},
    }
    current, former = body["pairings"]
    assert (current["cadre"]["id"], current["is_active"], current["end_date"]) == (
        second.pk,
        True,
        None,
    )
    assert (former["cadre"]["id"], former["is_active"]) == (first.pk, False)
    assert (former["start_date"], former["end_date"]) == ("2012-03-01", "2013-01-01")

    [income] = body["incomes"]
    assert income["year"] == 2012
    assert income["population"] == 2
    assert income["net_per_capita"] == "4000.00"
    assert income["business_income"] == "2500.50"


def test_no_plaintext_personal_data_in_responses(login, admin_user, full_household):
    client = login(admin_user)
    h = full_household["household"]
    for url in (LIST, detail_url(h.pk), f"{LIST}?q=lax"):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        for secret in full_household["ids"] + full_household["phones"]:
            assert secret not in text
        for sealed in SEALED_FIELDS:
            assert sealed not in text
    masked = json.loads(client.get(detail_url(h.pk)).content)["members"][0]["id_number_masked"]
    assert masked.startswith("620522")
    assert "*" in masked


def test_list_query_count_does_not_grow_with_rows(login, admin_user, regions):
    u = unit(actor=admin_user)
    village_pairing(actor=admin_user, unit=u)
    client = login(admin_user)

    def add_and_count(n: int) -> int:
        for i in range(n):
            h = household(actor=admin_user, head_name=f"李{Household.objects.count()}{i}")
            household_pairing(actor=admin_user, household=h, cadre=cadre(actor=admin_user, unit=u))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert all(item["current_cadre"] for item in response.json()["items"])
        return len(queries)

    assert add_and_count(1) == add_and_count(8)


def test_detail_query_count_is_bounded(
    login, admin_user, full_household, django_assert_max_num_queries
):
    client = login(admin_user)
    with django_assert_max_num_queries(9):
        response = client.get(detail_url(full_household["household"].pk))
    assert response.status_code == 200
