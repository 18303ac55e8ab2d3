"""Reading the rollups: the figures of a region, a unit or a cadre, and of a region's children.

Two queries per set of holders, whatever the data size: the rows (time-relative metrics only
inside their window) and the distinct counts. No base table is read.
"""

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from shuanglian.assistance.models import MeasureStatus
from shuanglian.dashboard import rollups as r
from shuanglian.dashboard.models import Figure
from shuanglian.households.models import Category
from shuanglian.projects.models import FundingSource, ProjectStatus, ProjectType

VISIT_WINDOWS = (30, 90)
NOT_VISITED_DAYS = 60
TREND_MONTHS = 12
WINDOWED = (r.VISITS_DAY, r.LAST_VISIT, r.OPEN_DUE_DAY, r.VISITS_MONTH)
# The dim of the distinct counts in the read query (no stored row has it: dims are short).
DISTINCT_DIM = "#distinct"
# What the table of children shows (the rest is read for the region itself only).
CHILD_METRICS = (r.VILLAGES, r.PAIRED_VILLAGES, r.HOUSEHOLDS, r.PEOPLE, r.PAIRED_HOUSEHOLDS)


def _since(today: dt.date, days: int) -> str:
    """First day of a window of `days` days ending today (today included)."""
    return (today - dt.timedelta(days=days - 1)).isoformat()


def _month_back(today: dt.date, months: int) -> str:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return f"{year:04d}-{month + 1:02d}"


def band_labels() -> list[str]:
    bounds = r.INCOME_BANDS
    labels = [f"< {bounds[1]}"]
    labels += [f"{low}–{high}" for low, high in itertools.pairwise(bounds[1:])]
    labels.append(f"≥ {bounds[-1]}")
    return labels


