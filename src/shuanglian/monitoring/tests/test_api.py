"""The monitoring API: lists in scope, a case through its steps, errors with the project's
messages, screenings."""

import pytest
from django.test import override_settings

from shuanglian.conftest import GUOJIA, LONGCHENG
from shuanglian.monitoring.models import MonitoringCase
from shuanglian.monitoring.tests import factories as mf

pytestmark = pytest.mark.django_db
M = "/api/v1/monitoring"


def test_cases_in_scope_and_a_case_through_its_steps(mw, town_officer, county_officer, login):
    mf.flagged(actor=county_officer, household=mw.household_l)
    client = login(town_officer)
    created = client.post(f"{M}/households/{mw.household_g.pk}/flag", {"note": "家中有重病患者"})
    assert created.status_code == 201
    case = created.json()
    assert case["stage"] == "flagged" and case["reasons"][0]["code"] == "officer_note"
    assert [c["id"] for c in client.get(f"{M}/cases").json()["items"]] == [case["id"]]
    refused = client.post(f"{M}/cases/{case['id']}/confirm", {"category": "marginal"})
    assert refused.status_code == 409 and refused.json()["extra"]["field"] == "stage"
    visit = mf.visit(actor=town_officer, household=mw.household_g)
    assessed = client.post(
        f"{M}/cases/{case['id']}/assess",
        {
            "visit_id": visit.pk,
            "deliberated_on": mf.today(),
            "participants": 30,
            "result": "agreed",
        },
    )
    assert assessed.status_code == 200 and assessed.json()["stage"] == "assessed"
    confirmed = client.post(f"{M}/cases/{case['id']}/confirm", {"category": "marginal"})
    assert confirmed.json()["stage"] == "confirmed"
    measure = client.post(
        f"{M}/cases/{case['id']}/measures", {"type": "training", "description": "电焊技能培训"}
    )
    assert measure.status_code == 201
    assert measure.json()["measures"][0]["group"] == "development"
    body = client.get(f"{M}/cases/{case['id']}").json()
    assert body["elimination_problems"]
    assert client.get(f"{M}/cases/{body['id']}", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_bad_input_names_the_field(mw, town_officer, login):
    client = login(town_officer)
    response = client.post(
        f"{M}/households/{mw.household_g.pk}/risk-events",
        {"kind": "medical", "occurred_on": mf.today(), "amount": "-3"},
    )
    assert response.status_code == 400 and response.json()["extra"]["field"] == "amount"
    response = client.post(f"{M}/households/{mw.household_g.pk}/flag", {"note": ""})
    assert response.status_code == 400 and response.json()["extra"]["field"] == "note"


def test_summary_and_screenings(mw, town_officer, other_town_officer, viewer, login):
    mf.income(actor=town_officer, household=mw.household_g, year=2021, net=5000)
    client = login(town_officer)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        started = client.post(f"{M}/screenings", {"region": GUOJIA})
    assert started.status_code == 202
    run = client.get(f"{M}/screenings/{started.json()['id']}").json()
    assert run["status"] == "done" and run["flagged"] == 1
    assert MonitoringCase.objects.get().household_id == mw.household_g.pk
    summary = client.get(f"{M}/summary", {"region": GUOJIA}).json()
    assert summary["totals"]["by_stage"]["flagged"] == 1
    assert login(viewer).post(f"{M}/screenings", {"region": GUOJIA}).status_code == 403
    assert login(other_town_officer).post(f"{M}/screenings", {"region": GUOJIA}).status_code == 404
    assert login(other_town_officer).get(f"{M}/screenings/{run['id']}").status_code == 404
    assert (
        login(other_town_officer)
        .get(f"{M}/summary", {"region": LONGCHENG})
        .json()["totals"]["by_stage"]["flagged"]
        == 0
    )
