"""What a benchmark child process does, inside Django, on the database of its DATABASE_URL.

Each step prints one JSON object as the last line of its output; the runner reads it. Running
the measured import in its own process gives it a clean peak RSS and no warm caches from the run
before.
"""

import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

BENCH_USERNAME = "bench"


def _emit(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(province: str) -> None:
    """A database ready for imports: migrated, the province's regions loaded, an admin account."""
    from django.core.management import call_command
    from django.db import connection

    from shuanglian.accounts.models import User
    from shuanglian.regions.loading import SHIPPED_FILE, read_shipped
    from shuanglian.regions.services import region_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    region_load(actor=None, rows=read_shipped(SHIPPED_FILE, province), source="bench")
    User.objects.create_user(
        username=BENCH_USERNAME,
        password=None,
        role="admin",
        is_superuser=True,
        is_staff=True,
    )
    connection.close()
    _emit({"seconds": time.perf_counter() - started})


def run_import(files: list[Path]) -> None:
    """household_import of each file in turn (an .xlsx too large for one sheet comes in parts)."""
    from django.db import connection

    from shuanglian.accounts.models import User
    from shuanglian.imports.services import household_import

    actor = User.objects.get(username=BENCH_USERNAME)
    totals = {"rows": 0, "created": 0, "rejected": 0, "households": 0}
    cpu_started = time.process_time()
    started = time.perf_counter()
    for path in files:
        result = household_import(actor=actor, path=path)
        job = result.job
        totals["rows"] += job.rows_read
        totals["created"] += job.created
        totals["rejected"] += job.rejected
        totals["households"] += job.households_created
    seconds = time.perf_counter() - started
    # This process's CPU only: on SQLite that is all the work, on PostgreSQL the server's share
    # is elsewhere. On a shared machine it shows how much of the wall time was waiting.
    cpu_seconds = time.process_time() - cpu_started
    connection.close()
    _emit({"seconds": seconds, "cpu_seconds": cpu_seconds, **totals, "peak_rss_mb": peak_rss_mb()})


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_search(queries: int, seed: int) -> None:
    """Initials search over the head names through the households list selector, against a
    LIKE scan of the same keys; the two alternate query by query."""
    from django.conf import settings
    from django.db import connection

    from shuanglian.accounts.models import User
    from shuanglian.core.chinese import pinyin_keys
    from shuanglian.households.models import Household, HouseholdSearchKey
    from shuanglian.households.selectors import household_list, visible_households

    actor = User.objects.get(username=BENCH_USERNAME)
    rng = random.Random(seed)
    bounds = Household.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    words = []
    while len(words) < queries:
        name = (
            Household.objects.filter(pk__gte=rng.randint(first, last))
            .order_by("pk")
            .values_list("head_name", flat=True)
            .first()
        )
        # The initials: the shortest ASCII key (李爱仙 → lax).
        initials = min((key for key in pinyin_keys(name) if key.isascii()), key=len)
        words.append(initials)

    def ours(word: str) -> list:
        return [household.pk for household in household_list(user=actor, q=word).items]

    def reference(word: str) -> list:
        # What a list without search keys does: a substring scan. Same page as ours: the same
        # size, ordered by id, whole households with their village.
        return list(
            visible_households(actor)
            .select_related("village")
            .filter(
                pk__in=HouseholdSearchKey.objects.filter(key__contains=word).values("household_id")
            )
            .order_by("pk")[: settings.PAGE_SIZE + 1]
        )

    timings = {"ours": [], "reference": []}
    ours(words[0])  # warm the connection and the query compiler of both sides
    reference(words[0])
    for position, word in enumerate(words):
        order = (("ours", ours), ("reference", reference))
        for side, query in order if position % 2 == 0 else reversed(order):
            started = time.perf_counter()
            query(word)
            timings[side].append((time.perf_counter() - started) * 1000)
    connection.close()
    _emit(
        {
            "ours_p95_ms": _percentile(timings["ours"], 0.95),
            "reference_p95_ms": _percentile(timings["reference"], 0.95),
            "ours_median_ms": statistics.median(timings["ours"]),
            "reference_median_ms": statistics.median(timings["reference"]),
            "queries": len(words),
        }
    )