@dataclass
class Figures:
    """The rows of one holder, and the figures derived from them."""

    today: dt.date
    values: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    distinct: dict[str, int] = field(default_factory=dict)

    def get(self, metric: str, dim: str = "") -> int:
        return self.values.get(metric, {}).get(dim, 0)

    def total(self, metric: str) -> int:
        return sum(self.values.get(metric, {}).values())

    def _sum_since(self, metric: str, first: str, before: str | None = None) -> int:
        return sum(
            value
            for dim, value in self.values.get(metric, {}).items()
            if dim and dim >= first and (before is None or dim < before)
        )

    # Structure
    @property
    def villages(self) -> int:
        return self.get(r.VILLAGES)

    @property
    def paired_villages(self) -> int:
        return self.get(r.PAIRED_VILLAGES)

    @property
    def village_coverage(self) -> float | None:
        return _share(self.get(r.PAIRED_VILLAGES), self.villages)

    @property
    def units(self) -> int:
        return self.distinct.get(r.UNIT_IN, 0)

    @property
    def cadres(self) -> int:
        return self.distinct.get(r.CADRE_IN, 0) or self.get(r.CADRES)

    @property
    def households(self) -> int:
        return self.total(r.HOUSEHOLDS)

    def by_category(self, metric: str = r.HOUSEHOLDS) -> list[tuple[str, str, int]]:
        return [(value, label, self.get(metric, value)) for value, label in Category.choices]

    @property
    def people(self) -> int:
        return self.get(r.PEOPLE)

    # Coverage
    @property
    def poor(self) -> int:
        return self.get(r.HOUSEHOLDS, Category.POOR)

    @property
    def poor_covered(self) -> int:
        return self.get(r.PAIRED_HOUSEHOLDS, Category.POOR)

    @property
    def poor_coverage(self) -> float | None:
        return _share(self.poor_covered, self.poor)

    @property
    def paired_households(self) -> int:
        return self.total(r.PAIRED_HOUSEHOLDS)

    # Visits
    def visits_in(self, days: int) -> int:
        return self._sum_since(r.VISITS_DAY, _since(self.today, days))

    @property
    def visits_30(self) -> int:
        return self.visits_in(30)

    @property
    def visits_90(self) -> int:
        return self.visits_in(90)

    @property
    def not_visited_60(self) -> int:
        visited = self._sum_since(r.LAST_VISIT, _since(self.today, NOT_VISITED_DAYS))
        return self.paired_households - visited

    def visits_by_month(self) -> list[tuple[str, int]]:
        months = [_month_back(self.today, back) for back in range(TREND_MONTHS - 1, -1, -1)]
        return [(month, self.get(r.VISITS_MONTH, month)) for month in months]

    # Measures
    @property
    def measures_done(self) -> int:
        return self.get(r.MEASURES, MeasureStatus.DONE)

    @property
    def measures_total(self) -> int:
        return self.total(r.MEASURES)

    @property
    def measures_overdue(self) -> int:
        this_month = self.today.isoformat()[:7]
        earlier = sum(
            value
            for dim, value in self.values.get(r.OPEN_DUE_MONTH, {}).items()
            if dim < this_month
        )
        start = self.today.replace(day=1).isoformat()
        return earlier + self._sum_since(r.OPEN_DUE_DAY, start, self.today.isoformat())

    # Projects and funds
    def projects(self) -> list[dict]:
        table = []
        for type_value, type_label in ProjectType.choices:
            counts = {
                status: self.get(r.PROJECTS, f"{type_value}|{status}")
                for status in ProjectStatus.values
            }
            budget = sum(
                self.get(r.PROJECT_BUDGET, f"{type_value}|{status}")
                for status in ProjectStatus.values
            )
            invested = self.get(r.PROJECT_FUNDS, type_value)
            if any(counts.values()) or invested:
                table.append(
                    {
                        "type": type_value,
                        "label": type_label,
                        "counts": counts,
                        "total": sum(counts.values()),
                        "budget": yuan(budget),
                        "invested": yuan(invested),
                    }
                )
        return table

    @property
    def projects_total(self) -> int:
        return self.total(r.PROJECTS)

    def funds(self) -> list[tuple[str, str, Decimal]]:
        return [
            (value, label, yuan(self.get(r.FUNDS, value)))
            for value, label in FundingSource.choices
            if self.get(r.FUNDS, value)
        ]

    @property
    def funds_total(self) -> Decimal:
        return yuan(self.total(r.FUNDS))

    # Incomes, exits, monitoring
    def income_years(self) -> list[int]:
        return sorted({int(dim.split("|")[0]) for dim in self.values.get(r.INCOME_BAND, {})})

    def income_bands(self, year: int) -> list[tuple[str, int]]:
        return [
            (label, self.get(r.INCOME_BAND, f"{year}|{index}"))
            for index, label in enumerate(band_labels())
        ]

    def income_trend(self) -> list[tuple[int, Decimal]]:
        trend = []
        for year in self.income_years():
            n = sum(n for _label, n in self.income_bands(year))
            if n:
                average = Decimal(self.get(r.INCOME_SUM, str(year))) / 100 / n
                trend.append((year, average.quantize(Decimal("0.01"))))
        return trend

    def exited_by_year(self) -> list[tuple[str, int]]:
        return sorted(self.values.get(r.EXITED, {}).items())

    def monitored(self) -> list[tuple[str, str, int]]:
        """(category, stage, households) from the monitoring app's provider, when present."""
        rows = []
        for dim, value in sorted(self.values.get(r.MONITORED, {}).items()):
            category, _sep, stage = dim.partition("|")
            rows.append((category, stage, value))
        return rows

    def as_dict(self) -> dict:
        """The figures for the API and the charts (plain JSON values)."""
        return {
            "villages": self.villages,
            "paired_villages": self.get(r.PAIRED_VILLAGES),
            "village_coverage": self.village_coverage,
            "units": self.units,
            "cadres": self.cadres,
            "households": self.households,
            "households_by_category": {value: n for value, _label, n in self.by_category()},
            "people": self.people,
            "poor_households": self.poor,
            "poor_with_active_cadre": self.poor_covered,
            "poor_coverage": self.poor_coverage,
            "paired_households": self.paired_households,
            "visits_30_days": self.visits_30,
            "visits_90_days": self.visits_90,
            "not_visited_60_days": self.not_visited_60,
            "visits_by_month": dict(self.visits_by_month()),
            "measures_total": self.measures_total,
            "measures_done": self.measures_done,
            "measures_overdue": self.measures_overdue,
            "projects": [
                {
                    **row,
                    "label": str(row["label"]),
                    "budget": str(row["budget"]),
                    "invested": str(row["invested"]),
                }
                for row in self.projects()
            ],
            "funds_by_source": {value: str(amount) for value, _label, amount in self.funds()},
            "income_bands": {
                str(year): dict(self.income_bands(year)) for year in self.income_years()
            },
            "income_trend": {str(year): str(average) for year, average in self.income_trend()},
            "exited_by_year": dict(self.exited_by_year()),
            "monitored": [
                {"category": c, "stage": s, "households": n} for c, s, n in self.monitored()
            ],
        }


