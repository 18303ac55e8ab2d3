import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from shuanglian.assistance.models import FollowUp
from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.meetings import services
from shuanglian.meetings.models import Meeting, ReportStatus, UnitReport
from shuanglian.meetings.services import SpeakerData, StopData
from shuanglian.meetings.tests.factories import meeting
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects.services import project_create
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db

DAY = dt.date(2012, 8, 14)


@pytest.fixture
def unit_g(admin_user):
    unit = uf.unit(actor=admin_user, name="县委宣传部")
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN, start=dt.date(2012, 3, 5))
    return unit


@pytest.fixture
def project_g(admin_user, unit_g):
    return project_create(
        actor=admin_user,
        village_code=NUANQUAN,
        name="暖泉村村级综合文化活动中心",
        type="culture_centre",
        year=2012,
        lead_unit_id=unit_g.pk,
    )


def test_create_with_speakers_stops_units_is_audited(town_officer, unit_g, project_g):
    m = meeting(
        actor=town_officer,
        units=[unit_g],
        presiding="王建祥",
        speakers=[
            SpeakerData("孙旺奎", "镇党委书记", "通报进展"),
            SpeakerData("李爱仙", "县委副书记"),
        ],
        stops=[StopData(project_g.pk, "观摩文化活动中心")],
    )
    assert [s.name for s in m.speakers.all()] == ["孙旺奎", "李爱仙"]
    assert [s.order for s in m.speakers.all()] == [1, 2]
    assert m.stops.get().project == project_g
    # Every attending unit owes a report: a draft runs from its pairing to the meeting.
    report = m.reports.get()
    assert (report.unit, report.period_start, report.period_end) == (
        unit_g,
        dt.date(2012, 3, 5),
        DAY,
    )
    event = AuditEvent.objects.get(object_type="meetings.Meeting", object_id=str(m.pk))
    assert event.region_code == GUOJIA
    assert event.changes["speaker_lines"] == [None, ["孙旺奎|镇党委书记", "李爱仙|县委副书记"]]


def test_only_officers_of_the_place_write(town_officer, other_town_officer, viewer, unit_admin):
    with pytest.raises(InvalidInput):
        # 郭嘉镇 is outside 陇城镇's scope: as unknown as a missing region.
        meeting(actor=other_town_officer, place=GUOJIA)
    for actor in (viewer, unit_admin):
        with pytest.raises(Forbidden):
            meeting(actor=actor, place=actor.region_id or NUANQUAN)
    m = meeting(actor=town_officer)
    with pytest.raises(Forbidden) as err:
        services.meeting_update(
            actor=viewer, meeting=m, type="forum", title="x", held_on=DAY, place_code=GUOJIA
        )
    assert str(err.value.message) == str(WRITE_FORBIDDEN)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, services.MEETING_TITLE_REQUIRED),
        ({"held_on": None}, services.MEETING_DATE_REQUIRED),
        ({"held_on": dt.date(1990, 1, 1)}, services.MEETING_DATE_IMPLAUSIBLE),
        (
            {"speakers": [SpeakerData("甲"), SpeakerData(" ", "县长")]},
            services.SPEAKER_NAME_REQUIRED,
        ),
        ({"stops": [StopData(999_999)]}, services.STOP_PROJECT_UNKNOWN),
        ({"host_unit_id": 999_999}, services.MEETING_UNIT_UNKNOWN),
        ({"place": "620000000000"}, services.MEETING_PLACE_VILLAGE_OR_ABOVE),
    ],
)
def test_bad_input_saves_nothing(admin_user, changes, message):
    with pytest.raises(InvalidInput) as err:
        meeting(actor=admin_user, **changes)
    template = str(message).split("{")[0]
    assert str(err.value.message).startswith(template)
    assert not Meeting.objects.exists()


