"""The briefs part of the API under /api/v1/briefs: list, generate, read, edit, finalise."""

import datetime as dt
from typing import Any

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from shuanglian.briefs import selectors, services
from shuanglian.briefs.models import BriefStatus
from shuanglian.core.access import require_any_write, require_write
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import InvalidInput
from shuanglian.regions.api import REGION_PATTERN, RegionRef, region_ref

router = Router(tags=["briefs"])

BODY_NOT_JSON = _("The body must be a JSON object as documented.")
BODY_FIELD_WRONG = _("{field}: missing or of the wrong type.")
ERRORS = {401: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, **ERRORS}


class BriefQuery(Schema):
    region: str | None = Field(
        None,
        description="Region code or its prefix: briefs of regions there.",
        json_schema_extra={"pattern": REGION_PATTERN},
    )
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class BriefItem(Schema):
    id: int
    region: RegionRef
    number: int
    title: str
    period_start: dt.date
    period_end: dt.date
    status: BriefStatus


class BriefPage(Schema):
    items: list[BriefItem]
    next_cursor: str | None


class BriefOut(BriefItem):
    previous_id: int | None
    overview: str
    progress: str
    unit_work: str
    meetings: str
    projects: str
    problems: str
    figures: dict[str, Any] = Field(
        description="headline, previous, difference, rows (per child region), totals."
    )
    finalised_at: dt.datetime | None


class BriefCreateIn(Schema):
    region: str = Field(description="12-digit code of the region.")
    period_start: dt.date
    period_end: dt.date
    title: str = ""


class BriefUpdateIn(Schema):
    title: str | None = None
    overview: str | None = None
    progress: str | None = None
    unit_work: str | None = None
    meetings: str | None = None
    projects: str | None = None
    problems: str | None = None


def _body(request: HttpRequest, schema: type[Schema]):
    """The JSON body, read after the permission check: a refused caller learns nothing from a
    validation error."""
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


def _item(brief) -> dict:
    return {
        "id": brief.pk,
        "region": region_ref(brief.region),
        "number": brief.number,
        "title": brief.title,
        "period_start": brief.period_start,
        "period_end": brief.period_end,
        "status": brief.status,
    }


def _detail(brief) -> dict:
    return {
        **_item(brief),
        "previous_id": brief.previous_id,
        "overview": brief.overview,
        "progress": brief.progress,
        "unit_work": brief.unit_work,
        "meetings": brief.meetings,
        "projects": brief.projects,
        "problems": brief.problems,
        "figures": brief.figures,
        "finalised_at": brief.finalised_at,
    }


@router.get(
    "",
    response={200: BriefPage, 400: ErrorOut, **ERRORS},
    summary="Work briefs in scope",
    operation_id="brief_list",
)
def briefs_list(request: HttpRequest, filters: Query[BriefQuery]):
    page = selectors.brief_list(user=request.user, **filters.dict())
    return {"items": [_item(b) for b in page.items], "next_cursor": page.next_cursor}


@router.post(
    "",
    response={201: BriefOut, **WRITE_ERRORS},
    summary="Generate a work brief for a region and period (officers of the region)",
    operation_id="brief_create",
    openapi_extra=_documented(BriefCreateIn),
)
def briefs_create(request: HttpRequest):
    require_any_write(request.user)
    payload = _body(request, BriefCreateIn)
    brief = services.brief_create(
        actor=request.user,
        region_code=payload.region,
        period_start=payload.period_start,
        period_end=payload.period_end,
        title=payload.title,
    )
    return Status(201, _detail(brief))


@router.get(
    "/{brief_id}",
    response={200: BriefOut, 404: ErrorOut, **ERRORS},
    summary="A work brief with its sections and figures",
    operation_id="brief_get",
)
def briefs_detail(request: HttpRequest, brief_id: int):
    return _detail(selectors.brief_get(user=request.user, pk=brief_id))


@router.put(
    "/{brief_id}",
    response={200: BriefOut, **WRITE_ERRORS},
    summary="Save edited sections of a draft brief (sections left out stay as they are)",
    operation_id="brief_update",
    openapi_extra=_documented(BriefUpdateIn),
)
def briefs_update(request: HttpRequest, brief_id: int):
    brief = selectors.brief_get(user=request.user, pk=brief_id)
    require_write(request.user, brief.region_id)
    payload = _body(request, BriefUpdateIn)
    changes = {key: value for key, value in payload.dict().items() if value is not None}
    brief = services.brief_update(actor=request.user, brief=brief, **changes)
    return _detail(selectors.brief_get(user=request.user, pk=brief.pk))


@router.post(
    "/{brief_id}/finalise",
    response={200: BriefOut, **WRITE_ERRORS},
    summary="Finalise a brief: nothing of it changes afterwards",
    operation_id="brief_finalise",
)
def briefs_finalise(request: HttpRequest, brief_id: int):
    brief = selectors.brief_get(user=request.user, pk=brief_id)
    require_write(request.user, brief.region_id)
    services.brief_finalise(actor=request.user, brief=brief)
    return _detail(selectors.brief_get(user=request.user, pk=brief.pk))
