"""The monitoring app's rows of the permission matrix (core/tests/test_permission_matrix.py).

Records: a flagged case of household G (暖泉村, paired with the cadre persona) and one of
household L (常营村), each with its reason; a risk event of each; a screening run of each
village.
"""

import datetime as dt
from types import SimpleNamespace

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
from shuanglian.monitoring import services
from shuanglian.monitoring.services import screening_prepare

G_REGISTRY = {ADMIN, COUNTY, TOWN}
L_REGISTRY = {ADMIN, COUNTY, OTHER}

SEES = {
    name + side: (G_SIDE if side == "_g" else L_SIDE)
    for name in ("mcase", "mreason")
    for side in ("_g", "_l")
}
# A screening run counts its whole region: not for cadres or unit administrators.
SEES["mrun_g"] = G_SIDE - {CADRE, UNIT_ADMIN}
SEES["mrun_l"] = L_SIDE

WRITES = {
    ("mon_manage", "mcase_g"): G_REGISTRY,
    ("mon_manage", "mcase_l"): L_REGISTRY,
    ("mon_manage", "mreason_g"): G_REGISTRY,
    ("mon_manage", "mreason_l"): L_REGISTRY,
    ("mon_manage", "household_g"): G_REGISTRY,
    ("mon_manage", "household_l"): L_REGISTRY,
    ("mon_manage", "village_g"): G_REGISTRY,
    ("mon_manage", "village_l"): L_REGISTRY,
    # The cadre paired with the household now reports it, records risk events and income checks.
    ("mon_report", "household_g"): G_REGISTRY | {CADRE},
    ("mon_report", "household_l"): L_REGISTRY,
    ("mon_report", "mcase_g"): G_REGISTRY | {CADRE},
    ("mon_report", "mcase_l"): L_REGISTRY,
    # Measures: whoever plans for the household in the assistance app.
    ("mon_plan", "mcase_g"): G_REGISTRY | {UNIT_ADMIN, CADRE},
    ("mon_plan", "mcase_l"): L_REGISTRY,
}

CASES = ("mcase_g", "mcase_l")
HOUSEHOLDS = ("household_g", "household_l")
GET_POST = ("get", "post")

PAGES = {
    "monitoring:index": Route("/monitoring/", "list"),
    "monitoring:case_list": Route("/monitoring/cases/", "list"),
    "monitoring:case_detail": Route("/monitoring/cases/{pk}/", "read", CASES),
    "monitoring:case_assess": Route(
        "/monitoring/cases/{pk}/assess/", "mon_manage", CASES, GET_POST
    ),
    "monitoring:case_confirm": Route(
        "/monitoring/cases/{pk}/confirm/", "mon_manage", CASES, GET_POST
    ),
    "monitoring:case_dismiss": Route(
        "/monitoring/cases/{pk}/dismiss/", "mon_manage", CASES, GET_POST
    ),
    "monitoring:income_check_add": Route(
        "/monitoring/cases/{pk}/income-checks/new/", "mon_report", CASES, GET_POST
    ),
    "monitoring:measure_add": Route(
        "/monitoring/cases/{pk}/measures/new/", "mon_plan", CASES, GET_POST
    ),
    "monitoring:reason_resolve": Route(
        "/monitoring/reasons/{pk}/resolve/", "mon_manage", ("mreason_g", "mreason_l"), GET_POST
    ),
    "monitoring:household_flag": Route(
        "/monitoring/households/{pk}/flag/", "mon_manage", HOUSEHOLDS, GET_POST
    ),
    "monitoring:household_report": Route(
        "/monitoring/households/{pk}/report/", "mon_report", HOUSEHOLDS, GET_POST
    ),
    "monitoring:risk_events": Route("/monitoring/households/{pk}/risk-events/", "read", HOUSEHOLDS),
    "monitoring:risk_event_create": Route(
        "/monitoring/households/{pk}/risk-events/new/", "mon_report", HOUSEHOLDS, GET_POST
    ),
    "monitoring:screening_start": Route(
        "/monitoring/screenings/new/?region={code}",
        "mon_manage",
        ("village_g", "village_l"),
        ("post",),
    ),
    "monitoring:screening_detail": Route(
        "/monitoring/screenings/{pk}/", "read", ("mrun_g", "mrun_l")
    ),
}

