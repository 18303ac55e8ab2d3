"""The scoring rules: for each, the records that count (the evidence) and their per-unit value.

Each rule has one selector, `records(scheme)`: the evidence records of every unit of the scheme,
annotated with `a_unit`, the unit a record counts for. The computation groups it by `a_unit`
(one or two queries per rule, whatever the number of units) and the drill-down filters it to one
unit: the records listed are the records counted, and `basis` is their number.

Who is assessed: the units with a village pairing in the scheme's region during its period. What
counts: only work in the region's villages, within the period —

- visits: non-voided visits by the unit's cadres to households paired with the visiting cadre on
  that day; value = visits ÷ (paired households × quarters of the period).
- measures: measures (not dropped) due in the period, of households covered by the unit; value
  = % done by the end of the period.
- follow_ups: follow-ups owned by the unit or one of its cadres, due in the period, of a household
  or a meeting in the region (cancelled ones excluded); value = % done on or before the due date.
- funds: fund-ledger entries credited to the unit (reversals included) received in the period
  for projects in the region; value = yuan ÷ paired villages.
- projects: projects the unit leads that reached "completed" in the period.
- exits: covered households whose category went from poor or monitored to exited or general in
  the period, read from the audit trail (every category change of a household is audited).
- income: growth (%) of the mean net income per person of the covered households that have an
  income record for both the period's last year and the year before.
- satisfaction: mean satisfaction (1–5) asked at the counted visits.

"Covered households" are the households paired with a cadre of the unit at some time in the
period, in the region: stored per scheme as `Coverage` rows at computation.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from shuanglian.assessments.models import Coverage, Rule, Scheme
from shuanglian.assistance.models import FollowUp, FollowUpStatus, Measure, MeasureStatus, Visit
from shuanglian.core.access import prefix_q, region_prefix
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.households.models import Category, IncomeRecord
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.projects.models import Funding, ProjectStatus, ProjectStatusChange

EXIT_FROM = (Category.POOR, Category.MONITORED)
EXIT_TO = (Category.EXITED, Category.GENERAL)


@dataclass(frozen=True)
class Value:
    value: Decimal | None
    basis: int
    denominator: Decimal | None


def _dec(number) -> Decimal:
    # SQLite hands sums of decimals back as floats.
    return Decimal(str(number or 0))


def _prefix(scheme: Scheme) -> str:
    return region_prefix(scheme.region_id)


def _overlapping(scheme: Scheme) -> Q:
    return Q(start_date__lte=scheme.period_end) & (
        Q(end_date__isnull=True) | Q(end_date__gte=scheme.period_start)
    )


def village_pairings(scheme: Scheme) -> QuerySet:
    """The pairings that put a unit in the scheme."""
    return VillagePairing.objects.filter(
        _overlapping(scheme), prefix_q("village_id", _prefix(scheme))
    )


def scheme_units(scheme: Scheme) -> QuerySet:
    return village_pairings(scheme).values("unit_id")


def coverage_pairs(scheme: Scheme) -> QuerySet:
    """(unit, household) pairs to store as the scheme's Coverage."""
    return (
        HouseholdPairing.objects.filter(
            _overlapping(scheme),
            prefix_q("household__village_id", _prefix(scheme)),
            cadre__unit_id__in=scheme_units(scheme),
        )
        .values_list("cadre__unit_id", "household_id")
        .distinct()
    )


def quarters(scheme: Scheme) -> Decimal:
    """Calendar months of the period ÷ 3 (a year is 4 quarters, a half-year 2)."""
    start, end = scheme.period_start, scheme.period_end
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return Decimal(months) / Decimal(3)


