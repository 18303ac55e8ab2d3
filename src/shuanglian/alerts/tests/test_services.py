import datetime as dt

import pytest
from django.core.management import call_command

from shuanglian.alerts import selectors, services, sources
from shuanglian.alerts.models import Alert, AlertDismissal, AlertKind, AlertRun, RunStatus
from shuanglian.alerts.tests.factories import TODAY, open_alerts, refresh, unit_follow_ups, world
from shuanglian.assistance.services import (
    follow_up_create,
    follow_up_update,
    measure_update,
    visit_void,
)
from shuanglian.assistance.tests import factories as af
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from shuanglian.core.models import AuditEvent
from shuanglian.pairings.services import household_pairing_end
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects.services import project_status_advance
from shuanglian.projects.tests import factories as prf

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(admin_user):
    return world(admin_user)


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def test_poor_household_without_cadre_opens_and_closes(admin_user, data):
    refresh()
    alerts = {a.household_id for a in open_alerts(AlertKind.POOR_WITHOUT_CADRE)}
    # Poor and unpaired only: the general household and the paired ones are not alerts.
    assert alerts == {data["g_alone"].pk, data["l_alone"].pk}
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    assert alert.region_id == data["g_alone"].village_id
    assert alert.title == "邵维基"
    pf.household_pairing(actor=admin_user, household=data["g_alone"], cadre=data["cadre_g"])
    refresh()
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert {a.household_id for a in open_alerts(AlertKind.POOR_WITHOUT_CADRE)} == {
        data["l_alone"].pk
    }


def test_ending_a_pairing_reopens_as_a_new_alert(admin_user, data):
    refresh()
    assert not open_alerts(AlertKind.POOR_WITHOUT_CADRE).filter(household=data["household_g"])
    pairing = data["household_g"].pairings.get(end_date__isnull=True)
    household_pairing_end(actor=admin_user, pairing=pairing, end_date=dt.date(2012, 11, 1))
    refresh()
    assert open_alerts(AlertKind.POOR_WITHOUT_CADRE).filter(household=data["household_g"]).exists()


def test_not_visited_at_and_beyond_the_threshold(admin_user, data, settings):
    settings.ALERT_VISIT_DAYS = 60
    af.visit(actor=admin_user, household=data["household_g"], visited_on=days(60))
    af.visit(actor=admin_user, household=data["household_l"], visited_on=days(61))
    refresh()
    # Visited exactly 60 days ago: not yet; 61 days ago: an alert, measured from that visit.
    alerts = open_alerts(AlertKind.NOT_VISITED)
    assert {a.household_id for a in alerts} == {data["household_l"].pk}
    assert alerts.get().reference_date == days(61)
    assert alerts.get().unit_id == data["unit_l"].pk
    # The next day household g crosses the line too.
    refresh(today=TODAY + dt.timedelta(days=1))
    assert {a.household_id for a in open_alerts(AlertKind.NOT_VISITED)} == {
        data["household_g"].pk,
        data["household_l"].pk,
    }


def test_a_visit_closes_and_a_voided_visit_does_not_count(admin_user, data, settings):
    settings.ALERT_VISIT_DAYS = 30
    refresh()
    # Paired on 2012-03-01 and never visited.
    assert open_alerts(AlertKind.NOT_VISITED).count() == 2
    visit = af.visit(actor=admin_user, household=data["household_g"], visited_on=days(3))
    refresh()
    assert {a.household_id for a in open_alerts(AlertKind.NOT_VISITED)} == {data["household_l"].pk}
    visit_void(actor=admin_user, visit=visit, reason="录入错误")
    refresh()
    assert open_alerts(AlertKind.NOT_VISITED).count() == 2


def test_a_new_pairing_is_not_an_alert_before_its_first_days(admin_user, data, settings):
    settings.ALERT_VISIT_DAYS = 60
    pf.household_pairing(
        actor=admin_user, household=data["g_alone"], cadre=data["cadre_g"], start=days(60)
    )
    refresh()
    assert not open_alerts(AlertKind.NOT_VISITED).filter(household=data["g_alone"]).exists()
    refresh(today=TODAY + dt.timedelta(days=1))
    assert open_alerts(AlertKind.NOT_VISITED).filter(household=data["g_alone"]).exists()


