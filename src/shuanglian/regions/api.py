"""Regions in the API: a region with its parent and its children, each with counts."""

from django.http import HttpRequest
from ninja import Router, Schema

from shuanglian.core.api_errors import ErrorOut
from shuanglian.households.models import Category
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import RegionCounts, region_children, region_get

router = Router(tags=["regions"])

# Empty is allowed: a filter form submits empty fields, and they mean "no filter".
REGION_PATTERN = "^([0-9]{2,12})?$"


class RegionRef(Schema):
    code: str
    name: str


class RegionChildOut(Schema):
    code: str
    name: str
    short_name: str
    level: Level
    units: int
    cadres: int
    households: dict[Category, int]
    households_total: int


class RegionOut(Schema):
    code: str
    name: str
    short_name: str
    level: Level
    parent: RegionRef | None
    children: list[RegionChildOut]


def region_ref(region) -> dict | None:
    return {"code": region.code, "name": region.name} if region is not None else None


def child_out(counts: RegionCounts) -> dict:
    region = counts.region
    return {
        "code": region.code,
        "name": region.name,
        "short_name": region.short_name,
        "level": region.level,
        "units": counts.units,
        "cadres": counts.cadres,
        # Every category, zeros included, so clients need not guess which keys may be missing.
        "households": {value: counts.households.get(value, 0) for value in Category.values},
        "households_total": counts.households_total,
    }


@router.get(
    "/{code}",
    response={200: RegionOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A region with its children and their counts",
    operation_id="region_get",
)
def region_detail(request: HttpRequest, code: str):
    """`code` is the 12-digit NBS code or its significant prefix (620522 for 秦安县)."""
    region = region_get(user=request.user, code=code)
    return {
        "code": region.code,
        "name": region.name,
        "short_name": region.short_name,
        "level": region.level,
        "parent": region_ref(region.parent),
        "children": [child_out(c) for c in region_children(user=request.user, region=region)],
    }
