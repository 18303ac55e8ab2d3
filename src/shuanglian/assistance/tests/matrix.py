"""The assistance app's rows of the permission matrix (core/tests/test_permission_matrix.py).

Records: a visit to household G by the cadre persona (with a photo and a request: follow-up G)
and one to household L; a plan with a measure for each; a deed of 县妇联 (P) in 暖泉村 with a
photo and one of 县水务局 (L) in 常营村.
"""

import datetime as dt
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from shuanglian.assistance import services
from shuanglian.assistance.models import FollowUp
from shuanglian.assistance.tests import factories as af
from shuanglian.core.tests.test_permission_matrix import (
    ADMIN,
    CADRE,
    COUNTY,
    G_SIDE,
    L_SIDE,
    OTHER,
    TOWN,
    UNIT_ADMIN,
    Route,
)

G_REGISTRY = {ADMIN, COUNTY, TOWN}
L_REGISTRY = {ADMIN, COUNTY, OTHER}
# Household G is paired with the cadre persona, whose unit P is paired with 暖泉村.
G_PLANNERS = G_REGISTRY | {UNIT_ADMIN, CADRE}

SEES = {
    name + side: (G_SIDE if side == "_g" else L_SIDE)
    for name in ("visit", "vphoto", "fu", "plan", "measure", "deed", "dphoto")
    for side in ("_g", "_l")
}

WRITES = {
    ("visit", "household_g"): G_REGISTRY | {CADRE},
    ("visit", "household_l"): L_REGISTRY,
    ("follow_up", "fu_g"): G_REGISTRY | {CADRE, UNIT_ADMIN},
    ("follow_up", "fu_l"): L_REGISTRY,
    ("plan", "household_g"): G_PLANNERS,
    ("plan", "household_l"): L_REGISTRY,
    ("plan", "plan_g"): G_PLANNERS,
    ("plan", "plan_l"): L_REGISTRY,
    ("plan", "measure_g"): G_PLANNERS,
    ("plan", "measure_l"): L_REGISTRY,
    ("vplan", "village_g"): G_REGISTRY | {UNIT_ADMIN},
    ("vplan", "village_l"): L_REGISTRY,
    ("deed", "unit_g"): G_REGISTRY,
    ("deed", "unit_l"): L_REGISTRY,
    ("deed", "unit_p"): G_REGISTRY | {UNIT_ADMIN, CADRE},
    # Editing or voiding: the visit's cadre while paired; a deed with no cadre, not a cadre.
    ("vedit", "visit_g"): G_REGISTRY | {CADRE},
    ("vedit", "visit_l"): L_REGISTRY,
    ("dedit", "deed_g"): G_REGISTRY | {UNIT_ADMIN},
    ("dedit", "deed_l"): L_REGISTRY,
}

HOUSEHOLDS = ("household_g", "household_l")
UNITS = ("unit_g", "unit_l", "unit_p")
GET_POST = ("get", "post")

