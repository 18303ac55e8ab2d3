"""Reads of pairings, through the user's scope."""

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import user_scope
from shuanglian.core.errors import NotFound
from shuanglian.pairings.models import HouseholdPairing, VillagePairing

PAIRING_NOT_FOUND = _("No pairing with id {id}.")

# Current pairings first, then the history, newest first.
CURRENT_FIRST = (F("end_date").desc(nulls_first=True), "-start_date", "-id")


def visible_village_pairings(user) -> QuerySet[VillagePairing]:
    return VillagePairing.objects.filter(user_scope(user).region_q("village_id"))


def visible_household_pairings(user) -> QuerySet[HouseholdPairing]:
    return HouseholdPairing.objects.filter(user_scope(user).household_q("household__"))


def village_pairing_get(*, user, pk) -> VillagePairing:
    pairing = visible_village_pairings(user).select_related("unit", "village").filter(pk=pk).first()
    if pairing is None:
        raise NotFound(PAIRING_NOT_FOUND.format(id=pk), field="id")
    return pairing


def household_pairing_get(*, user, pk) -> HouseholdPairing:
    pairing = (
        visible_household_pairings(user)
        .select_related("cadre", "cadre__unit", "household", "household__village")
        .filter(pk=pk)
        .first()
    )
    if pairing is None:
        raise NotFound(PAIRING_NOT_FOUND.format(id=pk), field="id")
    return pairing


def village_pairings_of_village(*, user, village) -> list[VillagePairing]:
    return list(
        visible_village_pairings(user)
        .filter(village=village)
        .select_related("unit")
        .order_by(*CURRENT_FIRST)
    )
