"""The lifecycle part of the API under /api/v1/lifecycle: procedures (list, detail, start, record
the next step), notices, income lines (read).

Write bodies are forms whose fields are all optional in the schema: the record in the path is
looked up first (out of scope = 404) and the step's level rule checked (403) before the service
says what is missing, with the project's messages, instead of a generic 422.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import NotFound
from shuanglian.households.selectors import household_get
from shuanglian.lifecycle import registry, rules, selectors, services
from shuanglian.lifecycle.models import (
    LineKind,
    NoticeKind,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    Step,
    StepOutcome,
)
from shuanglian.lifecycle.views import KIND_UNKNOWN

router = Router(tags=["lifecycle"])

READ = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**READ, 403: ErrorOut, 409: ErrorOut}


class HouseholdRef(Schema):
    id: int
    number: str
    head_name: str
    village_code: str


class StepOut(Schema):
    id: int
    step: Step
    done_on: dt.date
    outcome: StepOutcome
    reason: str
    note: str
    participants: int | None
    votes_for: int | None
    votes_against: int | None
    minutes: str
    notice_id: int | None
    documents: list[int]


class ProcedureOut(Schema):
    id: int
    kind: ProcedureKind
    household: HouseholdRef
    status: ProcedureStatus
    next_step: str = Field(description="The step to record next; empty once ended.")
    started_on: dt.date
    ended_on: dt.date | None
    rejection_reason: str


class ProcedureDetailOut(ProcedureOut):
    steps: list[StepOut]


class ProcedurePage(Schema):
    items: list[ProcedureOut]
    next_cursor: str | None


class ProcedureQuery(Schema):
    kind: str | None = Field(None, json_schema_extra={"enum": ProcedureKind.values})
    step: str | None = Field(None, description="Next step", json_schema_extra={"enum": Step.values})
    status: str | None = Field(None, json_schema_extra={"enum": ProcedureStatus.values})
    region: str | None = Field(None, description="Region code (2 to 12 digits)")
    household: int | None = None
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=500)


class StepIn(Schema):
    """The next step's record; which fields matter depends on the step."""

    step: str | None = Field(
        None, description="The step meant; must be the procedure's next step. Default: the next."
    )
    done_on: dt.date | None = None
    outcome: str = Field(StepOutcome.PASSED, json_schema_extra={"enum": StepOutcome.values})
    reason: str = ""
    note: str = ""
    participants: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    minutes: str = ""
    objection_channel: str = ""
    notice_days: int | None = None


class ApplicationIn(Schema):
    done_on: dt.date | None = None
    note: str = ""


class NoticeRowOut(Schema):
    procedure_id: int
    household: HouseholdRef
    village: str
    member_count: int
    head_id_number_masked: str


class NoticeOut(Schema):
    id: int
    kind: NoticeKind
    procedure_kind: ProcedureKind
    region_code: str
    region_name: str
    starts_on: dt.date
    ends_on: dt.date
    objection_channel: str


class NoticeDetailOut(NoticeOut):
    households: list[NoticeRowOut]


class NoticePage(Schema):
    items: list[NoticeOut]
    next_cursor: str | None


class LineOut(Schema):
    id: int
    kind: LineKind
    year: int
    province_code: str | None
    amount: Decimal
    source: str


def _household_ref(household) -> dict:
    return {
        "id": household.pk,
        "number": household.number,
        "head_name": household.head_name,
        "village_code": household.village_id,
    }


def _procedure_out(procedure: Procedure) -> dict:
    return {
        "id": procedure.pk,
        "kind": procedure.kind,
        "household": _household_ref(procedure.household),
        "status": procedure.status,
        "next_step": procedure.next_step,
        "started_on": procedure.started_on,
        "ended_on": procedure.ended_on,
        "rejection_reason": procedure.rejection_reason,
    }


def _procedure_detail(procedure: Procedure) -> dict:
    steps = [
        {
            "id": s.pk,
            "step": s.step,
            "done_on": s.done_on,
            "outcome": s.outcome,
            "reason": s.reason,
            "note": s.note,
            "participants": s.participants,
            "votes_for": s.votes_for,
            "votes_against": s.votes_against,
            "minutes": s.minutes,
            "notice_id": s.notice_id,
            "documents": [d.pk for d in s.documents.all()],
        }
        for s in selectors.procedure_steps(procedure)
    ]
    return {**_procedure_out(procedure), "steps": steps}


