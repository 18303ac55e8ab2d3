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
from shuanglian.regions.api import RegionRef, region_ref
from shuanglian.regions.selectors import region_get
from shuanglian.units.selectors import cadre_get, unit_get

router = Router(tags=["assistance"])

READ = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**READ, 403: ErrorOut, 409: ErrorOut}
DEED_VILLAGE_REQUIRED = _("The village is required.")
DEED_HOUSEHOLDS_UNKNOWN = _("Some of the households given do not exist.")


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
    }


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
    household = (
        household_get(user=request.user, pk=filters.household) if filters.household else None
    )
    cadre = cadre_get(user=request.user, pk=filters.cadre) if filters.cadre else None
    page = selectors.visit_list(
        user=request.user,
        household=household,
        cadre=cadre,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [_visit_item(v) for v in page.items], "next_cursor": page.next_cursor}


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
        household=household_get(user=user, pk=filters.household) if filters.household else None,
        cadre=cadre_get(user=user, pk=filters.cadre) if filters.cadre else None,
        unit=unit_get(user=user, pk=filters.unit) if filters.unit else None,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [_follow_up(f) for f in page.items], "next_cursor": page.next_cursor}


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
    year: int | None = None
    target_net_per_capita: Decimal | None = None
    target_exit_year: int | None = None
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
        user,
        household=household_get(user=user, pk=household) if household else None,
        cadre=cadre_get(user=user, pk=cadre) if cadre else None,
        unit=unit_get(user=user, pk=unit) if unit else None,
        cursor=cursor,
    )
    return {"items": [_measure(m) for m in page.items], "next_cursor": page.next_cursor}


class VillagePlanOut(Schema):
    id: int
    village: RegionRef
    year: int
    leading_industries: str
    targets: str
    project_ids: list[int]


def _village_plan(p: VillagePlan, village) -> dict:
    return {
        "id": p.pk,
        "village": region_ref(village),
        "year": p.year,
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


@router.post(
    "/villages/{code}/plans",
    response={200: VillagePlanOut, **WRITE},
    summary="Create or update a village's development plan for a year",
    operation_id="village_plan_save",
)
def village_plan_save(request: HttpRequest, code: str, payload: Form[VillagePlanIn]):
    village = region_get(user=request.user, code=code)
    rules.require(rules.may_village_plan(request.user, village.code))
    plan = services.village_plan_save(actor=request.user, village=village, **payload.dict())
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
        unit=unit_get(user=user, pk=unit) if unit else None,
        cadre=cadre_get(user=user, pk=cadre) if cadre else None,
        village=region_get(user=user, code=village) if village else None,
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_deed_item(d) for d in page.items], "next_cursor": page.next_cursor}


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
