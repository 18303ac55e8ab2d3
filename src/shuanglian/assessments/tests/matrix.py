"""Permission-matrix entries of the assessments app (see core/tests/test_permission_matrix.py).

scheme_g: 郭嘉镇, published, assessing 县妇联 (the unit administrator's unit, result_g)
and 县委宣传部 (result_g2); scheme_l: 陇城镇, published, assessing 县水务局 (result_l);
scheme_dg: 郭嘉镇, computed but still a draft (result_dg: 县妇联). Unit administrators see
published schemes of their unit and only their unit's result; cadres see no scheme. Managing
a scheme takes an officer of the county level or above over its region (the 郭嘉镇 and 陇城镇
officers read only), or an administrator.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from shuanglian.assessments import services
from shuanglian.assessments.tests import factories
from shuanglian.conftest import GUOJIA, LONGCHENG
from shuanglian.core.tests.test_permission_matrix import (
    ADMIN,
    COUNTY,
    OTHER,
    TOWN,
    UNIT_ADMIN,
    VIEWER,
    Route,
)

GET_POST = ("get", "post")
DRAFT_AND_L = ("scheme_dg", "scheme_l")

PAGES = {
    "assessments:list": Route("/assessments/", "list"),
    "assessments:create": Route("/assessments/new/", "assess_create", methods=GET_POST),
    "assessments:detail": Route(
        "/assessments/{pk}/", "read", ("scheme_g", "scheme_l", "scheme_dg")
    ),
    "assessments:update": Route("/assessments/{pk}/edit/", "assess", DRAFT_AND_L, GET_POST),
    "assessments:indicator_add": Route(
        "/assessments/{pk}/indicators/new/", "assess", DRAFT_AND_L, GET_POST
    ),
    "assessments:indicator_update": Route(
        "/assessments/indicators/{pk}/edit/", "assess", ("ind_dg", "ind_l"), GET_POST
    ),
    "assessments:adjust": Route(
        "/assessments/results/{pk}/adjust/", "assess", ("result_dg", "result_l"), GET_POST
    ),
    "assessments:compute": Route("/assessments/{pk}/compute/", "assess", DRAFT_AND_L, GET_POST),
    "assessments:ranking": Route(
        "/assessments/{pk}/ranking/", "read", ("scheme_g", "scheme_l", "scheme_dg")
    ),
    "assessments:ranking_print": Route(
        "/assessments/{pk}/ranking/print/", "read", ("scheme_g", "scheme_l", "scheme_dg")
    ),
    "assessments:ranking_xlsx": Route(
        "/assessments/{pk}/ranking.xlsx", "read", ("scheme_g", "scheme_l", "scheme_dg")
    ),
    "assessments:result": Route(
        "/assessments/results/{pk}/", "read", ("result_g", "result_g2", "result_l", "result_dg")
    ),
    "assessments:score": Route(
        "/assessments/scores/{pk}/", "read", ("score_g", "score_g2", "score_l")
    ),
    "assessments:document": Route(
        "/assessments/adjustments/{pk}/document/", "read", ("adoc_g", "adoc_l")
    ),
    # Last: removing the indicator, freezing and publishing change what the routes above find.
    "assessments:indicator_remove": Route(
        "/assessments/indicators/{pk}/remove/", "assess", ("ind_dg", "ind_l"), GET_POST
    ),
    "assessments:freeze": Route("/assessments/{pk}/freeze/", "assess", DRAFT_AND_L, GET_POST),
    "assessments:publish": Route("/assessments/{pk}/publish/", "assess", DRAFT_AND_L, GET_POST),
}

API = {
    ("get", "/api/v1/assessments"): Route("/api/v1/assessments", "list"),
    ("get", "/api/v1/assessments/{scheme_id}"): Route(
        "/api/v1/assessments/{pk}", "read", ("scheme_g", "scheme_l", "scheme_dg")
    ),
    ("get", "/api/v1/assessments/{scheme_id}/ranking"): Route(
        "/api/v1/assessments/{pk}/ranking", "read", ("scheme_g", "scheme_l", "scheme_dg")
    ),
    ("get", "/api/v1/assessments/{scheme_id}/adjustments"): Route(
        "/api/v1/assessments/{pk}/adjustments", "read", ("scheme_g", "scheme_l", "scheme_dg")
    ),
    ("get", "/api/v1/assessments/results/{result_id}"): Route(
        "/api/v1/assessments/results/{pk}", "read", ("result_g", "result_g2", "result_l")
    ),
    ("post", "/api/v1/assessments/results/{result_id}/adjustments"): Route(
        "/api/v1/assessments/results/{pk}/adjustments",
        "assess",
        ("result_dg", "result_l"),
        ("post",),
    ),
    ("get", "/api/v1/assessments/scores/{score_id}/evidence"): Route(
        "/api/v1/assessments/scores/{pk}/evidence", "read", ("score_g", "score_g2", "score_l")
    ),
}

PUBLISHED_G = frozenset({ADMIN, COUNTY, TOWN, VIEWER, UNIT_ADMIN})
OFFICIALS_G = frozenset({ADMIN, COUNTY, TOWN, VIEWER})
OFFICIALS_L = frozenset({ADMIN, COUNTY, OTHER, VIEWER})

SEES = {
    "scheme_g": PUBLISHED_G,
    "scheme_l": OFFICIALS_L,
    "scheme_dg": OFFICIALS_G,
    "result_g": PUBLISHED_G,
    "result_g2": OFFICIALS_G,
    "result_l": OFFICIALS_L,
    "result_dg": OFFICIALS_G,
    "score_g": PUBLISHED_G,
    "score_g2": OFFICIALS_G,
    "score_l": OFFICIALS_L,
    "ind_dg": OFFICIALS_G,
    "ind_l": OFFICIALS_L,
    "adoc_g": PUBLISHED_G,
    "adoc_l": OFFICIALS_L,
}

MANAGERS = {ADMIN, COUNTY}
WRITES = {
    ("assess_create", None): MANAGERS,
    **{
        ("assess", target): MANAGERS
        for target in ("scheme_dg", "scheme_l", "ind_dg", "ind_l", "result_dg", "result_l")
    },
}

_media = None


def _documents_in_a_temporary_directory() -> None:
    # Uploaded documents go to a temporary directory, not the project's var/; when another app
    # has already moved MEDIA_ROOT there, it stays.
    global _media
    if _media is None and not str(settings.MEDIA_ROOT).startswith(tempfile.gettempdir()):
        _media = override_settings(MEDIA_ROOT=Path(tempfile.mkdtemp(prefix="shuanglian-assess-")))
        _media.enable()


def extend_world(world, admin) -> None:
    _documents_in_a_temporary_directory()
    unit_p, unit_g, unit_l = world["unit_p"], world["unit_g"], world["unit_l"]
    scheme_g, adoc_g = factories.published(actor=admin, region=GUOJIA, adjust_unit=unit_p)
    scheme_l, adoc_l = factories.published(
        actor=admin, region=LONGCHENG, name="陇城镇2012年度考核", adjust_unit=unit_l
    )
    scheme_dg = factories.scheme(actor=admin, name="郭嘉镇2012年度考核（草稿）")
    services.scheme_compute(actor=admin, scheme=scheme_dg)
    world.update(
        scheme_g=scheme_g,
        scheme_l=scheme_l,
        scheme_dg=scheme_dg,
        result_g=scheme_g.results.get(unit=unit_p),
        result_g2=scheme_g.results.get(unit=unit_g),
        result_l=scheme_l.results.get(unit=unit_l),
        result_dg=scheme_dg.results.get(unit=unit_p),
        ind_dg=scheme_dg.indicators.first(),
        ind_l=scheme_l.indicators.first(),
        adoc_g=adoc_g,
        adoc_l=adoc_l,
    )
    world["score_g"] = world["result_g"].scores.first()
    world["score_g2"] = world["result_g2"].scores.first()
    world["score_l"] = world["result_l"].scores.first()
