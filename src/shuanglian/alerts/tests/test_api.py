import pytest

from shuanglian.alerts.models import AlertDismissal, AlertKind
from shuanglian.alerts.services import DISMISS_REASON_REQUIRED
from shuanglian.alerts.tests.factories import open_alerts, refresh, unit_follow_ups, world
from shuanglian.conftest import GUOJIA, LONGCHENG

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(admin_user, cadre_user):
    found = world(admin_user, cadre_user)
    refresh()
    return found


def test_inbox_items_and_scope(login, town_officer, data):
    body = login(town_officer).get("/api/v1/alerts?limit=100").json()
    ids = {item["id"] for item in body["items"]}
    assert ids == {a.pk for a in open_alerts() if a.region_id.startswith("620522104")}
    item = next(i for i in body["items"] if i["kind"] == AlertKind.POOR_WITHOUT_CADRE)
    assert item["link"] == f"/households/{data['g_alone'].pk}/"
    assert item["dismissed"] is False


def test_inbox_queries_are_bounded(login, town_officer, data, django_assert_max_num_queries):
    client = login(town_officer)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/alerts").status_code == 200


def test_dismiss_needs_a_reason(login, town_officer, data):
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    client = login(town_officer)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/dismiss", {"reason": " "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == str(DISMISS_REASON_REQUIRED)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/dismiss", {"reason": "已核实"}, content_type="application/json"
    )
    assert response.status_code == 201
    again = client.post(
        f"/api/v1/alerts/{alert.pk}/dismiss", {"reason": "已核实"}, content_type="application/json"
    )
    assert again.status_code == 409
    body = client.get("/api/v1/alerts?dismissed=true").json()
    assert [item["id"] for item in body["items"]] == [alert.pk]


def test_dismiss_out_of_scope_is_404(login, other_town_officer, data):
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    response = login(other_town_officer).post(
        f"/api/v1/alerts/{alert.pk}/dismiss", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not AlertDismissal.objects.exists()


def test_digest(login, county_officer, town_officer, data):
    body = login(county_officer).get("/api/v1/alerts/digest").json()
    assert body["total"] == open_alerts().count()
    rows = {row["region"]["code"]: row for row in body["rows"]}
    assert (
        rows[GUOJIA]["total"] == open_alerts().filter(region__code__startswith="620522104").count()
    )
    assert login(town_officer).get(f"/api/v1/alerts/digest?region={LONGCHENG}").status_code == 404


def test_unit_admin_api_hides_household_alerts_outside_their_villages(
    login, admin_user, unit_admin, data
):
    owned = unit_follow_ups(admin_user, unit_admin.unit, data)
    refresh()
    alert = {
        name: open_alerts(AlertKind.FOLLOW_UP_OVERDUE).get(object_id=fu.pk)
        for name, fu in owned.items()
    }
    client = login(unit_admin)
    items = client.get("/api/v1/alerts?limit=500").json()["items"]
    ids = {item["id"] for item in items}
    assert {alert["inside"].pk, alert["no_household"].pk} <= ids
    assert alert["outside"].pk not in ids
    assert data["household_l"].pk not in {item["household_id"] for item in items}
    body = client.get("/api/v1/alerts/digest").json()
    assert body["totals"][AlertKind.FOLLOW_UP_OVERDUE] == 2
    assert body["total"] == len(ids)
    response = client.post(
        f"/api/v1/alerts/{alert['outside'].pk}/dismiss",
        {"reason": "越权"},
        content_type="application/json",
    )
    assert response.status_code == 404