def test_overdue_measures(admin_user, data):
    plan = af.plan(actor=admin_user, household=data["household_g"])
    late = af.measure(
        actor=admin_user, plan=plan, due_date=days(1), responsible_unit=data["unit_g"]
    )
    af.measure(actor=admin_user, plan=plan, due_date=TODAY, description="修缮危房")
    af.measure(actor=admin_user, plan=plan, description="技能培训")  # no due date
    refresh()
    alert = open_alerts(AlertKind.MEASURE_OVERDUE).get()
    assert (alert.object_id, alert.household_id, alert.unit_id) == (
        late.pk,
        data["household_g"].pk,
        data["unit_g"].pk,
    )
    assert alert.reference_date == days(1)
    measure_update(actor=admin_user, measure=late, status="in_progress")
    refresh()
    assert open_alerts(AlertKind.MEASURE_OVERDUE).get().pk == alert.pk  # still open, same row
    measure_update(actor=admin_user, measure=late, status="done", done_on=days(0))
    refresh()
    assert not open_alerts(AlertKind.MEASURE_OVERDUE).exists()


def test_overdue_follow_ups(admin_user, data):
    late = follow_up_create(
        actor=admin_user,
        title="协调小额贷款",
        due_date=days(1),
        owner_cadre=data["cadre_g"],
        household=data["household_g"],
    )
    follow_up_create(actor=admin_user, title="按期事项", due_date=TODAY, owner_unit=data["unit_g"])
    refresh()
    alert = open_alerts(AlertKind.FOLLOW_UP_OVERDUE).get()
    assert alert.object_id == late.pk
    assert alert.region_id == data["household_g"].village_id
    assert alert.unit_id == data["unit_g"].pk  # the owning cadre's unit
    follow_up_update(actor=admin_user, follow_up=late, status="done", result="已办理")
    refresh()
    assert not open_alerts(AlertKind.FOLLOW_UP_OVERDUE).exists()


def test_stalled_projects(admin_user, data, settings):
    settings.ALERT_PROJECT_STALL_DAYS = 90
    stalled = prf.project(actor=admin_user, planned_on=days(91), lead_unit_id=data["unit_g"].pk)
    prf.project(actor=admin_user, name="通村道路硬化", planned_on=days(90))
    refresh()
    alert = open_alerts(AlertKind.PROJECT_STALLED).get()
    assert (alert.object_id, alert.unit_id, alert.reference_date) == (
        stalled.pk,
        data["unit_g"].pk,
        days(91),
    )
    project_status_advance(
        actor=admin_user, project=stalled, to_status="building", changed_on=TODAY
    )
    refresh()
    assert not open_alerts(AlertKind.PROJECT_STALLED).exists()


def test_refresh_is_idempotent_and_counts_per_kind(admin_user, data):
    first = refresh()
    rows = list(Alert.objects.order_by("pk").values_list("pk", "kind", "object_id", "closed_at"))
    second = refresh()
    assert (
        list(Alert.objects.order_by("pk").values_list("pk", "kind", "object_id", "closed_at"))
        == rows
    )
    assert first.counts[AlertKind.POOR_WITHOUT_CADRE] == {"opened": 2, "closed": 0}
    assert all(item == {"opened": 0, "closed": 0} for item in second.counts.values())
    assert second.status == RunStatus.DONE
    assert AuditEvent.objects.filter(object_type="alerts.AlertRun").count() == 2


def test_only_administrators_refresh_from_a_request(town_officer, data):
    with pytest.raises(Forbidden):
        services.alerts_refresh(actor=town_officer)


def test_command_shows_progress(data, capsys):
    call_command("alerts_refresh")
    out = capsys.readouterr().out
    assert f"[1/{len(sources.SOURCES)}] poor_without_cadre: 2 opened, 0 closed" in out
    assert "Done:" in out
    assert AlertRun.objects.get().status == RunStatus.DONE


def test_dismissal_needs_a_reason_is_per_user_and_audited(admin_user, town_officer, data):
    refresh()
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    with pytest.raises(InvalidInput) as error:
        services.alert_dismiss(actor=town_officer, alert=alert, reason="  ")
    assert error.value.message == services.DISMISS_REASON_REQUIRED
    assert error.value.field == "reason"
    services.alert_dismiss(actor=town_officer, alert=alert, reason="已安排干部，待录入")
    with pytest.raises(Conflict):
        services.alert_dismiss(actor=town_officer, alert=alert, reason="再次")
    event = AuditEvent.objects.get(object_type="alerts.AlertDismissal")
    assert event.actor == town_officer
    assert event.region_code == alert.region_id
    assert event.changes["reason"] == [None, "已安排干部，待录入"]
    # Only for that user.
    assert AlertDismissal.objects.filter(alert=alert).count() == 1