def _local_bounds(scheme: Scheme) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(scheme.period_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(scheme.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


# Records per rule ---------------------------------------------------------------------------


def _visits(scheme: Scheme) -> QuerySet:
    paired_that_day = HouseholdPairing.objects.filter(
        cadre_id=OuterRef("cadre_id"),
        household_id=OuterRef("household_id"),
        start_date__lte=OuterRef("visited_on"),
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("visited_on")))
    return (
        Visit.objects.filter(
            prefix_q("household__village_id", _prefix(scheme)),
            voided_at__isnull=True,
            visited_on__gte=scheme.period_start,
            visited_on__lte=scheme.period_end,
            cadre__unit_id__in=scheme_units(scheme),
        )
        .filter(Exists(paired_that_day))
        .annotate(a_unit=F("cadre__unit_id"))
    )


def _satisfaction(scheme: Scheme) -> QuerySet:
    return _visits(scheme).filter(satisfaction__isnull=False)


def _measures(scheme: Scheme) -> QuerySet:
    return (
        Measure.objects.filter(
            plan__household__assessment_coverage__scheme=scheme,
            due_date__gte=scheme.period_start,
            due_date__lte=scheme.period_end,
        )
        .exclude(status=MeasureStatus.DROPPED)
        .annotate(a_unit=F("plan__household__assessment_coverage__unit_id"))
    )


def _follow_ups(scheme: Scheme) -> QuerySet:
    prefix = _prefix(scheme)
    where = prefix_q("household__village_id", prefix) | (
        Q(household__isnull=True) & prefix_q("meeting__place_id", prefix)
    )
    return (
        FollowUp.objects.filter(
            where, due_date__gte=scheme.period_start, due_date__lte=scheme.period_end
        )
        .exclude(status=FollowUpStatus.CANCELLED)
        .annotate(a_unit=Coalesce(F("owner_unit_id"), F("owner_cadre__unit_id")))
        .filter(a_unit__in=scheme_units(scheme))
    )


def _funds(scheme: Scheme) -> QuerySet:
    return Funding.objects.filter(
        prefix_q("project__village_id", _prefix(scheme)),
        unit_id__in=scheme_units(scheme),
        received_on__gte=scheme.period_start,
        received_on__lte=scheme.period_end,
    ).annotate(a_unit=F("unit_id"))


def _projects(scheme: Scheme) -> QuerySet:
    return ProjectStatusChange.objects.filter(
        prefix_q("project__village_id", _prefix(scheme)),
        to_status=ProjectStatus.COMPLETED,
        changed_on__gte=scheme.period_start,
        changed_on__lte=scheme.period_end,
        project__lead_unit_id__in=scheme_units(scheme),
    ).annotate(a_unit=F("project__lead_unit_id"))


def exit_events(scheme: Scheme) -> QuerySet:
    """Audited category changes out of poverty or out of monitoring within the period."""
    start, end = _local_bounds(scheme)
    return AuditEvent.objects.filter(
        object_type="households.Household",
        action=AuditAction.UPDATE,
        at__gte=start,
        at__lt=end,
        changes__category__0__in=list(EXIT_FROM),
        changes__category__1__in=list(EXIT_TO),
    )


def _exits(scheme: Scheme) -> QuerySet:
    events = exit_events(scheme).filter(
        object_id=Cast(OuterRef("household_id"), output_field=CharField())
    )
    return (
        Coverage.objects.filter(scheme=scheme)
        .filter(Exists(events))
        .annotate(a_unit=F("unit_id"), exited_at=Subquery(events.order_by("-at").values("at")[:1]))
    )


def income_years(scheme: Scheme) -> tuple[int, int]:
    return scheme.period_end.year - 1, scheme.period_end.year


def _income(scheme: Scheme) -> QuerySet:
    previous, current = income_years(scheme)

    def net(year):
        return IncomeRecord.objects.filter(household_id=OuterRef("household_id"), year=year)

    return (
        Coverage.objects.filter(scheme=scheme)
        .filter(Exists(net(previous)), Exists(net(current)))
        .annotate(
            a_unit=F("unit_id"),
            previous=Subquery(net(previous).values("net_per_capita")[:1]),
            current=Subquery(net(current).values("net_per_capita")[:1]),
        )
    )


RECORDS = {
    Rule.VISITS: _visits,
    Rule.MEASURES: _measures,
    Rule.FOLLOW_UPS: _follow_ups,
    Rule.FUNDS: _funds,
    Rule.PROJECTS: _projects,
    Rule.EXITS: _exits,
    Rule.INCOME: _income,
    Rule.SATISFACTION: _satisfaction,
}


def records(scheme: Scheme, rule: str, unit_id: int | None = None) -> QuerySet:
    """The evidence of `rule` in `scheme`, of every unit or of one."""
    queryset = RECORDS[rule](scheme)
    if unit_id is not None:
        queryset = queryset.filter(a_unit=unit_id)
    return queryset


# Values per unit ----------------------------------------------------------------------------


def _ratio(numerator, denominator, scale=Decimal(1)) -> Decimal | None:
    if not denominator:
        return None
    return _dec(numerator) * scale / _dec(denominator)


def values(scheme: Scheme, rule: str, counts: dict[int, tuple[int, int]]) -> dict[int, Value]:
    """Each unit's value on `rule`; `counts` = {unit: (villages, households)}. Bounded queries:
    one grouped query per rule.
    """
    grouped = records(scheme, rule).order_by().values("a_unit")
    hundred = Decimal(100)
    out: dict[int, Value] = {}
    if rule == Rule.VISITS:
        span = quarters(scheme)
        for row in grouped.annotate(n=Count("pk")):
            households = counts.get(row["a_unit"], (0, 0))[1]
            denominator = Decimal(households) * span
            out[row["a_unit"]] = Value(_ratio(row["n"], denominator), row["n"], denominator)
    elif rule == Rule.SATISFACTION:
        for row in grouped.annotate(n=Count("pk"), mean=Avg("satisfaction")):
            out[row["a_unit"]] = Value(_dec(row["mean"]), row["n"], Decimal(row["n"]))
    elif rule == Rule.MEASURES:
        done = Q(status=MeasureStatus.DONE, done_on__lte=scheme.period_end)
        for row in grouped.annotate(n=Count("pk"), done=Count("pk", filter=done)):
            out[row["a_unit"]] = Value(
                _ratio(row["done"], row["n"], hundred), row["n"], Decimal(row["n"])
            )
    elif rule == Rule.FOLLOW_UPS:
        on_time = Q(status=FollowUpStatus.DONE, done_on__lte=F("due_date"))
        for row in grouped.annotate(n=Count("pk"), done=Count("pk", filter=on_time)):
            out[row["a_unit"]] = Value(
                _ratio(row["done"], row["n"], hundred), row["n"], Decimal(row["n"])
            )
    elif rule == Rule.FUNDS:
        for row in grouped.annotate(n=Count("pk"), amount=Sum("amount")):
            villages = counts.get(row["a_unit"], (0, 0))[0]
            out[row["a_unit"]] = Value(_ratio(row["amount"], villages), row["n"], Decimal(villages))
    elif rule in (Rule.PROJECTS, Rule.EXITS):
        for row in grouped.annotate(n=Count("pk")):
            out[row["a_unit"]] = Value(Decimal(row["n"]), row["n"], None)
    elif rule == Rule.INCOME:
        previous, current = income_years(scheme)
        year = "household__incomes__year"
        net = "household__incomes__net_per_capita"
        rows = grouped.filter(**{f"{year}__in": (previous, current)}).annotate(
            n=Count("household_id", distinct=True),
            before=Sum(net, filter=Q(**{year: previous})),
            after=Sum(net, filter=Q(**{year: current})),
        )
        for row in rows:
            before = _dec(row["before"])
            value = (_dec(row["after"]) / before - 1) * hundred if before > 0 else None
            out[row["a_unit"]] = Value(value, row["n"], before)
    return out


def score_of(value: Decimal | None, *, target: Decimal, floor: Decimal) -> Decimal:
    """Linear from `floor` (0) to `target` (100), capped at both ends; no value scores 0."""
    if value is None:
        return Decimal("0.00")
    score = (value - floor) / (target - floor) * Decimal(100)
    return min(Decimal(100), max(Decimal(0), score)).quantize(Decimal("0.01"))
