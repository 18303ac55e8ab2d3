"""Reads of the assistance work, always through the user's scope.

Visits, follow-ups of households, plans and measures are seen by whoever sees the household;
deeds and village plans by whoever sees the village; a cadre also sees their own visits,
follow-ups and deeds after the pairing ended.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance.models import (
    Deed,
    DeedPhoto,
    FollowUp,
    FollowUpStatus,
    HouseholdPlan,
    Measure,
    MeasureStatus,
    VillagePlan,
    Visit,
    VisitPhoto,
)
from shuanglian.core.access import user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.units.selectors import visible_units

VISIT_NOT_FOUND = _("No visit with id {id}.")
FOLLOW_UP_NOT_FOUND = _("No follow-up with id {id}.")
PLAN_NOT_FOUND = _("No plan with id {id}.")
MEASURE_NOT_FOUND = _("No measure with id {id}.")
DEED_NOT_FOUND = _("No deed with id {id}.")
PHOTO_NOT_FOUND = _("No photo with id {id}.")
FOLLOW_UP_FILTER_INVALID = _("{value} is not a follow-up status.")
PERIOD_INVALID = _("The period's start is after its end.")

OPEN_MEASURE = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


def _or_own(user, q: Q, field: str) -> Q:
    """`q`, or rows of the cadre behind the user's account.

    Not `q | Q(pk__in=[])` for other roles: an empty Q() (everything, for administrators) OR
    anything is that other thing, which would hide everything.
    """
    scope = user_scope(user)
    if not scope.cadre_account_id:
        return q
    return q | Q(**{f"{field}__user_id": scope.cadre_account_id})


def visible_visits(user) -> QuerySet[Visit]:
    scope = user_scope(user)
    if scope.nothing:
        return Visit.objects.none()
    return Visit.objects.filter(_or_own(user, scope.household_q("household__"), "cadre"))


def visible_follow_ups(user) -> QuerySet[FollowUp]:
    """Households' follow-ups with the household; a meeting's with the owning unit."""
    scope = user_scope(user)
    if scope.nothing:
        return FollowUp.objects.none()
    of_household = Q(household__isnull=False) & scope.household_q("household__")
    of_unit = Q(household__isnull=True) & (
        Q(owner_unit__in=visible_units(user)) | Q(owner_cadre__unit__in=visible_units(user))
    )
    return FollowUp.objects.filter(_or_own(user, of_household | of_unit, "owner_cadre"))


def visible_plans(user) -> QuerySet[HouseholdPlan]:
    return HouseholdPlan.objects.filter(user_scope(user).household_q("household__"))


def visible_measures(user) -> QuerySet[Measure]:
    return Measure.objects.filter(user_scope(user).household_q("plan__household__"))


def visible_village_plans(user) -> QuerySet[VillagePlan]:
    return VillagePlan.objects.filter(user_scope(user).region_q("village_id"))


def visible_deeds(user) -> QuerySet[Deed]:
    scope = user_scope(user)
    if scope.nothing:
        return Deed.objects.none()
    return Deed.objects.filter(_or_own(user, scope.region_q("village_id"), "cadre"))


def _get(queryset, pk, message):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message.format(id=pk), field="id")
    return obj


# Visits and follow-ups ----------------------------------------------------------------------


def visit_list(
    *,
    user,
    household=None,
    cadre=None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Visit]:
    visits = visible_visits(user).select_related("household", "household__village", "cadre")
    if household is not None:
        visits = visits.filter(household=household)
    if cadre is not None:
        visits = visits.filter(cadre=cadre)
    visits = visits.annotate(
        photo_count=Count("photos", distinct=True), request_count=Count("follow_ups", distinct=True)
    )
    return keyset_page(visits, cursor=cursor, limit=limit)


def visit_get(*, user, pk) -> Visit:
    visits = visible_visits(user).select_related(
        "household", "household__village", "cadre", "cadre__unit", "recorded_by", "voided_by"
    )
    visit = _get(visits, pk, VISIT_NOT_FOUND)
    visit.photo_list = list(visit.photos.order_by("id"))
    visit.follow_up_list = list(visit.follow_ups.order_by("id"))
    return visit


def follow_up_list(
    *,
    user,
    status: str | None = None,
    household=None,
    cadre=None,
    unit=None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[FollowUp]:
    follow_ups = visible_follow_ups(user).select_related(
        "household", "household__village", "owner_cadre", "owner_unit", "visit"
    )
    if status := (status or "").strip():
        if status not in FollowUpStatus.values:
            raise InvalidInput(FOLLOW_UP_FILTER_INVALID.format(value=status), field="status")
        follow_ups = follow_ups.filter(status=status)
    if household is not None:
        follow_ups = follow_ups.filter(household=household)
    if cadre is not None:
        follow_ups = follow_ups.filter(owner_cadre=cadre)
    if unit is not None:
        follow_ups = follow_ups.filter(Q(owner_unit=unit) | Q(owner_cadre__unit=unit))
    return keyset_page(follow_ups, cursor=cursor, limit=limit)


def follow_up_get(*, user, pk) -> FollowUp:
    follow_ups = visible_follow_ups(user).select_related(
        "household", "household__village", "owner_cadre", "owner_cadre__unit", "owner_unit"
    )
    return _get(follow_ups, pk, FOLLOW_UP_NOT_FOUND)


def photo_get(*, user, kind: str, pk) -> VisitPhoto | DeedPhoto:
    """A photo, only for those who see what it documents."""
    if kind == "visit":
        photos = VisitPhoto.objects.filter(visit__in=visible_visits(user))
    else:
        photos = DeedPhoto.objects.filter(deed__in=visible_deeds(user))
    return _get(photos, pk, PHOTO_NOT_FOUND)


# Plans and measures -------------------------------------------------------------------------


def household_plans(*, user, household) -> list[HouseholdPlan]:
    measures = Measure.objects.select_related("responsible_cadre", "responsible_unit").order_by(
        "due_date", "id"
    )
    plans = visible_plans(user).filter(household=household)
    return list(plans.prefetch_related(Prefetch("measures", queryset=measures)))


def plan_get(*, user, pk) -> HouseholdPlan:
    plans = visible_plans(user).select_related("household", "household__village")
    return _get(plans, pk, PLAN_NOT_FOUND)


def measure_get(*, user, pk) -> Measure:
    measures = visible_measures(user).select_related(
        "plan", "plan__household", "plan__household__village"
    )
    return _get(measures, pk, MEASURE_NOT_FOUND)


def overdue_measures(
    user, household=None, cadre=None, unit=None, *, cursor=None, limit=None
) -> Page[Measure]:
    """Open measures (planned or in progress) past their due date, in the user's scope.

    For the household page (household=), the cadre's home page (cadre=) and the unit page
    (unit=: measures the unit or one of its cadres is responsible for).
    """
    measures = visible_measures(user).filter(
        status__in=OPEN_MEASURE, due_date__lt=timezone.localdate()
    )
    if household is not None:
        measures = measures.filter(plan__household=household)
    if cadre is not None:
        measures = measures.filter(responsible_cadre=cadre)
    if unit is not None:
        measures = measures.filter(Q(responsible_unit=unit) | Q(responsible_cadre__unit=unit))
    measures = measures.select_related(
        "plan",
        "plan__household",
        "plan__household__village",
        "responsible_cadre",
        "responsible_unit",
    )
    return keyset_page(measures, cursor=cursor, limit=limit)


def village_plans(*, user, village) -> list[VillagePlan]:
    plans = visible_village_plans(user).filter(village=village).select_related("unit")
    return list(plans.prefetch_related("projects"))


def village_plan_projects(*, user, village) -> list:
    """The projects a village plan may link: the village's own that the user sees."""
    from shuanglian.projects.selectors import visible_projects

    return list(visible_projects(user).filter(village=village).order_by("name", "id"))


