"""Reads of households and members, always through the user's scope."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import prefix_q, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.households.models import (
    Category,
    Household,
    HouseholdSearchKey,
    IncomeRecord,
    Member,
)
from shuanglian.pairings.models import HouseholdPairing
from shuanglian.pairings.selectors import CURRENT_FIRST, visible_household_pairings
from shuanglian.regions.selectors import region_filter_prefix

HOUSEHOLD_NOT_FOUND = _("No household with id {id}.")
MEMBER_NOT_FOUND = _("No member with id {id}.")
CATEGORY_UNKNOWN = _("{value} is not a household category.")


def visible_households(user) -> QuerySet[Household]:
    return Household.objects.filter(user_scope(user).household_q())


def household_list(
    *,
    user,
    region: str | None = None,
    category: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Household]:
    """Households in scope, filtered by region (any level), category and a search word.

    The word matches the head's name, its pinyin or initials (李爱仙: liaixian, lax), or the
    household number, each as a prefix of an indexed key.
    """
    households = visible_households(user).select_related("village")
    if prefix := region_filter_prefix(user=user, value=region):
        households = households.filter(prefix_q("village_id", prefix))
    if category := (category or "").strip():
        if category not in Category.values:
            raise InvalidInput(CATEGORY_UNKNOWN.format(value=category), field="category")
        households = households.filter(category=category)
    if q := (q or "").strip():
        key = q.lower() if q.isascii() else q
        matching = HouseholdSearchKey.objects.filter(key__gte=key, key__lt=key + "\uffff")
        households = households.filter(pk__in=matching.values("household_id"))
    return keyset_page(households, cursor=cursor, limit=limit)


@dataclass
class HouseholdDetail:
    household: Household
    members: list[Member]
    former_members: list[Member]
    current_pairing: HouseholdPairing | None
    pairings: list[HouseholdPairing]
    incomes: list


def household_get(*, user, pk) -> Household:
    household = (
        visible_households(user).select_related("village", "village__parent").filter(pk=pk).first()
    )
    if household is None:
        raise NotFound(HOUSEHOLD_NOT_FOUND.format(id=pk), field="id")
    return household


def household_detail(*, user, pk) -> HouseholdDetail:
    household = household_get(user=user, pk=pk)
    members = list(household.members.order_by("-is_active", "id"))
    pairings = list(
        household.pairings.select_related("cadre", "cadre__unit").order_by(*CURRENT_FIRST)
    )
    return HouseholdDetail(
        household=household,
        members=[m for m in members if m.is_active],
        former_members=[m for m in members if not m.is_active],
        current_pairing=next((p for p in pairings if p.end_date is None), None),
        pairings=pairings,
        incomes=list(household.incomes.order_by("-year")),
    )


def member_get(*, user, pk) -> Member:
    member = (
        Member.objects.filter(household__in=visible_households(user))
        .select_related("household", "household__village")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise NotFound(MEMBER_NOT_FOUND.format(id=pk), field="id")
    return member


def households_with_current_cadre(
    *, user, households: list[Household]
) -> dict[int, HouseholdPairing]:
    """Current pairing per household for a page of households, in one query."""
    pairings = (
        visible_household_pairings(user)
        .filter(household_id__in=[h.pk for h in households], end_date__isnull=True)
        .select_related("cadre", "cadre__unit")
    )
    return {p.household_id: p for p in pairings}


def income_record_of_year(*, user, household: Household, year: int) -> IncomeRecord | None:
    """The household's record for `year`, if any: the income form edits it in place."""
    return (
        IncomeRecord.objects.filter(household__in=visible_households(user))
        .filter(household=household, year=year)
        .first()
    )
