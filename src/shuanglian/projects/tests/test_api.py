import datetime as dt

import pytest
from django.utils import timezone

from shuanglian.conftest import NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.tests.api_helpers import error_body, walk_pages, zh
from shuanglian.projects import services
from shuanglian.projects.api import BODY_FIELD_INVALID, BODY_INVALID
from shuanglian.projects.models import Funding, Project, ProjectStatus
from shuanglian.projects.selectors import PROJECT_NOT_FOUND
from shuanglian.projects.tests import factories
from shuanglian.units.tests import factories as units

LONGCHENG_VILLAGE = "620522103200"
MISSING = 999999


@pytest.fixture
def data(admin_user):
    unit = units.unit(actor=admin_user, name="县委宣传部")
    g = factories.project(actor=admin_user, lead_unit_id=unit.pk)
    other = factories.project(actor=admin_user, village=LONGCHENG_VILLAGE, name="常营村道路")
    entry = factories.funding(actor=admin_user, project=g, amount="1000", unit_id=unit.pk)
    factories.funding(actor=admin_user, project=other, amount="7", source="fiscal")
    return {"unit": unit, "g": g, "other": other, "entry": entry}


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_list_and_detail_are_scoped(login, town_officer, data):
    client = login(town_officer)
    body = client.get("/api/v1/projects").json()
    assert [item["id"] for item in body["items"]] == [data["g"].pk]
    assert body["items"][0]["funded"] == "1000.00"
    detail = client.get(f"/api/v1/projects/{data['g'].pk}").json()
    assert detail["history"][0]["to_status"] == "planned"
    assert detail["ledger"][0]["unit"] == {"id": data["unit"].pk, "name": "县委宣传部"}
    assert detail["totals"] == {"by_source": {"unit": "1000.00"}, "total": "1000.00"}
    hidden = error_body(client.get(f"/api/v1/projects/{data['other'].pk}"), 404)
    missing = error_body(client.get(f"/api/v1/projects/{MISSING}"), 404)
    assert missing["message"] == zh(PROJECT_NOT_FOUND).format(id=MISSING)
    assert hidden["extra"] == missing["extra"]


def test_list_pages(login, admin_user):
    for number in range(5):
        factories.project(actor=admin_user, name=f"项目{number}")
    ids, pages = walk_pages(login(admin_user), "/api/v1/projects", limit=2)
    assert pages == 3
    assert ids == sorted(Project.objects.values_list("pk", flat=True))


def test_list_queries_bounded(login, admin_user, data, django_assert_max_num_queries):
    client = login(admin_user)
    for number in range(10):
        factories.project(actor=admin_user, name=f"项目{number}")
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/projects?limit=50").status_code == 200


def test_create_advance_fund_and_reverse(login, town_officer):
    client = login(town_officer)
    response = post(
        client,
        "/api/v1/projects",
        {"village": NUANQUAN, "name": "暖泉村梯田", "type": "terrace", "year": 2012,
         "quantity": 500, "budget": "200000", "planned_on": "2012-02-01"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    project_id = response.json()["id"]
    assert response.json()["quantity_unit"] == zh(services.QUANTITY_UNITS["terrace"])
    response = post(
        client,
        f"/api/v1/projects/{project_id}/status",
        {"to_status": "accepted", "changed_on": "2012-04-01"},
    )
    body = error_body(response, 400)
    assert body["message"] == zh(services.PROJECT_STATUS_STEP).format(
        current=zh(ProjectStatus.PLANNED.label), next=zh(ProjectStatus.BUILDING.label)
    )
    response = post(
        client,
        f"/api/v1/projects/{project_id}/status",
        {"to_status": "building", "changed_on": "2012-04-01", "note": "开工"},
    )
    assert response.status_code == 201
    assert response.json()["changed_by"] == town_officer.username
    response = post(
        client,
        f"/api/v1/projects/{project_id}/funding",
        {"source": "fiscal", "amount": "150000", "received_on": "2012-05-01"},
    )
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    response = post(client, f"/api/v1/projects/funding/{entry_id}/reverse", {"reason": "错账"})
    assert response.status_code == 201
    assert response.json()["amount"] == "-150000.00"
    assert response.json()["reverses"] == entry_id
    reversal_id = response.json()["id"]
    body = error_body(
        post(client, f"/api/v1/projects/funding/{entry_id}/reverse", {"reason": "x"}), 409
    )
    assert body["message"] == zh(services.FUNDING_ALREADY_REVERSED)
    detail = client.get(f"/api/v1/projects/{project_id}").json()
    assert detail["ledger"][0]["reversed_by"] == reversal_id
    assert detail["totals"]["total"] == "0.00"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"source": "fiscal", "amount": "-1", "received_on": "2012-05-01"}, 400,
         services.FUNDING_AMOUNT_INVALID),
        ({"source": "fiscal", "amount": "1e11", "received_on": "2012-05-01"}, 400,
         services.FUNDING_AMOUNT_INVALID),
        ({"source": "fiscal", "amount": "1", "received_on": "tomorrow"}, 400,
         services.FUNDING_DATE_FUTURE),
        ({"source": "fiscal", "amount": "abc", "received_on": "2012-05-01"}, 400, None),
    ],
)  # fmt: skip
def test_bad_funding_answers_400_and_saves_nothing(login, admin_user, data, body, status, message):
    if body["received_on"] == "tomorrow":
        body["received_on"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    count = Funding.objects.count()
    response = post(login(admin_user), f"/api/v1/projects/{data['g'].pk}/funding", body)
    payload = error_body(response, status)
    if message is not None:
        assert payload["message"] == zh(message)
    else:
        assert payload["message"] == zh(BODY_FIELD_INVALID).format(field="amount")
    assert Funding.objects.count() == count


def test_body_that_is_not_json(login, admin_user, data):
    response = login(admin_user).post(f"/api/v1/projects/{data['g'].pk}/funding", "garbage",
                                      content_type="application/json")  # fmt: skip
    assert error_body(response, 400)["message"] == zh(BODY_INVALID)


def test_rights_are_checked_before_the_body(login, viewer, data):
    client = login(viewer)
    body = error_body(client.post("/api/v1/projects"), 403)
    assert body["message"] == zh(WRITE_FORBIDDEN)
    error_body(client.post(f"/api/v1/projects/{data['g'].pk}/status"), 403)
    error_body(post(client, f"/api/v1/projects/funding/{data['entry'].pk}/reverse", {}), 403)


def test_totals(login, admin_user, town_officer, data):
    client = login(town_officer)
    assert client.get("/api/v1/projects/funding/totals").json()["total"] == "1000.00"
    client = login(admin_user)
    assert client.get("/api/v1/projects/funding/totals").json()["by_source"] == {
        "unit": "1000.00",
        "fiscal": "7.00",
    }
    body = client.get(f"/api/v1/projects/funding/totals?unit={data['unit'].pk}").json()
    assert body["total"] == "1000.00"
    body = client.get(f"/api/v1/projects/funding/totals?village={LONGCHENG_VILLAGE}").json()
    assert body["total"] == "7.00"
    body = client.get(f"/api/v1/projects/funding/totals?project={data['other'].pk}").json()
    assert body["total"] == "7.00"
    client = login(town_officer)
    hidden = f"/api/v1/projects/funding/totals?project={data['other'].pk}"
    error_body(client.get(hidden), 404)
