"""The bench end to end on tiny files: child processes, real databases, the results file."""

import json
import os
import shutil

import pytest
from django.core.management import CommandError, call_command

from shuanglian.bench import runner

REQUIRED_KEYS = {"name", "ours", "reference", "unit", "ratio", "target", "ok"}
# One database per test process: two suites running at once (SQLite and PostgreSQL side by
# side) would otherwise both drop and create the same one.
PG_URL = f"postgres://postgres@127.0.0.1:5432/shuanglian_benchtest_{os.getpid()}"


def postgres_available() -> bool:
    if not shutil.which("psql"):
        return False
    try:
        import psycopg

        psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=2).close()
    except Exception:
        return False
    return True


def by_name(results):
    return {entry["name"]: entry for entry in results}


def test_tiny_sqlite_run_writes_every_benchmark_oriented_higher_is_better(tmp_path, capsys):
    out = tmp_path / "results.json"
    call_command(
        "bench", households=200, runs=1, database="sqlite", out=out, data_dir=tmp_path / "data"
    )
    results = json.loads(out.read_text(encoding="utf-8"))
    assert all(set(entry) >= REQUIRED_KEYS for entry in results)
    entries = by_name(results)
    assert set(entries) == {
        "import_csv_sqlite", "import_xlsx", "pinyin_search", "export_xlsx", "list_page",
        "dashboard",
    }  # fmt: skip
    csv_import = entries["import_csv_sqlite"]
    assert (csv_import["unit"], csv_import["target"], csv_import["database"]) == (
        "rows/s", 0.3, "sqlite"
    )  # fmt: skip
    # Rates: ours / reference. Latencies: reference / ours. Either way higher is better.
    assert csv_import["ratio"] == pytest.approx(
        csv_import["ours"] / csv_import["reference"], rel=0.01, abs=1e-3
    )
    assert csv_import["ok"] == (csv_import["ratio"] >= 0.3)
    assert csv_import["rejected"] == 0
    assert csv_import["peak_rss_mb"] > 0
    xlsx = entries["import_xlsx"]
    assert xlsx["reference"] == csv_import["ours"]
    assert xlsx["ratio"] == pytest.approx(xlsx["ours"] / xlsx["reference"], rel=0.01, abs=1e-3)
    assert xlsx["rejected"] == 0
    search = entries["pinyin_search"]
    assert search["unit"] == "ms (p95)"
    expected = search["reference"] / search["ours"]
    assert search["ratio"] == pytest.approx(expected, rel=0.02, abs=1e-3)
    assert search["ok"] == (search["ratio"] >= 10 and search["ours"] <= 50)
    dashboard = entries["dashboard"]
    assert (dashboard["unit"], dashboard["target"]) == ("ms (p95)", 100)
    assert dashboard["ratio"] == pytest.approx(
        dashboard["reference"] / dashboard["ours"], rel=0.02, abs=1e-3
    )
    assert dashboard["same_figures"] is dashboard["rebuild_equal"] is True
    assert dashboard["county"].startswith("62")
    for name in ("export_xlsx", "list_page"):
        assert entries[name]["status"] == "not built yet"
        assert entries[name]["ours"] is entries[name]["ratio"] is entries[name]["ok"] is None
    printed = capsys.readouterr().out
    assert "| import_csv_sqlite | sqlite |" in printed
    assert "not built yet" in printed
    # The synthetic files are kept for the next run of the same size and seed.
    assert (tmp_path / "data" / "62-200-20120101" / "households.csv").exists()


def test_unknown_benchmark_is_refused(tmp_path):
    with pytest.raises(CommandError, match="import_csv_postgres"):
        call_command(
            "bench", households=10, database="sqlite", only=["import_csv_postgres"],
            out=tmp_path / "r.json",
        )  # fmt: skip


@pytest.mark.skipif(not postgres_available(), reason="no PostgreSQL server with psql here")
def test_tiny_postgres_run_against_psql_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_DATABASE_URL", PG_URL)
    out = tmp_path / "results.json"
    try:
        call_command(
            "bench", households=100, runs=1, database="postgres", only=["import_csv_postgres"],
            out=out, data_dir=tmp_path / "data",
        )  # fmt: skip
    finally:
        import psycopg

        with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_URL.rsplit("/", 1)[1]}"')
    [entry] = json.loads(out.read_text(encoding="utf-8"))
    assert (entry["name"], entry["database"], entry["rejected"]) == (
        "import_csv_postgres", "postgres", 0
    )  # fmt: skip
    assert entry["ratio"] == pytest.approx(entry["ours"] / entry["reference"], rel=0.01, abs=1e-3)


def test_table_shows_missing_values_and_status():
    text = runner.table(runner.not_built_entries())
    assert "| export_xlsx | — | — | — | rows/s | — | 0.8 | not built yet | — |" in text
