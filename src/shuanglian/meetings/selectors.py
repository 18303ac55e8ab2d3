"""Reads of meetings, their unit reports and decisions, always through the user's scope.

A meeting is seen by whoever sees its place (officers and viewers of the place or above it), and
by the units that attend or host it: a unit administrator, and a cadre of such a unit, see the
meetings their unit takes part in even when the place is a township they do not otherwise see.
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance.models import FollowUp, FollowUpStatus
from shuanglian.core.access import can_write, may_write_unit, prefix_q, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.meetings.models import Meeting, MeetingType, UnitReport
from shuanglian.regions.selectors import region_filter_prefix
from shuanglian.units.models import Cadre

MEETING_NOT_FOUND = _("No meeting with id {id}.")
REPORT_NOT_FOUND = _("No unit report with id {id}.")
MEETING_TYPE_INVALID = _("{value} is not a meeting type.")
MEETING_YEAR_INVALID = _("{value} is not a year.")
DECISION_NOT_FOUND = _("No decision with id {id}.")
DECISION_STATUS_INVALID = _("{value} is not a status of a decision.")


def _own_unit_ids(scope) -> QuerySet | list[int] | None:
    """The units whose meetings the user sees besides the place: the unit administrator's unit,
    or the units of the cadre's account."""
    if scope.unit_id:
        return [scope.unit_id]
    if scope.cadre_account_id:
        return Cadre.objects.filter(user_id=scope.cadre_account_id).values("unit_id")
    return None


def visible_meetings(user) -> QuerySet[Meeting]:
    scope = user_scope(user)
    if scope.everything:
        return Meeting.objects.all()
    if scope.nothing:
        return Meeting.objects.none()
    units = _own_unit_ids(scope)
    if units is None:
        return Meeting.objects.filter(scope.region_q("place_id"))
    # The attending-units join can repeat a meeting; a subquery on ids keeps rows unique.
    attended = Meeting.objects.filter(Q(attending_units__in=units) | Q(host_unit__in=units)).values(
        "pk"
    )
    return Meeting.objects.filter(scope.region_q("place_id") | Q(pk__in=attended))


def meeting_list(
    *,
    user,
    region: str | None = None,
    type: str | None = None,
    year: int | str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Meeting]:
    meetings = visible_meetings(user).select_related("place", "host_unit")
    if prefix := region_filter_prefix(user=user, value=region):
        meetings = meetings.filter(prefix_q("place_id", prefix))
    if type := (type or "").strip():
        if type not in MeetingType.values:
            raise InvalidInput(MEETING_TYPE_INVALID.format(value=type), field="type")
        meetings = meetings.filter(type=type)
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise InvalidInput(MEETING_YEAR_INVALID.format(value=year), field="year") from None
        meetings = meetings.filter(
            held_on__gte=dt.date(year, 1, 1), held_on__lt=dt.date(year + 1, 1, 1)
        )
    if q := (q or "").strip():
        meetings = meetings.filter(title__contains=q)
    return keyset_page(meetings, cursor=cursor, limit=limit)


def meeting_get(*, user, pk) -> Meeting:
    meeting = (
        visible_meetings(user)
        .select_related("place", "host_unit", "cancelled_by")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise NotFound(MEETING_NOT_FOUND.format(id=pk), field="id")
    return meeting


def may_write_meeting(user, meeting: Meeting) -> bool:
    """Officers of the meeting's place organise it: details, speakers, stops, decisions."""
    return can_write(user, meeting.place_id)


def may_write_report(user, *, meeting: Meeting, unit) -> bool:
    """A unit's report: the unit (its administrator, officers of its home region) or the
    officers of the meeting's place."""
    return may_write_unit(user, unit) or can_write(user, meeting.place_id)


def visible_reports(user) -> QuerySet[UnitReport]:
    return UnitReport.objects.filter(meeting__in=visible_meetings(user).values("pk"))


def report_get(*, user, pk) -> UnitReport:
    report = (
        visible_reports(user)
        .select_related("meeting", "meeting__place", "unit", "unit__home_region")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound(REPORT_NOT_FOUND.format(id=pk), field="id")
    return report


def meeting_speakers(meeting: Meeting) -> list:
    return list(meeting.speakers.select_related("cadre"))


def meeting_stops(meeting: Meeting) -> list:
    return list(meeting.stops.select_related("project", "project__village"))


def meeting_attendance(meeting: Meeting) -> list[tuple]:
    """Each attending unit with its report (None before one is started), by unit name."""
    reports = {report.unit_id: report for report in meeting.reports.all()}
    units = meeting.attending_units.order_by("name", "id")
    return [(unit, reports.get(unit.pk)) for unit in units]


def meeting_reports(meeting: Meeting) -> list[UnitReport]:
    return list(meeting.reports.select_related("unit").order_by("unit__name", "id"))


def meeting_decisions(meeting: Meeting) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(meeting=meeting)
        .select_related("owner_unit")
        .order_by("due_date", "id")
    )


def is_overdue(follow_up: FollowUp, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return follow_up.status == FollowUpStatus.OPEN and follow_up.due_date < today


def visible_decisions(user) -> QuerySet[FollowUp]:
    """The decisions (督办事项) of the meetings the user sees."""
    return FollowUp.objects.filter(meeting__in=visible_meetings(user).values("pk"))


def decision_list(
    *,
    user,
    overdue: bool = False,
    meeting: Meeting | None = None,
    unit=None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[FollowUp]:
    """The decisions of the meetings the user sees; `overdue`: open and past due. `meeting` and
    `unit` are records the caller has already looked up through the user's scope."""
    decisions = visible_decisions(user).select_related("meeting", "owner_unit")
    if overdue:
        decisions = decisions.filter(status=FollowUpStatus.OPEN, due_date__lt=timezone.localdate())
    if meeting is not None:
        decisions = decisions.filter(meeting=meeting)
    if unit is not None:
        decisions = decisions.filter(owner_unit=unit)
    if status := (status or "").strip():
        if status not in FollowUpStatus.values:
            raise InvalidInput(DECISION_STATUS_INVALID.format(value=status), field="status")
        decisions = decisions.filter(status=status)
    return keyset_page(decisions, cursor=cursor, limit=limit)


def decision_get(*, user, pk) -> FollowUp:
    decision = (
        visible_decisions(user)
        .select_related("meeting", "owner_unit", "owner_cadre", "owner_cadre__unit", "household")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise NotFound(DECISION_NOT_FOUND.format(id=pk), field="id")
    return decision


def unit_overdue_decisions(*, user, unit) -> list[FollowUp]:
    """A unit's open meeting decisions past their due date, for the unit's page."""
    decisions = FollowUp.objects.filter(
        meeting__in=visible_meetings(user).values("pk"),
        owner_unit=unit,
        status=FollowUpStatus.OPEN,
        due_date__lt=timezone.localdate(),
    )
    return list(decisions.select_related("meeting").order_by("due_date", "id"))
