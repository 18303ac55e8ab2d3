"""Writes to meetings, their unit reports and their decisions (督办事项, assistance.FollowUp)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance.models import FollowUp
from shuanglian.core.access import WRITE_FORBIDDEN, require_write, user_scope
from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.meetings.drafts import draft_work_done, period_for
from shuanglian.meetings.models import (
    Meeting,
    MeetingType,
    ReportStatus,
    SiteStop,
    Speaker,
    UnitReport,
)
from shuanglian.meetings.selectors import MEETING_TYPE_INVALID, may_write_report
from shuanglian.projects.models import Project
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import region_for_input
from shuanglian.units.models import Unit
from shuanglian.units.selectors import visible_cadres, visible_units

MEETING_TITLE_REQUIRED = _("The meeting needs a title.")
MEETING_DATE_REQUIRED = _("The meeting needs a date.")
MEETING_DATE_IMPLAUSIBLE = _("{date} is not a plausible meeting date (2000 to next year).")
MEETING_PLACE_VILLAGE_OR_ABOVE = _("{name} is not a township, county or village.")
MEETING_UNIT_UNKNOWN = _("No unit with id {id}.")
SPEAKER_NAME_REQUIRED = _("Speaker {row}: the name is missing.")
SPEAKER_CADRE_UNKNOWN = _("Speaker {row}: no cadre with id {id}.")
STOP_PROJECT_UNKNOWN = _("Stop {row}: no project with id {id}.")
ATTENDING_UNIT_HAS_REPORT = _(
    "{unit} has already written its report to this meeting; it stays among the attending units."
)
REPORT_UNIT_NOT_ATTENDING = _("{unit} does not attend this meeting.")
REPORT_SUBMITTED = _("The report of {unit} has been submitted and can no longer be changed.")
REPORT_WORK_DONE_REQUIRED = _("Write the work done before submitting the report.")
DECISION_TITLE_REQUIRED = _("The decision needs a text.")
DECISION_OWNER_REQUIRED = _("A decision needs a unit responsible for it.")
DECISION_DUE_REQUIRED = _("A decision needs a due date.")
DECISION_DUE_BEFORE_MEETING = _("The due date {date} is before the meeting ({held_on}).")
MEETING_CANCELLED = _(
    "This meeting was cancelled: it and its reports can no longer change, nor can decisions be "
    "added."
)
CANCEL_REASON_REQUIRED = _("Give the reason the meeting is cancelled.")

MEETING_FIELDS = (
    "type",
    "title",
    "held_on",
    "place",
    "host_unit",
    "presiding",
    "agenda",
    "minutes",
)
CANCEL_FIELDS = ("cancelled_at", "cancelled_by", "cancel_reason")
REPORT_FIELDS = ("period_start", "period_end", "work_done", "problems", "next_plans", "status")
PLACE_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


@dataclass(frozen=True)
class SpeakerData:
    name: str
    post: str = ""
    summary: str = ""
    cadre_id: int | None = None


@dataclass(frozen=True)
class StopData:
    project_id: int
    note: str = ""


def _meeting_values(
    actor, *, type, title, held_on, place_code, host_unit_id, presiding, agenda, minutes
):
    if type not in MeetingType.values:
        raise InvalidInput(MEETING_TYPE_INVALID.format(value=type), field="type")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(MEETING_TITLE_REQUIRED, field="title")
    if held_on is None:
        raise InvalidInput(MEETING_DATE_REQUIRED, field="held_on")
    if not dt.date(2000, 1, 1) <= held_on <= dt.date(timezone.localdate().year + 1, 12, 31):
        raise InvalidInput(MEETING_DATE_IMPLAUSIBLE.format(date=held_on), field="held_on")
    place = region_for_input(
        user=actor,
        code=place_code,
        field="place",
    )
    if place.level not in PLACE_LEVELS:
        raise InvalidInput(MEETING_PLACE_VILLAGE_OR_ABOVE.format(name=place.name), field="place")
    require_write(actor, place.code)
    return {
        "type": type,
        "title": title,
        "held_on": held_on,
        "place": place,
        "host_unit": _units(actor, [host_unit_id], field="host_unit")[0] if host_unit_id else None,
        "presiding": (presiding or "").strip(),
        "agenda": (agenda or "").strip(),
        "minutes": (minutes or "").strip(),
    }


def _units(actor, ids, *, field: str) -> list[Unit]:
    """Units the actor sees, in the order given; any other id is refused like a missing one."""
    wanted = [int(pk) for pk in dict.fromkeys(ids)]
    found = {unit.pk: unit for unit in visible_units(actor).filter(pk__in=wanted)}
    for pk in wanted:
        if pk not in found:
            raise InvalidInput(MEETING_UNIT_UNKNOWN.format(id=pk), field=field)
    return [found[pk] for pk in wanted]


def _speakers(actor, speakers) -> list[Speaker]:
    rows = []
    cadre_ids = {s.cadre_id for s in speakers if s.cadre_id}
    cadres = {c.pk: c for c in visible_cadres(actor).filter(pk__in=cadre_ids)}
    for row, data in enumerate(speakers, start=1):
        name = (data.name or "").strip()
        if not name:
            raise InvalidInput(SPEAKER_NAME_REQUIRED.format(row=row), field="speakers")
        if data.cadre_id and data.cadre_id not in cadres:
            raise InvalidInput(
                SPEAKER_CADRE_UNKNOWN.format(row=row, id=data.cadre_id), field="speakers"
            )
        rows.append(
            Speaker(
                order=row,
                name=name[:50],
                post=(data.post or "").strip()[:200],
                summary=(data.summary or "").strip(),
                cadre=cadres.get(data.cadre_id),
            )
        )
    return rows


def _stops(actor, stops) -> list[SiteStop]:
    """Stops at projects the actor sees (through the project's village)."""
    ids = {s.project_id for s in stops}
    visible = Project.objects.filter(user_scope(actor).region_q("village_id"), pk__in=ids)
    projects = {project.pk: project for project in visible}
    rows = []
    for row, data in enumerate(stops, start=1):
        if data.project_id not in projects:
            raise InvalidInput(
                STOP_PROJECT_UNKNOWN.format(row=row, id=data.project_id), field="stops"
            )
        rows.append(
            SiteStop(order=row, project=projects[data.project_id], note=(data.note or "")[:200])
        )
    return rows


def _speaker_lines(meeting: Meeting) -> list[str]:
    return [f"{s.name}|{s.post}" for s in meeting.speakers.all()]


def _stop_lines(meeting: Meeting) -> list[str]:
    return [f"{s.project_id}|{s.note}" for s in meeting.stops.all()]


def _require_not_cancelled(meeting: Meeting) -> None:
    """Locks the meeting's row and reads whether it is cancelled from it, not from the caller's
    copy: a write racing a cancel either finishes first or is refused."""
    stored = Meeting.objects.select_for_update().only("cancelled_at").get(pk=meeting.pk)
    if stored.is_cancelled:
        raise Conflict(MEETING_CANCELLED)


def _report_for(meeting: Meeting, unit: Unit) -> UnitReport:
    start, end = period_for(unit=unit, held_on=meeting.held_on, meeting_id=meeting.pk)
    return UnitReport(meeting=meeting, unit=unit, period_start=start, period_end=end)


def _set_attendance(meeting: Meeting, units: list[Unit]) -> None:
    """Attending units, each owing a report: a draft is opened for a new one, an untouched
    draft goes with a unit that no longer attends; a written report keeps its unit. These
    drafts hold nothing yet: the meeting's audit row records the change of attending units."""
    wanted = {unit.pk for unit in units}
    for report in meeting.reports.select_related("unit").exclude(unit_id__in=wanted):
        if report.status == ReportStatus.SUBMITTED or any(
            (report.work_done, report.problems, report.next_plans)
        ):
            raise Conflict(ATTENDING_UNIT_HAS_REPORT.format(unit=report.unit), field="attending")
        report.delete()
    meeting.attending_units.set(units)
    have = set(meeting.reports.values_list("unit_id", flat=True))
    for unit in units:
        if unit.pk not in have:
            _report_for(meeting, unit).save()


def _audit_meeting(actor, meeting: Meeting, action: str, before: dict, after: dict) -> None:
    changes = diff(before, after)
    if changes or action == AuditAction.CREATE:
        audit(
            actor=actor, action=action, obj=meeting, changes=changes, region_code=meeting.place_id
        )


def _meeting_state(meeting: Meeting) -> dict:
    # "speakers" and "stops" would name the reverse relations, which the audit page cannot label.
    state = snapshot(meeting, MEETING_FIELDS)
    state["attending_units"] = sorted(meeting.attending_units.values_list("pk", flat=True))
    state["speaker_lines"] = _speaker_lines(meeting)
    state["stop_lines"] = _stop_lines(meeting)
    return state


@transaction.atomic
def meeting_create(
    *,
    actor,
    type: str,
    title: str,
    held_on: dt.date | None,
    place_code: str,
    host_unit_id: int | None = None,
    presiding: str = "",
    agenda: str = "",
    minutes: str = "",
    attending_unit_ids=(),
    speakers=(),
    stops=(),
) -> Meeting:
    values = _meeting_values(
        actor,
        type=type,
        title=title,
        held_on=held_on,
        place_code=place_code,
        host_unit_id=host_unit_id,
        presiding=presiding,
        agenda=agenda,
        minutes=minutes,
    )
    units = _units(actor, attending_unit_ids, field="attending")
    speaker_rows = _speakers(actor, speakers)
    stop_rows = _stops(actor, stops)
    meeting = Meeting.objects.create(**values)
    for row in speaker_rows:
        row.meeting = meeting
    Speaker.objects.bulk_create(speaker_rows)
    for row in stop_rows:
        row.meeting = meeting
    SiteStop.objects.bulk_create(stop_rows)
    _set_attendance(meeting, units)
    _audit_meeting(actor, meeting, AuditAction.CREATE, {}, _meeting_state(meeting))
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor,
    meeting: Meeting,
    type: str,
    title: str,
    held_on: dt.date | None,
    place_code: str,
    host_unit_id: int | None = None,
    presiding: str = "",
    agenda: str = "",
    minutes: str = "",
    attending_unit_ids=(),
    speakers=(),
    stops=(),
) -> Meeting:
    """Replaces the speakers, stops and attending units with those given."""
    require_write(actor, meeting.place_id)
    _require_not_cancelled(meeting)
    values = _meeting_values(
        actor,
        type=type,
        title=title,
        held_on=held_on,
        place_code=place_code,
        host_unit_id=host_unit_id,
        presiding=presiding,
        agenda=agenda,
        minutes=minutes,
    )
    units = _units(actor, attending_unit_ids, field="attending")
    speaker_rows = _speakers(actor, speakers)
    stop_rows = _stops(actor, stops)
    before = _meeting_state(meeting)
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.save()
    meeting.speakers.all().delete()
    for row in speaker_rows:
        row.meeting = meeting
    Speaker.objects.bulk_create(speaker_rows)
    meeting.stops.all().delete()
    for row in stop_rows:
        row.meeting = meeting
    SiteStop.objects.bulk_create(stop_rows)
    _set_attendance(meeting, units)
    if before["held_on"] != str(meeting.held_on):
        # The period of a draft runs to the meeting: follow the new date.
        for report in meeting.reports.filter(status=ReportStatus.DRAFT).select_related("unit"):
            fresh = _report_for(meeting, report.unit)
            report.period_start, report.period_end = fresh.period_start, fresh.period_end
            report.save(update_fields=["period_start", "period_end", "updated_at"])
    _audit_meeting(actor, meeting, AuditAction.UPDATE, before, _meeting_state(meeting))
    return meeting


