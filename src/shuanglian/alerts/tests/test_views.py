import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuanglian.alerts.models import AlertDismissal, AlertKind, AlertRun
from shuanglian.alerts.services import DISMISS_REASON_REQUIRED
from shuanglian.alerts.tests.factories import open_alerts, refresh, unit_follow_ups, world
from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN
from shuanglian.core.models import AuditEvent
from shuanglian.households.tests import factories as hf
from shuanglian.regions.tests.pages import assert_same_404, text, zh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(admin_user, cadre_user):
    found = world(admin_user, cadre_user)
    refresh()
    return found


def _rows(response) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(r'data-alert="(\d+)"', text(response))}


def test_inbox_is_scoped(login, town_officer, other_town_officer, unit_admin, cadre_user, data):
    g_side = {a.pk for a in open_alerts() if a.region_id.startswith("620522104")}
    l_side = {a.pk for a in open_alerts() if a.region_id.startswith("620522103")}
    assert g_side and l_side
    assert _rows(login(town_officer).get("/alerts/")) == g_side
    assert _rows(login(other_town_officer).get("/alerts/")) == l_side
    # The unit administrator: 暖泉村, the village 县妇联 is paired with.
    assert _rows(login(unit_admin).get("/alerts/")) == g_side
    # The cadre: her own household's alerts only, not the whole village's.
    mine = {a.pk for a in open_alerts().filter(household=data["household_g"])}
    assert mine and mine != g_side
    assert _rows(login(cadre_user).get("/alerts/")) == mine


def test_inbox_filters_by_kind_and_links_to_the_record(login, town_officer, data):
    client = login(town_officer)
    response = client.get(f"/alerts/?kind={AlertKind.POOR_WITHOUT_CADRE}")
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    assert _rows(response) == {alert.pk}
    assert f'href="/households/{data["g_alone"].pk}/"' in text(response)
    assert client.get("/alerts/?kind=nonsense").status_code == 400


def test_inbox_queries_do_not_grow(login, admin_user, town_officer, data, settings):
    settings.PAGE_SIZE = 5
    client = login(town_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/alerts/").status_code == 200
        return len(queries)

    before = count()
    for n in range(12):
        hf.household(actor=admin_user, village=NUANQUAN, head_name=f"新户{n}")
    refresh()
    assert count() == before
    assert before <= 6


def test_inbox_pages_by_cursor(login, admin_user, town_officer, data, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        hf.household(actor=admin_user, village=NUANQUAN, head_name=f"新户{n}")
    refresh()
    client = login(town_officer)
    first = client.get("/alerts/")
    assert len(_rows(first)) == 2
    assert 'rel="next"' in text(first)


def test_dismiss_needs_a_reason_then_hides_for_that_user_only(
    login, town_officer, county_officer, data
):
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    client = login(town_officer)
    response = client.post(f"/alerts/{alert.pk}/dismiss/", {"reason": ""})
    assert response.status_code == 400
    assert zh(DISMISS_REASON_REQUIRED) in text(response)
    response = client.post(f"/alerts/{alert.pk}/dismiss/", {"reason": "已安排联系干部"})
    assert response.status_code == 302
    assert alert.pk not in _rows(client.get("/alerts/"))
    assert alert.pk in _rows(client.get("/alerts/?dismissed=on"))
    assert AuditEvent.objects.filter(object_type="alerts.AlertDismissal").count() == 1
    assert alert.pk in _rows(login(county_officer).get("/alerts/"))


def test_dismiss_out_of_scope_is_404(login, other_town_officer, data):
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    client = login(other_town_officer)
    assert_same_404(client, f"/alerts/{alert.pk}/dismiss/", "/alerts/999999/dismiss/")
    client.post(f"/alerts/{alert.pk}/dismiss/", {"reason": "越权"})
    assert not AlertDismissal.objects.exists()


def test_digest_counts_by_kind_and_child_region(login, county_officer, town_officer, data):
    response = login(county_officer).get("/alerts/digest/")
    page = text(response)
    # 秦安县's children are townships: 郭嘉镇 and 陇城镇 carry the alerts.
    assert f'data-region="{GUOJIA}"' in page and f'data-region="{LONGCHENG}"' in page
    assert f'id="digest-total">{open_alerts().count()}<' in page
    drill = login(town_officer).get(f"/alerts/digest/?region={GUOJIA}")
    g_count = open_alerts().filter(region__code__startswith="620522104").count()
    assert f'id="digest-total">{g_count}<' in text(drill)
    assert f'data-region="{NUANQUAN}"' in text(drill)
    assert_same_404(
        login(town_officer),
        f"/alerts/digest/?region={LONGCHENG}",
        "/alerts/digest/?region=620522999000",
    )


def test_refresh_page_queues_for_administrators_only(login, admin_user, town_officer, data):
    assert login(town_officer).post("/alerts/refresh/").status_code == 403
    response = login(admin_user).post("/alerts/refresh/")
    assert response.status_code == 302


def test_visit_in_the_app_closes_the_alert_at_the_next_refresh(admin_user, data, settings):
    settings.ALERT_VISIT_DAYS = 60
    assert open_alerts(AlertKind.NOT_VISITED).filter(household=data["household_l"]).exists()
    af.visit(actor=admin_user, household=data["household_l"], visited_on=dt.date.today())
    refresh(today=dt.date.today())
    assert not open_alerts(AlertKind.NOT_VISITED).filter(household=data["household_l"]).exists()


def test_unit_admin_pages_hide_household_alerts_outside_their_villages(
    login, admin_user, unit_admin, data
):
    owned = unit_follow_ups(admin_user, unit_admin.unit, data)
    refresh()
    alert = {
        name: open_alerts(AlertKind.FOLLOW_UP_OVERDUE).get(object_id=fu.pk)
        for name, fu in owned.items()
    }
    client = login(unit_admin)
    rows = _rows(client.get("/alerts/"))
    assert {alert["inside"].pk, alert["no_household"].pk} <= rows
    assert alert["outside"].pk not in rows
    page = text(client.get("/alerts/"))
    assert "张三家危房改造跟进" not in page and "孙旺奎家产业帮扶跟进" in page
    assert client.get(f"/households/{data['household_l'].pk}/").status_code == 404
    assert_same_404(client, f"/alerts/{alert['outside'].pk}/dismiss/", "/alerts/999999/dismiss/")
    assert client.get(f"/alerts/{alert['inside'].pk}/dismiss/").status_code == 200
    # The digest counts what the inbox lists (all on its first page here), not the hidden one.
    assert f'id="digest-total">{len(rows)}<' in text(client.get("/alerts/digest/"))


def test_refresh_page_queues_through_the_audited_service(
    login, admin_user, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = login(admin_user).post("/alerts/refresh/")
    assert response.status_code == 302
    run = AlertRun.objects.get(status="running")
    assert run.started_by == admin_user
    assert AuditEvent.objects.filter(object_type="alerts.AlertRun", object_id=str(run.pk)).exists()
    assert len(callbacks) == 1