# Deeds ---------------------------------------------------------------------------------------


def deed_list(*, user, unit=None, cadre=None, village=None, cursor=None, limit=None) -> Page[Deed]:
    deeds = visible_deeds(user).select_related("unit", "cadre", "village")
    if unit is not None:
        deeds = deeds.filter(unit=unit)
    if cadre is not None:
        deeds = deeds.filter(cadre=cadre)
    if village is not None:
        deeds = deeds.filter(village=village)
    deeds = deeds.annotate(household_count=Count("households", distinct=True))
    return keyset_page(deeds, cursor=cursor, limit=limit)


def deed_get(*, user, pk) -> Deed:
    deeds = visible_deeds(user).select_related("unit", "cadre", "village", "voided_by")
    deed = _get(deeds, pk, DEED_NOT_FOUND)
    deed.household_list = list(deed.households.filter(user_scope(user).household_q()))
    deed.photo_list = list(deed.photos.order_by("id"))
    return deed


# Work log --------------------------------------------------------------------------------------


@dataclass
class WorkLog:
    start: dt.date
    end: dt.date
    visits: list[Visit]
    deeds: list[Deed]
    deed_value: Decimal
    fundings: list
    funds_total: Decimal
    measures_done: list[Measure]
    visit_count: int = 0
    deed_count: int = 0
    funding_count: int = 0
    measure_count: int = 0


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    end = end or timezone.localdate()
    start = start or end.replace(month=1, day=1)
    if start > end:
        raise InvalidInput(PERIOD_INVALID, field="start")
    return start, end


