"""The figures of a brief and of the statistical tables, computed set-based from the base tables.

Every figure is one grouped query over everything under a region's code prefix, grouped by the
code prefix of the level asked for: the region itself (the headline) or its children (the
tables). Because the children partition the region, the rows of a table add up to the headline.
Money is kept as strings of Decimals ("1234.50") so that the stored figures (JSON) stay exact.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Substr

from shuanglian.assistance.models import (
    Deed,
    FollowUp,
    FollowUpStatus,
    Measure,
    MeasureStatus,
    Visit,
)
from shuanglian.core.access import Scope, prefix_q
from shuanglian.households.models import Category, Household
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.projects.models import Funding, ProjectStatus, ProjectStatusChange
from shuanglian.regions.models import PREFIX_LENGTH, Level, Region

CATEGORY_KEYS = {category: f"hh_{category}" for category in Category.values}
MONEY = ("deeds_value", "funds")
KEYS = (
    "households",
    *CATEGORY_KEYS.values(),
    "people",
    "poor_covered",
    "villages",
    "villages_paired",
    "visits",
    "households_visited",
    "measures_done",
    "measures_overdue",
    "follow_ups_overdue",
    "deeds",
    "deeds_value",
    "funds",
    "projects_completed",
)
# Fixed Chinese labels with the unit (the brief is Chinese whatever the page language).
LABELS = {
    "households": "农户（户）",
    "hh_general": "一般户（户）",
    "hh_poor": "贫困户（户）",
    "hh_demonstration": "示范户（户）",
    "hh_exited": "脱贫户（户）",
    "hh_monitored": "监测户（户）",
    "people": "人口（人）",
    "poor_covered": "有联系干部的贫困户（户）",
    "villages": "行政村（个）",
    "villages_paired": "有联系单位的村（个）",
    "visits": "走访（次）",
    "households_visited": "走访农户（户）",
    "measures_done": "完成帮扶措施（项）",
    "measures_overdue": "逾期帮扶措施（项）",
    "follow_ups_overdue": "逾期督办事项（项）",
    "deeds": "实事好事（件）",
    "deeds_value": "实事好事价值（元）",
    "funds": "筹措资金（元）",
    "projects_completed": "完工项目（个）",
}


def empty() -> dict:
    return {key: ("0.00" if key in MONEY else 0) for key in KEYS}


def number(figures: dict, key: str):
    value = figures.get(key, 0)
    return Decimal(value) if key in MONEY else int(value)


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def grouped(
    *, scope: Scope, prefix: str, width: int, start: dt.date, end: dt.date
) -> dict[str, dict]:
    """{code prefix of `width` digits: figures} for everything under `prefix`, in the scope."""
    rows: dict[str, dict] = {}

    def put(child: str, key: str, value) -> None:
        target = rows.setdefault(child, empty())
        if key in MONEY:
            target[key] = _money(Decimal(target[key]) + Decimal(value or 0))
        else:
            target[key] += value or 0

    def by_child(queryset, field: str, **aggregates):
        return (
            queryset.filter(prefix_q(field, prefix))
            .annotate(child=Substr(field, 1, width))
            .values("child")
            .annotate(**aggregates)
            .order_by()
        )

    households = Household.objects.filter(scope.household_q())
    by_category = (
        households.filter(prefix_q("village_id", prefix))
        .annotate(child=Substr("village_id", 1, width))
        .values("child", "category")
        .annotate(n=Count("id"), people=Sum("member_count"))
        .order_by()
    )
    for row in by_category:
        put(row["child"], "households", row["n"])
        put(row["child"], CATEGORY_KEYS[row["category"]], row["n"])
        put(row["child"], "people", row["people"])
    current_pairing = HouseholdPairing.objects.filter(
        household=OuterRef("pk"), end_date__isnull=True
    )
    covered = households.filter(Exists(current_pairing), category=Category.POOR)
    for row in by_child(covered, "village_id", n=Count("id")):
        put(row["child"], "poor_covered", row["n"])

    villages = Region.objects.filter(scope.region_q("code"), level=Level.VILLAGE)
    for row in by_child(villages, "code", n=Count("code")):
        put(row["child"], "villages", row["n"])
    paired = VillagePairing.objects.filter(village=OuterRef("code"), end_date__isnull=True)
    for row in by_child(villages.filter(Exists(paired)), "code", n=Count("code")):
        put(row["child"], "villages_paired", row["n"])

    visits = Visit.objects.filter(
        scope.household_q("household__"),
        voided_at__isnull=True,
        visited_on__gte=start,
        visited_on__lte=end,
    )
    for row in by_child(
        visits,
        "household__village_id",
        n=Count("id"),
        households=Count("household_id", distinct=True),
    ):
        put(row["child"], "visits", row["n"])
        put(row["child"], "households_visited", row["households"])

    measures = Measure.objects.filter(scope.household_q("plan__household__"))
    done = measures.filter(status=MeasureStatus.DONE, done_on__gte=start, done_on__lte=end)
    for row in by_child(done, "plan__household__village_id", n=Count("id")):
        put(row["child"], "measures_done", row["n"])
    open_ = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)
    overdue = measures.filter(status__in=open_, due_date__lt=end)
    for row in by_child(overdue, "plan__household__village_id", n=Count("id")):
        put(row["child"], "measures_overdue", row["n"])

    # A household's request lives in its village, a meeting's decision at the meeting's place.
    follow_ups = FollowUp.objects.filter(
        Q(household__isnull=True) | scope.household_q("household__"),
        status=FollowUpStatus.OPEN,
        due_date__lt=end,
    ).annotate(place=Coalesce("household__village_id", "meeting__place_id"))
    for row in by_child(follow_ups.filter(scope.region_q("place")), "place", n=Count("id")):
        put(row["child"], "follow_ups_overdue", row["n"])

    deeds = Deed.objects.filter(
        scope.region_q("village_id"), voided_at__isnull=True, done_on__gte=start, done_on__lte=end
    )
    for row in by_child(deeds, "village_id", n=Count("id"), value=Sum("value")):
        put(row["child"], "deeds", row["n"])
        put(row["child"], "deeds_value", row["value"])

    # The ledger is append-only with negative reversals: the sum is the net amount.
    funds = Funding.objects.filter(
        scope.region_q("project__village_id"), received_on__gte=start, received_on__lte=end
    )
    for row in by_child(funds, "project__village_id", total=Sum("amount")):
        put(row["child"], "funds", row["total"])

    completed = ProjectStatusChange.objects.filter(
        scope.region_q("project__village_id"),
        to_status=ProjectStatus.COMPLETED,
        changed_on__gte=start,
        changed_on__lte=end,
    )
    for row in by_child(completed, "project__village_id", n=Count("project_id", distinct=True)):
        put(row["child"], "projects_completed", row["n"])
    return rows


def headline(*, scope: Scope, region: Region, start: dt.date, end: dt.date) -> dict:
    prefix = region.prefix
    found = grouped(scope=scope, prefix=prefix, width=len(prefix), start=start, end=end)
    return found.get(prefix, empty())


def child_regions(*, scope: Scope, region: Region) -> list[Region]:
    """The rows of a table: the region's children in the scope, or the village itself."""
    if region.child_level is None:
        return [region]
    return list(Region.objects.filter(scope.region_q("code"), parent=region).order_by("code"))


def table_rows(
    *, scope: Scope, region: Region, start: dt.date, end: dt.date
) -> list[tuple[Region, dict]]:
    """One row of figures per child region (zeros where nothing was recorded)."""
    children = child_regions(scope=scope, region=region)
    width = PREFIX_LENGTH[children[0].level] if children else len(region.prefix)
    found = grouped(scope=scope, prefix=region.prefix, width=width, start=start, end=end)
    return [(child, found.get(child.prefix, empty())) for child in children]


def totals(rows: list[tuple[Region, dict]]) -> dict:
    result = empty()
    for _region, figures in rows:
        for key in KEYS:
            if key in MONEY:
                result[key] = _money(Decimal(result[key]) + Decimal(figures[key]))
            else:
                result[key] += figures[key]
    return result


def difference(current: dict, previous: dict) -> dict:
    """current − previous, for the figures both have."""
    return {
        key: (
            _money(number(current, key) - number(previous, key))
            if key in MONEY
            else number(current, key) - number(previous, key)
        )
        for key in KEYS
        if key in current and key in previous
    }
