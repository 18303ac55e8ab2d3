"""Reads of relapse monitoring, always through the user's scope: whoever sees a household sees
its cases, reasons, income checks, measures and risk events."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance.models import Visit
from shuanglian.core.access import prefix_q, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.monitoring.models import (
    OPEN_STAGES,
    CaseMeasure,
    CaseReason,
    CaseStage,
    IncomeCheck,
    MonitoringCase,
    MonitoringCategory,
    RiskEvent,
    ScreeningRun,
)
from shuanglian.regions.models import PREFIX_LENGTH, Region
from shuanglian.regions.selectors import region_roots, visible_regions

CASE_NOT_FOUND = _("No monitoring case with id {id}.")
REASON_NOT_FOUND = _("No reason with id {id}.")
RUN_NOT_FOUND = _("No screening run with id {id}.")
STAGE_UNKNOWN = _("{value} is not a stage of a monitoring case.")
CATEGORY_UNKNOWN = _("{value} is not a monitoring category.")


def visible_cases(user) -> QuerySet[MonitoringCase]:
    return MonitoringCase.objects.filter(user_scope(user).household_q("household__"))


def visible_risk_events(user) -> QuerySet[RiskEvent]:
    return RiskEvent.objects.filter(user_scope(user).household_q("household__"))


def visible_runs(user) -> QuerySet[ScreeningRun]:
    """Runs of regions the user sees whole. A run's figures count every household of its region,
    so cadres and unit administrators, who see only some households or villages, see none."""
    scope = user_scope(user)
    if scope.cadre_account_id or scope.unit_id:
        return ScreeningRun.objects.none()
    return ScreeningRun.objects.filter(scope.region_q("region_id"))


def overdue_before(on: dt.date | None = None) -> dt.date:
    """Cases flagged before this day and not yet assessed are overdue."""
    on = on or timezone.localdate()
    return on - dt.timedelta(days=settings.MONITORING_ASSESS_DAYS)


def _visited_since_flagged():
    return Exists(
        Visit.objects.filter(
            household_id=OuterRef("household_id"),
            voided_at__isnull=True,
            visited_on__gte=OuterRef("flagged_on"),
        )
    )


def case_list(
    *,
    user,
    region: Region | None = None,
    stage: str | None = None,
    category: str | None = None,
    overdue: bool = False,
    not_visited: bool = False,
    household=None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[MonitoringCase]:
    """Cases in scope, newest id last (keyset), with the filters of the monitoring page."""
    cases = visible_cases(user).select_related("household", "household__village")
    if region is not None:
        cases = cases.filter(prefix_q("household__village_id", region.prefix))
    if household is not None:
        cases = cases.filter(household=household)
    if stage := (stage or "").strip():
        if stage == "open":
            cases = cases.filter(stage__in=OPEN_STAGES)
        elif stage in CaseStage.values:
            cases = cases.filter(stage=stage)
        else:
            raise InvalidInput(STAGE_UNKNOWN.format(value=stage), field="stage")
    if category := (category or "").strip():
        if category not in MonitoringCategory.values:
            raise InvalidInput(CATEGORY_UNKNOWN.format(value=category), field="category")
        cases = cases.filter(category=category)
    if overdue:
        cases = cases.filter(stage=CaseStage.FLAGGED, flagged_on__lt=overdue_before())
    if not_visited:
        cases = cases.filter(stage=CaseStage.FLAGGED).exclude(_visited_since_flagged())
    return keyset_page(cases, cursor=cursor, limit=limit)


def case_get(*, user, pk) -> MonitoringCase:
    case = (
        visible_cases(user)
        .select_related(
            "household",
            "household__village",
            "household__village__parent",
            "assessment_visit",
            "assessment_visit__cadre",
            "reported_visit",
            "reported_visit__cadre",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound(CASE_NOT_FOUND.format(id=pk), field="id")
    return case


def reason_get(*, user, pk) -> CaseReason:
    reason = (
        CaseReason.objects.filter(user_scope(user).household_q("case__household__"))
        .select_related("case", "case__household")
        .filter(pk=pk)
        .first()
    )
    if reason is None:
        raise NotFound(REASON_NOT_FOUND.format(id=pk), field="id")
    return reason


def open_case_of(*, user, household) -> MonitoringCase | None:
    return visible_cases(user).filter(household=household, stage__in=OPEN_STAGES).first()


@dataclass
class MeasureGroup:
    group: str
    label: str
    measures: list = field(default_factory=list)


@dataclass
class CaseDetail:
    case: MonitoringCase
    reasons: list[CaseReason]
    income_checks: list[IncomeCheck]
    measure_groups: list[MeasureGroup]
    problems: list[str]


def case_detail(*, user, pk) -> CaseDetail:
    from shuanglian.monitoring.services import (
        MEASURE_GROUP_LABELS,
        MEASURE_GROUPS,
        risk_elimination_problems,
    )

    case = case_get(user=user, pk=pk)
    reasons = list(case.reasons.select_related("resolved_by").order_by("id"))
    checks = list(case.income_checks.order_by("-checked_on", "-id"))
    links = CaseMeasure.objects.filter(case=case).select_related(
        "measure", "measure__responsible_cadre", "measure__responsible_unit"
    )
    groups = {key: MeasureGroup(key, label) for key, label in MEASURE_GROUP_LABELS.items()}
    for link in links:
        groups[MEASURE_GROUPS[link.measure.type]].measures.append(link.measure)
    # The reasons are already read; the problems reuse them instead of asking again.
    case._prefetched_objects_cache = {"reasons": reasons}
    problems = risk_elimination_problems(case) if case.stage == CaseStage.CONFIRMED else []
    return CaseDetail(
        case=case,
        reasons=reasons,
        income_checks=checks,
        measure_groups=list(groups.values()),
        problems=problems,
    )


@dataclass
class AreaCounts:
    """Cases of a region: by stage (every case), confirmed ones by category, the alarms."""

    region: Region | None
    by_stage: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    not_visited: int = 0

    @property
    def open_total(self) -> int:
        return sum(self.by_stage.get(stage, 0) for stage in OPEN_STAGES)

    def stages(self) -> list[tuple[str, str, int]]:
        return [(v, label, self.by_stage.get(v, 0)) for v, label in CaseStage.choices]

    def categories(self) -> list[tuple[str, str, int]]:
        return [(v, label, self.by_category.get(v, 0)) for v, label in MonitoringCategory.choices]


@dataclass
class Summary:
    totals: AreaCounts
    children: list[AreaCounts]


def _cases_in(user, region: Region | None):
    cases = visible_cases(user)
    if region is not None:
        cases = cases.filter(prefix_q("household__village_id", region.prefix))
    return cases


def monitoring_summary(*, user, region: Region | None) -> Summary:
    """The monitoring page: counts of the region (None: everything the user sees) and of each
    child region (the user's starting regions when None), each one grouped query."""
    cases = _cases_in(user, region)
    totals = AreaCounts(region=region)
    for row in cases.values("stage").annotate(n=Count("id")):
        totals.by_stage[row["stage"]] = row["n"]
    confirmed = cases.filter(stage=CaseStage.CONFIRMED)
    for row in confirmed.values("category").annotate(n=Count("id")):
        totals.by_category[row["category"]] = row["n"]
    flagged = cases.filter(stage=CaseStage.FLAGGED)
    totals.overdue = flagged.filter(flagged_on__lt=overdue_before()).count()
    totals.not_visited = flagged.exclude(_visited_since_flagged()).count()

    if region is None:
        children = region_roots(user=user)
    elif region.child_level is None:
        children = []
    else:
        children = list(visible_regions(user).filter(parent=region).order_by("code"))
    if not children:
        return Summary(totals=totals, children=[])
    width = PREFIX_LENGTH[children[0].level]
    rows = {child.code[:width]: AreaCounts(region=child) for child in children}
    grouped = (
        cases.annotate(child=Substr("household__village_id", 1, width))
        .values("child", "stage")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        if (target := rows.get(row["child"])) is not None:
            target.by_stage[row["stage"]] = row["n"]
    grouped = (
        confirmed.annotate(child=Substr("household__village_id", 1, width))
        .values("child", "category")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        if (target := rows.get(row["child"])) is not None:
            target.by_category[row["category"]] = row["n"]
    grouped = (
        flagged.filter(flagged_on__lt=overdue_before())
        .annotate(child=Substr("household__village_id", 1, width))
        .values("child")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        if (target := rows.get(row["child"])) is not None:
            target.overdue = row["n"]
    return Summary(totals=totals, children=list(rows.values()))


def risk_event_list(*, user, household, cursor: str | None = None, limit: int | None = None):
    events = visible_risk_events(user).filter(household=household)
    return keyset_page(events, cursor=cursor, limit=limit)


def screening_run_get(*, user, pk) -> ScreeningRun:
    run = visible_runs(user).select_related("region").filter(pk=pk).first()
    if run is None:
        raise NotFound(RUN_NOT_FOUND.format(id=pk), field="id")
    return run


def recent_runs(*, user, region: Region | None, limit: int = 5) -> list[ScreeningRun]:
    runs = visible_runs(user).select_related("region")
    if region is not None:
        runs = runs.filter(prefix_q("region_id", region.prefix))
    return list(runs.order_by("-id")[:limit])