PAGES = {
    "assistance:household_visits": Route("/assistance/households/{pk}/visits/", "read", HOUSEHOLDS),
    "assistance:visit_create": Route(
        "/assistance/households/{pk}/visits/new/", "visit", HOUSEHOLDS, GET_POST
    ),
    "assistance:visit_detail": Route("/assistance/visits/{pk}/", "read", ("visit_g", "visit_l")),
    "assistance:visit_update": Route(
        "/assistance/visits/{pk}/edit/", "vedit", ("visit_g", "visit_l"), GET_POST
    ),
    "assistance:visit_void": Route(
        "/assistance/visits/{pk}/void/", "vedit", ("visit_g", "visit_l"), GET_POST
    ),
    "assistance:visit_photo": Route(
        "/assistance/visits/photos/{pk}/", "read", ("vphoto_g", "vphoto_l")
    ),
    "assistance:follow_up_list": Route("/assistance/follow-ups/", "list"),
    # Who may add one depends on the owner chosen: the service decides (tested there).
    "assistance:follow_up_create": Route("/assistance/follow-ups/new/", "list", methods=GET_POST),
    "assistance:follow_up_update": Route(
        "/assistance/follow-ups/{pk}/close/", "follow_up", ("fu_g", "fu_l"), GET_POST
    ),
    "assistance:household_plans": Route("/assistance/households/{pk}/plans/", "read", HOUSEHOLDS),
    "assistance:plan_save": Route(
        "/assistance/households/{pk}/plans/save/", "plan", HOUSEHOLDS, GET_POST
    ),
    "assistance:measure_add": Route(
        "/assistance/plans/{pk}/measures/new/", "plan", ("plan_g", "plan_l"), GET_POST
    ),
    "assistance:measure_update": Route(
        "/assistance/measures/{pk}/edit/", "plan", ("measure_g", "measure_l"), GET_POST
    ),
    "assistance:overdue": Route("/assistance/plans/overdue/", "list"),
    "assistance:village_plans": Route(
        "/assistance/villages/{code}/plans/", "read", ("village_g", "village_l")
    ),
    "assistance:village_plan_save": Route(
        "/assistance/villages/{code}/plans/save/", "vplan", ("village_g", "village_l"), GET_POST
    ),
    "assistance:deed_list": Route("/assistance/deeds/", "list"),
    "assistance:deed_create": Route("/assistance/units/{pk}/deeds/new/", "deed", UNITS, GET_POST),
    "assistance:deed_detail": Route("/assistance/deeds/{pk}/", "read", ("deed_g", "deed_l")),
    "assistance:deed_update": Route(
        "/assistance/deeds/{pk}/edit/", "dedit", ("deed_g", "deed_l"), GET_POST
    ),
    "assistance:deed_void": Route(
        "/assistance/deeds/{pk}/void/", "dedit", ("deed_g", "deed_l"), GET_POST
    ),
    "assistance:deed_photo": Route(
        "/assistance/deeds/photos/{pk}/", "read", ("dphoto_g", "dphoto_l")
    ),
    "assistance:unit_log": Route("/assistance/units/{pk}/log/", "read", UNITS),
    "assistance:cadre_log": Route(
        "/assistance/cadres/{pk}/log/", "read", ("cadre_g", "cadre_l", "cadre_p")
    ),
}

A = "/api/v1/assistance"
API = {
    ("get", f"{A}/visits"): Route(f"{A}/visits", "list"),
    ("post", f"{A}/households/{{household_id}}/visits"): Route(
        f"{A}/households/{{pk}}/visits", "visit", HOUSEHOLDS, ("post",)
    ),
    ("get", f"{A}/visits/{{visit_id}}"): Route(
        f"{A}/visits/{{pk}}", "read", ("visit_g", "visit_l")
    ),
    ("post", f"{A}/visits/{{visit_id}}"): Route(
        f"{A}/visits/{{pk}}", "vedit", ("visit_g", "visit_l"), ("post",)
    ),
    ("post", f"{A}/visits/{{visit_id}}/void"): Route(
        f"{A}/visits/{{pk}}/void", "vedit", ("visit_g", "visit_l"), ("post",)
    ),
    ("get", f"{A}/follow-ups"): Route(f"{A}/follow-ups", "list"),
    ("post", f"{A}/follow-ups"): Route(f"{A}/follow-ups", "list", methods=("post",)),
    ("post", f"{A}/follow-ups/{{follow_up_id}}"): Route(
        f"{A}/follow-ups/{{pk}}", "follow_up", ("fu_g", "fu_l"), ("post",)
    ),
    ("get", f"{A}/households/{{household_id}}/plans"): Route(
        f"{A}/households/{{pk}}/plans", "read", HOUSEHOLDS
    ),
    ("post", f"{A}/households/{{household_id}}/plans"): Route(
        f"{A}/households/{{pk}}/plans", "plan", HOUSEHOLDS, ("post",)
    ),
    ("post", f"{A}/plans/{{plan_id}}/measures"): Route(
        f"{A}/plans/{{pk}}/measures", "plan", ("plan_g", "plan_l"), ("post",)
    ),
    ("post", f"{A}/measures/{{measure_id}}"): Route(
        f"{A}/measures/{{pk}}", "plan", ("measure_g", "measure_l"), ("post",)
    ),
    ("get", f"{A}/overdue-measures"): Route(f"{A}/overdue-measures", "list"),
    ("get", f"{A}/villages/{{code}}/plans"): Route(
        f"{A}/villages/{{code}}/plans", "read", ("village_g", "village_l")
    ),
    ("post", f"{A}/villages/{{code}}/plans"): Route(
        f"{A}/villages/{{code}}/plans", "vplan", ("village_g", "village_l"), ("post",)
    ),
    ("get", f"{A}/deeds"): Route(f"{A}/deeds", "list"),
    ("post", f"{A}/units/{{unit_id}}/deeds"): Route(
        f"{A}/units/{{pk}}/deeds", "deed", UNITS, ("post",)
    ),
    ("get", f"{A}/deeds/{{deed_id}}"): Route(f"{A}/deeds/{{pk}}", "read", ("deed_g", "deed_l")),
    ("post", f"{A}/deeds/{{deed_id}}"): Route(
        f"{A}/deeds/{{pk}}", "dedit", ("deed_g", "deed_l"), ("post",)
    ),
    ("post", f"{A}/deeds/{{deed_id}}/void"): Route(
        f"{A}/deeds/{{pk}}/void", "dedit", ("deed_g", "deed_l"), ("post",)
    ),
    ("get", f"{A}/units/{{unit_id}}/work-log"): Route(f"{A}/units/{{pk}}/work-log", "read", UNITS),
    ("get", f"{A}/cadres/{{cadre_id}}/work-log"): Route(
        f"{A}/cadres/{{pk}}/work-log", "read", ("cadre_g", "cadre_l", "cadre_p")
    ),
}