LOG_ROWS = 500


def _cents(total) -> Decimal:
    # SQLite sums decimals without their scale: yuan with cents on every database.
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def work_log(*, user, unit=None, cadre=None, start=None, end=None) -> WorkLog:
    """What a unit (all its cadres) or one cadre did in a period, as far as the user may see:
    visits, deeds with their value, funds raised for projects (by the unit, or by the cadre:
    entries naming them as the one who raised the money), measures completed.
    At most LOG_ROWS rows of each kind are listed; the totals count everything.
    """
    from shuanglian.projects.models import Funding

    start, end = _period(start, end)
    # Voided visits and deeds were entered by mistake: they count nowhere.
    visits = visible_visits(user).filter(visited_on__range=(start, end), voided_at__isnull=True)
    deeds = visible_deeds(user).filter(done_on__range=(start, end), voided_at__isnull=True)
    measures = visible_measures(user).filter(status=MeasureStatus.DONE, done_on__range=(start, end))
    fundings = Funding.objects.filter(
        user_scope(user).region_q("project__village_id"), received_on__range=(start, end)
    ).select_related("project", "raised_by")
    if cadre is not None:
        visits = visits.filter(cadre=cadre)
        deeds = deeds.filter(cadre=cadre)
        measures = measures.filter(responsible_cadre=cadre)
        # A reversing entry names the same cadre, so a corrected entry nets out.
        fundings = fundings.filter(raised_by=cadre)
    elif unit is not None:
        visits = visits.filter(cadre__unit=unit)
        deeds = deeds.filter(unit=unit)
        measures = measures.filter(Q(responsible_unit=unit) | Q(responsible_cadre__unit=unit))
        fundings = fundings.filter(unit=unit)
    else:
        fundings = fundings.none()
    return WorkLog(
        start=start,
        end=end,
        visits=list(
            visits.select_related("household", "household__village", "cadre").order_by(
                "-visited_on", "-id"
            )[:LOG_ROWS]
        ),
        deeds=list(
            deeds.select_related("unit", "village", "cadre")
            .annotate(household_count=Count("households", distinct=True))
            .order_by("-done_on", "-id")[:LOG_ROWS]
        ),
        deed_value=_cents(deeds.aggregate(total=Sum("value"))["total"]),
        fundings=list(fundings.order_by("-received_on", "-id")[:LOG_ROWS]),
        funds_total=_cents(fundings.aggregate(total=Sum("amount"))["total"]),
        measures_done=list(
            measures.select_related(
                "plan__household", "responsible_cadre", "responsible_unit"
            ).order_by("-done_on", "-id")[:LOG_ROWS]
        ),
        visit_count=visits.count(),
        deed_count=deeds.count(),
        funding_count=fundings.count(),
        measure_count=measures.count(),
    )
