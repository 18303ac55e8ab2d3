import pytest
from django.urls import reverse

from shuanglian.conftest import GUOJIA, HUAIMIAO, LONGCHENG, NUANQUAN, QINAN
from shuanglian.households.models import Category
from shuanglian.households.tests import factories as households
from shuanglian.pairings.models import VillageRole
from shuanglian.pairings.tests import factories as pairings
from shuanglian.regions.tests.pages import (
    assert_login_redirect,
    assert_same_404,
    row_counts,
    text,
)
from shuanglian.units.tests import factories as units

LONGCHENG_VILLAGE = "620522103200"


def detail(code: str) -> str:
    return reverse("regions:detail", args=[code])


@pytest.fixture
def guojia_data(admin_user):
    """Households in two 郭嘉镇 villages and one of 陇城镇; one unit and one cadre at 暖泉村."""
    made = [
        households.household(actor=admin_user, village=NUANQUAN, head_name="王建祥"),
        households.household(actor=admin_user, village=NUANQUAN, head_name="李爱仙"),
        households.household(
            actor=admin_user, village=NUANQUAN, head_name="孙旺奎", category=Category.DEMONSTRATION
        ),
        households.household(
            actor=admin_user, village=NUANQUAN, head_name="邵维基", category=Category.GENERAL
        ),
        households.household(
            actor=admin_user, village=HUAIMIAO, head_name="张三", category=Category.EXITED
        ),
        households.household(
            actor=admin_user,
            village=LONGCHENG_VILLAGE,
            head_name="赵四",
            category=Category.MONITORED,
        ),
    ]
    unit = units.unit(actor=admin_user, name="天水市人大", region="620500000000")
    pairings.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN)
    member_unit = units.unit(actor=admin_user, name="郭嘉中学", region=GUOJIA)
    pairings.village_pairing(
        actor=admin_user, unit=member_unit, village=NUANQUAN, role=VillageRole.MEMBER
    )
    cadre = units.cadre(actor=admin_user, unit=unit, name="刘五")
    pairings.household_pairing(actor=admin_user, household=made[0], cadre=cadre)
    pairings.household_pairing(actor=admin_user, household=made[1], cadre=cadre)
    return {"households": made, "unit": unit, "member_unit": member_unit, "cadre": cadre}


# Who may open the pages.


def test_anonymous_is_sent_to_login(client, regions):
    for url in (reverse("regions:index"), detail(QINAN), reverse("regions:search") + "?q=暖泉"):
        assert_login_redirect(client.get(url))


def test_index_lists_the_roots_of_the_scope(login, admin_user, town_officer):
    page = text(login(admin_user).get(reverse("regions:index")))
    assert "甘肃省" in page and detail("620000000000") in page
    page = text(login(town_officer).get(reverse("regions:index")))
    assert detail(GUOJIA) in page
    assert detail("620000000000") not in page
    assert 'name="q"' in page


@pytest.mark.parametrize("code", [QINAN, GUOJIA, NUANQUAN])
def test_detail_in_scope(login, county_officer, code):
    response = login(county_officer).get(detail(code))
    assert response.status_code == 200
    assert code in text(response)


def test_detail_accepts_a_short_code(login, admin_user):
    response = login(admin_user).get(detail("620522"))
    assert response.status_code == 200
    assert "秦安县" in text(response)


def test_out_of_scope_is_like_nonexistent(login, other_town_officer):
    client = login(other_town_officer)
    assert client.get(detail(LONGCHENG)).status_code == 200
    assert_same_404(client, detail(NUANQUAN), detail("620522104999"))
    assert_same_404(client, detail(QINAN), detail("629999000000"))


def test_viewer_reads_but_gets_no_write_links(login, viewer):
    page = text(login(viewer).get(detail(NUANQUAN)))
    assert reverse("households:list") + f"?region={NUANQUAN}" in page
    assert reverse("households:create") not in page


# The drill-down.


