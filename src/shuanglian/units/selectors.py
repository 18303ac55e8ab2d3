"""Reads of units and cadres, always through the user's scope."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import prefix_q, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.pairings.selectors import CURRENT_FIRST, visible_village_pairings
from shuanglian.regions.selectors import region_filter_prefix
from shuanglian.units.models import Cadre, Unit, UnitKind, UnitLevel

UNIT_NOT_FOUND = _("No unit with id {id}.")
CADRE_NOT_FOUND = _("No cadre with id {id}.")
UNIT_KIND_INVALID = _("{value} is not a unit kind.")
UNIT_LEVEL_INVALID = _("{value} is not a unit level.")


def visible_units(user) -> QuerySet[Unit]:
    """Units based in the user's region, and units from elsewhere paired with its villages.

    A unit administrator sees the unit and the other units of its villages; a cadre the cadre's
    own unit.
    """
    scope = user_scope(user)
    if scope.everything:
        return Unit.objects.all()
    if scope.nothing:
        return Unit.objects.none()
    if scope.cadre_account_id:
        return Unit.objects.filter(cadres__user_id=scope.cadre_account_id)
    paired_here = VillagePairing.objects.filter(
        scope.region_q("village_id"), unit_id=OuterRef("pk")
    )
    if scope.unit_id:
        paired_now = paired_here.filter(end_date__isnull=True)
        return Unit.objects.filter(Q(pk=scope.unit_id) | Q(Exists(paired_now)))
    return Unit.objects.filter(scope.region_q("home_region_id") | Q(Exists(paired_here)))


def unit_list(
    *,
    user,
    region: str | None = None,
    kind: str | None = None,
    level: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Unit]:
    units = visible_units(user).select_related("home_region")
    if prefix := region_filter_prefix(user=user, value=region):
        paired = VillagePairing.objects.filter(
            prefix_q("village_id", prefix), unit_id=OuterRef("pk")
        )
        units = units.filter(prefix_q("home_region_id", prefix) | Q(Exists(paired)))
    if kind := (kind or "").strip():
        if kind not in UnitKind.values:
            raise InvalidInput(UNIT_KIND_INVALID.format(value=kind), field="kind")
        units = units.filter(kind=kind)
    if level := (level or "").strip():
        if level not in UnitLevel.values:
            raise InvalidInput(UNIT_LEVEL_INVALID.format(value=level), field="level")
        units = units.filter(level=level)
    if q := (q or "").strip():
        units = units.filter(Q(name__contains=q) | Q(short_name__contains=q))
    units = units.annotate(
        cadre_count=Count("cadres", filter=Q(cadres__is_active=True), distinct=True)
    )
    return keyset_page(units, cursor=cursor, limit=limit)


def unit_get(*, user, pk) -> Unit:
    unit = visible_units(user).select_related("home_region").filter(pk=pk).first()
    if unit is None:
        raise NotFound(UNIT_NOT_FOUND.format(id=pk), field="id")
    return unit


def unit_cadres(*, user, unit: Unit) -> list[Cadre]:
    """The unit's cadres with how many of the user's households each is currently paired with."""
    in_scope = user_scope(user).household_q("household_pairings__household__")
    active = Count(
        "household_pairings",
        filter=Q(household_pairings__end_date__isnull=True) & in_scope,
        distinct=True,
    )
    return list(unit.cadres.annotate(household_count=active).order_by("-is_active", "id"))


def unit_village_pairings(*, user, unit: Unit) -> list[VillagePairing]:
    """The unit's pairings with villages the user may see, current first, history kept."""
    pairings = visible_village_pairings(user).filter(unit=unit)
    return list(pairings.select_related("village", "village__parent").order_by(*CURRENT_FIRST))


def visible_cadres(user) -> QuerySet[Cadre]:
    """Cadres of the units the user sees; a unit administrator's own cadres, and the cadres now
    responsible for households of the unit's villages; a cadre only themself.
    """
    scope = user_scope(user)
    if scope.cadre_account_id:
        return Cadre.objects.filter(user_id=scope.cadre_account_id)
    if scope.unit_id:
        helping = HouseholdPairing.objects.filter(
            scope.household_q("household__"), end_date__isnull=True
        ).values("cadre_id")
        return Cadre.objects.filter(Q(unit_id=scope.unit_id) | Q(pk__in=helping))
    return Cadre.objects.filter(unit__in=visible_units(user))


def cadre_get(*, user, pk) -> Cadre:
    cadre = visible_cadres(user).select_related("unit", "unit__home_region").filter(pk=pk).first()
    if cadre is None:
        raise NotFound(CADRE_NOT_FOUND.format(id=pk), field="id")
    return cadre


def cadre_household_pairings(*, user, cadre: Cadre) -> list[HouseholdPairing]:
    """The cadre's households, current first; only those the user may see.

    A county unit's cadre may be paired in several townships: a township officer sees the cadre
    but not the households of the other townships.
    """
    pairings = cadre.household_pairings.filter(user_scope(user).household_q("household__"))
    return list(pairings.select_related("household", "household__village").order_by(*CURRENT_FIRST))


def cadres_for_village(*, user, village_code: str) -> QuerySet[Cadre]:
    """Cadres who may take on a household of the village: active, of a unit paired with it now.

    A unit administrator chooses among the unit's own cadres only.
    """
    paired = VillagePairing.objects.filter(
        unit_id=OuterRef("unit_id"), village_id=village_code, end_date__isnull=True
    )
    cadres = visible_cadres(user)
    if unit_id := user_scope(user).unit_id:
        cadres = cadres.filter(unit_id=unit_id)
    return (
        cadres.filter(Exists(paired), is_active=True)
        .select_related("unit")
        .order_by("unit__name", "name", "id")
    )
