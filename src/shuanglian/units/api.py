"""Member units in the API: a filtered, cursor-paginated list and one unit with its cadres."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from shuanglian.core.api_errors import ErrorOut
from shuanglian.pairings.models import VillageRole
from shuanglian.regions.api import REGION_PATTERN, RegionRef, region_ref
from shuanglian.units.models import Unit, UnitKind, UnitLevel
from shuanglian.units.selectors import unit_cadres, unit_get, unit_list, unit_village_pairings

router = Router(tags=["units"])

ERRORS = {401: ErrorOut, 422: ErrorOut}


class UnitRef(Schema):
    """A unit as other records point to it (a household's cadre, a project, a meeting)."""

    id: int
    name: str


class UnitQuery(Schema):
    # Constraints are documented rather than enforced here: the selector's own check answers a
    # bad value with 400 and a message saying what is wrong.
    region: str | None = Field(
        None,
        description="Region code or its prefix: units based there or paired with it.",
        json_schema_extra={"pattern": REGION_PATTERN},
    )
    kind: str | None = Field(None, json_schema_extra={"enum": ["", *UnitKind.values]})
    level: str | None = Field(None, json_schema_extra={"enum": ["", *UnitLevel.values]})
    q: str | None = Field(None, description="Part of the unit's name or short name.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class UnitItem(Schema):
    id: int
    name: str
    short_name: str
    kind: UnitKind
    level: UnitLevel
    home_region: RegionRef
    leader_name: str
    leader_post: str
    cadre_count: int


class UnitPage(Schema):
    items: list[UnitItem]
    next_cursor: str | None


class CadreOut(Schema):
    id: int
    name: str
    position: str
    rank: str
    phone_masked: str
    is_active: bool
    household_count: int


class VillagePairingOut(Schema):
    id: int
    village: RegionRef
    township: RegionRef | None
    role: VillageRole
    start_date: dt.date
    end_date: dt.date | None
    is_active: bool


class UnitDetail(UnitItem):
    cadres: list[CadreOut]
    village_pairings: list[VillagePairingOut] = Field(description="Current first, then history.")


def unit_item(unit: Unit, *, cadre_count: int) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "level": unit.level,
        "home_region": region_ref(unit.home_region),
        "leader_name": unit.leader_name,
        "leader_post": unit.leader_post,
        "cadre_count": cadre_count,
    }


@router.get(
    "",
    response={200: UnitPage, 400: ErrorOut, **ERRORS},
    summary="Units in scope",
    operation_id="unit_list",
)
def units_list(request: HttpRequest, filters: Query[UnitQuery]):
    page = unit_list(user=request.user, **filters.dict())
    return {
        "items": [unit_item(unit, cadre_count=unit.cadre_count) for unit in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/{unit_id}",
    response={200: UnitDetail, 404: ErrorOut, **ERRORS},
    summary="A unit with its cadres and village pairings",
    operation_id="unit_get",
)
def units_detail(request: HttpRequest, unit_id: int):
    unit = unit_get(user=request.user, pk=unit_id)
    cadres = unit_cadres(user=request.user, unit=unit)
    pairings = unit_village_pairings(user=request.user, unit=unit)
    return {
        **unit_item(unit, cadre_count=sum(1 for cadre in cadres if cadre.is_active)),
        "cadres": [
            {
                "id": cadre.pk,
                "name": cadre.name,
                "position": cadre.position,
                "rank": cadre.rank,
                "phone_masked": cadre.phone_masked,
                "is_active": cadre.is_active,
                "household_count": cadre.household_count,
            }
            for cadre in cadres
        ],
        "village_pairings": [
            {
                "id": pairing.pk,
                "village": region_ref(pairing.village),
                "township": region_ref(pairing.village.parent),
                "role": pairing.role,
                "start_date": pairing.start_date,
                "end_date": pairing.end_date,
                "is_active": pairing.is_active,
            }
            for pairing in pairings
        ],
    }
