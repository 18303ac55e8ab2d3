"""The draft of a unit's report to a meeting, written from the unit's recorded work.

The draft is always Chinese (a report to a 推进会 is read out and filed in Chinese, whatever the
language of the page that asked for it). It reads the records directly, not through the asking
user's scope: it is the unit's own work, and it holds counts, amounts and project names only, no
personal data.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum

from shuanglian.assistance.models import (
    Deed,
    DeedType,
    Measure,
    MeasureStatus,
    MeasureType,
    Visit,
    VisitMode,
)
from shuanglian.households.models import Category, Household
from shuanglian.meetings.models import UnitReport
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.projects.models import Funding, FundingSource, ProjectStatus, ProjectStatusChange

NUMERALS = "一二三四五六七八九十"

# Fixed Chinese labels: the draft is Chinese whatever the page language (see the module note).
VISIT_MODES = {VisitMode.HOME: "入户走访", VisitMode.PHONE: "电话", VisitMode.ONLINE: "微信/视频"}
DEED_TYPES = {
    DeedType.FUNDS: "资金",
    DeedType.GOODS: "物资",
    DeedType.TECH: "技术服务",
    DeedType.INFO: "信息服务",
    DeedType.INVESTMENT: "项目投资",
    DeedType.JOB: "就业介绍",
    DeedType.OTHER: "其他",
}
FUNDING_SOURCES = {
    FundingSource.UNIT: "单位自筹",
    FundingSource.FISCAL: "财政专项",
    FundingSource.INTEGRATED: "整合资金",
    FundingSource.DONATION: "社会捐助",
    FundingSource.CREDIT: "银行信贷",
    FundingSource.VILLAGERS: "群众自筹",
}
MEASURE_TYPES = {
    MeasureType.INDUSTRY: "产业扶持",
    MeasureType.EMPLOYMENT: "就业务工",
    MeasureType.TRAINING: "技能培训",
    MeasureType.EDUCATION: "教育资助",
    MeasureType.HEALTH: "健康医疗",
    MeasureType.HOUSING: "住房改造",
    MeasureType.WATER: "安全饮水",
    MeasureType.MICROCREDIT: "小额信贷",
    MeasureType.PUBLIC_JOB: "公益岗位",
    MeasureType.SUBSISTENCE: "低保兜底",
    MeasureType.OTHER: "其他",
}
PROJECT_STATUSES = {
    ProjectStatus.PLANNED: "规划",
    ProjectStatus.BUILDING: "在建",
    ProjectStatus.COMPLETED: "完工",
    ProjectStatus.ACCEPTED: "验收",
}
NOTHING_RECORDED = "本期系统中暂无本单位记录的帮扶工作，请据实补充。"


def period_for(*, unit, held_on: dt.date, meeting_id: int | None = None) -> tuple[dt.date, dt.date]:
    """From the day after the unit's previous report ended (or its earliest pairing) to the
    meeting. Clamped to one day when the previous report already reaches the meeting date.
    A cancelled meeting's reports were never given: they end no period."""
    previous = (
        UnitReport.objects.filter(
            unit=unit, period_end__lte=held_on, meeting__cancelled_at__isnull=True
        )
        .exclude(meeting_id=meeting_id)
        .aggregate(end=Max("period_end"))["end"]
    )
    if previous is not None:
        start = previous + dt.timedelta(days=1)
    else:
        village = VillagePairing.objects.filter(unit=unit).aggregate(d=Min("start_date"))["d"]
        household = HouseholdPairing.objects.filter(cadre__unit=unit).aggregate(
            d=Min("start_date")
        )["d"]
        starts = [day for day in (village, household) if day is not None]
        start = min(starts) if starts else dt.date(held_on.year, 1, 1)
    return min(start, held_on), held_on


def yuan(amount) -> str:
    amount = Decimal(amount or 0)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class WorkSummary:
    """What a unit recorded in a period: the figures the draft is written from."""

    visits: int = 0
    visits_by_mode: dict | None = None
    households_visited: int = 0
    deeds: int = 0
    deeds_value: Decimal = Decimal(0)
    deeds_by_type: list | None = None
    funds_total: Decimal = Decimal(0)
    funds_by_source: list | None = None
    measures_done: int = 0
    measures_by_type: list | None = None
    projects: list | None = None
    exited: int = 0


