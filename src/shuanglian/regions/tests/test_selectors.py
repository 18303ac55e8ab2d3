import pytest

from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN, QINAN
from shuanglian.core.errors import NotFound
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.regions import selectors
from shuanglian.units.tests import factories as uf


def test_guojia_has_35_villages_with_short_names(admin_user):
    guojia = selectors.region_get(user=admin_user, code=GUOJIA)
    children = selectors.region_children(user=admin_user, region=guojia)
    assert len(children) == 35
    assert {c.region.short_name for c in children} >= {"暖泉村", "槐庙村", "吊湾村"}


def test_children_count_units_cadres_and_households_by_category(admin_user):
    unit = uf.unit(actor=admin_user)
    pf.village_pairing(actor=admin_user, unit=unit)
    cadre = uf.cadre(actor=admin_user, unit=unit)
    poor = hf.household(actor=admin_user, category="poor")
    hf.household(actor=admin_user, category="general")
    hf.household(actor=admin_user, village="620522103200", category="poor")
    pf.household_pairing(actor=admin_user, household=poor, cadre=cadre)
    qinan = selectors.region_get(user=admin_user, code="620522")
    rows = {r.region.code: r for r in selectors.region_children(user=admin_user, region=qinan)}
    assert rows[GUOJIA].households == {"poor": 1, "general": 1}
    assert rows[GUOJIA].units == 1 and rows[GUOJIA].cadres == 1
    assert rows[LONGCHENG].households == {"poor": 1} and rows[LONGCHENG].units == 0
    totals = selectors.region_totals(user=admin_user, region=qinan)
    assert totals.households_total == 3


def test_out_of_scope_region_is_not_found_like_a_missing_one(other_town_officer):
    with pytest.raises(NotFound) as outside:
        selectors.region_get(user=other_town_officer, code=NUANQUAN)
    with pytest.raises(NotFound) as missing:
        selectors.region_get(user=other_town_officer, code="620522103999")
    assert type(outside.value) is type(missing.value)
    assert selectors.region_children(
        user=other_town_officer,
        region=selectors.region_get(user=other_town_officer, code=LONGCHENG),
    )


def test_search_by_short_name_within_scope(county_officer, other_town_officer):
    assert [r.code for r in selectors.region_search(user=county_officer, q="暖泉")] == [NUANQUAN]
    assert [r.code for r in selectors.region_search(user=county_officer, q="暖泉村")] == [NUANQUAN]
    assert selectors.region_search(user=other_town_officer, q="暖泉") == []


def test_roots_follow_scope(admin_user, county_officer, unit_admin, cadre_user):
    assert [r.code for r in selectors.region_roots(user=county_officer)] == [QINAN]
    assert "620000000000" in [r.code for r in selectors.region_roots(user=admin_user)]
    # A unit administrator starts from the unit's villages; a cadre without households nowhere.
    assert [r.code for r in selectors.region_roots(user=unit_admin)] == [NUANQUAN]
    assert selectors.region_roots(user=cadre_user) == []