def test_speaker_error_names_the_row(admin_user):
    with pytest.raises(InvalidInput) as err:
        meeting(actor=admin_user, speakers=[SpeakerData("甲"), SpeakerData("")])
    assert str(err.value.message) == str(services.SPEAKER_NAME_REQUIRED).format(row=2)


def test_stop_at_project_outside_scope_is_unknown(town_officer, admin_user):
    elsewhere = project_create(
        actor=admin_user, village_code="620522103200", name="常营村道路", type="road", year=2012
    )
    with pytest.raises(InvalidInput) as err:
        meeting(actor=town_officer, stops=[StopData(elsewhere.pk)])
    assert str(err.value.message) == str(services.STOP_PROJECT_UNKNOWN).format(
        row=1, id=elsewhere.pk
    )


def test_update_replaces_lists_and_keeps_written_reports(admin_user, unit_g, unit_admin):
    unit_p = unit_admin.unit
    m = meeting(actor=admin_user, units=[unit_g, unit_p], speakers=[SpeakerData("甲")])
    report = m.reports.get(unit=unit_g)
    services.unit_report_update(actor=admin_user, report=report, work_done="走访10户")
    kwargs = {"type": "forum", "title": "座谈会", "held_on": DAY, "place_code": GUOJIA}
    with pytest.raises(Conflict):
        services.meeting_update(
            actor=admin_user, meeting=m, attending_unit_ids=[unit_p.pk], **kwargs
        )
    services.meeting_update(
        actor=admin_user,
        meeting=m,
        attending_unit_ids=[unit_g.pk],
        speakers=[SpeakerData("乙", "镇长")],
        **kwargs,
    )
    m.refresh_from_db()
    assert m.title == "座谈会"
    assert [s.name for s in m.speakers.all()] == ["乙"]
    # The untouched draft of the unit that no longer attends went with it.
    assert list(m.reports.values_list("unit_id", flat=True)) == [unit_g.pk]


def test_period_runs_from_the_previous_report(admin_user, unit_g):
    first = meeting(actor=admin_user, units=[unit_g], held_on=dt.date(2012, 6, 1))
    second = meeting(actor=admin_user, units=[unit_g], held_on=DAY)
    report = services.unit_report_generate_draft(actor=admin_user, meeting=second, unit=unit_g)
    assert (report.period_start, report.period_end) == (dt.date(2012, 6, 2), DAY)
    assert first.reports.get().period_start == dt.date(2012, 3, 5)


def test_a_cancelled_meeting_ends_no_report_period(admin_user, unit_g):
    first = meeting(actor=admin_user, units=[unit_g], held_on=dt.date(2012, 6, 1))
    services.meeting_cancel(actor=admin_user, meeting=first, reason="改期")
    second = meeting(actor=admin_user, units=[unit_g], held_on=DAY)
    report = services.unit_report_generate_draft(actor=admin_user, meeting=second, unit=unit_g)
    assert (report.period_start, report.period_end) == (dt.date(2012, 3, 5), DAY)


def test_report_writers_and_submit(
    admin_user, town_officer, unit_g, unit_admin, viewer, cadre_user
):
    unit_p = unit_admin.unit
    m = meeting(actor=town_officer, units=[unit_g, unit_p])
    own = m.reports.get(unit=unit_p)
    services.unit_report_update(actor=unit_admin, report=own, work_done="做了", problems="难")
    for actor in (viewer, cadre_user):
        with pytest.raises(Forbidden):
            services.unit_report_update(actor=actor, report=own, work_done="x")
    with pytest.raises(Forbidden):
        # A unit administrator writes the unit's own report only.
        services.unit_report_generate_draft(actor=unit_admin, meeting=m, unit=unit_g)
    # The officer of the meeting's place may write any attending unit's report.
    services.unit_report_generate_draft(actor=town_officer, meeting=m, unit=unit_g)
    services.unit_report_submit(actor=unit_admin, report=own)
    own.refresh_from_db()
    assert own.status == ReportStatus.SUBMITTED
    for write in (
        lambda: services.unit_report_update(actor=unit_admin, report=own, work_done="改"),
        lambda: services.unit_report_submit(actor=unit_admin, report=own),
        lambda: services.unit_report_generate_draft(actor=unit_admin, meeting=m, unit=unit_p),
    ):
        with pytest.raises(Conflict) as err:
            write()
        assert str(err.value.message) == str(services.REPORT_SUBMITTED).format(unit=unit_p)
    audited = AuditEvent.objects.filter(object_type="meetings.UnitReport", object_id=str(own.pk))
    assert audited.count() == 2
    assert audited.first().region_code == GUOJIA