def test_breadcrumbs_link_only_inside_the_scope(login, town_officer):
    page = text(login(town_officer).get(detail(NUANQUAN)))
    for name in ("甘肃省", "天水市", "秦安县", "郭嘉镇"):
        assert name in page
    assert f'href="{detail(GUOJIA)}"' in page
    assert f'href="{detail(QINAN)}"' not in page
    assert f'href="{detail("620000000000")}"' not in page


def test_drill_down_counts_from_qinan_to_nuanquan(login, county_officer, guojia_data):
    client = login(county_officer)

    county = client.get(detail(QINAN))
    assert county.status_code == 200
    page = text(county)
    assert "秦安县" in page and f'href="{detail(GUOJIA)}"' in page
    assert row_counts(county, GUOJIA) == {
        "units": 2,
        "cadres": 1,
        "general": 1,
        "poor": 2,
        "demonstration": 1,
        "exited": 1,
        "monitored": 0,
        "total": 5,
    }
    assert row_counts(county, LONGCHENG)["monitored"] == 1
    assert row_counts(county, LONGCHENG)["total"] == 1
    assert 'id="total-households">6<' in page

    town = client.get(detail(GUOJIA))
    assert row_counts(town, NUANQUAN) == {
        "units": 2,
        "cadres": 1,
        "general": 1,
        "poor": 2,
        "demonstration": 1,
        "exited": 0,
        "monitored": 0,
        "total": 4,
    }
    assert row_counts(town, HUAIMIAO)["exited"] == 1
    assert f'href="{detail(NUANQUAN)}"' in text(town)

    village = client.get(detail(NUANQUAN))
    page = text(village)
    assert "暖泉村民委员会" in page and "暖泉村" in page
    assert 'id="total-households">4<' in page
    assert 'id="children"' not in page
    assert "天水市人大" in page and "郭嘉中学" in page
    assert reverse("units:detail", args=[guojia_data["unit"].pk]) in page
    assert reverse("households:list") + f"?region={NUANQUAN}" in page
    assert reverse("households:create") + f"?village={NUANQUAN}" in page


def test_village_page_keeps_ended_pairings(login, admin_user, guojia_data):
    from shuanglian.pairings.services import village_pairing_end

    pairing = guojia_data["member_unit"].village_pairings.get()
    village_pairing_end(actor=admin_user, pairing=pairing, end_date=pairing.start_date)
    page = text(login(admin_user).get(detail(NUANQUAN)))
    assert "郭嘉中学" in page
    assert pairing.start_date.strftime("%Y-%m-%d") in page


def test_counts_stay_inside_the_scope(login, town_officer, guojia_data):
    response = login(town_officer).get(detail(GUOJIA))
    assert 'id="total-households">5<' in text(response)


def test_region_page_queries_are_bounded(
    login, admin_user, guojia_data, django_assert_max_num_queries
):
    client = login(admin_user)
    for code in (QINAN, GUOJIA, NUANQUAN):
        with django_assert_max_num_queries(14):
            assert client.get(detail(code)).status_code == 200


# Search.


@pytest.mark.parametrize("q", ["暖泉", "暖泉村", "暖泉村民委员会", NUANQUAN])
def test_search_by_short_name(login, county_officer, q):
    response = login(county_officer).get(reverse("regions:search"), {"q": q})
    assert response.status_code == 200
    page = text(response)
    assert f'href="{detail(NUANQUAN)}"' in page
    assert "郭嘉镇" in page


def test_search_stays_inside_the_scope(login, other_town_officer):
    page = text(login(other_town_officer).get(reverse("regions:search"), {"q": "暖泉"}))
    assert detail(NUANQUAN) not in page


def test_empty_search_shows_the_box(login, admin_user):
    response = login(admin_user).get(reverse("regions:search"))
    assert response.status_code == 200
    assert 'name="q"' in text(response)


# The top of the drill-down: the province and the city.

PROVINCE = "620000000000"
TIANSHUI = "620500000000"
QINZHOU = "620502000000"  # 秦州区: a county of 天水市 with nothing registered