def _require_report_write(actor, *, meeting: Meeting, unit: Unit) -> None:
    if not may_write_report(actor, meeting=meeting, unit=unit):
        raise Forbidden(WRITE_FORBIDDEN)


def _audit_report(actor, report: UnitReport, action: str, before: dict) -> None:
    changes = diff(before, snapshot(report, REPORT_FIELDS))
    if changes or action == AuditAction.CREATE:
        audit(
            actor=actor,
            action=action,
            obj=report,
            object_repr=f"{report.meeting} · {report.unit}",
            changes=changes,
            region_code=report.meeting.place_id,
        )


@transaction.atomic
def unit_report_generate_draft(*, actor, meeting: Meeting, unit: Unit) -> UnitReport:
    """(Re)write the draft's period and work done from the unit's records since its last report.
    Problems and next plans, which only the unit can know, are kept."""
    _require_report_write(actor, meeting=meeting, unit=unit)
    _require_not_cancelled(meeting)
    if not meeting.attending_units.filter(pk=unit.pk).exists():
        raise InvalidInput(REPORT_UNIT_NOT_ATTENDING.format(unit=unit), field="unit")
    report = UnitReport.objects.select_for_update().filter(meeting=meeting, unit=unit).first()
    if report is not None and report.status == ReportStatus.SUBMITTED:
        raise Conflict(REPORT_SUBMITTED.format(unit=unit))
    action = AuditAction.UPDATE if report else AuditAction.CREATE
    before = snapshot(report, REPORT_FIELDS) if report else {}
    fresh = _report_for(meeting, unit)
    report = report or fresh
    report.period_start, report.period_end = fresh.period_start, fresh.period_end
    report.work_done = draft_work_done(unit=unit, start=report.period_start, end=report.period_end)
    report.save()
    _audit_report(actor, report, action, before)
    return report