def test_dismissed_until_closed_and_reopened(admin_user, town_officer, data):
    refresh()
    alert = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    services.alert_dismiss(actor=town_officer, alert=alert, reason="已知")
    # Refreshing while the condition holds keeps the same row, so it stays dismissed.
    refresh()
    assert open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"]).pk == alert.pk
    pairing = pf.household_pairing(
        actor=admin_user, household=data["g_alone"], cadre=data["cadre_g"]
    )
    refresh()
    household_pairing_end(actor=admin_user, pairing=pairing, end_date=dt.date(2012, 11, 1))
    refresh()
    reopened = open_alerts(AlertKind.POOR_WITHOUT_CADRE).get(household=data["g_alone"])
    assert reopened.pk != alert.pk
    assert not reopened.dismissals.exists()
    alert.refresh_from_db()
    with pytest.raises(Conflict):
        services.alert_dismiss(actor=admin_user, alert=alert, reason="已关闭")


def test_a_registered_source_takes_part(admin_user, data):
    """The extension point the monitoring app uses: a new kind from any queryset."""
    from shuanglian.households.models import Household

    kind = "test_general_households"
    source = sources.AlertSource(
        kind=kind,
        label="general",
        candidates=lambda today: sources.row(
            Household.objects.filter(category="general"),
            object="pk",
            region="village_id",
            household="pk",
            title="head_name",
        ),
        link=lambda alert: f"/households/{alert.household_id}/",
    )
    sources.register(source)
    try:
        refresh()
        alert = open_alerts(kind).get()
        assert alert.household_id == data["general"].pk
        assert sources.link_of(alert) == f"/households/{data['general'].pk}/"
    finally:
        sources.SOURCES.pop(kind)


def test_unit_admins_see_household_alerts_only_in_their_villages(admin_user, unit_admin, data):
    owned = unit_follow_ups(admin_user, unit_admin.unit, data)
    refresh()
    follow_ups = open_alerts(AlertKind.FOLLOW_UP_OVERDUE)
    alert = {name: follow_ups.get(object_id=fu.pk) for name, fu in owned.items()}
    assert {a.unit_id for a in alert.values()} == {unit_admin.unit.pk}
    visible = set(selectors.visible_alerts(unit_admin).values_list("pk", flat=True))
    assert alert["inside"].pk in visible
    assert alert["no_household"].pk in visible, "the unit's own, about no household"
    assert alert["outside"].pk not in visible, "张三 of 常营村 reads as nonexistent to them"
    with pytest.raises(NotFound):
        selectors.alert_get(user=unit_admin, pk=alert["outside"].pk)
    inbox = selectors.inbox(user=unit_admin, kind=AlertKind.FOLLOW_UP_OVERDUE, limit=100)
    assert {item.alert.pk for item in inbox.items} == {alert["inside"].pk, alert["no_household"].pk}
    assert selectors.digest(user=unit_admin).totals[AlertKind.FOLLOW_UP_OVERDUE] == 2
    assert selectors.digest(user=admin_user).totals[AlertKind.FOLLOW_UP_OVERDUE] == 3


def test_queueing_a_refresh_is_audited_and_runs_after_commit(
    admin_user, data, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.alerts_refresh_queue(actor=admin_user)
    assert run.status == RunStatus.RUNNING and run.started_by == admin_user
    event = AuditEvent.objects.get(object_type="alerts.AlertRun", object_id=str(run.pk))
    assert (event.action, event.actor) == ("create", admin_user)
    assert len(callbacks) == 1, "the task is queued once the run is committed"
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_only_administrators_queue_a_refresh(town_officer, unit_admin, data):
    for user in (town_officer, unit_admin):
        with pytest.raises(Forbidden):
            services.alerts_refresh_queue(actor=user)
    assert not AlertRun.objects.exists()
    assert not AuditEvent.objects.filter(object_type="alerts.AlertRun").exists()
