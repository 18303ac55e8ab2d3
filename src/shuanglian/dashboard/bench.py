"""The dashboard benchmark's child process (`python -m shuanglian.dashboard.bench MODE`), run by
shuanglian.bench.runner on a database of its DATABASE_URL:

- `baseline`: on the template database (regions loaded, nothing else), the rollups rebuilt,
  as a deployment does after `load_regions`; every later write maintains them.
- `measure`: on the database the CSV import filled (the import kept the rollups up to date, one
  refresh per chunk): the largest county's dashboard figures (the county and its townships)
  from the rollups against the same figures by GROUP BY over the base tables, alternating;
  that both give the same figures; then a full rebuild, timed, and whether its rows equal the
  rows maintained on write.

The last line of output is one JSON object.
"""

import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict


def _emit(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _snapshot() -> tuple[set, set]:
    from shuanglian.dashboard.models import Figure, VillageFigure

    return (
        set(Figure.objects.values_list("kind", "key", "level", "metric", "dim", "value")),
        set(VillageFigure.objects.values_list("village_code", "metric", "dim", "value")),
    )


def baseline() -> None:
    from django.db import connection

    from shuanglian.dashboard import rollups

    started = time.perf_counter()
    rows = rollups.rebuild()
    connection.close()
    _emit({"seconds": time.perf_counter() - started, "village_rows": rows})


def largest_county() -> str:
    from django.db.models import Sum

    from shuanglian.dashboard import rollups
    from shuanglian.dashboard.models import Figure, HolderKind

    row = (
        Figure.objects.filter(kind=HolderKind.REGION, level="county", metric=rollups.HOUSEHOLDS)
        .values("key")
        .annotate(n=Sum("value"))
        .order_by("-n", "key")
        .first()
    )
    return row["key"] if row else ""


def from_rollups(county: str):
    """What the county dashboard reads: the county's figures, its townships' (two queries each)."""
    from shuanglian.dashboard import figures
    from shuanglian.dashboard.models import HolderKind
    from shuanglian.regions.models import Region

    children = list(Region.objects.filter(parent_id=county).values_list("code", flat=True))
    return figures.read(HolderKind.REGION, county, children=children)


def from_base_tables(county: str):
    """The same figures by GROUP BY over the base tables of the county, summed up by township."""
    from django.utils import timezone

    from shuanglian.dashboard import figures, rollups
    from shuanglian.regions.models import Region

    children = list(Region.objects.filter(parent_id=county).values_list("code", flat=True))
    villages = rollups.village_rows(prefix=county[:6])
    total: Counter = Counter()
    by_township: dict[str, Counter] = defaultdict(Counter)
    for code, counter in villages.items():
        total.update(counter)
        by_township[code[:9].ljust(12, "0")].update(counter)
    today = timezone.localdate()

    def as_figures(counter: Counter, metrics=None) -> figures.Figures:
        result = figures.Figures(today=today)
        for (metric, dim), value in counter.items():
            if metric in rollups.DISTINCT_METRICS:
                if value:
                    result.distinct[metric] = result.distinct.get(metric, 0) + 1
            elif metrics is None or metric in metrics:
                result.values[metric][dim] = value
        return result

    return as_figures(total), {
        child: as_figures(by_township[child], figures.CHILD_METRICS) for child in children
    }


def _summary(pair) -> dict:
    county, children = pair
    return {
        "county": county.as_dict(),
        "children": {
            code: [child.households, child.people, child.poor_covered, child.villages]
            for code, child in children.items()
        },
    }


def measure(runs: int) -> None:
    from django.db import connection

    from shuanglian.dashboard import rollups

    county = largest_county()
    same = _summary(from_rollups(county)) == _summary(from_base_tables(county))
    timings: dict[str, list[float]] = {"ours": [], "reference": []}
    sides = (("ours", from_rollups), ("reference", from_base_tables))
    for run in range(runs):
        for side, compute in sides if run % 2 == 0 else reversed(sides):
            started = time.perf_counter()
            compute(county)
            timings[side].append((time.perf_counter() - started) * 1000)
    maintained = _snapshot()
    started = time.perf_counter()
    rollups.rebuild()
    rebuild_seconds = time.perf_counter() - started
    rebuilt = _snapshot()
    differing = len(maintained[0] ^ rebuilt[0]) + len(maintained[1] ^ rebuilt[1])
    connection.close()
    _emit(
        {
            "county": county,
            "same_figures": same,
            "ours_p95_ms": _percentile(timings["ours"], 0.95),
            "reference_p95_ms": _percentile(timings["reference"], 0.95),
            "ours_median_ms": statistics.median(timings["ours"]),
            "reference_median_ms": statistics.median(timings["reference"]),
            "runs": runs,
            "rebuild_seconds": rebuild_seconds,
            "rollup_rows": len(rebuilt[0]) + len(rebuilt[1]),
            "rebuild_equal": differing == 0,
            "rows_differing": differing,
        }
    )


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuanglian.settings")
    import django

    django.setup()
    mode = argv[0]
    if mode == "baseline":
        baseline()
    elif mode == "measure":
        measure(int(argv[1]) if len(argv) > 1 else 20)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
