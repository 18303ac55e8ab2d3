"""Permission-matrix entries of the dashboard app (see core/tests/test_permission_matrix.py).

Region dashboards: the villages of the world (暖泉村, 常营村) and their townships. Cadres see
their own figures on their home page, never a region's; unit administrators see the villages
their unit is paired with, not the townships. Unit dashboards (the units of the world, all
based in 秦安县): administrators, the officers and viewers of 秦安县 (which holds each unit's home
and villages) and a unit's own administrator; not the towns, nor cadres.
"""

from shuanglian.core.tests.test_permission_matrix import (
    ADMIN,
    COUNTY,
    OTHER,
    TOWN,
    UNIT_ADMIN,
    VIEWER,
    Route,
)
from shuanglian.regions.models import Region

G_TOWN = frozenset({ADMIN, COUNTY, TOWN, VIEWER})
L_TOWN = frozenset({ADMIN, COUNTY, OTHER, VIEWER})
REGIONS = ("dash_village_g", "dash_village_l", "dash_town_g", "dash_town_l")
UNITS = ("dash_unit_g", "dash_unit_l", "dash_unit_p")
COUNTY_SIDE = frozenset({ADMIN, COUNTY, VIEWER})

PAGES = {
    "dashboard:index": Route("/dashboard/", "list"),
    "dashboard:region": Route("/dashboard/regions/{code}/", "read", REGIONS),
    "dashboard:unit": Route("/dashboard/units/{pk}/", "read", UNITS),
}

API = {
    ("get", "/api/v1/dashboard/regions/{code}"): Route(
        "/api/v1/dashboard/regions/{code}", "read", REGIONS
    ),
    ("get", "/api/v1/dashboard/units/{unit_id}"): Route(
        "/api/v1/dashboard/units/{pk}", "read", UNITS
    ),
}

SEES = {
    "dash_village_g": G_TOWN | {"unit_admin"},
    "dash_village_l": L_TOWN,
    "dash_town_g": G_TOWN,
    "dash_town_l": L_TOWN,
    "dash_unit_g": COUNTY_SIDE,
    "dash_unit_l": COUNTY_SIDE,
    "dash_unit_p": COUNTY_SIDE | {UNIT_ADMIN},
}


def extend_world(world, admin) -> None:
    world["dash_village_g"] = world["village_g"]
    world["dash_village_l"] = world["village_l"]
    for side in ("g", "l", "p"):
        world[f"dash_unit_{side}"] = world[f"unit_{side}"]
    world["dash_town_g"] = Region.objects.get(code=world["village_g"].code[:9].ljust(12, "0"))
    world["dash_town_l"] = Region.objects.get(code=world["village_l"].code[:9].ljust(12, "0"))