def test_submit_needs_work_done_and_unit_must_attend(admin_user, unit_g, unit_admin):
    m = meeting(actor=admin_user, units=[unit_g])
    with pytest.raises(InvalidInput) as err:
        services.unit_report_submit(actor=admin_user, report=m.reports.get())
    assert err.value.message == services.REPORT_WORK_DONE_REQUIRED
    with pytest.raises(InvalidInput):
        services.unit_report_generate_draft(actor=admin_user, meeting=m, unit=unit_admin.unit)
    assert UnitReport.objects.count() == 1


def test_decision_becomes_follow_up(town_officer, unit_g, viewer):
    m = meeting(actor=town_officer, units=[unit_g])
    due = dt.date(2012, 9, 30)
    decision = services.meeting_decision_add(
        actor=town_officer,
        meeting=m,
        title="月底前完成文化中心建设",
        owner_unit=unit_g,
        due_date=due,
    )
    assert (decision.meeting, decision.owner_unit, decision.due_date) == (m, unit_g, due)
    assert AuditEvent.objects.filter(object_type="assistance.FollowUp").get().region_code == GUOJIA
    with pytest.raises(Forbidden):
        services.meeting_decision_add(
            actor=viewer, meeting=m, title="x", owner_unit=unit_g, due_date=due
        )


@pytest.mark.parametrize(
    ("owner", "due", "message"),
    [
        (None, dt.date(2012, 9, 1), services.DECISION_OWNER_REQUIRED),
        ("unit", None, services.DECISION_DUE_REQUIRED),
        ("unit", dt.date(2012, 1, 1), services.DECISION_DUE_BEFORE_MEETING),
    ],
)
def test_decision_without_owner_or_due_date_is_refused(admin_user, unit_g, owner, due, message):
    m = meeting(actor=admin_user)
    with pytest.raises(InvalidInput) as err:
        services.meeting_decision_add(
            actor=admin_user,
            meeting=m,
            title="落实",
            owner_unit=unit_g if owner else None,
            due_date=due,
        )
    assert str(err.value.message).startswith(str(message).split("{")[0])
    assert not FollowUp.objects.exists()


def test_decision_owner_outside_scope_is_unknown(town_officer, admin_user):
    elsewhere = uf.unit(actor=admin_user, name="陇城镇政府", region=LONGCHENG, level="township")
    m = meeting(actor=town_officer)
    with pytest.raises(InvalidInput):
        services.meeting_decision_add(
            actor=town_officer, meeting=m, title="x", owner_unit=elsewhere, due_date=DAY
        )


def test_unit_overdue_decisions(town_officer, other_town_officer, unit_g):
    from shuanglian.meetings.selectors import unit_overdue_decisions

    m = meeting(actor=town_officer, units=[unit_g])
    for title, due in (("逾期", dt.date(2012, 9, 1)), ("未到期", dt.date(2099, 1, 1))):
        services.meeting_decision_add(
            actor=town_officer, meeting=m, title=title, owner_unit=unit_g, due_date=due
        )
    overdue = unit_overdue_decisions(user=town_officer, unit=unit_g)
    assert [d.title for d in overdue] == ["逾期"]
    # Decisions of a meeting the user does not see stay hidden.
    assert unit_overdue_decisions(user=other_town_officer, unit=unit_g) == []


