"""Village projects in the API: list, detail, create, update, status steps, photos, the fund
ledger, totals.

Write operations check the user's rights before they read the body, so a user without rights
gets 403 (or 404 for a project outside their scope) whatever they send; the body is then read
against its schema (documented in OpenAPI) and a bad one answers 400 with the field named.
"""

import datetime as dt
from decimal import Decimal

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from shuanglian.assistance.api import PhotoOut
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.households.api import CadreRef
from shuanglian.projects import selectors, services
from shuanglian.projects.models import (
    Funding,
    FundingSource,
    Project,
    ProjectPhoto,
    ProjectStatus,
    ProjectType,
)
from shuanglian.regions.api import REGION_PATTERN, RegionRef, region_ref
from shuanglian.units.api import UnitRef
from shuanglian.units.selectors import unit_get

router = Router(tags=["projects"])

BODY_INVALID = _("The request body is not a JSON object of the documented shape.")
BODY_FIELD_INVALID = _("{field} is missing or has the wrong type.")
PHOTO_FILE_REQUIRED = _("Send the photo as the multipart file field `photo`.")

READ = {401: ErrorOut, 422: ErrorOut}
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _body(request: HttpRequest, schema: type[Schema]):
    try:
        return schema.model_validate_json(request.body or b"")
    except pydantic.ValidationError as err:
        errors = err.errors()
        location = [str(part) for part in errors[0].get("loc", ())] if errors else []
        if not location:
            raise InvalidInput(BODY_INVALID) from None
        field = location[0]
        raise InvalidInput(BODY_FIELD_INVALID.format(field=field), field=field) from None


