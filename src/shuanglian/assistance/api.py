"""The assistance part of the API under /api/v1/: visits (with photos, as multipart forms),
follow-ups, household and village plans, measures, deeds.

Write bodies are forms whose fields are all optional in the schema: the record in the path is
looked up first (out of scope = 404, read-only = 403) and the services then say what is missing,
with the project's messages, instead of a generic 422.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shuanglian.assistance import rules, selectors, services
from shuanglian.assistance.models import (
    Deed,
    DeedType,
    FollowUp,
    FollowUpStatus,
    HouseholdPlan,
    Measure,
    MeasureStatus,
    MeasureType,
    VillagePlan,
    Visit,
    VisitMode,
)
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import InvalidInput
from shuanglian.households.selectors import household_get, visible_households
from shuanglian.projects.selectors import visible_projects
from shuanglian.regions.api import RegionRef, region_ref
from shuanglian.regions.selectors import region_get
from shuanglian.units.selectors import cadre_get, unit_get

router = Router(tags=["assistance"])

READ = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**READ, 403: ErrorOut, 409: ErrorOut}
DEED_VILLAGE_REQUIRED = _("The village is required.")
DEED_HOUSEHOLDS_UNKNOWN = _("Some of the households given do not exist.")
PROJECTS_UNKNOWN = _("Some of the projects given do not exist.")


class Ref(Schema):
    id: int
    name: str


class HouseholdRef(Schema):
    id: int
    number: str
    head_name: str


class PhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int
    gps_kept: bool


class FollowUpOut(Schema):
    id: int
    title: str
    household: HouseholdRef | None
    visit_id: int | None
    meeting_id: int | None
    owner_cadre: Ref | None
    owner_unit: Ref | None
    due_date: dt.date
    status: FollowUpStatus
    done_on: dt.date | None
    result: str


class VisitItem(Schema):
    id: int
    household: HouseholdRef
    cadre: Ref
    visited_on: dt.date
    mode: VisitMode
    discussion: str
    satisfaction: int | None
    voided_at: dt.datetime | None = Field(description="Set when voided: it then counts nowhere.")
    void_reason: str


class VisitOut(VisitItem):
    follow_ups: list[FollowUpOut]
    photos: list[PhotoOut]


class VisitPage(Schema):
    items: list[VisitItem]
    next_cursor: str | None


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


def _household(h) -> dict | None:
    return None if h is None else {"id": h.pk, "number": h.number, "head_name": h.head_name}


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _photo(photo, kind: str) -> dict:
    url = f"/assistance/{kind}s/photos/{photo.pk}/"
    return {
        "id": photo.pk,
        "url": url,
        "thumbnail_url": f"{url}?size=thumb",
        "width": photo.width,
        "height": photo.height,
        "gps_kept": photo.gps_kept,
    }


def _follow_up(f: FollowUp) -> dict:
    return {
        "id": f.pk,
        "title": f.title,
        "household": _household(f.household),
        "visit_id": f.visit_id,
        "meeting_id": f.meeting_id,
        "owner_cadre": _ref(f.owner_cadre),
        "owner_unit": _ref(f.owner_unit),
        "due_date": f.due_date,
        "status": f.status,
        "done_on": f.done_on,
        "result": f.result,
    }


def _visit_item(v: Visit) -> dict:
    return {
        "id": v.pk,
        "household": _household(v.household),
        "cadre": _ref(v.cadre),
        "visited_on": v.visited_on,
        "mode": v.mode,
        "discussion": v.discussion,
        "satisfaction": v.satisfaction,
        "voided_at": v.voided_at,
        "void_reason": v.void_reason,
    }


_LOOKUPS = {
    "household": lambda user, pk: household_get(user=user, pk=pk),
    "cadre": lambda user, pk: cadre_get(user=user, pk=pk),
    "unit": lambda user, pk: unit_get(user=user, pk=pk),
    "village": lambda user, code: region_get(user=user, code=code),
}


def _scoped(user, **ids) -> dict:
    """The list filters given by id, as records the user sees (404 otherwise); None when not
    given, which the selectors read as "no filter"."""
    return {name: _LOOKUPS[name](user, key) if key else None for name, key in ids.items()}


def _page(page, serialize) -> dict:
    return {"items": [serialize(item) for item in page.items], "next_cursor": page.next_cursor}


# Visits ----------------------------------------------------------------------------------------


class VisitQuery(Schema):
    household: int | None = Field(None, description="Only this household's visits.")
    cadre: int | None = Field(None, description="Only this cadre's visits.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


@router.get(
    "/visits",
    response={200: VisitPage, **READ},
    summary="Visits in scope",
    operation_id="visit_list",
)
def visits_list(request: HttpRequest, filters: Query[VisitQuery]):
    user = request.user
    page = selectors.visit_list(
        user=user,
        **_scoped(user, household=filters.household, cadre=filters.cadre),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return _page(page, _visit_item)


class VisitIn(Schema):
    visited_on: dt.date | None = Field(None, description="Not in the future.")
    mode: str = Field("", json_schema_extra={"enum": VisitMode.values})
    discussion: str = ""
    satisfaction: int | None = Field(None, description="1–5.")
    request_title: list[str] = Field(
        [], description="The household's requests (诉求), one field per request."
    )
    request_due_date: list[dt.date] = Field(
        [], description="The due date of each request, in the same order."
    )
    keep_gps: bool = Field(False, description="Keep the photos' location (stripped otherwise).")


@router.post(
    "/households/{household_id}/visits",
    response={201: VisitOut, **WRITE},
    summary="Log a visit (multipart form; photos as `photos` files)",
    operation_id="visit_create",
)
def visit_create(
    request: HttpRequest,
    household_id: int,
    payload: Form[VisitIn],
    photos: File[list[UploadedFile]] = None,
):
    """A cadre logs visits to households paired with them now; an officer of the village may
    log one on behalf of the paired cadre. Each request becomes an open follow-up of the cadre.
    """
    household = household_get(user=request.user, pk=household_id)
    rules.require(rules.may_visit(request.user, household))
    titles, dues = payload.request_title, payload.request_due_date
    if len(dues) > len(titles):
        raise InvalidInput(services.REQUEST_TITLE_REQUIRED, field="requests")
    requests = [(title, dues[n] if n < len(dues) else None) for n, title in enumerate(titles)]
    visit = services.visit_create(
        actor=request.user,
        household=household,
        visited_on=payload.visited_on,
        mode=payload.mode,
        discussion=payload.discussion,
        satisfaction=payload.satisfaction,
        requests=requests,
        photos=[(upload, payload.keep_gps) for upload in photos or []],
    )
    return Status(201, _visit_out(selectors.visit_get(user=request.user, pk=visit.pk)))


def _visit_out(visit: Visit) -> dict:
    return {
        **_visit_item(visit),
        "follow_ups": [_follow_up(f) for f in visit.follow_up_list],
        "photos": [_photo(p, "visit") for p in visit.photo_list],
    }


@router.get(
    "/visits/{visit_id}",
    response={200: VisitOut, **READ},
    summary="One visit with its requests and photos",
    operation_id="visit_detail",
)
def visit_detail(request: HttpRequest, visit_id: int):
    return _visit_out(selectors.visit_get(user=request.user, pk=visit_id))


class VisitUpdateIn(Schema):
    visited_on: dt.date | None = Field(None, description="Unchanged when not given.")
    mode: str | None = Field(None, json_schema_extra={"enum": VisitMode.values})
    discussion: str | None = None
    satisfaction: int | None = Field(None, description="1–5; unchanged when not given.")
    clear_satisfaction: bool = Field(False, description="Remove the satisfaction given.")
    keep_gps: bool = Field(False, description="Keep the added photos' location.")


@router.post(
    "/visits/{visit_id}",
    response={200: VisitOut, **WRITE},
    summary="Correct a visit and add photos (multipart form; fields not given stay)",
    operation_id="visit_update",
)
def visit_update(
    request: HttpRequest,
    visit_id: int,
    payload: Form[VisitUpdateIn],
    photos: File[list[UploadedFile]] = None,
):
    visit = selectors.visit_get(user=request.user, pk=visit_id)
    rules.require(rules.may_edit_visit(request.user, visit))
    satisfaction = {}
    if payload.clear_satisfaction:
        satisfaction = {"satisfaction": None}
    elif payload.satisfaction is not None:
        satisfaction = {"satisfaction": payload.satisfaction}
    services.visit_update(
        actor=request.user,
        visit=visit,
        visited_on=payload.visited_on,
        mode=payload.mode,
        discussion=payload.discussion,
        photos=[(upload, payload.keep_gps) for upload in photos or []],
        **satisfaction,
    )
    return _visit_out(selectors.visit_get(user=request.user, pk=visit_id))


class VoidIn(Schema):
    reason: str = Field("", description="Why it is voided (required).")


@router.post(
    "/visits/{visit_id}/void",
    response={200: VisitOut, **WRITE},
    summary="Void (作废) a visit: it stays, marked, and no longer counts",
    operation_id="visit_void",
)
def visit_void(request: HttpRequest, visit_id: int, payload: Form[VoidIn]):
    visit = selectors.visit_get(user=request.user, pk=visit_id)
    rules.require(rules.may_edit_visit(request.user, visit))
    services.visit_void(actor=request.user, visit=visit, reason=payload.reason)
    return _visit_out(selectors.visit_get(user=request.user, pk=visit_id))


# Follow-ups ------------------------------------------------------------------------------------


class FollowUpQuery(Schema):
    status: str | None = Field(None, json_schema_extra={"enum": ["", *FollowUpStatus.values]})
    household: int | None = None
    cadre: int | None = None
    unit: int | None = None
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=500)


@router.get(
    "/follow-ups",
    response={200: FollowUpPage, **READ},
    summary="Follow-ups in scope",
    operation_id="follow_up_list",
)
def follow_ups_list(request: HttpRequest, filters: Query[FollowUpQuery]):
    user = request.user
    page = selectors.follow_up_list(
        user=user,
        status=filters.status,
        **_scoped(user, household=filters.household, cadre=filters.cadre, unit=filters.unit),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return _page(page, _follow_up)


class FollowUpCreateIn(Schema):
    title: str = ""
    due_date: dt.date | None = None
    household: int | None = Field(None, description="The household it is about, if any.")
    owner_cadre: int | None = Field(None, description="The owner: a cadre, or")
    owner_unit: int | None = Field(None, description="a unit.")


@router.post(
    "/follow-ups",
    response={201: FollowUpOut, **WRITE},
    summary="Add a follow-up on its own (not from a visit)",
    operation_id="follow_up_create",
)
def follow_up_create(request: HttpRequest, payload: Form[FollowUpCreateIn]):
    user = request.user
    follow_up = services.follow_up_create(
        actor=user,
        title=payload.title,
        due_date=payload.due_date,
        household=household_get(user=user, pk=payload.household) if payload.household else None,
        owner_cadre=cadre_get(user=user, pk=payload.owner_cadre) if payload.owner_cadre else None,
        owner_unit=unit_get(user=user, pk=payload.owner_unit) if payload.owner_unit else None,
    )
    return Status(201, _follow_up(selectors.follow_up_get(user=user, pk=follow_up.pk)))


class FollowUpIn(Schema):
    status: str = Field("", json_schema_extra={"enum": ["done", "cancelled"]})
    result: str = ""
    done_on: dt.date | None = Field(None, description="Today when not given.")


@router.post(
    "/follow-ups/{follow_up_id}",
    response={200: FollowUpOut, **WRITE},
    summary="Close a follow-up (done or cancelled, with the result)",
    operation_id="follow_up_update",
)
def follow_up_update(request: HttpRequest, follow_up_id: int, payload: Form[FollowUpIn]):
    follow_up = selectors.follow_up_get(user=request.user, pk=follow_up_id)
    rules.require(rules.may_follow_up(request.user, follow_up))
    follow_up = services.follow_up_update(
        actor=request.user,
        follow_up=follow_up,
        status=payload.status,
        result=payload.result,
        done_on=payload.done_on,
    )
    return _follow_up(selectors.follow_up_get(user=request.user, pk=follow_up.pk))


# Plans and measures ---------------------------------------------------------------------------


class MeasureOut(Schema):
    id: int
    plan_id: int
    type: MeasureType
    description: str
    responsible_cadre: Ref | None
    responsible_unit: Ref | None
    planned_cost: Decimal
    funding: str
    due_date: dt.date | None
    status: MeasureStatus
    status_reason: str
    done_on: dt.date | None
    outcome: str


class PlanOut(Schema):
    id: int
    household: HouseholdRef
    year: int
    target_net_per_capita: Decimal | None
    target_exit_year: int | None
    goals: str
    measures: list[MeasureOut]


def _measure(m: Measure) -> dict:
    return {
        "id": m.pk,
        "plan_id": m.plan_id,
        "type": m.type,
        "description": m.description,
        "responsible_cadre": _ref(m.responsible_cadre),
        "responsible_unit": _ref(m.responsible_unit),
        "planned_cost": m.planned_cost,
        "funding": m.funding,
        "due_date": m.due_date,
        "status": m.status,
        "status_reason": m.status_reason,
        "done_on": m.done_on,
        "outcome": m.outcome,
    }


def _plan(p: HouseholdPlan, household) -> dict:
    return {
        "id": p.pk,
        "household": _household(household),
        "year": p.year,
        "target_net_per_capita": p.target_net_per_capita,
        "target_exit_year": p.target_exit_year,
        "goals": p.goals,
        "measures": [_measure(m) for m in p.measures.all()],
    }


@router.get(
    "/households/{household_id}/plans",
    response={200: list[PlanOut], **READ},
    summary="A household's plans with their measures, newest year first",
    operation_id="household_plan_list",
)
def household_plans(request: HttpRequest, household_id: int):
    household = household_get(user=request.user, pk=household_id)
    plans = selectors.household_plans(user=request.user, household=household)
    return [_plan(p, household) for p in plans]


class PlanIn(Schema):
    # Text, checked by the service: a wrong amount or year gets its message, not a generic 422.
    year: int | None = None
    target_net_per_capita: str | None = Field(None, description="In yuan, 0 to 100,000,000.")
    target_exit_year: str | None = Field(None, description="A year from 2000 to 2100.")
    goals: str = ""


@router.post(
    "/households/{household_id}/plans",
    response={200: PlanOut, **WRITE},
    summary="Create or update the household's plan for a year",
    operation_id="household_plan_save",
)
def household_plan_save(request: HttpRequest, household_id: int, payload: Form[PlanIn]):
    household = household_get(user=request.user, pk=household_id)
    rules.require(rules.may_plan(request.user, household))
    plan = services.household_plan_save(actor=request.user, household=household, **payload.dict())
    return _plan(selectors.plan_get(user=request.user, pk=plan.pk), household)


class MeasureIn(Schema):
    type: str = Field("", json_schema_extra={"enum": MeasureType.values})
    description: str = ""
    responsible_cadre: int | None = None
    responsible_unit: int | None = None
    planned_cost: Decimal | None = None
    funding: str = ""
    due_date: dt.date | None = None


@router.post(
    "/plans/{plan_id}/measures",
    response={201: MeasureOut, **WRITE},
    summary="Add a measure to a household plan",
    operation_id="measure_add",
)
def measure_add(request: HttpRequest, plan_id: int, payload: Form[MeasureIn]):
    user = request.user
    plan = selectors.plan_get(user=user, pk=plan_id)
    rules.require(rules.may_plan(user, plan.household))
    data = payload.dict()
    cadre_id, unit_id = data.pop("responsible_cadre"), data.pop("responsible_unit")
    measure = services.measure_add(
        actor=user,
        plan=plan,
        responsible_cadre=cadre_get(user=user, pk=cadre_id) if cadre_id else None,
        responsible_unit=unit_get(user=user, pk=unit_id) if unit_id else None,
        **data,
    )
    return Status(201, _measure(measure))


class MeasureUpdateIn(Schema):
    status: str | None = Field(None, json_schema_extra={"enum": MeasureStatus.values})
    reason: str = Field("", description="Required when the measure is dropped.")
    done_on: dt.date | None = None
    outcome: str | None = None
    due_date: dt.date | None = None
    planned_cost: Decimal | None = None
    description: str | None = None


@router.post(
    "/measures/{measure_id}",
    response={200: MeasureOut, **WRITE},
    summary="Move a measure on (planned → in progress → done, or dropped) or edit it",
    operation_id="measure_update",
)
def measure_update(request: HttpRequest, measure_id: int, payload: Form[MeasureUpdateIn]):
    measure = selectors.measure_get(user=request.user, pk=measure_id)
    rules.require(rules.may_plan(request.user, measure.plan.household))
    measure = services.measure_update(actor=request.user, measure=measure, **payload.dict())
    return _measure(measure)


class MeasurePage(Schema):
    items: list[MeasureOut]
    next_cursor: str | None


@router.get(
    "/overdue-measures",
    response={200: MeasurePage, **READ},
    summary="Open measures past their due date",
    operation_id="overdue_measure_list",
)
def overdue_measures(
    request: HttpRequest,
    household: int | None = None,
    cadre: int | None = None,
    unit: int | None = None,
    cursor: str | None = None,
):
    user = request.user
    page = selectors.overdue_measures(
        user, **_scoped(user, household=household, cadre=cadre, unit=unit), cursor=cursor
    )
    return _page(page, _measure)


class VillagePlanOut(Schema):
    id: int
    village: RegionRef
    year: int
    unit: Ref | None = Field(description="The paired unit that made the plan.")
    leading_industries: str
    targets: str
    project_ids: list[int]


def _village_plan(p: VillagePlan, village) -> dict:
    return {
        "id": p.pk,
        "village": region_ref(village),
        "year": p.year,
        "unit": _ref(p.unit),
        "leading_industries": p.leading_industries,
        "targets": p.targets,
        "project_ids": [project.pk for project in p.projects.all()],
    }


@router.get(
    "/villages/{code}/plans",
    response={200: list[VillagePlanOut], **READ},
    summary="A village's development plans, newest year first",
    operation_id="village_plan_list",
)
def village_plans(request: HttpRequest, code: str):
    village = region_get(user=request.user, code=code)
    return [
        _village_plan(p, village)
        for p in selectors.village_plans(user=request.user, village=village)
    ]


class VillagePlanIn(Schema):
    year: int | None = None
    leading_industries: str = ""
    targets: str = ""
    unit: int | None = Field(
        None, description="A unit paired with the village now; a unit administrator's own."
    )
    project_ids: list[int] | None = Field(
        None, description="The village's projects to link; links unchanged when not given."
    )


@router.post(
    "/villages/{code}/plans",
    response={200: VillagePlanOut, **WRITE},
    summary="Create or update a village's development plan for a year",
    operation_id="village_plan_save",
)
def village_plan_save(request: HttpRequest, code: str, payload: Form[VillagePlanIn]):
    village = region_get(user=request.user, code=code)
    rules.require(rules.may_village_plan(request.user, village.code))
    user = request.user
    projects = None
    if payload.project_ids is not None:
        projects = list(visible_projects(user).filter(pk__in=payload.project_ids))
        if len(projects) != len(set(payload.project_ids)):
            raise InvalidInput(PROJECTS_UNKNOWN, field="projects")
    plan = services.village_plan_save(
        actor=user,
        village=village,
        year=payload.year,
        leading_industries=payload.leading_industries,
        targets=payload.targets,
        unit=unit_get(user=user, pk=payload.unit) if payload.unit else None,
        projects=projects,
    )
    plan = next(p for p in selectors.village_plans(user=user, village=village) if p.pk == plan.pk)
    return _village_plan(plan, village)


# Deeds ---------------------------------------------------------------------------------------


class DeedOut(Schema):
    id: int
    unit: Ref
    cadre: Ref | None
    type: DeedType
    description: str
    value: Decimal
    done_on: dt.date
    village: RegionRef
    households: list[HouseholdRef] = Field(description="Empty: the whole village benefits.")
    photos: list[PhotoOut]
    voided_at: dt.datetime | None = Field(description="Set when voided: it then counts nowhere.")
    void_reason: str


class DeedItem(Schema):
    id: int
    unit: Ref
    cadre: Ref | None
    type: DeedType
    description: str
    value: Decimal
    done_on: dt.date
    village: RegionRef
    household_count: int
    voided_at: dt.datetime | None = Field(description="Set when voided: it then counts nowhere.")
    void_reason: str


class DeedPage(Schema):
    items: list[DeedItem]
    next_cursor: str | None


def _deed_item(d: Deed) -> dict:
    return {
        "id": d.pk,
        "unit": _ref(d.unit),
        "cadre": _ref(d.cadre),
        "type": d.type,
        "description": d.description,
        "value": d.value,
        "done_on": d.done_on,
        "village": region_ref(d.village),
        "household_count": d.household_count,
        "voided_at": d.voided_at,
        "void_reason": d.void_reason,
    }


def _deed_out(d: Deed) -> dict:
    return {
        "id": d.pk,
        "unit": _ref(d.unit),
        "cadre": _ref(d.cadre),
        "type": d.type,
        "description": d.description,
        "value": d.value,
        "done_on": d.done_on,
        "village": region_ref(d.village),
        "households": [_household(h) for h in d.household_list],
        "photos": [_photo(p, "deed") for p in d.photo_list],
        "voided_at": d.voided_at,
        "void_reason": d.void_reason,
    }


@router.get(
    "/deeds",
    response={200: DeedPage, **READ},
    summary="Deeds in scope",
    operation_id="deed_list",
)
def deeds_list(
    request: HttpRequest,
    unit: int | None = None,
    cadre: int | None = None,
    village: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    user = request.user
    page = selectors.deed_list(
        user=user,
        **_scoped(user, unit=unit, cadre=cadre, village=village),
        cursor=cursor,
        limit=limit,
    )
    return _page(page, _deed_item)


class DeedIn(Schema):
    village: str = Field("", description="Village code.")
    type: str = Field("", json_schema_extra={"enum": DeedType.values})
    description: str = ""
    value: Decimal | None = Field(None, description="In yuan, 0 to 100,000,000.")
    done_on: dt.date | None = Field(None, description="Not in the future.")
    cadre: int | None = Field(None, description="The unit's cadre who delivered it.")
    households: list[int] = Field([], description="Beneficiary households; none: the village.")
    keep_gps: bool = False


@router.post(
    "/units/{unit_id}/deeds",
    response={201: DeedOut, **WRITE},
    summary="Record a deed of a unit (multipart form; photos as `photos` files)",
    operation_id="deed_create",
)
def deed_create(
    request: HttpRequest,
    unit_id: int,
    payload: Form[DeedIn],
    photos: File[list[UploadedFile]] = None,
):
    user = request.user
    unit = unit_get(user=user, pk=unit_id)
    rules.require(rules.may_deed(user, unit))
    if not payload.village:
        raise InvalidInput(DEED_VILLAGE_REQUIRED, field="village")
    village = region_get(user=user, code=payload.village)
    households = list(visible_households(user).filter(pk__in=payload.households))
    if len(households) != len(set(payload.households)):
        raise InvalidInput(DEED_HOUSEHOLDS_UNKNOWN, field="households")
    deed = services.deed_create(
        actor=user,
        unit=unit,
        village=village,
        type=payload.type,
        description=payload.description,
        value=payload.value,
        done_on=payload.done_on,
        cadre=cadre_get(user=user, pk=payload.cadre) if payload.cadre else None,
        households=households,
        photos=[(upload, payload.keep_gps) for upload in photos or []],
    )
    return Status(201, _deed_out(selectors.deed_get(user=user, pk=deed.pk)))


@router.get(
    "/deeds/{deed_id}",
    response={200: DeedOut, **READ},
    summary="One deed with its beneficiaries and photos",
    operation_id="deed_detail",
)
def deed_detail(request: HttpRequest, deed_id: int):
    return _deed_out(selectors.deed_get(user=request.user, pk=deed_id))


class DeedUpdateIn(Schema):
    type: str | None = Field(None, json_schema_extra={"enum": DeedType.values})
    description: str | None = None
    value: Decimal | None = Field(None, description="In yuan, 0 to 100,000,000.")
    done_on: dt.date | None = Field(None, description="Not in the future.")
    households: list[int] | None = Field(
        None, description="Replaces the beneficiary households; unchanged when not given."
    )
    whole_village: bool = Field(False, description="No households: the whole village benefits.")
    keep_gps: bool = False


@router.post(
    "/deeds/{deed_id}",
    response={200: DeedOut, **WRITE},
    summary="Correct a deed and add photos (multipart form; fields not given stay)",
    operation_id="deed_update",
)
def deed_update(
    request: HttpRequest,
    deed_id: int,
    payload: Form[DeedUpdateIn],
    photos: File[list[UploadedFile]] = None,
):
    user = request.user
    deed = selectors.deed_get(user=user, pk=deed_id)
    rules.require(rules.may_edit_deed(user, deed))
    households = None
    if payload.whole_village:
        households = []
    elif payload.households is not None:
        households = list(visible_households(user).filter(pk__in=payload.households))
        if len(households) != len(set(payload.households)):
            raise InvalidInput(DEED_HOUSEHOLDS_UNKNOWN, field="households")
    services.deed_update(
        actor=user,
        deed=deed,
        type=payload.type,
        description=payload.description,
        value=payload.value,
        done_on=payload.done_on,
        households=households,
        photos=[(upload, payload.keep_gps) for upload in photos or []],
    )
    return _deed_out(selectors.deed_get(user=user, pk=deed_id))


@router.post(
    "/deeds/{deed_id}/void",
    response={200: DeedOut, **WRITE},
    summary="Void (作废) a deed: it stays, marked, and counts in no total",
    operation_id="deed_void",
)
def deed_void(request: HttpRequest, deed_id: int, payload: Form[VoidIn]):
    deed = selectors.deed_get(user=request.user, pk=deed_id)
    rules.require(rules.may_edit_deed(request.user, deed))
    services.deed_void(actor=request.user, deed=deed, reason=payload.reason)
    return _deed_out(selectors.deed_get(user=request.user, pk=deed_id))


# Work logs -----------------------------------------------------------------------------------


class FundingRow(Schema):
    id: int
    project: Ref
    source: str
    amount: Decimal
    received_on: dt.date


class WorkLogOut(Schema):
    start: dt.date
    end: dt.date
    visit_count: int
    deed_count: int
    deed_value: Decimal
    funding_count: int
    funds_total: Decimal = Field(description="Funds the unit raised for projects (unit logs).")
    measure_count: int = Field(description="Measures completed in the period.")
    visits: list[VisitItem] = Field(description=f"At most {selectors.LOG_ROWS}, newest first.")
    deeds: list[DeedItem]
    fundings: list[FundingRow]
    measures_done: list[MeasureOut]


class PeriodQuery(Schema):
    start: dt.date | None = Field(None, description="1 January of the end's year by default.")
    end: dt.date | None = Field(None, description="Today by default.")


def _work_log(log) -> dict:
    return {
        "start": log.start,
        "end": log.end,
        "visit_count": log.visit_count,
        "deed_count": log.deed_count,
        "deed_value": log.deed_value,
        "funding_count": log.funding_count,
        "funds_total": log.funds_total,
        "measure_count": log.measure_count,
        "visits": [_visit_item(v) for v in log.visits],
        "deeds": [_deed_item(d) for d in log.deeds],
        "fundings": [
            {
                "id": f.pk,
                "project": {"id": f.project_id, "name": f.project.name},
                "source": f.source,
                "amount": f.amount,
                "received_on": f.received_on,
            }
            for f in log.fundings
        ],
        "measures_done": [_measure(m) for m in log.measures_done],
    }


@router.get(
    "/units/{unit_id}/work-log",
    response={200: WorkLogOut, **READ},
    summary="A unit's work in a period: visits, deeds, funds raised, measures completed",
    operation_id="unit_work_log",
)
def unit_work_log(request: HttpRequest, unit_id: int, period: Query[PeriodQuery]):
    unit = unit_get(user=request.user, pk=unit_id)
    log = selectors.work_log(user=request.user, unit=unit, start=period.start, end=period.end)
    return _work_log(log)


@router.get(
    "/cadres/{cadre_id}/work-log",
    response={200: WorkLogOut, **READ},
    summary="A cadre's work in a period: visits, deeds, measures completed",
    operation_id="cadre_work_log",
)
def cadre_work_log(request: HttpRequest, cadre_id: int, period: Query[PeriodQuery]):
    cadre = cadre_get(user=request.user, pk=cadre_id)
    log = selectors.work_log(user=request.user, cadre=cadre, start=period.start, end=period.end)
    return _work_log(log)