@transaction.atomic
def unit_report_update(
    *, actor, report: UnitReport, work_done: str, problems: str = "", next_plans: str = ""
) -> UnitReport:
    _require_report_write(actor, meeting=report.meeting, unit=report.unit)
    _require_not_cancelled(report.meeting)
    if report.status == ReportStatus.SUBMITTED:
        raise Conflict(REPORT_SUBMITTED.format(unit=report.unit))
    before = snapshot(report, REPORT_FIELDS)
    report.work_done = (work_done or "").strip()
    report.problems = (problems or "").strip()
    report.next_plans = (next_plans or "").strip()
    report.save()
    _audit_report(actor, report, AuditAction.UPDATE, before)
    return report


@transaction.atomic
def unit_report_submit(*, actor, report: UnitReport) -> UnitReport:
    _require_report_write(actor, meeting=report.meeting, unit=report.unit)
    _require_not_cancelled(report.meeting)
    if report.status == ReportStatus.SUBMITTED:
        raise Conflict(REPORT_SUBMITTED.format(unit=report.unit))
    if not report.work_done.strip():
        raise InvalidInput(REPORT_WORK_DONE_REQUIRED, field="work_done")
    before = snapshot(report, REPORT_FIELDS)
    report.status = ReportStatus.SUBMITTED
    report.save()
    _audit_report(actor, report, AuditAction.UPDATE, before)
    return report