M = "/api/v1/monitoring"
API = {
    ("get", f"{M}/cases"): Route(f"{M}/cases", "list"),
    ("get", f"{M}/cases/{{case_id}}"): Route(f"{M}/cases/{{pk}}", "read", CASES),
    ("post", f"{M}/cases/{{case_id}}/assess"): Route(
        f"{M}/cases/{{pk}}/assess", "mon_manage", CASES, ("post",)
    ),
    ("post", f"{M}/cases/{{case_id}}/confirm"): Route(
        f"{M}/cases/{{pk}}/confirm", "mon_manage", CASES, ("post",)
    ),
    ("post", f"{M}/cases/{{case_id}}/dismiss"): Route(
        f"{M}/cases/{{pk}}/dismiss", "mon_manage", CASES, ("post",)
    ),
    ("post", f"{M}/cases/{{case_id}}/income-checks"): Route(
        f"{M}/cases/{{pk}}/income-checks", "mon_report", CASES, ("post",)
    ),
    ("post", f"{M}/cases/{{case_id}}/measures"): Route(
        f"{M}/cases/{{pk}}/measures", "mon_plan", CASES, ("post",)
    ),
    ("post", f"{M}/reasons/{{reason_id}}/resolve"): Route(
        f"{M}/reasons/{{pk}}/resolve", "mon_manage", ("mreason_g", "mreason_l"), ("post",)
    ),
    ("post", f"{M}/households/{{household_id}}/flag"): Route(
        f"{M}/households/{{pk}}/flag", "mon_manage", HOUSEHOLDS, ("post",)
    ),
    ("post", f"{M}/households/{{household_id}}/report"): Route(
        f"{M}/households/{{pk}}/report", "mon_report", HOUSEHOLDS, ("post",)
    ),
    ("get", f"{M}/households/{{household_id}}/risk-events"): Route(
        f"{M}/households/{{pk}}/risk-events", "read", HOUSEHOLDS
    ),
    ("post", f"{M}/households/{{household_id}}/risk-events"): Route(
        f"{M}/households/{{pk}}/risk-events", "mon_report", HOUSEHOLDS, ("post",)
    ),
    ("get", f"{M}/summary"): Route(f"{M}/summary", "list"),
    # The region is in the body; the service checks it (tested in test_api).
    ("post", f"{M}/screenings"): Route(f"{M}/screenings", "list", methods=("post",)),
    ("get", f"{M}/screenings/{{run_id}}"): Route(
        f"{M}/screenings/{{pk}}", "read", ("mrun_g", "mrun_l")
    ),
}


def extend_world(world, admin) -> None:
    case_g = services.case_flag(actor=admin, household=world["household_g"], note="因病返贫风险")
    case_l = services.case_flag(actor=admin, household=world["household_l"], note="因灾返贫风险")
    for household in (world["household_g"], world["household_l"]):
        services.risk_event_create(
            actor=admin,
            household=household,
            kind="medical",
            occurred_on=dt.date(2024, 5, 1),
            amount="8000",
        )
    world.update(
        mcase_g=case_g,
        mcase_l=case_l,
        # The matrix takes a record's `code` for a region code; a reason's code is its kind, so
        # the reasons stand in by their id alone.
        mreason_g=SimpleNamespace(pk=case_g.reasons.get().pk),
        mreason_l=SimpleNamespace(pk=case_l.reasons.get().pk),
        mrun_g=screening_prepare(actor=admin, region_code=world["village_g"].code),
        mrun_l=screening_prepare(actor=admin, region_code=world["village_l"].code),
    )
