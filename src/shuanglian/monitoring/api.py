"""The monitoring part of the API under /api/v1/monitoring: cases and their steps, reasons,
income checks, measures, risk events, the region summary and screening runs.

Write bodies are forms whose fields are all optional in the schema: the record in the path is
looked up first (out of scope = 404, read-only = 403) and the services then say what is missing,
with the project's messages, instead of a generic 422.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Form, Query, Router, Schema, Status

from shuanglian.assistance.models import MeasureType, Visit
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import InvalidInput
from shuanglian.households.selectors import household_get
from shuanglian.monitoring import rules, selectors, services, tasks
from shuanglian.monitoring.models import (
    CaseSource,
    CaseStage,
    DeliberationResult,
    MonitoringCase,
    MonitoringCategory,
    ReasonCode,
    RiskEventKind,
    ScreeningStatus,
)
from shuanglian.monitoring.reasons import reason_text
from shuanglian.regions.selectors import region_get

router = Router(tags=["monitoring"])

READ = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**READ, 403: ErrorOut, 409: ErrorOut}
REGION_REQUIRED = _("The region is required.")


class HouseholdRef(Schema):
    id: int
    number: str
    head_name: str
    village_code: str


class ReasonOut(Schema):
    id: int
    code: ReasonCode
    text: str = Field(description="The reason as a sentence, in the request's language.")
    params: dict
    detected_on: dt.date
    resolved_on: dt.date | None
    resolution: str


class CaseItem(Schema):
    id: int
    household: HouseholdRef
    stage: CaseStage
    source: CaseSource
    category: str = Field(json_schema_extra={"enum": ["", *MonitoringCategory.values]})
    flagged_on: dt.date
    assessed_on: dt.date | None
    confirmed_on: dt.date | None
    eliminated_on: dt.date | None
    dismissed_on: dt.date | None


class IncomeCheckOut(Schema):
    id: int
    checked_on: dt.date
    per_capita_income: Decimal
    notes: str


class MeasureOut(Schema):
    id: int
    type: MeasureType
    group: str = Field(description="development or protection")
    description: str
    status: str
    due_date: dt.date | None


class CaseOut(CaseItem):
    reported_visit_id: int | None
    assessment_visit_id: int | None
    deliberated_on: dt.date | None
    deliberation_participants: int | None
    deliberation_result: str
    assessment_notes: str
    previous_category: str
    dismissal_reason: str
    reasons: list[ReasonOut]
    income_checks: list[IncomeCheckOut]
    measures: list[MeasureOut]
    elimination_problems: list[str] = Field(
        description="Why risk elimination would be refused now (confirmed cases)."
    )


class CasePage(Schema):
    items: list[CaseItem]
    next_cursor: str | None


def _household(h) -> dict:
    return {"id": h.pk, "number": h.number, "head_name": h.head_name, "village_code": h.village_id}


def _item(case: MonitoringCase) -> dict:
    return {
        "id": case.pk,
        "household": _household(case.household),
        "stage": case.stage,
        "source": case.source,
        "category": case.category,
        "flagged_on": case.flagged_on,
        "assessed_on": case.assessed_on,
        "confirmed_on": case.confirmed_on,
        "eliminated_on": case.eliminated_on,
        "dismissed_on": case.dismissed_on,
    }


def _case_out(user, pk: int) -> dict:
    detail = selectors.case_detail(user=user, pk=pk)
    case = detail.case
    return {
        **_item(case),
        "reported_visit_id": case.reported_visit_id,
        "assessment_visit_id": case.assessment_visit_id,
        "deliberated_on": case.deliberated_on,
        "deliberation_participants": case.deliberation_participants,
        "deliberation_result": case.deliberation_result,
        "assessment_notes": case.assessment_notes,
        "previous_category": case.previous_category,
        "dismissal_reason": case.dismissal_reason,
        "reasons": [
            {
                "id": r.pk,
                "code": r.code,
                "text": reason_text(r.code, r.params),
                "params": r.params,
                "detected_on": r.detected_on,
                "resolved_on": r.resolved_on,
                "resolution": r.resolution,
            }
            for r in detail.reasons
        ],
        "income_checks": [
            {
                "id": c.pk,
                "checked_on": c.checked_on,
                "per_capita_income": c.per_capita_income,
                "notes": c.notes,
            }
            for c in detail.income_checks
        ],
        "measures": [
            {
                "id": m.pk,
                "type": m.type,
                "group": group.group,
                "description": m.description,
                "status": m.status,
                "due_date": m.due_date,
            }
            for group in detail.measure_groups
            for m in group.measures
        ],
        "elimination_problems": detail.problems,
    }


def _visit(case_household, visit_id: int | None) -> Visit | None:
    if visit_id is None:
        return None
    visit = Visit.objects.select_related("cadre").filter(pk=visit_id).first()
    if visit is None or visit.household_id != case_household.pk:
        raise InvalidInput(services.VISIT_OTHER_HOUSEHOLD, field="visit")
    return visit


class CaseQuery(Schema):
    region: str | None = Field(None, description="A region code (any level) in your scope.")
    stage: str | None = Field(None, description="A stage, or `open`.")
    category: str | None = Field(None, json_schema_extra={"enum": MonitoringCategory.values})
    overdue: bool = Field(False, description="Flagged too long ago without an assessment.")
    not_visited: bool = Field(False, description="Flagged and not visited since.")
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=500)


@router.get("/cases", response={200: CasePage, **READ}, summary="Monitoring cases in scope")
def case_list(request: HttpRequest, filters: Query[CaseQuery]):
    region = region_get(user=request.user, code=filters.region) if filters.region else None
    page = selectors.case_list(
        user=request.user,
        region=region,
        stage=filters.stage,
        category=filters.category,
        overdue=filters.overdue,
        not_visited=filters.not_visited,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [_item(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/cases/{case_id}", response={200: CaseOut, **READ}, summary="One case")
def case_detail(request: HttpRequest, case_id: int):
    return _case_out(request.user, case_id)


class AssessIn(Schema):
    visit_id: int | None = Field(
        None, description="The visit to the household (on or after flagging)."
    )
    deliberated_on: dt.date | None = None
    participants: int | None = None
    result: str = Field("", json_schema_extra={"enum": DeliberationResult.values})
    notes: str = ""


@router.post(
    "/cases/{case_id}/assess",
    response={200: CaseOut, **WRITE},
    summary="Record the assessment: visit and village deliberation (flagged → assessed)",
)
def case_assess(request: HttpRequest, case_id: int, payload: Form[AssessIn]):
    case = selectors.case_get(user=request.user, pk=case_id)
    rules.require(rules.may_manage(request.user, case.household))
    services.case_assess(
        actor=request.user,
        case=case,
        visit=_visit(case.household, payload.visit_id),
        deliberated_on=payload.deliberated_on,
        participants=payload.participants,
        result=payload.result,
        notes=payload.notes,
    )
    return _case_out(request.user, case_id)


class ConfirmIn(Schema):
    category: str = Field("", json_schema_extra={"enum": MonitoringCategory.values})
    confirmed_on: dt.date | None = Field(None, description="Today when not given.")


@router.post(
    "/cases/{case_id}/confirm",
    response={200: CaseOut, **WRITE},
    summary="Confirm as a monitored household in a category (assessed → confirmed)",
)
def case_confirm(request: HttpRequest, case_id: int, payload: Form[ConfirmIn]):
    case = selectors.case_get(user=request.user, pk=case_id)
    rules.require(rules.may_manage(request.user, case.household))
    services.case_confirm(
        actor=request.user, case=case, category=payload.category, confirmed_on=payload.confirmed_on
    )
    return _case_out(request.user, case_id)


class ReasonIn(Schema):
    reason: str = ""


@router.post(
    "/cases/{case_id}/dismiss",
    response={200: CaseOut, **WRITE},
    summary="Dismiss a flagged or assessed case, with the reason",
)
def case_dismiss(request: HttpRequest, case_id: int, payload: Form[ReasonIn]):
    case = selectors.case_get(user=request.user, pk=case_id)
    rules.require(rules.may_manage(request.user, case.household))
    services.case_dismiss(actor=request.user, case=case, reason=payload.reason)
    return _case_out(request.user, case_id)


class IncomeCheckIn(Schema):
    checked_on: dt.date | None = None
    per_capita_income: Decimal | None = None
    notes: str = ""


@router.post(
    "/cases/{case_id}/income-checks",
    response={201: CaseOut, **WRITE},
    summary="Record income per person found at a follow-up visit",
)
def income_check_add(request: HttpRequest, case_id: int, payload: Form[IncomeCheckIn]):
    case = selectors.case_get(user=request.user, pk=case_id)
    rules.require(rules.may_report(request.user, case.household))
    services.income_check_add(
        actor=request.user,
        case=case,
        checked_on=payload.checked_on,
        per_capita_income=payload.per_capita_income,
        notes=payload.notes,
    )
    return Status(201, _case_out(request.user, case_id))


class MeasureIn(Schema):
    type: str = Field("", json_schema_extra={"enum": MeasureType.values})
    description: str = ""
    due_date: dt.date | None = None
    planned_cost: Decimal | None = None


@router.post(
    "/cases/{case_id}/measures",
    response={201: CaseOut, **WRITE},
    summary="Add an assistance measure for a confirmed case",
)
def measure_add(request: HttpRequest, case_id: int, payload: Form[MeasureIn]):
    case = selectors.case_get(user=request.user, pk=case_id)
    rules.require(rules.may_plan(request.user, case.household))
    services.case_measure_add(
        actor=request.user,
        case=case,
        type=payload.type,
        description=payload.description,
        due_date=payload.due_date,
        planned_cost=payload.planned_cost or 0,
    )
    return Status(201, _case_out(request.user, case_id))


class NoteIn(Schema):
    note: str = ""


@router.post(
    "/reasons/{reason_id}/resolve",
    response={200: CaseOut, **WRITE},
    summary="Mark a reason of an open case resolved, saying how",
)
def reason_resolve(request: HttpRequest, reason_id: int, payload: Form[NoteIn]):
    reason = selectors.reason_get(user=request.user, pk=reason_id)
    rules.require(rules.may_manage(request.user, reason.case.household))
    services.case_reason_resolve(actor=request.user, reason=reason, note=payload.note)
    return _case_out(request.user, reason.case_id)


@router.post(
    "/households/{household_id}/flag",
    response={201: CaseOut, **WRITE},
    summary="Flag a household by hand (officers), saying why",
)
def household_flag(request: HttpRequest, household_id: int, payload: Form[NoteIn]):
    household = household_get(user=request.user, pk=household_id)
    rules.require(rules.may_manage(request.user, household))
    case = services.case_flag(actor=request.user, household=household, note=payload.note)
    return Status(201, _case_out(request.user, case.pk))


class ReportIn(Schema):
    visit_id: int | None = Field(None, description="The visit at which the risk was seen.")
    note: str = ""


@router.post(
    "/households/{household_id}/report",
    response={201: CaseOut, **WRITE},
    summary="A cadre paired with the household reports it at risk from a visit",
)
def household_report(request: HttpRequest, household_id: int, payload: Form[ReportIn]):
    household = household_get(user=request.user, pk=household_id)
    rules.require(rules.may_report(request.user, household))
    case = services.case_report(
        actor=request.user,
        household=household,
        visit=_visit(household, payload.visit_id),
        note=payload.note,
    )
    return Status(201, _case_out(request.user, case.pk))


class RiskEventOut(Schema):
    id: int
    household_id: int
    kind: RiskEventKind
    occurred_on: dt.date
    amount: Decimal
    description: str


class RiskEventPage(Schema):
    items: list[RiskEventOut]
    next_cursor: str | None


def _event(e) -> dict:
    return {
        "id": e.pk,
        "household_id": e.household_id,
        "kind": e.kind,
        "occurred_on": e.occurred_on,
        "amount": e.amount,
        "description": e.description,
    }


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=500)


@router.get(
    "/households/{household_id}/risk-events",
    response={200: RiskEventPage, **READ},
    summary="A household's risk events",
)
def risk_event_list(request: HttpRequest, household_id: int, filters: Query[PageQuery]):
    household = household_get(user=request.user, pk=household_id)
    page = selectors.risk_event_list(
        user=request.user, household=household, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [_event(e) for e in page.items], "next_cursor": page.next_cursor}


class RiskEventIn(Schema):
    kind: str = Field("", json_schema_extra={"enum": RiskEventKind.values})
    occurred_on: dt.date | None = None
    amount: Decimal | None = None
    description: str = ""


@router.post(
    "/households/{household_id}/risk-events",
    response={201: RiskEventOut, **WRITE},
    summary="Record a large unavoidable expense (medical, disaster, accident)",
)
def risk_event_create(request: HttpRequest, household_id: int, payload: Form[RiskEventIn]):
    household = household_get(user=request.user, pk=household_id)
    rules.require(rules.may_report(request.user, household))
    event = services.risk_event_create(
        actor=request.user,
        household=household,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        amount=payload.amount,
        description=payload.description,
    )
    return Status(201, _event(event))


class CountsOut(Schema):
    region_code: str | None
    region_name: str | None
    by_stage: dict[str, int]
    by_category: dict[str, int]
    overdue: int
    not_visited: int


class SummaryOut(Schema):
    totals: CountsOut
    children: list[CountsOut]


class SummaryQuery(Schema):
    region: str | None = Field(None, description="Region code; everything you see when absent.")


def _counts(c) -> dict:
    return {
        "region_code": c.region.code if c.region else None,
        "region_name": c.region.name if c.region else None,
        "by_stage": {v: n for v, _l, n in c.stages()},
        "by_category": {v: n for v, _l, n in c.categories()},
        "overdue": c.overdue,
        "not_visited": c.not_visited,
    }


@router.get(
    "/summary",
    response={200: SummaryOut, **READ},
    summary="Counts by stage and category, overdue assessments, per child region",
)
def summary(request: HttpRequest, filters: Query[SummaryQuery]):
    region = region_get(user=request.user, code=filters.region) if filters.region else None
    result = selectors.monitoring_summary(user=request.user, region=region)
    return {"totals": _counts(result.totals), "children": [_counts(c) for c in result.children]}


class RunOut(Schema):
    id: int
    region_code: str
    status: ScreeningStatus
    total: int | None
    screened: int
    flagged: int
    created_cases: int
    updated_cases: int
    message: str
    rate: float = Field(description="Households per second.")
    eta_seconds: int | None


def _run(run) -> dict:
    return {
        "id": run.pk,
        "region_code": run.region_id,
        "status": run.status,
        "total": run.total,
        "screened": run.screened,
        "flagged": run.flagged,
        "created_cases": run.created_cases,
        "updated_cases": run.updated_cases,
        "message": run.message,
        "rate": run.rate,
        "eta_seconds": run.eta_seconds,
    }


class ScreeningIn(Schema):
    region: str = Field("", description="The region to screen (in your scope, writable).")


@router.post(
    "/screenings",
    response={202: RunOut, **WRITE},
    summary="Start a risk screening of a region (runs in the background)",
)
def screening_start(request: HttpRequest, payload: Form[ScreeningIn]):
    if not payload.region.strip():
        raise InvalidInput(REGION_REQUIRED, field="region")
    region = region_get(user=request.user, code=payload.region)
    run = tasks.screening_start(actor=request.user, region_code=region.code)
    return Status(202, _run(run))


@router.get(
    "/screenings/{run_id}", response={200: RunOut, **READ}, summary="A screening run's progress"
)
def screening_detail(request: HttpRequest, run_id: int):
    return _run(selectors.screening_run_get(user=request.user, pk=run_id))