_media = None


def _photos_in_a_temporary_directory() -> None:
    # The world stores photos; they go to a temporary directory, not the project's var/. When
    # another app's extension has already moved MEDIA_ROOT there, it stays: moving it again
    # would lose the photos that extension stored.
    global _media
    if _media is None and not str(settings.MEDIA_ROOT).startswith(tempfile.gettempdir()):
        _media = override_settings(MEDIA_ROOT=Path(tempfile.mkdtemp(prefix="shuanglian-matrix-")))
        _media.enable()


def extend_world(world, admin) -> None:
    _photos_in_a_temporary_directory()
    when = dt.date(2012, 8, 1)
    visit_g = af.visit(
        actor=admin,
        household=world["household_g"],
        requests=[("申请危房改造补助", dt.date(2030, 1, 1))],
        photos=[(af.png_upload(), False)],
    )
    visit_l = af.visit(
        actor=admin, household=world["household_l"], photos=[(af.png_upload(), False)]
    )
    fu_l = services.follow_up_create(
        actor=admin,
        title="修复入户道路",
        due_date=when,
        owner_cadre=world["cadre_l"],
        household=world["household_l"],
    )
    plan_g = af.plan(actor=admin, household=world["household_g"])
    plan_l = af.plan(actor=admin, household=world["household_l"])
    deed_g = af.deed(
        actor=admin,
        unit=world["unit_p"],
        village=world["village_g"],
        photos=[(af.png_upload(), False)],
    )
    deed_l = af.deed(
        actor=admin,
        unit=world["unit_l"],
        village=world["village_l"],
        photos=[(af.png_upload(), False)],
    )
    world.update(
        visit_g=visit_g,
        visit_l=visit_l,
        vphoto_g=visit_g.photos.get(),
        vphoto_l=visit_l.photos.get(),
        fu_g=FollowUp.objects.get(visit=visit_g),
        fu_l=fu_l,
        plan_g=plan_g,
        plan_l=plan_l,
        measure_g=af.measure(actor=admin, plan=plan_g, due_date=when),
        measure_l=af.measure(actor=admin, plan=plan_l, due_date=when),
        deed_g=deed_g,
        deed_l=deed_l,
        dphoto_g=deed_g.photos.get(),
        dphoto_l=deed_l.photos.get(),
    )