def _documented(schema: type[Schema]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


class ProjectQuery(Schema):
    region: str | None = Field(
        None,
        description="Region code or its prefix: projects of the villages in it.",
        json_schema_extra={"pattern": REGION_PATTERN},
    )
    type: str | None = Field(None, json_schema_extra={"enum": ["", *ProjectType.values]})
    status: str | None = Field(None, json_schema_extra={"enum": ["", *ProjectStatus.values]})
    year: str | None = Field(None, description="Year of the project.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class ProjectItem(Schema):
    id: int
    name: str
    village: RegionRef
    type: ProjectType
    quantity: Decimal
    quantity_unit: str
    budget: Decimal
    lead_unit: UnitRef | None
    status: ProjectStatus
    progress: int
    year: int
    funded: Decimal = Field(description="Sum of the ledger, reversals included.")


class ProjectPage(Schema):
    items: list[ProjectItem]
    next_cursor: str | None


class StatusChangeOut(Schema):
    from_status: str
    to_status: ProjectStatus
    changed_on: dt.date
    changed_by: str | None
    note: str


class FundingOut(Schema):
    id: int
    source: FundingSource
    amount: Decimal
    received_on: dt.date
    unit: UnitRef | None
    raised_by: CadreRef | None = Field(description="The cadre who raised the money.")
    note: str
    reverses: int | None = Field(description="The entry this one reverses.")
    reversed_by: int | None = Field(description="The entry that reversed this one.")


class TotalsOut(Schema):
    by_source: dict[FundingSource, Decimal]
    total: Decimal


class ProjectDetail(ProjectItem):
    description: str
    contributing_units: list[UnitRef]
    history: list[StatusChangeOut]
    ledger: list[FundingOut]
    totals: TotalsOut
    photos: list[PhotoOut]


class ProjectIn(Schema):
    village: str = Field(description="12-digit code of the village.")
    name: str
    type: str = Field(json_schema_extra={"enum": ProjectType.values})
    year: int
    quantity: Decimal = Decimal(0)
    quantity_unit: str = Field("", description="Empty: the usual unit of the type.")
    budget: Decimal = Decimal(0)
    lead_unit: int | None = None
    contributing_units: list[int] = []
    description: str = ""
    planned_on: dt.date | None = Field(None, description="Today if not given.")


class ProjectUpdateIn(Schema):
    """The fields of the project's edit page; the status moves only through /status."""

    village: str = Field(description="12-digit code of the village.")
    name: str
    type: str = Field(json_schema_extra={"enum": ProjectType.values})
    year: int
    quantity: Decimal = Decimal(0)
    quantity_unit: str = Field("", description="Empty: the usual unit of the type.")
    budget: Decimal = Decimal(0)
    lead_unit: int | None = None
    contributing_units: list[int] = []
    description: str = ""
    progress: int | None = Field(None, description="0–100; unchanged if not given.")
    status: str | None = Field(
        None,
        description="If given, the current status: an update never moves it.",
        json_schema_extra={"enum": ProjectStatus.values},
    )


class PhotoIn(Schema):
    keep_gps: bool = Field(False, description="Keep the photo's location (stripped otherwise).")
    caption: str = ""


class StatusIn(Schema):
    to_status: str = Field(
        description="Only the next status: planned → building → completed → accepted.",
        json_schema_extra={"enum": ProjectStatus.values},
    )
    changed_on: dt.date
    note: str = ""


class FundingIn(Schema):
    source: str = Field(json_schema_extra={"enum": FundingSource.values})
    amount: Decimal = Field(description="Yuan, more than 0, at most 10,000,000,000.")
    received_on: dt.date
    unit: int | None = Field(None, description="The contributing unit, if any.")
    raised_by: int | None = Field(
        None, description="Id of the cadre who raised the money: a cadre of `unit`."
    )
    note: str = ""


class ReverseIn(Schema):
    reason: str


class TotalsQuery(Schema):
    project: int | None = None
    unit: int | None = None
    village: str | None = Field(
        None,
        description="A village code or any region code prefix.",
        json_schema_extra={"pattern": REGION_PATTERN},
    )


def _unit_ref(unit) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _item(project: Project, funded) -> dict:
    return {
        "id": project.pk,
        "name": project.name,
        "village": region_ref(project.village),
        "type": project.type,
        "quantity": project.quantity,
        "quantity_unit": project.quantity_unit,
        "budget": project.budget,
        "lead_unit": _unit_ref(project.lead_unit),
        "status": project.status,
        "progress": project.progress,
        "year": project.year,
        "funded": selectors.money(funded),
    }


def _cadre_ref(cadre) -> dict | None:
    if cadre is None:
        return None
    return {"id": cadre.pk, "name": cadre.name, "unit": _unit_ref(cadre.unit)}


def _photo(photo: ProjectPhoto) -> dict:
    url = f"/projects/photos/{photo.pk}/"
    return {
        "id": photo.pk,
        "url": url,
        "thumbnail_url": f"{url}?size=thumb",
        "width": photo.width,
        "height": photo.height,
        "gps_kept": photo.gps_kept,
    }


def _funding(entry: Funding) -> dict:
    # No reversal: the reverse one-to-one raises DoesNotExist, an AttributeError.
    reversal = getattr(entry, "reversed_by", None)
    return {
        "id": entry.pk,
        "source": entry.source,
        "amount": entry.amount,
        "received_on": entry.received_on,
        "unit": _unit_ref(entry.unit),
        "raised_by": _cadre_ref(entry.raised_by),
        "note": entry.note,
        "reverses": entry.reverses_id,
        "reversed_by": reversal.pk if reversal is not None else None,
    }


def _totals(totals: selectors.FundingTotals) -> dict:
    return {"by_source": totals.by_source, "total": totals.total}


def _detail(user, project: Project) -> dict:
    totals = selectors.funding_totals(user, project=project)
    return {
        **_item(project, totals.total),
        "description": project.description,
        "contributing_units": [_unit_ref(unit) for unit in project.contributing_units.all()],
        "history": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "changed_on": change.changed_on,
                "changed_by": change.changed_by.username if change.changed_by else None,
                "note": change.note,
            }
            for change in selectors.project_history(project=project)
        ],
        "ledger": [_funding(entry) for entry in selectors.project_ledger(project=project)],
        "totals": _totals(totals),
        "photos": [_photo(photo) for photo in selectors.project_photos(project=project)],
    }


def _require_project_write(user, project: Project) -> None:
    if not selectors.may_write_project(user, project):
        raise Forbidden(WRITE_FORBIDDEN)


def _project_kwargs(payload: ProjectIn) -> dict:
    data = payload.dict()
    data["village_code"] = data.pop("village")
    data["lead_unit_id"] = data.pop("lead_unit")
    data["contributing_unit_ids"] = data.pop("contributing_units")
    return data