@router.get(
    "/procedures",
    response={200: ProcedurePage, **READ},
    summary="Procedures in scope",
    operation_id="lifecycle_procedure_list",
)
def procedure_list(request: HttpRequest, filters: Query[ProcedureQuery]):
    page = selectors.procedure_list(
        user=request.user,
        kind=filters.kind,
        step=filters.step,
        status=filters.status,
        region=filters.region,
        household=filters.household,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [_procedure_out(p) for p in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/procedures/{procedure_id}",
    response={200: ProcedureDetailOut, **READ},
    summary="One procedure with its steps",
    operation_id="lifecycle_procedure_detail",
)
def procedure_detail(request: HttpRequest, procedure_id: int):
    return _procedure_detail(selectors.procedure_get(user=request.user, pk=procedure_id))


@router.post(
    "/procedures/{procedure_id}/steps",
    response={201: ProcedureDetailOut, **WRITE},
    summary="Record the procedure's next step (multipart form; documents as `documents` files)",
    operation_id="lifecycle_step_record",
)
def step_record(
    request: HttpRequest,
    procedure_id: int,
    payload: Form[StepIn],
    documents: File[list[UploadedFile]] = None,
):
    """Village steps: officers of the village or township; township steps: of the township;
    county steps: of the county. A notice step posts a notice for this household."""
    procedure = selectors.procedure_get(user=request.user, pk=procedure_id)
    step = payload.step or procedure.next_step or Step.APPLICATION
    if step in Step.values:
        rules.require_record(request.user, procedure.household, step)
    services.step_record(
        actor=request.user,
        procedure=procedure,
        step=step,
        data=services.StepData(
            done_on=payload.done_on,
            outcome=payload.outcome,
            reason=payload.reason,
            note=payload.note,
            participants=payload.participants,
            votes_for=payload.votes_for,
            votes_against=payload.votes_against,
            minutes=payload.minutes,
            objection_channel=payload.objection_channel,
            notice_days=payload.notice_days,
        ),
        documents=documents or [],
    )
    return Status(
        201, _procedure_detail(selectors.procedure_get(user=request.user, pk=procedure_id))
    )


@router.post(
    "/households/{household_id}/procedures/{kind}",
    response={201: ProcedureDetailOut, **WRITE},
    summary="Start a procedure of a kind for a household (its first step)",
    operation_id="lifecycle_procedure_start",
)
def procedure_start(
    request: HttpRequest,
    household_id: int,
    kind: str,
    payload: Form[ApplicationIn],
    documents: File[list[UploadedFile]] = None,
):
    """Identification starts with the application (the paired cadre may file it); exit with the
    criteria check, refused with every failed criterion in `extra.failures`."""
    household = household_get(user=request.user, pk=household_id)
    spec = registry.spec_of(kind) if kind in ProcedureKind.values else None
    if spec is None:
        raise NotFound(KIND_UNKNOWN, field="kind")
    rules.require_record(request.user, household, spec.steps[0])
    data = None
    if spec.steps[0] != Step.CRITERIA_CHECK:
        data = services.StepData(done_on=payload.done_on, note=payload.note)
    procedure = services.procedure_start(
        actor=request.user, household=household, kind=kind, data=data, documents=documents or []
    )
    return Status(
        201, _procedure_detail(selectors.procedure_get(user=request.user, pk=procedure.pk))
    )


def _notice_out(notice) -> dict:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "procedure_kind": notice.procedure_kind,
        "region_code": notice.region_id,
        "region_name": notice.region.name,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "objection_channel": notice.objection_channel,
    }


class CursorQuery(Schema):
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=500)


@router.get(
    "/notices",
    response={200: NoticePage, **READ},
    summary="Public notices listing households in scope",
    operation_id="lifecycle_notice_list",
)
def notice_list(request: HttpRequest, filters: Query[CursorQuery]):
    page = selectors.notice_list(user=request.user, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_notice_out(n) for n in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/notices/{notice_id}",
    response={200: NoticeDetailOut, **READ},
    summary="One notice with its households (ID numbers masked)",
    operation_id="lifecycle_notice_detail",
)
def notice_detail(request: HttpRequest, notice_id: int):
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    rows = [
        {
            "procedure_id": row.procedure.pk,
            "household": _household_ref(row.household),
            "village": row.village,
            "member_count": row.household.member_count,
            "head_id_number_masked": row.head_id_masked,
        }
        for row in selectors.notice_rows(notice, request.user)
    ]
    return {**_notice_out(notice), "households": rows}


@router.get(
    "/lines",
    response={200: list[LineOut], **READ},
    summary="Income lines (poverty and monitoring), national and by province",
    operation_id="lifecycle_line_list",
)
def line_list(request: HttpRequest):
    return [
        {
            "id": line.pk,
            "kind": line.kind,
            "year": line.year,
            "province_code": line.province_id,
            "amount": line.amount,
            "source": line.source,
        }
        for line in selectors.line_list()
    ]