def test_drill_down_counts_from_the_province_to_qinan(login, admin_user, guojia_data):
    client = login(admin_user)
    everything = {
        "units": 2,
        "cadres": 1,
        "general": 1,
        "poor": 2,
        "demonstration": 1,
        "exited": 1,
        "monitored": 1,
        "total": 6,
    }

    province = client.get(detail(PROVINCE))
    assert province.status_code == 200
    page = text(province)
    assert "甘肃省" in page and f'href="{detail(TIANSHUI)}"' in page
    assert row_counts(province, TIANSHUI) == everything
    assert 'id="total-households">6<' in page
    assert 'id="total-units">2<' in page and 'id="total-cadres">1<' in page

    city = client.get(detail(TIANSHUI))
    assert city.status_code == 200
    page = text(city)
    assert "天水市" in page and f'href="{detail(QINAN)}"' in page
    assert f'href="{detail(PROVINCE)}"' in page  # the breadcrumb back up
    assert row_counts(city, QINAN) == everything
    assert row_counts(city, QINZHOU) == dict.fromkeys(everything, 0)
    assert 'id="total-households">6<' in page


@pytest.mark.parametrize("persona", ["county_officer", "town_officer", "viewer"])
def test_province_and_city_are_out_of_scope_below_them(login, request, persona, guojia_data):
    client = login(request.getfixturevalue(persona))
    assert_same_404(client, detail(PROVINCE), detail("639999000000"))
    assert_same_404(client, detail(TIANSHUI), detail("629999000000"))


def _region_queries(client, code) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail(code)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("code", [PROVINCE, TIANSHUI, QINAN, GUOJIA, NUANQUAN])
def test_region_page_queries_do_not_grow_with_children(
    login, admin_user, guojia_data, code, django_assert_num_queries
):
    client = login(admin_user)
    before = _region_queries(client, code)
    # More rows under every child: households, units and cadres in many villages of 郭嘉镇.
    from shuanglian.regions.models import Region

    villages = list(
        Region.objects.filter(parent_id=GUOJIA).order_by("code").values_list("code", flat=True)
    )[:8]
    assert len(villages) == 8
    for n, village in enumerate(villages):
        unit = units.unit(actor=admin_user, name=f"帮扶单位{n}", region=GUOJIA)
        pairings.village_pairing(
            actor=admin_user, unit=unit, village=village, role=VillageRole.MEMBER
        )
        for k in range(2):
            household = households.household(
                actor=admin_user, village=village, head_name=f"户主{n}{k}"
            )
            cadre = units.cadre(actor=admin_user, unit=unit, name=f"干部{n}{k}")
            pairings.household_pairing(actor=admin_user, household=household, cadre=cadre)
    if code == NUANQUAN:
        pairing_unit = units.unit(actor=admin_user, name="县果业局")
        pairings.village_pairing(
            actor=admin_user, unit=pairing_unit, village=NUANQUAN, role=VillageRole.MEMBER
        )
    with django_assert_num_queries(before):
        response = client.get(detail(code))
    assert response.status_code == 200


def test_region_pages_with_many_children_cost_the_same_as_with_few(login, admin_user, guojia_data):
    """天水市 has 7 children, 秦安县 17, 郭嘉镇 35: the pages cost the same.

    (The province has no ancestors, so its page skips the breadcrumb query: one fewer.)
    """
    client = login(admin_user)
    costs = {code: _region_queries(client, code) for code in (TIANSHUI, QINAN, GUOJIA)}
    assert len(set(costs.values())) == 1, costs
    assert _region_queries(client, PROVINCE) <= costs[TIANSHUI]


# Search costs.


def test_search_queries_do_not_grow_with_results(login, admin_user, django_assert_num_queries):
    client = login(admin_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("regions:search"), {"q": NUANQUAN})
    assert len(response.context["results"]) == 1
    with django_assert_num_queries(len(one)):
        response = client.get(reverse("regions:search"), {"q": "620522104"})
    results = response.context["results"]
    assert len(results) > 30
    page = text(response)
    assert "秦安县 · 郭嘉镇" in page  # grandparent and parent of each village, already loaded
