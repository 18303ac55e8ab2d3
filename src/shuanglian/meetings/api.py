"""The meetings part of the API under /api/v1/: meetings, unit reports and decisions."""

import datetime as dt

import pydantic
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from shuanglian.assistance import rules as follow_up_rules
from shuanglian.assistance.models import FollowUpStatus
from shuanglian.assistance.services import follow_up_update
from shuanglian.core.access import WRITE_FORBIDDEN, require_any_write, require_write
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.meetings import selectors, services
from shuanglian.meetings.models import MeetingType, ReportStatus
from shuanglian.regions.api import REGION_PATTERN, RegionRef, region_ref
from shuanglian.units.api import UnitRef
from shuanglian.units.selectors import unit_get, visible_units

router = Router(tags=["meetings"])

BODY_NOT_JSON = _("The body must be a JSON object as documented.")
BODY_FIELD_WRONG = _("{field}: missing or of the wrong type.")

ERRORS = {401: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, **ERRORS}


class MeetingQuery(Schema):
    region: str | None = Field(
        None,
        description="Region code or its prefix: meetings held there.",
        json_schema_extra={"pattern": REGION_PATTERN},
    )
    type: str | None = Field(None, json_schema_extra={"enum": ["", *MeetingType.values]})
    year: int | None = Field(None, ge=2000, le=2100)
    q: str | None = Field(None, description="Part of the title.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class MeetingItem(Schema):
    id: int
    type: MeetingType
    title: str
    held_on: dt.date
    place: RegionRef
    host_unit: UnitRef | None
    presiding: str
    cancelled_at: dt.datetime | None = Field(description="Set when the meeting was cancelled.")
    cancel_reason: str


class MeetingPage(Schema):
    items: list[MeetingItem]
    next_cursor: str | None


class SpeakerOut(Schema):
    order: int
    name: str
    post: str
    cadre_id: int | None
    summary: str


class StopOut(Schema):
    order: int
    project_id: int
    project: str
    village: RegionRef
    note: str


class ReportSummary(Schema):
    id: int
    status: ReportStatus
    period_start: dt.date
    period_end: dt.date


class AttendanceOut(Schema):
    unit: UnitRef
    report: ReportSummary | None


class DecisionOut(Schema):
    id: int
    meeting_id: int
    title: str
    owner_unit: UnitRef | None
    due_date: dt.date
    status: FollowUpStatus
    overdue: bool
    result: str
    done_on: dt.date | None


class DecisionPage(Schema):
    items: list[DecisionOut]
    next_cursor: str | None


class DecisionQuery(Schema):
    meeting: int | None = Field(None, description="Id of a meeting: its decisions.")
    unit: int | None = Field(None, description="Id of a unit: the decisions it owns.")
    status: str | None = Field(None, json_schema_extra={"enum": ["", *FollowUpStatus.values]})
    overdue: bool = Field(False, description="Only open decisions past their due date.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class DecisionCloseIn(Schema):
    status: str = Field(json_schema_extra={"enum": [FollowUpStatus.DONE, FollowUpStatus.CANCELLED]})
    result: str = Field(description="What came of it.")
    done_on: dt.date | None = Field(None, description="Today when not given.")


class CancelIn(Schema):
    reason: str = Field(description="Why the meeting is cancelled (required).")


class MeetingDetail(MeetingItem):
    agenda: str
    minutes: str
    speakers: list[SpeakerOut]
    attending_units: list[AttendanceOut]
    stops: list[StopOut]
    decisions: list[DecisionOut]


class ReportOut(ReportSummary):
    meeting_id: int
    unit: UnitRef
    work_done: str
    problems: str
    next_plans: str


class ReportIn(Schema):
    work_done: str
    problems: str = ""
    next_plans: str = ""


class SpeakerIn(Schema):
    name: str
    post: str = ""
    summary: str = ""
    cadre_id: int | None = None


class StopIn(Schema):
    project_id: int
    note: str = ""


class MeetingIn(Schema):
    type: MeetingType
    title: str
    held_on: dt.date | None
    place: str = Field(description="12-digit region code of the place (county, township, village).")
    host_unit_id: int | None = None
    presiding: str = ""
    agenda: str = ""
    minutes: str = ""
    attending_unit_ids: list[int] = Field(default_factory=list, description="Each owes a report.")
    speakers: list[SpeakerIn] = Field(default_factory=list, description="In speaking order.")
    stops: list[StopIn] = Field(default_factory=list, description="In visiting order.")


def _meeting_kwargs(payload: MeetingIn) -> dict:
    data = payload.dict(exclude={"place", "speakers", "stops"})
    data["place_code"] = payload.place
    data["speakers"] = [services.SpeakerData(**s.dict()) for s in payload.speakers]
    data["stops"] = [services.StopData(**s.dict()) for s in payload.stops]
    return data


class DecisionIn(Schema):
    title: str
    owner_unit_id: int | None = None
    due_date: dt.date | None = None


def _body(request: HttpRequest, schema: type[Schema]):
    """The JSON body, read after the permission check: a refused caller learns nothing from a
    validation error (ninja would validate a declared body before the view runs)."""
    try:
        return schema.model_validate_json(request.body or b"")
    except pydantic.ValidationError as err:
        errors = err.errors()
        location = [str(part) for part in errors[0].get("loc", ())] if errors else []
        if not location:
            raise InvalidInput(BODY_NOT_JSON) from None
        raise InvalidInput(BODY_FIELD_WRONG.format(field=location[0]), field=location[0]) from None


def _documented(schema: type[Schema]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def _require_report_write(request: HttpRequest, report) -> None:
    if not selectors.may_write_report(request.user, meeting=report.meeting, unit=report.unit):
        raise Forbidden(WRITE_FORBIDDEN)


def _unit(unit) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _item(meeting) -> dict:
    return {
        "id": meeting.pk,
        "type": meeting.type,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "place": region_ref(meeting.place),
        "host_unit": _unit(meeting.host_unit),
        "presiding": meeting.presiding,
        "cancelled_at": meeting.cancelled_at,
        "cancel_reason": meeting.cancel_reason,
    }


def _summary(report) -> dict:
    return {
        "id": report.pk,
        "status": report.status,
        "period_start": report.period_start,
        "period_end": report.period_end,
    }


def _decision(decision, today) -> dict:
    return {
        "id": decision.pk,
        "meeting_id": decision.meeting_id,
        "title": decision.title,
        "owner_unit": _unit(decision.owner_unit),
        "due_date": decision.due_date,
        "status": decision.status,
        "overdue": selectors.is_overdue(decision, today),
        "result": decision.result,
        "done_on": decision.done_on,
    }


def _report(report) -> dict:
    return {
        **_summary(report),
        "meeting_id": report.meeting_id,
        "unit": _unit(report.unit),
        "work_done": report.work_done,
        "problems": report.problems,
        "next_plans": report.next_plans,
    }


@router.get(
    "",
    response={200: MeetingPage, 400: ErrorOut, **ERRORS},
    summary="Meetings in scope",
    operation_id="meeting_list",
)
def meetings_list(request: HttpRequest, filters: Query[MeetingQuery]):
    page = selectors.meeting_list(user=request.user, **filters.dict())
    return {"items": [_item(m) for m in page.items], "next_cursor": page.next_cursor}


# Before the routes on /{meeting_id}: ninja tries the paths in the order they were added.
@router.get(
    "/decisions",
    response={200: DecisionPage, 400: ErrorOut, 404: ErrorOut, **ERRORS},
    summary="Decisions (督办事项) of the meetings in scope",
    operation_id="meeting_decision_list",
)
def decisions_list(request: HttpRequest, filters: Query[DecisionQuery]):
    user = request.user
    page = selectors.decision_list(
        user=user,
        meeting=selectors.meeting_get(user=user, pk=filters.meeting) if filters.meeting else None,
        unit=unit_get(user=user, pk=filters.unit) if filters.unit else None,
        status=filters.status,
        overdue=filters.overdue,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    today = timezone.localdate()
    return {"items": [_decision(d, today) for d in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/decisions/{decision_id}",
    response={200: DecisionOut, **WRITE_ERRORS},
    summary="Close a decision: done or cancelled, with the result",
    operation_id="meeting_decision_update",
    openapi_extra=_documented(DecisionCloseIn),
)
def decision_update(request: HttpRequest, decision_id: int):
    decision = selectors.decision_get(user=request.user, pk=decision_id)
    follow_up_rules.require(follow_up_rules.may_follow_up(request.user, decision))
    payload = _body(request, DecisionCloseIn)
    follow_up_update(actor=request.user, follow_up=decision, **payload.dict())
    decision = selectors.decision_get(user=request.user, pk=decision.pk)
    return _decision(decision, timezone.localdate())


@router.post(
    "",
    response={201: MeetingDetail, **WRITE_ERRORS},
    summary="Create a meeting (officers of the place)",
    operation_id="meeting_create",
    openapi_extra=_documented(MeetingIn),
)
def meetings_create(request: HttpRequest):
    require_any_write(request.user)
    payload = _body(request, MeetingIn)
    meeting = services.meeting_create(actor=request.user, **_meeting_kwargs(payload))
    return Status(201, _detail(meeting))


@router.put(
    "/{meeting_id}",
    response={200: MeetingDetail, **WRITE_ERRORS},
    summary="Replace a meeting's details, speakers, stops and attending units",
    operation_id="meeting_update",
    openapi_extra=_documented(MeetingIn),
)
def meetings_update(request: HttpRequest, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    require_write(request.user, meeting.place_id)
    payload = _body(request, MeetingIn)
    return _detail(
        services.meeting_update(actor=request.user, meeting=meeting, **_meeting_kwargs(payload))
    )


@router.get(
    "/reports/{report_id}",
    response={200: ReportOut, 404: ErrorOut, **ERRORS},
    summary="A unit's report to a meeting",
    operation_id="unit_report_get",
)
def report_detail(request: HttpRequest, report_id: int):
    return _report(selectors.report_get(user=request.user, pk=report_id))


@router.put(
    "/reports/{report_id}",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Edit a unit's report (a draft)",
    operation_id="unit_report_update",
    openapi_extra=_documented(ReportIn),
)
def report_update(request: HttpRequest, report_id: int):
    report = selectors.report_get(user=request.user, pk=report_id)
    _require_report_write(request, report)
    payload = _body(request, ReportIn)
    return _report(services.unit_report_update(actor=request.user, report=report, **payload.dict()))


@router.post(
    "/reports/{report_id}/draft",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Rewrite the draft's work done from the unit's recorded work",
    operation_id="unit_report_generate_draft",
)
def report_generate(request: HttpRequest, report_id: int):
    report = selectors.report_get(user=request.user, pk=report_id)
    return _report(
        services.unit_report_generate_draft(
            actor=request.user, meeting=report.meeting, unit=report.unit
        )
    )


@router.post(
    "/reports/{report_id}/submit",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Submit a unit's report (final)",
    operation_id="unit_report_submit",
)
def report_submit(request: HttpRequest, report_id: int):
    report = selectors.report_get(user=request.user, pk=report_id)
    return _report(services.unit_report_submit(actor=request.user, report=report))


@router.get(
    "/{meeting_id}",
    response={200: MeetingDetail, 404: ErrorOut, **ERRORS},
    summary="A meeting with speakers, attending units and their reports, stops and decisions",
    operation_id="meeting_get",
)
def meeting_detail(request: HttpRequest, meeting_id: int):
    return _detail(selectors.meeting_get(user=request.user, pk=meeting_id))


def _detail(meeting) -> dict:
    today = timezone.localdate()
    return {
        **_item(meeting),
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "speakers": [
            {
                "order": s.order,
                "name": s.name,
                "post": s.post,
                "cadre_id": s.cadre_id,
                "summary": s.summary,
            }
            for s in selectors.meeting_speakers(meeting)
        ],
        "attending_units": [
            {"unit": _unit(unit), "report": _summary(report) if report else None}
            for unit, report in selectors.meeting_attendance(meeting)
        ],
        "stops": [
            {
                "order": stop.order,
                "project_id": stop.project_id,
                "project": stop.project.name,
                "village": region_ref(stop.project.village),
                "note": stop.note,
            }
            for stop in selectors.meeting_stops(meeting)
        ],
        "decisions": [_decision(d, today) for d in selectors.meeting_decisions(meeting)],
    }


@router.post(
    "/{meeting_id}/cancel",
    response={200: MeetingDetail, **WRITE_ERRORS},
    summary="Cancel (void) a meeting, with the reason; nothing of it changes afterwards",
    operation_id="meeting_cancel",
    openapi_extra=_documented(CancelIn),
)
def meeting_cancel(request: HttpRequest, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    require_write(request.user, meeting.place_id)
    payload = _body(request, CancelIn)
    return _detail(
        services.meeting_cancel(actor=request.user, meeting=meeting, reason=payload.reason)
    )


@router.post(
    "/{meeting_id}/decisions",
    response={201: DecisionOut, **WRITE_ERRORS},
    summary="Add a decision: a follow-up (督办事项) of a unit, due by a date",
    operation_id="meeting_decision_add",
    openapi_extra=_documented(DecisionIn),
)
def decision_add(request: HttpRequest, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    require_write(request.user, meeting.place_id)
    payload = _body(request, DecisionIn)
    owner = None
    if payload.owner_unit_id is not None:
        owner = visible_units(request.user).filter(pk=payload.owner_unit_id).first()
        if owner is None:
            raise InvalidInput(
                services.MEETING_UNIT_UNKNOWN.format(id=payload.owner_unit_id), field="owner_unit"
            )
    decision = services.meeting_decision_add(
        actor=request.user,
        meeting=meeting,
        title=payload.title,
        owner_unit=owner,
        due_date=payload.due_date,
    )
    return Status(201, _decision(decision, timezone.localdate()))