@transaction.atomic
def meeting_decision_add(
    *, actor, meeting: Meeting, title: str, owner_unit: Unit | None, due_date: dt.date | None
) -> FollowUp:
    """A decision of the meeting becomes a follow-up (督办事项) owned by a unit, due by a date."""
    require_write(actor, meeting.place_id)
    _require_not_cancelled(meeting)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(DECISION_TITLE_REQUIRED, field="title")
    if owner_unit is None:
        raise InvalidInput(DECISION_OWNER_REQUIRED, field="owner_unit")
    if due_date is None:
        raise InvalidInput(DECISION_DUE_REQUIRED, field="due_date")
    if due_date < meeting.held_on:
        raise InvalidInput(
            DECISION_DUE_BEFORE_MEETING.format(date=due_date, held_on=meeting.held_on),
            field="due_date",
        )
    owner = _units(actor, [owner_unit.pk], field="owner_unit")[0]
    decision = FollowUp.objects.create(
        title=title[:300], meeting=meeting, owner_unit=owner, due_date=due_date
    )
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=decision,
        changes=diff({}, snapshot(decision, ("title", "meeting", "owner_unit", "due_date"))),
        region_code=meeting.place_id,
    )
    return decision


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """Void the meeting (作废): it stays on record, marked cancelled with the reason, and
    nothing of it changes afterwards. Decisions already made stay as they are, so that their
    owners can still close them."""
    require_write(actor, meeting.place_id)
    _require_not_cancelled(meeting)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(CANCEL_REASON_REQUIRED, field="reason")
    before = snapshot(meeting, CANCEL_FIELDS)
    meeting.cancelled_at = timezone.now()
    meeting.cancelled_by = actor if getattr(actor, "pk", None) else None
    meeting.cancel_reason = reason
    meeting.save(update_fields=[*CANCEL_FIELDS, "updated_at"])
    audit(
        actor=actor,
        action=AuditAction.END,
        obj=meeting,
        changes=diff(before, snapshot(meeting, CANCEL_FIELDS)),
        region_code=meeting.place_id,
    )
    return meeting