@router.get(
    "",
    response={200: ProjectPage, 400: ErrorOut, **READ},
    summary="Projects in scope",
    operation_id="project_list",
)
def projects_list(request: HttpRequest, filters: Query[ProjectQuery]):
    page = selectors.project_list(user=request.user, **filters.dict())
    return {
        "items": [_item(project, project.funded) for project in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "",
    response={201: ProjectDetail, **WRITE},
    summary="Create a project",
    operation_id="project_create",
    openapi_extra=_documented(ProjectIn),
)
def projects_create(request: HttpRequest):
    """Officers of the village, or a unit administrator with the unit as lead unit."""
    if not selectors.may_create_projects(request.user):
        raise Forbidden(WRITE_FORBIDDEN)
    payload = _body(request, ProjectIn)
    project = services.project_create(actor=request.user, **_project_kwargs(payload))
    project = selectors.project_get(user=request.user, pk=project.pk)
    return Status(201, _detail(request.user, project))


@router.get(
    "/funding/totals",
    response={200: TotalsOut, 400: ErrorOut, 404: ErrorOut, **READ},
    summary="Funds received, by source",
    operation_id="funding_totals",
)
def funding_totals(request: HttpRequest, filters: Query[TotalsQuery]):
    """Of the entries in scope; narrowed to a project, a contributing unit and/or a region."""
    project = (
        selectors.project_get(user=request.user, pk=filters.project)
        if filters.project is not None
        else None
    )
    unit = unit_get(user=request.user, pk=filters.unit) if filters.unit is not None else None
    totals = selectors.funding_totals(
        request.user, project=project, unit=unit, village=filters.village
    )
    return _totals(totals)


@router.post(
    "/funding/{funding_id}/reverse",
    response={201: FundingOut, **WRITE},
    summary="Reverse a funding entry",
    operation_id="funding_reverse",
    openapi_extra=_documented(ReverseIn),
)
def funding_reverse(request: HttpRequest, funding_id: int):
    """Adds a negative entry pointing at the entry; an entry is reversed once, a reversal never."""
    entry = selectors.funding_get(user=request.user, pk=funding_id)
    _require_project_write(request.user, entry.project)
    payload = _body(request, ReverseIn)
    reversal = services.funding_reverse(actor=request.user, entry=entry, reason=payload.reason)
    return Status(201, _funding(reversal))


@router.get(
    "/{project_id}",
    response={200: ProjectDetail, 404: ErrorOut, **READ},
    summary="A project with its status history and fund ledger",
    operation_id="project_get",
)
def projects_detail(request: HttpRequest, project_id: int):
    return _detail(request.user, selectors.project_get(user=request.user, pk=project_id))


@router.put(
    "/{project_id}",
    response={200: ProjectDetail, **WRITE},
    summary="Update a project's particulars and progress",
    operation_id="project_update",
    openapi_extra=_documented(ProjectUpdateIn),
)
def projects_update(request: HttpRequest, project_id: int):
    """The whole of the edit page's fields; the status moves only through /status."""
    project = selectors.project_get(user=request.user, pk=project_id)
    _require_project_write(request.user, project)
    payload = _body(request, ProjectUpdateIn)
    services.project_update(actor=request.user, project=project, **_project_kwargs(payload))
    project = selectors.project_get(user=request.user, pk=project.pk)
    return _detail(request.user, project)


@router.post(
    "/{project_id}/photos",
    response={201: PhotoOut, **WRITE},
    summary="Add a photo of the project (multipart form; the file as `photo`)",
    operation_id="project_photo_add",
)
def projects_photo_add(
    request: HttpRequest,
    project_id: int,
    payload: Form[PhotoIn],
    photo: File[UploadedFile] = None,
):
    """JPEG or PNG; its location (GPS) is removed unless `keep_gps` is true."""
    project = selectors.project_get(user=request.user, pk=project_id)
    _require_project_write(request.user, project)
    if photo is None:
        raise InvalidInput(PHOTO_FILE_REQUIRED, field="photo")
    stored = services.project_photo_add(
        actor=request.user,
        project=project,
        upload=photo,
        keep_gps=payload.keep_gps,
        caption=payload.caption,
    )
    return Status(201, _photo(stored))


@router.post(
    "/{project_id}/status",
    response={201: StatusChangeOut, **WRITE},
    summary="Move a project to its next status",
    operation_id="project_status_advance",
    openapi_extra=_documented(StatusIn),
)
def projects_advance(request: HttpRequest, project_id: int):
    project = selectors.project_get(user=request.user, pk=project_id)
    _require_project_write(request.user, project)
    payload = _body(request, StatusIn)
    change = services.project_status_advance(actor=request.user, project=project, **payload.dict())
    return Status(
        201,
        {
            "from_status": change.from_status,
            "to_status": change.to_status,
            "changed_on": change.changed_on,
            "changed_by": request.user.username,
            "note": change.note,
        },
    )


@router.post(
    "/{project_id}/funding",
    response={201: FundingOut, **WRITE},
    summary="Add a funding entry",
    operation_id="funding_add",
    openapi_extra=_documented(FundingIn),
)
def projects_funding_add(request: HttpRequest, project_id: int):
    project = selectors.project_get(user=request.user, pk=project_id)
    _require_project_write(request.user, project)
    payload = _body(request, FundingIn)
    data = payload.dict()
    data["unit_id"] = data.pop("unit")
    data["raised_by_id"] = data.pop("raised_by")
    entry = services.funding_add(actor=request.user, project=project, **data)
    return Status(201, _funding(entry))
