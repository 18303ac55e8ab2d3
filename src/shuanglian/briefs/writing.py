"""The Chinese text of a brief's sections, written from its figures and the recorded work.

The per-unit paragraphs are the unit report drafts of the meetings app (meetings.drafts): the
same words a unit would read out at a 推进会, for the brief's period.
"""

import datetime as dt

from django.db.models import Q

from shuanglian.assistance.models import FollowUp, FollowUpStatus, Measure, MeasureStatus
from shuanglian.briefs.figures import LABELS, MONEY, number
from shuanglian.core.access import Scope, prefix_q
from shuanglian.meetings.drafts import draft_work_done, yuan
from shuanglian.meetings.models import Meeting, MeetingType
from shuanglian.pairings.models import VillagePairing
from shuanglian.projects.models import ProjectStatus, ProjectStatusChange
from shuanglian.regions.models import Region
from shuanglian.units.models import Unit

MEETING_TYPES = {
    MeetingType.PROGRESS: "推进会",
    MeetingType.FORUM: "座谈会",
    MeetingType.SITE_VISIT: "现场观摩",
}
# How many overdue items the problems section names before it only counts the rest.
LISTED = 20
NO_MEETINGS = "本期未召开会议。"
NO_PROJECTS = "本期无完工项目。"
NO_PROBLEMS = "本期无逾期帮扶措施和督办事项。"
FIRST_BRIEF = "本期为首期简报，无上期数据可比。"
NO_UNITS = "本地区暂无联系单位。"


def day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _figure(figures: dict, key: str) -> str:
    value = number(figures, key)
    return yuan(value) if key in MONEY else str(value)


def overview(*, region: Region, start: dt.date, end: dt.date, figures: dict) -> str:
    f = lambda key: _figure(figures, key)  # noqa: E731
    poor = number(figures, "hh_poor")
    covered = number(figures, "poor_covered")
    coverage = f"{covered * 100 / poor:.1f}%" if poor else "—"
    return (
        f"截至{day(end)}，{region.name}共有农户{f('households')}户{f('people')}人，其中贫困户"
        f"{f('hh_poor')}户、示范户{f('hh_demonstration')}户、脱贫户{f('hh_exited')}户、监测户"
        f"{f('hh_monitored')}户；有联系干部的贫困户{f('poor_covered')}户，覆盖率{coverage}；"
        f"{f('villages')}个行政村中{f('villages_paired')}个有联系单位。\n"
        f"{day(start)}至{day(end)}，干部走访农户{f('visits')}次（覆盖{f('households_visited')}户），"
        f"完成帮扶措施{f('measures_done')}项，办实事好事{f('deeds')}件、折合{f('deeds_value')}元，"
        f"筹措项目资金{f('funds')}元，完工项目{f('projects_completed')}个。"
    )


def progress(*, previous, difference: dict) -> str:
    if previous is None:
        return FIRST_BRIEF
    parts = []
    for key in difference:
        value = number(difference, key)
        label, _unit = LABELS[key].rstrip("）").split("（")
        shown = yuan(abs(value)) if key in MONEY else abs(value)
        if value > 0:
            parts.append(f"{label}增加{shown}")
        elif value < 0:
            parts.append(f"{label}减少{shown}")
    changes = "；".join(parts) if parts else "各项指标无变化"
    return (
        f"与第{previous.number}期简报（{day(previous.period_start)}至{day(previous.period_end)}）"
        f"相比：{changes}。"
    )


def units_of(region: Region) -> list[Unit]:
    """The units paired now with a village of the region, by name."""
    pairings = VillagePairing.objects.filter(
        prefix_q("village_id", region.prefix), end_date__isnull=True
    )
    return list(Unit.objects.filter(pk__in=pairings.values("unit_id")).order_by("name", "id"))


def unit_work(*, region: Region, start: dt.date, end: dt.date) -> str:
    units = units_of(region)
    if not units:
        return NO_UNITS
    return "\n\n".join(
        f"【{unit.name}】\n{draft_work_done(unit=unit, start=start, end=end)}" for unit in units
    )


def meetings(*, scope: Scope, region: Region, start: dt.date, end: dt.date) -> str:
    held = (
        Meeting.objects.filter(
            prefix_q("place_id", region.prefix),
            scope.region_q("place_id"),
            held_on__gte=start,
            held_on__lte=end,
            cancelled_at__isnull=True,
        )
        .select_related("place")
        .order_by("held_on", "id")
    )
    lines = [
        f"{n}. {day(m.held_on)}，在{m.place}召开{m.title}（{MEETING_TYPES.get(m.type, m.type)}）。"
        for n, m in enumerate(held, start=1)
    ]
    return "\n".join(lines) or NO_MEETINGS


def projects(*, scope: Scope, region: Region, start: dt.date, end: dt.date) -> str:
    completed = (
        ProjectStatusChange.objects.filter(
            prefix_q("project__village_id", region.prefix),
            scope.region_q("project__village_id"),
            to_status=ProjectStatus.COMPLETED,
            changed_on__gte=start,
            changed_on__lte=end,
        )
        .select_related("project", "project__village", "project__lead_unit")
        .order_by("changed_on", "id")
    )
    lines = []
    for n, change in enumerate(completed, start=1):
        project = change.project
        lead = f"，牵头单位{project.lead_unit.name}" if project.lead_unit else ""
        lines.append(
            f"{n}. {project.village}{project.name}，{day(change.changed_on)}完工"
            f"（预算{yuan(project.budget)}元{lead}）。"
        )
    return "\n".join(lines) or NO_PROJECTS


def problems(*, scope: Scope, region: Region, end: dt.date) -> str:
    measures = (
        Measure.objects.filter(
            prefix_q("plan__household__village_id", region.prefix),
            scope.household_q("plan__household__"),
            status__in=(MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS),
            due_date__lt=end,
        )
        .select_related("plan__household__village", "responsible_unit")
        .order_by("due_date", "id")
    )
    # Officers write briefs of their own region only, so the region is within their scope.
    follow_ups = (
        FollowUp.objects.filter(
            Q(household__isnull=False, **_under("household__village_id", region))
            | Q(household__isnull=True, **_under("meeting__place_id", region)),
            status=FollowUpStatus.OPEN,
            due_date__lt=end,
        )
        .select_related("owner_unit", "owner_cadre__unit", "household__village", "meeting")
        .order_by("due_date", "id")
    )
    measure_count, follow_up_count = measures.count(), follow_ups.count()
    if not measure_count and not follow_up_count:
        return NO_PROBLEMS
    lines = [
        f"截至{day(end)}，逾期未完成帮扶措施{measure_count}项，逾期督办事项{follow_up_count}项。"
    ]
    for n, measure in enumerate(measures[:LISTED], start=1):
        unit = f"，责任单位{measure.responsible_unit.name}" if measure.responsible_unit else ""
        lines.append(
            f"措施{n}. {measure.plan.household.village}：{measure.description}"
            f"（应于{day(measure.due_date)}完成{unit}）"
        )
    for n, follow_up in enumerate(follow_ups[:LISTED], start=1):
        owner = follow_up.owner_unit or (follow_up.owner_cadre and follow_up.owner_cadre.unit)
        lines.append(
            f"督办{n}. {follow_up.title}（应于{day(follow_up.due_date)}办结"
            f"{'，责任单位' + owner.name if owner else ''}）"
        )
    return "\n".join(lines)


def _under(field: str, region: Region) -> dict:
    low, high = region.prefix.ljust(12, "0"), region.prefix.ljust(12, "9")
    return {f"{field}__gte": low, f"{field}__lte": high}
