"""Running the benchmarks: synthetic files, fresh databases, ours and the reference alternating.

Every measured import runs in a child process (`shuanglian bench --worker ...`) whose
DATABASE_URL points at a database cloned from a prepared template (migrated, regions loaded, an
admin account): runs start equal, and a child's peak RSS is the import's own. The references run
the same files: `psql \\copy` into a bare unindexed table (PostgreSQL), a bare executemany into
an unindexed table (SQLite).
"""

import csv
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from shuanglian.imports.layouts import HEADERS
from shuanglian.imports.synth import DEFAULT_SEED, write_synth

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shuanglian_bench"
IMPORT_CSV = {"sqlite": "import_csv_sqlite", "postgres": "import_csv_postgres"}
IMPORT_XLSX = "import_xlsx"
PINYIN_SEARCH = "pinyin_search"
DASHBOARD = "dashboard"
# Targets: ratio oriented so that higher is better.
TARGETS = {
    "import_csv_postgres": 0.4,
    "import_csv_sqlite": 0.3,
    IMPORT_XLSX: 0.5,
    PINYIN_SEARCH: 10.0,
    DASHBOARD: 100.0,
}
DASHBOARD_RUNS = 20
SEARCH_MAX_P95_MS = 50.0
SEARCH_QUERIES = 20
# Benchmarks of issue 7 whose features do not exist yet: listed, never faked.
NOT_BUILT = (
    ("export_xlsx", "rows/s", 0.8),
    ("list_page", "ms (p95)", 10.0),
)
REFERENCE_COLUMNS = ", ".join(f"c{position} text" for position in range(len(HEADERS)))


class BenchError(RuntimeError):
    pass


