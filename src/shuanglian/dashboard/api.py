"""Dashboards in the API: a region's figures with its children's, a unit's figures.

Read from the rollups only, like the pages; the same scope (404 outside it).
"""

from django.http import HttpRequest
from ninja import Router, Schema

from shuanglian.core.api_errors import ErrorOut
from shuanglian.dashboard import selectors
from shuanglian.dashboard.figures import Figures
from shuanglian.regions.models import Level

router = Router(tags=["dashboard"])
ERRORS = {401: ErrorOut, 404: ErrorOut}


class ProjectRowOut(Schema):
    type: str
    label: str
    counts: dict[str, int]
    total: int
    budget: str
    invested: str


class MonitoredOut(Schema):
    category: str
    stage: str
    households: int


class FiguresOut(Schema):
    villages: int
    paired_villages: int
    village_coverage: float | None
    units: int
    cadres: int
    households: int
    households_by_category: dict[str, int]
    people: int
    poor_households: int
    poor_with_active_cadre: int
    poor_coverage: float | None
    paired_households: int
    visits_30_days: int
    visits_90_days: int
    not_visited_60_days: int
    visits_by_month: dict[str, int]
    measures_total: int
    measures_done: int
    measures_overdue: int
    projects: list[ProjectRowOut]
    funds_by_source: dict[str, str]
    income_bands: dict[str, dict[str, int]]
    income_trend: dict[str, str]
    exited_by_year: dict[str, int]
    monitored: list[MonitoredOut]


class ChildOut(Schema):
    code: str
    name: str
    short_name: str
    level: Level
    villages: int
    paired_villages: int
    households: int
    households_by_category: dict[str, int]
    people: int
    poor_with_active_cadre: int


class RegionDashboardOut(Schema):
    code: str
    name: str
    short_name: str
    level: Level
    figures: FiguresOut
    children: list[ChildOut]


class UnitDashboardOut(Schema):
    id: int
    name: str
    figures: FiguresOut


def _child(region, figures: Figures) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "short_name": region.short_name,
        "level": region.level,
        "villages": figures.villages,
        "paired_villages": figures.paired_villages,
        "households": figures.households,
        "households_by_category": {value: n for value, _label, n in figures.by_category()},
        "people": figures.people,
        "poor_with_active_cadre": figures.poor_covered,
    }


@router.get(
    "/regions/{code}",
    response={200: RegionDashboardOut, **ERRORS},
    summary="A region's dashboard figures, with its subdivisions'",
    operation_id="dashboard_region",
)
def region_dashboard(request: HttpRequest, code: str):
    board = selectors.dashboard_region(user=request.user, code=code)
    region = board.region
    return {
        "code": region.code,
        "name": region.name,
        "short_name": region.short_name,
        "level": region.level,
        "figures": board.figures.as_dict(),
        "children": [_child(child, figures) for child, figures in board.children],
    }


@router.get(
    "/units/{unit_id}",
    response={200: UnitDashboardOut, **ERRORS},
    summary="A unit's dashboard figures",
    operation_id="dashboard_unit",
)
def unit_dashboard(request: HttpRequest, unit_id: int):
    unit, figures = selectors.dashboard_unit(user=request.user, pk=unit_id)
    return {"id": unit.pk, "name": unit.name, "figures": figures.as_dict()}