def unit_work(*, unit, start: dt.date, end: dt.date) -> WorkSummary:
    summary = WorkSummary()
    # Voided visits and deeds were entered by mistake: a report never counts them.
    visits = Visit.objects.filter(
        cadre__unit=unit, visited_on__gte=start, visited_on__lte=end, voided_at__isnull=True
    )
    figures = visits.aggregate(n=Count("id"), households=Count("household", distinct=True))
    summary.visits, summary.households_visited = figures["n"], figures["households"]
    summary.visits_by_mode = {
        row["mode"]: row["n"] for row in visits.values("mode").annotate(n=Count("id")).order_by()
    }

    deeds = Deed.objects.filter(
        unit=unit, done_on__gte=start, done_on__lte=end, voided_at__isnull=True
    )
    by_type = deeds.values("type").annotate(n=Count("id"), value=Sum("value")).order_by("type")
    summary.deeds_by_type = [(row["type"], row["n"], row["value"] or 0) for row in by_type]
    summary.deeds = sum(n for _type, n, _value in summary.deeds_by_type)
    summary.deeds_value = sum((Decimal(v) for _t, _n, v in summary.deeds_by_type), Decimal(0))

    # The ledger is append-only: reversing entries are negative, so sums are the net amounts.
    funds = Funding.objects.filter(unit=unit, received_on__gte=start, received_on__lte=end)
    by_source = funds.values("source").annotate(total=Sum("amount")).order_by("source")
    summary.funds_by_source = [(r["source"], r["total"]) for r in by_source if r["total"]]
    summary.funds_total = sum((Decimal(t) for _s, t in summary.funds_by_source), Decimal(0))

    measures = Measure.objects.filter(
        Q(responsible_unit=unit) | Q(responsible_cadre__unit=unit),
        status=MeasureStatus.DONE,
        done_on__gte=start,
        done_on__lte=end,
    )
    by_measure = measures.values("type").annotate(n=Count("id")).order_by("type")
    summary.measures_by_type = [(row["type"], row["n"]) for row in by_measure]
    summary.measures_done = sum(n for _type, n in summary.measures_by_type)

    led = Q(project__lead_unit=unit) | Q(project__in=unit.projects.values("pk"))
    changes = (
        ProjectStatusChange.objects.filter(led, changed_on__gte=start, changed_on__lte=end)
        .exclude(from_status="")  # a project's creation is not a step forward
        .select_related("project", "project__village")
        .order_by("changed_on", "id")
    )
    summary.projects = list(changes)

    # Approximate: a household counts when its category is "exited" now and a cadre of the unit
    # was responsible for it during the period. The registry keeps no dated category history, so
    # a household that exited before the period (or whose category changed back) is miscounted.
    summary.exited = (
        Household.objects.filter(
            Q(pairings__end_date__isnull=True) | Q(pairings__end_date__gte=start),
            category=Category.EXITED,
            pairings__cadre__unit=unit,
            pairings__start_date__lte=end,
        )
        .distinct()
        .count()
    )
    return summary


def _step(change) -> str:
    """ "暖泉村村级综合文化活动中心规划→在建（2012年6月20日）"."""
    project = change.project
    before = PROJECT_STATUSES.get(change.from_status, change.from_status)
    after = PROJECT_STATUSES.get(change.to_status, change.to_status)
    day = _day(change.changed_on)
    return f"{project.village.short_name}{project.name}{before}→{after}（{day}）"


def draft_work_done(*, unit, start: dt.date, end: dt.date) -> str:
    """The Chinese text of the unit's work in the period, one numbered paragraph a kind of work."""
    work = unit_work(unit=unit, start=start, end=end)
    paragraphs = []
    if work.visits:
        modes = "，".join(
            f"{label}{work.visits_by_mode[mode]}次"
            for mode, label in VISIT_MODES.items()
            if work.visits_by_mode.get(mode)
        )
        paragraphs.append(
            ("走访联系户", f"单位干部走访联系户{work.visits}次（{modes}），"
             f"覆盖农户{work.households_visited}户，了解群众诉求，宣传惠农政策。")
        )  # fmt: skip
    if work.deeds:
        kinds = "，".join(
            f"{DEED_TYPES.get(kind, kind)}{n}件{yuan(value)}元"
            for kind, n, value in work.deeds_by_type
        )
        paragraphs.append(
            ("办实事好事", f"为群众办实事好事{work.deeds}件，折合价值{yuan(work.deeds_value)}元"
             f"（{kinds}）。")
        )  # fmt: skip
    if work.funds_by_source:
        sources = "，".join(
            f"{FUNDING_SOURCES.get(source, source)}{yuan(total)}元"
            for source, total in work.funds_by_source
        )
        paragraphs.append(
            ("筹措资金", f"协调落实项目资金{yuan(work.funds_total)}元（{sources}）。")
        )
    if work.measures_done:
        kinds = "，".join(
            f"{MEASURE_TYPES.get(kind, kind)}{n}项" for kind, n in work.measures_by_type
        )
        paragraphs.append(("落实帮扶措施", f"完成帮扶措施{work.measures_done}项（{kinds}）。"))
    if work.projects:
        steps = "；".join(_step(change) for change in work.projects)
        count = len({change.project_id for change in work.projects})
        paragraphs.append(("推进项目建设", f"推进项目{count}个：{steps}。"))
    if work.exited:
        paragraphs.append(("脱贫退出", f"联系户中已脱贫退出{work.exited}户。"))
    opening = f"{_day(start)}至{_day(end)}，{unit.name}围绕双联行动主要开展了以下工作："
    if not paragraphs:
        return f"{opening}\n{NOTHING_RECORDED}"
    lines = [f"{NUMERALS[n]}、{heading}。{body}" for n, (heading, body) in enumerate(paragraphs)]
    return "\n".join([opening, *lines])