# Cancelling (作废) ------------------------------------------------------------------------------


def test_cancel_is_audited_and_needs_a_reason(town_officer, unit_g):
    m = meeting(actor=town_officer, units=[unit_g])
    with pytest.raises(InvalidInput) as err:
        services.meeting_cancel(actor=town_officer, meeting=m, reason="  ")
    assert err.value.message == services.CANCEL_REASON_REQUIRED
    m.refresh_from_db()
    assert not m.is_cancelled and m.cancel_reason == ""
    services.meeting_cancel(actor=town_officer, meeting=m, reason="  汛期道路中断，改期召开  ")
    m.refresh_from_db()
    assert m.is_cancelled
    assert (m.cancelled_by, m.cancel_reason) == (town_officer, "汛期道路中断，改期召开")
    event = AuditEvent.objects.filter(object_type="meetings.Meeting", action="end").get()
    assert event.changes["cancel_reason"] == ["", "汛期道路中断，改期召开"]
    assert event.changes["cancelled_by"] == [None, str(town_officer.pk)]
    assert event.region_code == GUOJIA


def test_cancel_follows_the_meeting_write_rule(
    town_officer, other_town_officer, viewer, unit_admin, unit_g
):
    m = meeting(actor=town_officer, units=[unit_g])
    for refused in (other_town_officer, viewer, unit_admin):
        with pytest.raises(Forbidden) as err:
            services.meeting_cancel(actor=refused, meeting=m, reason="改期")
        assert err.value.message == WRITE_FORBIDDEN
    m.refresh_from_db()
    assert not m.is_cancelled


def test_a_cancelled_meeting_refuses_every_change(admin_user, town_officer, unit_g, unit_admin):
    m = meeting(actor=town_officer, units=[unit_g])
    report = m.reports.get()
    services.unit_report_update(actor=admin_user, report=report, work_done="走访10次")
    services.meeting_cancel(actor=town_officer, meeting=m, reason="改期")
    audited = AuditEvent.objects.count()
    writes = [
        lambda: services.meeting_cancel(actor=town_officer, meeting=m, reason="再次"),
        lambda: services.meeting_update(
            actor=town_officer,
            meeting=m,
            type=m.type,
            title="改了标题",
            held_on=m.held_on,
            place_code=m.place_id,
            attending_unit_ids=[unit_g.pk],
        ),
        lambda: services.unit_report_update(actor=admin_user, report=report, work_done="改"),
        lambda: services.unit_report_generate_draft(actor=admin_user, meeting=m, unit=unit_g),
        lambda: services.unit_report_submit(actor=admin_user, report=report),
        lambda: services.meeting_decision_add(
            actor=town_officer, meeting=m, title="落实", owner_unit=unit_g, due_date=DAY
        ),
    ]
    for write in writes:
        with pytest.raises(Conflict) as err:
            write()
        assert err.value.message == services.MEETING_CANCELLED
        assert err.value.status == 409
    m.refresh_from_db()
    report.refresh_from_db()
    assert m.title == "郭嘉镇双联行动推进会" and m.cancel_reason == "改期"
    assert (report.work_done, report.status) == ("走访10次", ReportStatus.DRAFT)
    assert not FollowUp.objects.filter(meeting=m).exists()
    assert AuditEvent.objects.count() == audited


def test_cancel_reads_the_stored_state_not_the_callers_copy(town_officer, unit_g):
    m = meeting(actor=town_officer, units=[unit_g])
    stale = Meeting.objects.get(pk=m.pk)
    services.meeting_cancel(actor=town_officer, meeting=m, reason="改期")
    with pytest.raises(Conflict):
        services.meeting_decision_add(
            actor=town_officer, meeting=stale, title="落实", owner_unit=unit_g, due_date=DAY
        )


def test_the_cancel_constraint_needs_a_reason(town_officer):
    m = meeting(actor=town_officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=m.pk).update(cancelled_at=timezone.now())