def child(mode: str, database_url: str, *args: str) -> dict:
    """Run `shuanglian bench --worker MODE ...` on `database_url`; its last line is JSON."""
    env = {**os.environ, "DATABASE_URL": database_url, "DB_CONN_MAX_AGE": "0"}
    command = [sys.executable, "-m", "shuanglian.manage", "bench", "--worker", mode, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def dashboard_child(mode: str, database_url: str, *args: str) -> dict:
    """Run `python -m shuanglian.dashboard.bench MODE ...` on `database_url` (its last line is
    JSON): the dashboard app's own child, so the bench command needs no new worker mode."""
    env = {**os.environ, "DATABASE_URL": database_url, "DB_CONN_MAX_AGE": "0"}
    command = [sys.executable, "-m", "shuanglian.dashboard.bench", mode, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class SqliteTarget:
    """Databases are files in a temporary directory; a fresh one is a copy of the template."""

    vendor = "sqlite"

    def __init__(self, work: Path) -> None:
        self.work = work
        self.template = work / "template.sqlite3"
        self.reference_cpu: list[float] = []

    @staticmethod
    def url(path: Path) -> str:
        return f"sqlite:///{path}"

    def prepare(self, province: str) -> float:
        self._remove(self.template)
        return child("setup", self.url(self.template), "--province", province)["seconds"]

    @property
    def template_url(self) -> str:
        return self.url(self.template)

    def existing(self, name: str) -> str:
        return self.url(self.work / f"{name}.sqlite3")

    def fresh(self, name: str) -> str:
        path = self.work / f"{name}.sqlite3"
        self._remove(path)
        shutil.copyfile(self.template, path)
        return self.url(path)

    @staticmethod
    def _remove(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def reference_load(self, csv_path: Path) -> float:
        """A bare executemany of the file's rows into an unindexed table, one transaction, the
        project's pragmas."""
        path = self.work / "reference.sqlite3"
        self._remove(path)
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"CREATE TABLE reference_rows ({REFERENCE_COLUMNS})")
        marks = ", ".join("?" * len(HEADERS))
        cpu_started = time.process_time()
        started = time.perf_counter()
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO reference_rows VALUES ({marks})", rows)
            connection.execute("COMMIT")
        seconds = time.perf_counter() - started
        self.reference_cpu.append(time.process_time() - cpu_started)
        connection.close()
        return seconds

    def cleanup(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


class PostgresTarget:
    """The URL's database is the template; runs clone it (CREATE DATABASE ... TEMPLATE)."""

    vendor = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        self.name = parts.path.lstrip("/") or "shuanglian_bench"
        self._parts = parts

    def url_of(self, name: str) -> str:
        return urlunsplit(self._parts._replace(path=f"/{name}"))

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url_of("postgres"), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def _recreate(self, name: str, template: str | None = None) -> None:
        clone = f" TEMPLATE {template}" if template else ""
        self._admin(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{clone}'
        )

    def prepare(self, province: str) -> float:
        self._recreate(self.name)
        return child("setup", self.url, "--province", province)["seconds"]

    @property
    def template_url(self) -> str:
        return self.url

    def existing(self, name: str) -> str:
        return self.url_of(f"{self.name}_{name}")

    def fresh(self, name: str) -> str:
        full = f"{self.name}_{name}"
        self._recreate(full, template=f'"{self.name}"')
        return self.url_of(full)

    def reference_load(self, csv_path: Path) -> float:
        """`psql \\copy` of the file into a bare unindexed table, psql's start included."""
        import psycopg

        url = self.url_of(f"{self.name}_reference")
        self._recreate(f"{self.name}_reference")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"CREATE TABLE reference_rows ({REFERENCE_COLUMNS})")
        quoted = str(csv_path).replace("'", "''")
        command = [
            "psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
            f"\\copy reference_rows FROM '{quoted}' WITH (FORMAT csv, HEADER true)",
        ]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise BenchError(f"psql \\copy failed: {done.stderr[-2000:]}")
        return seconds

    def cleanup(self) -> None:
        names = [f"{self.name}_{suffix}" for suffix in ("csv", "xlsx", "reference")]
        self._admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


@dataclass
class Measured:
    ours: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def synth_files(
    data_dir: Path, households: int, seed: int, province: str, log: Callable[[str], None]
):
    """The benchmark's files, written once per size and seed and reused by later runs."""
    out = data_dir / f"{province}-{households}-{seed}"
    manifest = out / "manifest.json"
    if manifest.exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if known.get("csv") and known.get("xlsx") and known["households"] == households:
            log(f"Reusing synthetic files in {out}")
            return out / known["csv"], [out / name for name in known["xlsx"]], known["members"]
    log(f"Writing {households:,} synthetic households to {out} (csv and xlsx)")
    started = time.monotonic()

    def progress(done: int, members: int) -> None:
        log(f"  {done:,} households, {members:,} members, {time.monotonic() - started:.0f} s")

    result = write_synth(
        households=households,
        out=out,
        province=province,
        seed=seed,
        formats=("csv", "xlsx"),
        incomes=False,
        progress=progress,
        every=max(10_000, households // 10),
    )
    return result.csv, result.xlsx, result.members


def significant(value: float) -> float:
    """Four significant digits: a ratio of 0.0094 keeps its digits, 12.345 loses noise."""
    return float(f"{value:.4g}")


def _entry(name, ours, reference, unit, ratio, target, ok, **extra) -> dict:
    return {
        "name": name,
        "ours": ours,
        "reference": reference,
        "unit": unit,
        "ratio": ratio,
        "target": target,
        "ok": ok,
        **extra,
    }


def run_database(
    target, *, csv_path: Path, xlsx_paths: list[Path], rows: int, households: int, runs: int,
    only: set[str] | None, province: str, seed: int, log: Callable[[str], None],
) -> list[dict]:  # fmt: skip
    """The benchmarks of one database: rounds of (ours CSV, reference, ours xlsx), the order
    reversed every other round, then the search over the last imported database."""
    vendor = target.vendor
    csv_name = IMPORT_CSV[vendor]
    wanted = {csv_name, IMPORT_XLSX, PINYIN_SEARCH, DASHBOARD} if only is None else only
    log(f"[{vendor}] preparing the template database (migrate, regions, account)")
    log(f"[{vendor}] template ready in {target.prepare(province):.1f} s")
    if DASHBOARD in wanted:
        # As a deployment after load_regions: the rollups start from a rebuild; the imports
        # then keep them up to date.
        seconds = dashboard_child("baseline", target.template_url)["seconds"]
        log(f"[{vendor}] rollups of the template rebuilt in {seconds:.1f} s")
    # The xlsx benchmark compares with the CSV import; the search and the dashboard need
    # imported rows.
    need_csv = bool(wanted & {csv_name, IMPORT_XLSX, PINYIN_SEARCH, DASHBOARD})
    need_reference = csv_name in wanted
    need_xlsx = IMPORT_XLSX in wanted
    csv_import, xlsx_import = Measured(), Measured()
    reference_seconds: list[float] = []
    csv_files = [str(csv_path)]
    xlsx_files = [str(path) for path in xlsx_paths]
    # Only the search needs no timed rounds: one untimed import gives it its rows.
    rounds = runs if wanted & {csv_name, IMPORT_XLSX} else 1

    def ours_csv():
        result = child("import", target.fresh("csv"), *csv_files)
        csv_import.ours.append(result["seconds"])
        csv_import.extra.setdefault("cpu", []).append(result["cpu_seconds"])
        csv_import.extra.setdefault("peak_rss_mb", []).append(result["peak_rss_mb"])
        csv_import.extra.setdefault("rejected", []).append(result["rejected"])
        log(f"  ours csv: {rows / result['seconds']:,.0f} rows/s, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB, rejected {result['rejected']}")  # fmt: skip

    def reference():
        seconds = target.reference_load(csv_path)
        reference_seconds.append(seconds)
        log(f"  reference: {rows / seconds:,.0f} rows/s")

    def ours_xlsx():
        result = child("import", target.fresh("xlsx"), *xlsx_files)
        xlsx_import.ours.append(result["seconds"])
        xlsx_import.extra.setdefault("cpu", []).append(result["cpu_seconds"])
        xlsx_import.extra.setdefault("peak_rss_mb", []).append(result["peak_rss_mb"])
        xlsx_import.extra.setdefault("rejected", []).append(result["rejected"])
        log(f"  ours xlsx: {rows / result['seconds']:,.0f} rows/s, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB")  # fmt: skip

    # Each side imports into its own database, so the search finds the CSV one whatever the
    # order; the order flips every round so that neither side always runs on a warm cache.
    steps = [
        step
        for step, needed in (
            (ours_csv, need_csv),
            (reference, need_reference),
            (ours_xlsx, need_xlsx),
        )
        if needed
    ]
    for round_number in range(rounds):
        log(f"[{vendor}] round {round_number + 1} of {rounds}")
        for step in steps if round_number % 2 == 0 else reversed(steps):
            step()

    results = []
    if csv_import.ours and (need_reference or need_xlsx):
        rate = rows / statistics.median(csv_import.ours)
    if need_reference:
        reference_rate = rows / statistics.median(reference_seconds)
        ratio = rate / reference_rate
        results.append(_entry(
            csv_name, round(rate), round(reference_rate), "rows/s", significant(ratio),
            TARGETS[csv_name], ratio >= TARGETS[csv_name],
            peak_rss_mb=round(max(csv_import.extra["peak_rss_mb"]), 1),
            rejected=max(csv_import.extra["rejected"]),
            ours_cpu_seconds=round(statistics.median(csv_import.extra["cpu"]), 2),
            ours_seconds=round(statistics.median(csv_import.ours), 2),
            reference_seconds=round(statistics.median(reference_seconds), 2),
        ))  # fmt: skip
        if vendor == "sqlite":
            # Everything runs in one process on SQLite: CPU time shows the ratio an idle machine
            # would see, when others share the cores.
            cpu_ratio = statistics.median(target.reference_cpu) / results[-1]["ours_cpu_seconds"]
            results[-1].update(
                reference_cpu_seconds=round(statistics.median(target.reference_cpu), 2),
                ratio_cpu=significant(cpu_ratio),
            )
    if need_xlsx:
        xlsx_rate = rows / statistics.median(xlsx_import.ours)
        ratio = xlsx_rate / rate
        results.append(_entry(
            IMPORT_XLSX, round(xlsx_rate), round(rate), "rows/s", significant(ratio),
            TARGETS[IMPORT_XLSX], ratio >= TARGETS[IMPORT_XLSX],
            reference_is="the CSV import of the same rows, same run",
            peak_rss_mb=round(max(xlsx_import.extra["peak_rss_mb"]), 1),
            rejected=max(xlsx_import.extra["rejected"]), files=len(xlsx_files),
            ours_seconds=round(statistics.median(xlsx_import.ours), 2),
            ours_cpu_seconds=round(statistics.median(xlsx_import.extra["cpu"]), 2),
        ))  # fmt: skip
    if PINYIN_SEARCH in wanted:
        log(f"[{vendor}] pinyin search: {runs} run(s) of {SEARCH_QUERIES} queries each side")
        samples = [
            child("search", target.existing("csv"), "--queries", str(SEARCH_QUERIES),
                  "--seed", str(seed + run))
            for run in range(runs)
        ]  # fmt: skip
        ours_ms = statistics.median(sample["ours_p95_ms"] for sample in samples)
        reference_ms = statistics.median(sample["reference_p95_ms"] for sample in samples)
        ratio = reference_ms / ours_ms
        log(f"  search p95: ours {ours_ms:.1f} ms, LIKE scan {reference_ms:.1f} ms")
        results.append(_entry(
            PINYIN_SEARCH, round(ours_ms, 2), round(reference_ms, 2), "ms (p95)",
            significant(ratio),
            TARGETS[PINYIN_SEARCH],
            ratio >= TARGETS[PINYIN_SEARCH] and ours_ms <= SEARCH_MAX_P95_MS,
            max_p95_ms=SEARCH_MAX_P95_MS, queries_per_run=SEARCH_QUERIES,
        ))  # fmt: skip
    if DASHBOARD in wanted:
        results.append(dashboard_entry(target, log))
    for entry in results:
        entry.update(database=vendor, households=households, rows=rows, runs=rounds)
    return results


def dashboard_entry(target, log: Callable[[str], None]) -> dict:
    """The largest county's dashboard from the rollups against GROUP BY over the base tables,
    on the database the CSV import filled, and whether a rebuild equals the maintained rows."""
    log(f"[{target.vendor}] dashboard: {DASHBOARD_RUNS} runs each side, then a full rebuild")
    result = dashboard_child("measure", target.existing("csv"), str(DASHBOARD_RUNS))
    ours_ms, reference_ms = result["ours_p95_ms"], result["reference_p95_ms"]
    ratio = reference_ms / ours_ms
    log(
        f"  dashboard p95: rollups {ours_ms:.2f} ms, GROUP BY {reference_ms:.1f} ms; rebuild "
        f"{result['rebuild_seconds']:.1f} s, equal to the rows kept on write: "
        f"{result['rebuild_equal']}"
    )
    return _entry(
        DASHBOARD, round(ours_ms, 3), round(reference_ms, 2), "ms (p95)", significant(ratio),
        TARGETS[DASHBOARD],
        ratio >= TARGETS[DASHBOARD] and result["rebuild_equal"] and result["same_figures"],
        reference_is="the same county figures by GROUP BY over the base tables, same run",
        county=result["county"], same_figures=result["same_figures"],
        rebuild_equal=result["rebuild_equal"], rows_differing=result["rows_differing"],
        rebuild_seconds=round(result["rebuild_seconds"], 2), rollup_rows=result["rollup_rows"],
        queries_per_run=DASHBOARD_RUNS, ours_median_ms=round(result["ours_median_ms"], 3),
        reference_median_ms=round(result["reference_median_ms"], 2),
    )  # fmt: skip


def not_built_entries() -> list[dict]:
    return [
        _entry(name, None, None, unit, None, target, None, status="not built yet")
        for name, unit, target in NOT_BUILT
    ]


def machine() -> str:
    cores = os.cpu_count()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return f"{platform.system()} {platform.release()}, {cores} cores ({model})"


def run_bench(
    *,
    households: int,
    databases: list[str],
    runs: int = 3,
    only: set[str] | None = None,
    out: Path,
    data_dir: Path,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    province: str = "62",
    seed: int = DEFAULT_SEED,
    log: Callable[[str], None] = print,
) -> list[dict]:
    csv_path, xlsx_paths, rows = synth_files(data_dir, households, seed, province, log)
    results: list[dict] = []
    for database in databases:
        if database == "postgres":
            target = PostgresTarget(postgres_url)
        else:
            target = SqliteTarget(Path(tempfile.mkdtemp(prefix="shuanglian-bench-")))
        try:
            results += run_database(
                target, csv_path=csv_path, xlsx_paths=xlsx_paths, rows=rows,
                households=households, runs=runs, only=only, province=province, seed=seed,
                log=log,
            )  # fmt: skip
        finally:
            target.cleanup()
    if only is None:
        results += not_built_entries()
    stamp = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        # Load at the end of the run: above the core count, the wall times include waiting.
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
    for entry in results:
        entry.update(stamp)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return results


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.3g}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(results: list[dict]) -> str:
    """The results as a Markdown table (the same one docs/benchmarks.md shows)."""
    columns = ("name", "database", "ours", "reference", "unit", "ratio", "target", "ok",
               "peak_rss_mb")  # fmt: skip
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for entry in results:
        cells = [_shown(entry.get(column)) for column in columns]
        if entry.get("status"):
            cells[columns.index("ok")] = entry["status"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
