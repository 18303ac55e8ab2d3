from decimal import Decimal

import pytest

from shuanglian.assessments import services
from shuanglian.assessments.models import Rule, Score
from shuanglian.assessments.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(work):
    made = factories.scheme(actor=work.admin)
    services.scheme_compute(actor=work.admin, scheme=made)
    return made


def test_list_detail_ranking_result_evidence(login, county_officer, work, scheme):
    client = login(county_officer)
    listed = client.get("/api/v1/assessments").json()
    assert [item["id"] for item in listed["items"]] == [scheme.pk]
    detail = client.get(f"/api/v1/assessments/{scheme.pk}").json()
    assert {ind["rule"] for ind in detail["indicators"]} == set(Rule.values)
    ranking = client.get(f"/api/v1/assessments/{scheme.pk}/ranking").json()
    assert [row["unit"]["name"] for row in ranking][:1] == ["县委宣传部"]
    visits = scheme.indicators.get(rule=Rule.VISITS)
    by_visits = client.get(f"/api/v1/assessments/{scheme.pk}/ranking?indicator={visits.pk}")
    assert [row["rank"] for row in by_visits.json()] == [1, 1]
    result = scheme.results.get(unit=work.unit_a)
    body = client.get(f"/api/v1/assessments/results/{result.pk}").json()
    assert len(body["scores"]) == len(Rule.values)
    found = Score.objects.get(result=result, indicator=visits)
    evidence = client.get(f"/api/v1/assessments/scores/{found.pk}/evidence?limit=3").json()
    assert len(evidence["items"]) == 3 and evidence["next_cursor"]
    rest = client.get(
        f"/api/v1/assessments/scores/{found.pk}/evidence?cursor={evidence['next_cursor']}"
    ).json()
    assert len(evidence["items"]) + len(rest["items"]) == found.basis


def test_adjustment_through_the_api(login, county_officer, town_officer, work, scheme):
    result = scheme.results.get(unit=work.unit_b)
    url = f"/api/v1/assessments/results/{result.pk}/adjustments"
    body = {"points": "2.5", "reason": "主动认领帮扶项目"}
    refused = login(town_officer).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    client = login(county_officer)
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201
    assert Decimal(made.json()["points"]) == Decimal("2.5")
    bad = client.post(url, {"points": "0", "reason": "x"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["extra"]["field"] == "points"
    listed = client.get(f"/api/v1/assessments/{scheme.pk}/adjustments").json()
    assert [item["reason"] for item in listed] == ["主动认领帮扶项目"]
    services.scheme_freeze(actor=work.admin, scheme=scheme)
    frozen = client.post(url, body, content_type="application/json")
    assert frozen.status_code == 409


def test_out_of_scope_is_404(login, other_town_officer, scheme):
    client = login(other_town_officer)
    hidden = client.get(f"/api/v1/assessments/{scheme.pk}")
    missing = client.get("/api/v1/assessments/999999")
    assert hidden.status_code == missing.status_code == 404
