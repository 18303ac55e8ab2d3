"""`shuanglian bench --households N --database sqlite|postgres|both [--runs 3] [--only NAME]`:
the benchmark suite of issue 7, each benchmark side by side with its reference, alternating;
writes var/bench/results.json and prints the same table.

PostgreSQL comes from $BENCH_DATABASE_URL (default the local server, database
shuanglian_bench); that database and its clones (_csv, _xlsx, _reference) are dropped and
created by the bench. SQLite databases are temporary files.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shuanglian.bench import worker
from shuanglian.bench.runner import (
    DASHBOARD,
    DEFAULT_POSTGRES_URL,
    IMPORT_CSV,
    IMPORT_XLSX,
    PINYIN_SEARCH,
    BenchError,
    run_bench,
    table,
)
from shuanglian.imports.synth import DEFAULT_SEED

WORKER_MODES = ("setup", "import", "search")


class Command(BaseCommand):
    help = "Run the benchmarks against their references (see docs/benchmarks.md)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=1_000_000)
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
        parser.add_argument("--runs", type=int, default=3, help="rounds; the median is kept")
        parser.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
        parser.add_argument("--province", default="62")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--out", type=Path, default=None, help="results file (default var/bench/results.json)"
        )
        parser.add_argument(
            "--data-dir", type=Path, default=None, help="synthetic files (default var/bench/data)"
        )
        # What the benchmark's child processes run; not for people.
        parser.add_argument("--worker", choices=WORKER_MODES, help="(internal)")
        parser.add_argument("files", nargs="*", type=Path, help="(internal)")
        parser.add_argument("--queries", type=int, default=20, help="(internal)")

    def handle(self, *args, **options):
        if options["worker"]:
            return self._worker(options)
        households, runs = options["households"], options["runs"]
        if households < 1 or runs < 1:
            raise CommandError("--households and --runs must be at least 1")
        databases = ["sqlite", "postgres"] if options["database"] == "both" else [
            options["database"]
        ]  # fmt: skip
        only = set(options["only"]) if options["only"] else None
        known = {IMPORT_CSV[database] for database in databases} | {
            IMPORT_XLSX,
            PINYIN_SEARCH,
            DASHBOARD,
        }
        if only and not only <= known:
            raise CommandError(
                f"Unknown benchmark(s) {', '.join(sorted(only - known))}; "
                f"choose from {', '.join(sorted(known))}"
            )
        bench_dir = Path(settings.VAR_DIR) / "bench"
        out = options["out"] or bench_dir / "results.json"
        try:
            results = run_bench(
                households=households,
                databases=databases,
                runs=runs,
                only=only,
                out=out,
                data_dir=options["data_dir"] or bench_dir / "data",
                postgres_url=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_POSTGRES_URL,
                province=options["province"],
                seed=options["seed"],
                log=lambda line: self.stdout.write(line),
            )
        except BenchError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        self.stdout.write(table(results))
        self.stdout.write(f"\nWrote {out}")

    def _worker(self, options) -> None:
        mode = options["worker"]
        if mode == "setup":
            worker.setup(options["province"])
        elif mode == "import":
            worker.run_import(options["files"])
        else:
            worker.run_search(options["queries"], options["seed"])
