"""Permission-matrix entries of the briefs app (see core/tests/test_permission_matrix.py).

brief_g: a brief of 郭嘉镇, brief_l one of 陇城镇; town_g and town_l are the two towns, whose
statistical tables download by region code. Briefs and tables are region documents: officers of
the region write them, viewers read them, unit administrators and cadres do not see them.
"""

import datetime as dt

from shuanglian.briefs.services import brief_create
from shuanglian.core.tests.test_permission_matrix import (
    ADMIN,
    COUNTY,
    OTHER,
    TOWN,
    VIEWER,
    Route,
)
from shuanglian.regions.models import Region

BRIEFS = ("brief_g", "brief_l")
TOWNS = ("town_g", "town_l")
GET_POST = ("get", "post")
POST = ("post",)

PAGES = {
    "briefs:list": Route("/briefs/", "list"),
    "briefs:create": Route("/briefs/new/", "create", methods=GET_POST),
    "briefs:tables": Route("/briefs/tables/", "list"),
    "briefs:table": Route("/briefs/tables/{code}/households.xlsx", "read", TOWNS),
    "briefs:detail": Route("/briefs/{pk}/", "read", BRIEFS),
    "briefs:update": Route("/briefs/{pk}/edit/", "brief", BRIEFS, GET_POST),
    "briefs:finalise": Route("/briefs/{pk}/finalise/", "brief", BRIEFS, POST),
    "briefs:print": Route("/briefs/{pk}/print/", "read", BRIEFS),
    "briefs:docx": Route("/briefs/{pk}/brief.docx", "read", BRIEFS),
}

API = {
    ("get", "/api/v1/briefs"): Route("/api/v1/briefs", "list"),
    ("post", "/api/v1/briefs"): Route("/api/v1/briefs", "create", methods=POST),
    ("get", "/api/v1/briefs/{brief_id}"): Route("/api/v1/briefs/{pk}", "read", BRIEFS),
    ("put", "/api/v1/briefs/{brief_id}"): Route("/api/v1/briefs/{pk}", "brief", BRIEFS, ("put",)),
    ("post", "/api/v1/briefs/{brief_id}/finalise"): Route(
        "/api/v1/briefs/{pk}/finalise", "brief", BRIEFS, POST
    ),
}

G_READERS = frozenset({ADMIN, COUNTY, TOWN, VIEWER})
L_READERS = frozenset({ADMIN, COUNTY, OTHER, VIEWER})
SEES = {"brief_g": G_READERS, "brief_l": L_READERS, "town_g": G_READERS, "town_l": L_READERS}
WRITES = {
    ("brief", "brief_g"): {ADMIN, COUNTY, TOWN},
    ("brief", "brief_l"): {ADMIN, COUNTY, OTHER},
}


def extend_world(world, admin) -> None:
    start, end = dt.date(2012, 1, 1), dt.date(2012, 12, 31)
    world["brief_g"] = brief_create(
        actor=admin, region_code="620522104000", period_start=start, period_end=end
    )
    world["brief_l"] = brief_create(
        actor=admin, region_code="620522103000", period_start=start, period_end=end
    )
    world["town_g"] = Region.objects.get(code="620522104000")
    world["town_l"] = Region.objects.get(code="620522103000")
