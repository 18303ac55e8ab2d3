"""The dashboard benchmark end to end on a tiny file: child processes, a real database.

(The SQLite run of the whole suite, dashboard included, is bench/tests/test_bench.py.)
"""

import json
import os

import pytest

from shuanglian.bench import runner
from shuanglian.bench.tests.test_bench import postgres_available

PG_URL = f"postgres://postgres@127.0.0.1:5432/shuanglian_dashbench_{os.getpid()}"


@pytest.mark.skipif(not postgres_available(), reason="no PostgreSQL server with psql here")
def test_tiny_postgres_dashboard_run(tmp_path):
    out = tmp_path / "results.json"
    try:
        runner.run_bench(
            households=150, databases=["postgres"], runs=1, only={runner.DASHBOARD}, out=out,
            data_dir=tmp_path / "data", postgres_url=PG_URL, log=lambda line: None,
        )  # fmt: skip
    finally:
        import psycopg

        with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_URL.rsplit("/", 1)[1]}" WITH (FORCE)')
    [entry] = json.loads(out.read_text(encoding="utf-8"))
    assert (entry["name"], entry["database"], entry["unit"]) == (
        "dashboard",
        "postgres",
        "ms (p95)",
    )
    assert entry["ratio"] == pytest.approx(entry["reference"] / entry["ours"], rel=0.02, abs=1e-3)
    # The figures agree both ways, and the rows kept on write equal a rebuild.
    assert entry["same_figures"] is entry["rebuild_equal"] is True
    assert entry["rows_differing"] == 0
    assert entry["ok"] == (entry["ratio"] >= 100)