def yuan(value_fen: int) -> Decimal:
    return (Decimal(value_fen) / 100).quantize(Decimal("0.01"))


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def read(
    kind: str, key: str, *, children: list[str] = (), today=None
) -> tuple[Figures, dict[str, Figures]]:
    """Figures of a holder (a region, a unit or a cadre) and the summary figures of its children
    (regions) from the rollup rows: one query, whatever the data size.

    Plain SQL, three parts in a UNION ALL, each a range of the (kind, key, metric, dim) index:
    the holder's rows (time-relative ones only inside their window), its distinct counts, the
    children's summary rows. The ORM's compiling of the same took longer than running it.
    """
    today = today or timezone.localdate()
    own = Figures(today=today)
    summaries = {child: Figures(today=today) for child in children}
    table = connection.ops.quote_name(Figure._meta.db_table)
    key_column = connection.ops.quote_name("key")

    def marks(values) -> str:
        return ", ".join(["%s"] * len(values))

    skipped = WINDOWED + r.DISTINCT_METRICS
    windows = [
        (r.VISITS_DAY, _since(today, max(VISIT_WINDOWS))),
        (r.LAST_VISIT, _since(today, NOT_VISITED_DAYS)),
        (r.OPEN_DUE_DAY, today.replace(day=1).isoformat()),
        (r.VISITS_MONTH, _month_back(today, TREND_MONTHS)),
    ]
    select = f"SELECT {key_column}, metric, dim, value FROM {table}"
    sql = (
        f"{select} WHERE kind = %s AND {key_column} = %s AND (metric NOT IN ({marks(skipped)})"
        + " OR (metric = %s AND dim >= %s)" * len(windows)
        + ")"
        f" UNION ALL SELECT {key_column}, metric, %s, COUNT(*) FROM {table}"
        f" WHERE kind = %s AND {key_column} = %s AND metric IN ({marks(r.DISTINCT_METRICS)})"
        f" AND value > 0 GROUP BY {key_column}, metric"
    )
    params = [kind, key, *skipped, *(value for window in windows for value in window)]
    params += [DISTINCT_DIM, kind, key, *r.DISTINCT_METRICS]
    if summaries:
        sql += (
            f" UNION ALL {select} WHERE kind = %s AND {key_column} IN ({marks(summaries)})"
            f" AND metric IN ({marks(CHILD_METRICS)})"
        )
        params += [kind, *summaries, *CHILD_METRICS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row_key, metric, dim, value in cursor.fetchall():
            holder = own if row_key == key else summaries[row_key]
            if dim == DISTINCT_DIM and metric in r.DISTINCT_METRICS:
                holder.distinct[metric] = int(value)
            else:
                holder.values[metric][dim] = int(value)
    return own, summaries


def read_one(kind: str, key: str, *, today=None) -> Figures:
    return read(kind, key, today=today)[0]


# Labels for the charts, resolved in the request's language.
def labels() -> dict:
    return {
        "households": str(pgettext("dashboard", "Households")),
        "paired": str(_("Paired with a cadre")),
        "visits": str(_("Visits")),
        "average_income": str(_("Average net income per person (yuan)")),
        "income_band": str(_("Households by net income per person (yuan)")),
        "projects": str(_("Projects")),
        "funds": str(_("Funds (yuan)")),
    }
