"""Permission-matrix entries of the projects app (see core/tests/test_permission_matrix.py).

project_g (暖泉村, led by 县妇联 — the unit administrator's unit — with 县委宣传部 contributing)
and project_l (常营村 of 陇城镇, led by 县水务局), each with one funding entry and one photo.
"""

import datetime as dt
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from shuanglian.core.tests.test_permission_matrix import (
    ADMIN,
    COUNTY,
    G_SIDE,
    L_SIDE,
    LONGCHENG_VILLAGE,
    OFFICERS,
    OTHER,
    TOWN,
    UNIT_ADMIN,
    Route,
)
from shuanglian.projects import services
from shuanglian.projects.tests import factories

PROJECTS = ("project_g", "project_l")
FUNDINGS = ("funding_g", "funding_l")
PHOTOS = ("pphoto_g", "pphoto_l")
GET_POST = ("get", "post")

PAGES = {
    "projects:list": Route("/projects/", "list"),
    "projects:create": Route("/projects/new/", "project_create", methods=GET_POST),
    "projects:detail": Route("/projects/{pk}/", "read", PROJECTS),
    "projects:update": Route("/projects/{pk}/edit/", "project", PROJECTS, GET_POST),
    "projects:advance": Route("/projects/{pk}/status/", "project", PROJECTS, GET_POST),
    "projects:funding_add": Route("/projects/{pk}/funding/new/", "project", PROJECTS, GET_POST),
    "projects:funding_reverse": Route(
        "/projects/funding/{pk}/reverse/", "project", FUNDINGS, GET_POST
    ),
    "projects:photo_add": Route("/projects/{pk}/photos/new/", "project", PROJECTS, GET_POST),
    "projects:photo": Route("/projects/photos/{pk}/", "read", PHOTOS),
}

API = {
    ("get", "/api/v1/projects"): Route("/api/v1/projects", "list"),
    ("post", "/api/v1/projects"): Route("/api/v1/projects", "project_create", methods=("post",)),
    ("get", "/api/v1/projects/{project_id}"): Route("/api/v1/projects/{pk}", "read", PROJECTS),
    ("put", "/api/v1/projects/{project_id}"): Route(
        "/api/v1/projects/{pk}", "project", PROJECTS, ("put",)
    ),
    ("post", "/api/v1/projects/{project_id}/photos"): Route(
        "/api/v1/projects/{pk}/photos", "project", PROJECTS, ("post",)
    ),
    ("post", "/api/v1/projects/{project_id}/status"): Route(
        "/api/v1/projects/{pk}/status", "project", PROJECTS, ("post",)
    ),
    ("post", "/api/v1/projects/{project_id}/funding"): Route(
        "/api/v1/projects/{pk}/funding", "project", PROJECTS, ("post",)
    ),
    ("post", "/api/v1/projects/funding/{funding_id}/reverse"): Route(
        "/api/v1/projects/funding/{pk}/reverse", "project", FUNDINGS, ("post",)
    ),
    ("get", "/api/v1/projects/funding/totals"): Route("/api/v1/projects/funding/totals", "list"),
}

SEES = {
    "project_g": G_SIDE,
    "project_l": L_SIDE,
    "funding_g": G_SIDE,
    "funding_l": L_SIDE,
    "pphoto_g": G_SIDE,
    "pphoto_l": L_SIDE,
}

# Officers of the village, and the administrator of the lead unit (县妇联 leads project_g).
WRITES = {
    ("project", "project_g"): {ADMIN, COUNTY, TOWN, UNIT_ADMIN},
    ("project", "funding_g"): {ADMIN, COUNTY, TOWN, UNIT_ADMIN},
    ("project", "project_l"): {ADMIN, COUNTY, OTHER},
    ("project", "funding_l"): {ADMIN, COUNTY, OTHER},
    # Creating: officers anywhere, unit administrators for projects their unit leads.
    ("project_create", None): OFFICERS | {UNIT_ADMIN},
}


_media = None


def _photos_in_a_temporary_directory() -> None:
    # The world stores photos; they go to a temporary directory, not the project's var/. When
    # another app's extension has already moved MEDIA_ROOT there, it stays: moving it again
    # would lose the photos that extension stored.
    global _media
    if _media is None and not str(settings.MEDIA_ROOT).startswith(tempfile.gettempdir()):
        _media = override_settings(MEDIA_ROOT=Path(tempfile.mkdtemp(prefix="shuanglian-projects-")))
        _media.enable()


def extend_world(world, admin) -> None:
    _photos_in_a_temporary_directory()
    project_g = factories.project(
        actor=admin,
        name="暖泉村村级综合文化活动中心",
        lead_unit_id=world["unit_p"].pk,
        contributing_unit_ids=[world["unit_g"].pk],
    )
    project_l = factories.project(
        actor=admin,
        village=LONGCHENG_VILLAGE,
        name="常营村通村道路硬化",
        type="road",
        lead_unit_id=world["unit_l"].pk,
    )
    world["project_g"] = project_g
    world["project_l"] = project_l
    world["funding_g"] = factories.funding(
        actor=admin, project=project_g, unit_id=world["unit_g"].pk, received_on=dt.date(2012, 6, 1)
    )
    world["funding_l"] = factories.funding(
        actor=admin, project=project_l, source="fiscal", amount="80000"
    )
    world["pphoto_g"] = services.project_photo_add(
        actor=admin, project=project_g, upload=factories.png_upload(), caption="活动中心"
    )
    world["pphoto_l"] = services.project_photo_add(
        actor=admin, project=project_l, upload=factories.png_upload()
    )
