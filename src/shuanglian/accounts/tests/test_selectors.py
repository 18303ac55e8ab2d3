"""Which accounts an administrator or a region officer manages, and the list they page through."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuanglian.accounts.models import User
from shuanglian.accounts.selectors import (
    ROLE_FILTER_INVALID,
    USER_MANAGE_FORBIDDEN,
    USER_NOT_FOUND,
    account_households,
    assignable_cadres,
    assignable_units,
    manageable_users,
    may_manage_users,
    user_get,
    user_list,
)
from shuanglian.conftest import GUOJIA, NUANQUAN, QINAN
from shuanglian.core.errors import Forbidden, InvalidInput, NotFound
from shuanglian.pairings.services import household_pairing_end

PERSONAS = (
    "admin_user",
    "county_officer",
    "town_officer",
    "other_town_officer",
    "viewer",
    "unit_admin",
    "cadre_user",
)


@pytest.fixture
def everyone(request, guojia_cadre, longcheng_cadre):
    """Every persona, plus a cadre account of the 郭嘉镇 unit and a unit administrator of it."""
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    users["guojia_cadre_user"] = User.objects.create_user(username="sunwk", role="cadre")
    guojia_cadre.user = users["guojia_cadre_user"]
    guojia_cadre.save(update_fields=["user"])
    users["guojia_unit_admin"] = User.objects.create_user(
        username="weishengyuan", role="unit_admin", unit=guojia_cadre.unit
    )
    return users


def _names(users) -> set[str]:
    return set(users.values_list("username", flat=True))


def test_an_administrator_manages_every_account(everyone):
    assert _names(manageable_users(everyone["admin_user"])) == _names(User.objects.all())


def test_a_county_officer_manages_the_accounts_of_the_county_and_below(everyone):
    assert _names(manageable_users(everyone["county_officer"])) == {
        "county",
        "guojia",
        "longcheng",
        "viewer",
        "unitadmin",
        "cadre",
        "sunwk",
        "weishengyuan",
    }


def test_a_town_officer_manages_only_the_town(everyone):
    # Not the county officer above, the sibling town, nor the accounts of a county unit.
    assert _names(manageable_users(everyone["town_officer"])) == {
        "guojia",
        "sunwk",
        "weishengyuan",
    }
    assert _names(manageable_users(everyone["other_town_officer"])) == {"longcheng"}


@pytest.mark.parametrize("name", ["viewer", "cadre_user"])
def test_no_one_else_manages_accounts(everyone, name):
    user = everyone[name]
    assert not may_manage_users(user)
    assert not manageable_users(user).exists()
    with pytest.raises(Forbidden) as err:
        user_list(user=user)
    assert err.value.message == USER_MANAGE_FORBIDDEN
    with pytest.raises(Forbidden):
        user_get(user=user, pk=user.pk)
    assert not assignable_units(user).exists() and not assignable_cadres(user).exists()


def test_a_superuser_is_never_within_an_officers_reach(county_officer):
    hidden = User.objects.create_user(
        username="root", role="region_officer", region_id=GUOJIA, is_superuser=True
    )
    assert not manageable_users(county_officer).filter(pk=hidden.pk).exists()


def test_out_of_reach_reads_like_nonexistent(everyone):
    with pytest.raises(NotFound) as hidden:
        user_get(user=everyone["town_officer"], pk=everyone["county_officer"].pk)
    with pytest.raises(NotFound) as missing:
        user_get(user=everyone["town_officer"], pk=999_999)
    assert hidden.value.message == missing.value.message == USER_NOT_FOUND


def test_list_filters_by_role_region_and_name(everyone):
    county = everyone["county_officer"]
    assert _names_of(user_list(user=county, role="cadre")) == {"cadre", "sunwk"}
    assert _names_of(user_list(user=county, region=GUOJIA[:9])) == {
        "guojia",
        "sunwk",
        "weishengyuan",
    }
    assert _names_of(user_list(user=county, q="WEI")) == {"weishengyuan"}
    # A region above the officer narrows nothing beyond what they manage anyway.
    assert _names_of(user_list(user=everyone["town_officer"], region=QINAN)) == {
        "guojia",
        "sunwk",
        "weishengyuan",
    }
    with pytest.raises(InvalidInput) as err:
        user_list(user=county, role="boss")
    assert err.value.message == ROLE_FILTER_INVALID.format(value="boss")
    assert err.value.field == "role"


def _names_of(page) -> set[str]:
    return {user.username for user in page.items}


def test_list_pages_by_cursor(everyone):
    admin = everyone["admin_user"]
    seen, cursor = [], None
    while True:
        page = user_list(user=admin, cursor=cursor, limit=3)
        seen += [user.pk for user in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(User.objects.values_list("pk", flat=True))


def test_list_query_count_does_not_grow_with_rows(everyone, admin_user):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = user_list(user=admin_user)
            for account in page.items:
                # What the list shows of each row.
                str(account.region)
                str(account.unit)
                account_unit = getattr(account, "cadre", None)
                if account_unit is not None:
                    str(account_unit.unit)
        return len(captured)

    few = queries()
    for n in range(10):
        User.objects.create_user(username=f"viewer{n}", role="viewer", region_id=NUANQUAN)
    assert queries() == few


def test_assignable_cadres_are_active_free_and_in_reach(
    everyone, guojia_cadre, longcheng_cadre, persona_unit
):
    town = everyone["town_officer"]
    assert list(assignable_cadres(town)) == []  # 孙旺奎 has an account now
    guojia_cadre.user = None
    guojia_cadre.save(update_fields=["user"])
    [offered] = assignable_cadres(town)
    assert offered == guojia_cadre and offered.household_count == 2
    county_offers = {cadre.name for cadre in assignable_cadres(everyone["county_officer"])}
    assert county_offers == {"孙旺奎", "李爱仙"}  # 马秀英 of 县妇联 has her account
    assert list(assignable_units(town)) == [guojia_cadre.unit]
    assert persona_unit in assignable_units(everyone["county_officer"])


def test_the_household_set_of_a_cadre_account_follows_the_pairings(everyone, guojia_cadre):
    account = everyone["guojia_cadre_user"]
    pairings = account_households(user=everyone["town_officer"], account=account)
    assert sorted(p.household.head_name for p in pairings) == ["王建祥", "邵维基"]
    household_pairing_end(
        actor=everyone["admin_user"], pairing=pairings[0], end_date=pairings[0].start_date
    )
    assert len(account_households(user=everyone["town_officer"], account=account)) == 1
    # Seen through the viewer's own scope: the sibling town sees none of them.
    assert account_households(user=everyone["other_town_officer"], account=account) == []
    assert account_households(user=everyone["town_officer"], account=everyone["town_officer"]) == []
