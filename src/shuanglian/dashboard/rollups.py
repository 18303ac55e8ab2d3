"""Rollups: every dashboard figure, maintained on write, so that a dashboard never reads the base
tables.

Regions. `VillageFigure` holds each village's own figures as computed from the base tables
(`village_rows`); `Figure` (kind region) holds the totals of every region at every level, the
village itself included. A write calls `refresh(regions=[village, ...])` inside its transaction:
the village rows are computed again (bounded: the villages given), and only the difference to
what was stored is added to the village and its four ancestors, in one upsert statement for the
whole batch (`value = value + excluded.value`). Totals are sums of village rows, so a rebuild
(`rebuild`, GROUP BY over the base tables and then over the village rows) must give the same
rows: the hypothesis test checks exactly that.

Units and cadres. Their figures are computed again whole (bounded by the unit's size) and
replaced; they have no ancestors.

Figures that depend on today (visits in the last 30/90 days, households not visited in 60 days,
overdue measures) are stored by absolute date (visits per day and per month, paired households
by the date of their last visit, open measures by due day and due month); a request sums the
few rows inside its window, so nothing needs updating as days pass.

Distinct counts (units paired with villages of a region, cadres pairing households of it) are
kept as one row per unit or cadre (dim = its id, value = how many pairings), counted on read.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, When
from django.db.models import Value as V

from shuanglian.assistance.models import Measure, MeasureStatus, Visit
from shuanglian.core.access import prefix_q, region_prefix
from shuanglian.dashboard.models import Figure, HolderKind, VillageFigure
from shuanglian.households.models import Household, IncomeRecord
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.projects.models import Funding, Project
from shuanglian.regions.models import PREFIX_LENGTH, Level, Region
from shuanglian.units.models import Cadre, Unit

# Metrics (the `metric` column) and what their `dim` holds.
VILLAGES = "villages"  # 1 per village
PAIRED_VILLAGES = "paired_villages"  # 1 per village with a unit paired now
VILLAGE_PAIRINGS = "village_pairings"  # dim: role (lead/member), active unit–village pairings
UNIT_IN = "unit_in"  # dim: unit id; counted on read (distinct units)
CADRE_IN = "cadre_in"  # dim: cadre id; counted on read (distinct cadres)
CADRES = "cadres"  # a unit's active cadres
HOUSEHOLDS = "households"  # dim: category
PEOPLE = "people"  # active members of the households
PAIRED_HOUSEHOLDS = "paired_households"  # dim: category; households with an active cadre now
LAST_VISIT = "last_visit"  # dim: date of the last visit of a paired household, "" never
VISITS_DAY = "visits_day"  # dim: date
VISITS_MONTH = "visits_month"  # dim: YYYY-MM
MEASURES = "measures"  # dim: status
OPEN_DUE_DAY = "open_due_day"  # dim: due date of open measures (planned, in progress)
OPEN_DUE_MONTH = "open_due_month"  # dim: YYYY-MM of that due date
PROJECTS = "projects"  # dim: type|status
PROJECT_BUDGET = "project_budget"  # dim: type|status, fen
PROJECT_FUNDS = "project_funds"  # dim: type, fen received in the ledger (net of reversals)
FUNDS = "funds"  # dim: source, fen
INCOME_BAND = "income_band"  # dim: year|band index, households
INCOME_SUM = "income_sum"  # dim: year, fen of net income per person summed over households
EXITED = "exited"  # dim: year of exit, "" when not recorded
MONITORED = "monitored"  # dim: category|stage, from the monitoring app's provider

DISTINCT_METRICS = (UNIT_IN, CADRE_IN)
# Lower bounds (yuan) of the fixed bands of net income per person; the first is open below.
INCOME_BANDS = (0, 2300, 3000, 4000, 6000, 10000)
OPEN_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)
LEVEL_OF_LENGTH = {length: level for level, length in PREFIX_LENGTH.items()}

Rows = dict[str, Counter]  # holder key → Counter{(metric, dim): value}


def fen(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)).quantize(Decimal("0.01")) * 100)


def where(path: str, villages: list[str] | None, prefix: str | None) -> Q:
    if villages is not None:
        return Q(**{f"{path}__in": villages})
    if prefix:
        return prefix_q(path, prefix)
    return Q()


def _band():
    whens = [
        When(net_per_capita__lt=low, then=V(index - 1)) for index, low in enumerate(INCOME_BANDS)
    ][1:]
    return Case(*whens, default=V(len(INCOME_BANDS) - 1), output_field=IntegerField())


def _latest_visit(household_ref: str):
    return Subquery(
        Visit.objects.filter(household_id=OuterRef(household_ref), voided_at__isnull=True)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )


def _active_pairing(household_ref: str = "pk"):
    return Exists(
        HouseholdPairing.objects.filter(
            household_id=OuterRef(household_ref), end_date__isnull=True, cadre__is_active=True
        )
    )


def _day(value) -> str:
    return value.isoformat() if value else ""


def _add_dated(rows: Rows, key, day_metric: str, month_metric: str, day, n: int) -> None:
    rows[key][(day_metric, _day(day))] += n
    if day:
        rows[key][(month_metric, day.isoformat()[:7])] += n


# Figures that other apps contribute to the village rows (the extension point): a provider
# takes (villages, prefix) like `village_rows` and yields (village_code, metric, dim, value).
# The monitoring app registers MONITORED (dim "category|stage"); an app that records exits with
# their dates replaces EXITED. Their services call `refresh(regions=[village])` on each write.
VillageProvider = Callable[[list[str] | None, str | None], Iterable[tuple[str, str, str, int]]]
VILLAGE_PROVIDERS: dict[str, VillageProvider] = {}


def register_village_provider(name: str, provider: VillageProvider) -> None:
    """Add (or replace, by name) a provider of village figures; call it from AppConfig.ready."""
    VILLAGE_PROVIDERS[name] = provider


def _exited_without_dates(villages, prefix):
    """Exited households; the registry records no exit date, so their year is not known ("")."""
    exited = Household.objects.filter(where("village_id", villages, prefix), category="exited")
    for row in exited.values("village_id").annotate(n=Count("id")):
        yield row["village_id"], EXITED, "", row["n"]


register_village_provider(EXITED, _exited_without_dates)


def village_rows(villages: list[str] | None = None, prefix: str | None = None) -> Rows:
    """The own figures of villages (given, or all under a prefix, or all), from the base tables.

    One GROUP BY per family of figures, whatever the number of villages.
    """
    rows: Rows = defaultdict(Counter)
    for code in Region.objects.filter(
        where("code", villages, prefix), level=Level.VILLAGE
    ).values_list("code", flat=True):
        rows[code][(VILLAGES, "")] = 1
    pairings = VillagePairing.objects.filter(
        where("village_id", villages, prefix), end_date__isnull=True
    )
    for row in pairings.values("village_id", "role", "unit_id").annotate(n=Count("id")):
        village = rows[row["village_id"]]
        village[(VILLAGE_PAIRINGS, row["role"])] += row["n"]
        village[(UNIT_IN, str(row["unit_id"]))] += row["n"]
        village[(PAIRED_VILLAGES, "")] = 1
    households = Household.objects.filter(where("village_id", villages, prefix))
    for row in households.values("village_id", "category").annotate(
        n=Count("id"), people=Sum("member_count")
    ):
        rows[row["village_id"]][(HOUSEHOLDS, row["category"])] += row["n"]
        rows[row["village_id"]][(PEOPLE, "")] += row["people"] or 0
    paired = HouseholdPairing.objects.filter(
        where("household__village_id", villages, prefix),
        end_date__isnull=True,
        cadre__is_active=True,
    )
    for row in paired.values("household__village_id", "household__category", "cadre_id").annotate(
        n=Count("id")
    ):
        village = rows[row["household__village_id"]]
        village[(PAIRED_HOUSEHOLDS, row["household__category"])] += row["n"]
        village[(CADRE_IN, str(row["cadre_id"]))] += row["n"]
    last = (
        households.filter(_active_pairing())
        .annotate(last=_latest_visit("pk"))
        .values("village_id", "last")
        .annotate(n=Count("id"))
    )
    for row in last:
        rows[row["village_id"]][(LAST_VISIT, _day(row["last"]))] += row["n"]
    visits = Visit.objects.filter(
        where("household__village_id", villages, prefix), voided_at__isnull=True
    )
    for row in visits.values("household__village_id", "visited_on").annotate(n=Count("id")):
        _add_dated(
            rows, row["household__village_id"], VISITS_DAY, VISITS_MONTH, row["visited_on"],
            row["n"],
        )  # fmt: skip
    _measure_rows(
        rows,
        Measure.objects.filter(where("plan__household__village_id", villages, prefix)),
        "plan__household__village_id",
    )
    projects = Project.objects.filter(where("village_id", villages, prefix))
    for row in projects.values("village_id", "type", "status").annotate(
        n=Count("id"), budget=Sum("budget")
    ):
        dim = f"{row['type']}|{row['status']}"
        rows[row["village_id"]][(PROJECTS, dim)] += row["n"]
        rows[row["village_id"]][(PROJECT_BUDGET, dim)] += fen(row["budget"])
    funds = Funding.objects.filter(where("project__village_id", villages, prefix))
    for row in funds.values("project__village_id", "project__type", "source").annotate(
        amount=Sum("amount")
    ):
        village = rows[row["project__village_id"]]
        village[(FUNDS, row["source"])] += fen(row["amount"])
        village[(PROJECT_FUNDS, row["project__type"])] += fen(row["amount"])
    incomes = IncomeRecord.objects.filter(where("household__village_id", villages, prefix))
    for row in (
        incomes.annotate(band=_band())
        .values("household__village_id", "year", "band")
        .annotate(n=Count("id"), total=Sum("net_per_capita"))
    ):
        village = rows[row["household__village_id"]]
        village[(INCOME_BAND, f"{row['year']}|{row['band']}")] += row["n"]
        village[(INCOME_SUM, str(row["year"]))] += fen(row["total"])
    for provider in VILLAGE_PROVIDERS.values():
        for code, metric, dim, value in provider(villages, prefix):
            rows[code][(metric, dim)] += value
    return _without_zeros(rows)


def _measure_rows(rows: Rows, measures, key_path: str, key_of=str) -> None:
    for row in measures.values(key_path, "status").annotate(n=Count("id")):
        rows[key_of(row[key_path])][(MEASURES, row["status"])] += row["n"]
    open_due = measures.filter(status__in=OPEN_STATUSES, due_date__isnull=False)
    for row in open_due.values(key_path, "due_date").annotate(n=Count("id")):
        _add_dated(
            rows, key_of(row[key_path]), OPEN_DUE_DAY, OPEN_DUE_MONTH, row["due_date"], row["n"]
        )


def _without_zeros(rows: Rows) -> Rows:
    for counter in rows.values():
        for key in [key for key, value in counter.items() if value == 0]:
            del counter[key]
    return rows


def holder_rows(kind: str, ids: list[int] | None = None) -> Rows:
    """The figures of units or cadres (given, or all), from the base tables; keys are str(id)."""
    rows: Rows = defaultdict(Counter)
    path = "cadre__unit_id" if kind == HolderKind.UNIT else "cadre_id"

    def within(field: str) -> Q:
        return Q() if ids is None else Q(**{f"{field}__in": ids})

    if kind == HolderKind.UNIT:
        cadres = Cadre.objects.filter(within("unit_id"), is_active=True)
        for row in cadres.values("unit_id").annotate(n=Count("id")):
            rows[str(row["unit_id"])][(CADRES, "")] += row["n"]
        pairings = VillagePairing.objects.filter(within("unit_id"), end_date__isnull=True)
        for row in pairings.values("unit_id", "role").annotate(n=Count("id")):
            rows[str(row["unit_id"])][(VILLAGE_PAIRINGS, row["role"])] += row["n"]
            rows[str(row["unit_id"])][(PAIRED_VILLAGES, "")] += row["n"]
        funds = Funding.objects.filter(within("unit_id"), unit_id__isnull=False)
        for row in funds.values("unit_id", "source").annotate(amount=Sum("amount")):
            rows[str(row["unit_id"])][(FUNDS, row["source"])] += fen(row["amount"])
        projects = Project.objects.filter(within("lead_unit_id"), lead_unit_id__isnull=False)
        for row in projects.values("lead_unit_id", "type", "status").annotate(
            n=Count("id"), budget=Sum("budget")
        ):
            dim = f"{row['type']}|{row['status']}"
            rows[str(row["lead_unit_id"])][(PROJECTS, dim)] += row["n"]
            rows[str(row["lead_unit_id"])][(PROJECT_BUDGET, dim)] += fen(row["budget"])
        # A measure counts for the responsible unit, and for the unit of the responsible cadre
        # when that is another unit.
        _measure_rows(
            rows,
            Measure.objects.filter(within("responsible_unit_id"), responsible_unit__isnull=False),
            "responsible_unit_id",
        )
        _measure_rows(
            rows,
            Measure.objects.filter(
                within("responsible_cadre__unit_id"), responsible_cadre__isnull=False
            ).filter(
                Q(responsible_unit__isnull=True)
                | ~Q(responsible_unit_id=F("responsible_cadre__unit_id"))
            ),
            "responsible_cadre__unit_id",
        )
    else:
        _measure_rows(
            rows,
            Measure.objects.filter(within("responsible_cadre_id"), responsible_cadre__isnull=False),
            "responsible_cadre_id",
        )
    paired = HouseholdPairing.objects.filter(
        within(path), end_date__isnull=True, cadre__is_active=True
    )
    for row in paired.values(path, "household__category").annotate(n=Count("id")):
        rows[str(row[path])][(PAIRED_HOUSEHOLDS, row["household__category"])] += row["n"]
    last = (
        paired.annotate(last=_latest_visit("household_id"))
        .values(path, "last")
        .annotate(n=Count("id"))
    )
    for row in last:
        rows[str(row[path])][(LAST_VISIT, _day(row["last"]))] += row["n"]
    visits = Visit.objects.filter(within(path), voided_at__isnull=True)
    for row in visits.values(path, "visited_on").annotate(n=Count("id")):
        _add_dated(rows, str(row[path]), VISITS_DAY, VISITS_MONTH, row["visited_on"], row["n"])
    return _without_zeros(rows)


def ancestors(code: str) -> list[tuple[str, str]]:
    """(code, level) of a village and each region above it."""
    return [
        (code[:length].ljust(12, "0"), level)
        for level, length in PREFIX_LENGTH.items()
        if length <= len(region_prefix(code))
    ]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _add(model, rows: list[tuple], *, columns: tuple[str, ...], conflict: tuple[str, ...]) -> None:
    """Add values to existing rows, creating the missing ones: one upsert per 500 rows."""
    table = _table(model)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    on = ", ".join(connection.ops.quote_name(name) for name in conflict)
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            batch = rows[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row_marks] * len(batch))} "
                f"ON CONFLICT ({on}) DO UPDATE SET value = {table}.value + excluded.value",
                [value for row in batch for value in row],
            )


def _apply_region_deltas(deltas: dict[tuple[str, str, str, str], int]) -> None:
    """deltas: (code, level, metric, dim) → value to add to the region totals."""
    rows = [
        (HolderKind.REGION, code, level, metric, dim, value)
        for (code, level, metric, dim), value in deltas.items()
        if value
    ]
    if not rows:
        return
    _add(
        Figure,
        rows,
        columns=("kind", "key", "level", "metric", "dim", "value"),
        conflict=("kind", "key", "metric", "dim"),
    )
    touched = sorted({row[1] for row in rows})
    for start in range(0, len(touched), 500):
        Figure.objects.filter(
            kind=HolderKind.REGION, key__in=touched[start : start + 500], value=0
        ).delete()


def _refresh_villages(codes: list[str]) -> None:
    # Refreshes of one village are serialised (on PostgreSQL) by locking its region row: two
    # transactions must not both apply a difference against the same stored village rows.
    list(Region.objects.select_for_update().filter(code__in=codes).order_by("code").values("code"))
    new = village_rows(villages=codes)
    old: Rows = defaultdict(Counter)
    for row in VillageFigure.objects.filter(village_code__in=codes):
        old[row.village_code][(row.metric, row.dim)] = row.value
    village_deltas: list[tuple] = []
    region_deltas: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for code in codes:
        change = Counter(new.get(code, Counter()))
        change.subtract(old.get(code, Counter()))
        for (metric, dim), value in change.items():
            if not value:
                continue
            village_deltas.append((code, metric, dim, value))
            for ancestor, level in ancestors(code):
                region_deltas[(ancestor, level, metric, dim)] += value
    if village_deltas:
        _add(
            VillageFigure,
            village_deltas,
            columns=("village_code", "metric", "dim", "value"),
            conflict=("village_code", "metric", "dim"),
        )
        VillageFigure.objects.filter(village_code__in=codes, value=0).delete()
    _apply_region_deltas(region_deltas)


def _replace_holders(kind: str, ids: list[int]) -> None:
    keys = [str(pk) for pk in ids]
    Figure.objects.filter(kind=kind, key__in=keys).delete()
    rows = holder_rows(kind, ids)
    Figure.objects.bulk_create(
        [
            Figure(kind=kind, key=key, metric=metric, dim=dim, value=value)
            for key, counter in rows.items()
            for (metric, dim), value in counter.items()
        ],
        batch_size=1000,
    )


def _connected(codes: list[str] | None = None, prefix: str = "") -> tuple[set[int], set[int]]:
    """Units and cadres whose figures depend on households of these villages (or under the
    prefix)."""
    pairings = HouseholdPairing.objects.filter(
        where("household__village_id", codes, prefix), end_date__isnull=True
    )
    cadres = set(pairings.values_list("cadre_id", flat=True))
    units = set(
        VillagePairing.objects.filter(
            where("village_id", codes, prefix), end_date__isnull=True
        ).values_list("unit_id", flat=True)
    )
    return units, cadres


def refresh(
    *,
    regions: Iterable[str] = (),
    units: Iterable[int | None] = (),
    cadres: Iterable[int | None] = (),
) -> None:
    """Bring the rollups up to date after a write, inside the writer's transaction.

    regions: the villages whose records changed (old and new village when a record moves);
    units, cadres: those whose own figures changed (a cadre implies the cadre's unit). Units
    and cadres working in the villages are refreshed too, so a change of a household (its
    category) reaches the dashboards of those who pair it.
    """
    codes = sorted({str(code) for code in regions if code})
    unit_ids = {int(pk) for pk in units if pk}
    cadre_ids = {int(pk) for pk in cadres if pk}
    with transaction.atomic():
        if codes:
            _refresh_villages(codes)
            more_units, more_cadres = _connected(codes)
            unit_ids |= more_units
            cadre_ids |= more_cadres
        if cadre_ids:
            unit_ids |= set(
                Cadre.objects.filter(pk__in=cadre_ids).values_list("unit_id", flat=True)
            )
        if unit_ids:
            list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk"))
            _replace_holders(HolderKind.UNIT, sorted(unit_ids))
        if cadre_ids:
            list(Cadre.objects.select_for_update().filter(pk__in=cadre_ids).order_by("pk"))
            _replace_holders(HolderKind.CADRE, sorted(cadre_ids))


def refresh_measure(measure) -> None:
    """After a measure was added or changed: its household's village, its responsible cadre and
    unit."""
    refresh(
        regions=[measure.plan.household.village_id],
        cadres=[measure.responsible_cadre_id],
        units=[measure.responsible_unit_id],
    )


def refresh_project(project, changes: dict) -> None:
    """After a project was created or changed (`changes`: the audit diff, {field: [old, new]}):
    its village and lead unit, and the old ones when they changed."""
    refresh(
        regions=[project.village_id, *changes.get("village", [])],
        units=[project.lead_unit_id, *changes.get("lead_unit", [])],
    )


def _insert_village_rows(rows: Rows) -> int:
    objects = [
        VillageFigure(village_code=code, metric=metric, dim=dim, value=value)
        for code, counter in rows.items()
        for (metric, dim), value in counter.items()
    ]
    VillageFigure.objects.bulk_create(objects, batch_size=2000)
    return len(objects)


def _sum_levels(prefix: str) -> None:
    """Region totals under `prefix`, every level, as sums of the village rows (set-based)."""
    source, target = _table(VillageFigure), _table(Figure)
    low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
    with connection.cursor() as cursor:
        for level, length in PREFIX_LENGTH.items():
            if length < len(prefix):
                continue
            code = (
                "village_code"
                if length == 12
                else f"substr(substr(village_code, 1, {length}) || '000000000000', 1, 12)"
            )
            cursor.execute(
                f"INSERT INTO {target} (kind, {connection.ops.quote_name('key')}, level, metric, "
                f"dim, value) SELECT %s, {code}, %s, metric, dim, SUM(value) FROM {source} "
                f"WHERE village_code >= %s AND village_code <= %s "
                f"GROUP BY {code}, metric, dim HAVING SUM(value) <> 0",
                [HolderKind.REGION, level, low, high],
            )


def _village_sums(prefix: str) -> Counter:
    """What the villages under `prefix` have added to their ancestors' totals."""
    rows = (
        VillageFigure.objects.filter(
            village_code__gte=prefix.ljust(12, "0"), village_code__lte=prefix.ljust(12, "9")
        )
        .values("metric", "dim")
        .annotate(total=Sum("value"))
    )
    return Counter({(row["metric"], row["dim"]): row["total"] for row in rows})


def rebuild(
    *, region: str | None = None, progress: Callable[[str, int, int], None] | None = None
) -> int:
    """Recompute the rollups from scratch (all, or one region's subtree), set-based.

    Village rows are computed one county at a time (GROUP BY over the base tables), then the
    totals of every level are sums over them in one statement per level. For one region (after
    base records were corrected outside the services, say), its ancestors get the difference
    between the new and the old village rows of the subtree, as on a write, and the units and
    cadres working there are recomputed; a full rebuild recomputes all units and cadres.
    Returns the number of village rows written.
    """
    prefix = region_prefix(region.ljust(12, "0")) if region else ""
    code = prefix.ljust(12, "0")
    written = 0
    with transaction.atomic():
        before = _village_sums(prefix) if prefix else Counter()
        in_range = {"gte": prefix.ljust(12, "0"), "lte": prefix.ljust(12, "9")}
        VillageFigure.objects.filter(
            village_code__gte=in_range["gte"], village_code__lte=in_range["lte"]
        ).delete()
        Figure.objects.filter(
            kind=HolderKind.REGION, key__gte=in_range["gte"], key__lte=in_range["lte"]
        ).delete()
        for done, total, chunk in _chunks(prefix):
            written += _insert_village_rows(village_rows(prefix=chunk))
            if progress:
                progress(chunk, done, total)
        _sum_levels(prefix)
        if len(prefix) > 2:
            change = _village_sums(prefix)
            change.subtract(before)
            deltas: dict[tuple[str, str, str, str], int] = defaultdict(int)
            for (metric, dim), value in change.items():
                for ancestor, level in ancestors(code):
                    if ancestor != code:
                        deltas[(ancestor, level, metric, dim)] += value
            _apply_region_deltas(deltas)
        if prefix:
            units, cadres = _connected(prefix=prefix)
            _replace_holders(HolderKind.UNIT, sorted(units))
            _replace_holders(HolderKind.CADRE, sorted(cadres))
        else:
            Figure.objects.exclude(kind=HolderKind.REGION).delete()
            for kind in (HolderKind.UNIT, HolderKind.CADRE):
                rows = holder_rows(kind)
                Figure.objects.bulk_create(
                    [
                        Figure(kind=kind, key=key, metric=metric, dim=dim, value=value)
                        for key, counter in rows.items()
                        for (metric, dim), value in counter.items()
                    ],
                    batch_size=2000,
                )
    if connection.vendor == "postgresql":
        # Planner statistics after a bulk rewrite; stale ones pick scans over the index.
        with connection.cursor() as cursor:
            for model in (Figure, VillageFigure):
                cursor.execute(f"ANALYZE {_table(model)}")
    return written


def _chunks(prefix: str) -> Iterator[tuple[int, int, str]]:
    """Counties under the prefix (or the prefix itself below county level), with progress."""
    if len(prefix) >= PREFIX_LENGTH[Level.COUNTY]:
        yield 1, 1, prefix
        return
    counties = list(
        Region.objects.filter(prefix_q("code", prefix) if prefix else Q(), level=Level.COUNTY)
        .order_by("code")
        .values_list("code", flat=True)
    )
    for index, county in enumerate(counties, 1):
        yield index, len(counties), county[:6]
