"""An import killed with SIGKILL at random points and started again ends with exactly the rows
of the file: the same households, members and search keys as one clean run, none twice.

The CLI runs in a subprocess, so it needs a database of its own that the subprocess can open: a
file-based SQLite database, or a temporary PostgreSQL database next to the test database.
"""

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from shuanglian.imports.tests.files import generated_rows, write_csv

# Chunks of 1,000 rows: each killed run commits at most two, so three kills leave work to resume.
ROWS = 8000
KILLS = 3
VENV_BIN = Path(sys.executable).parent
SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from shuanglian.conftest import load_test_regions
load_test_regions()
from shuanglian.accounts.models import User
User.objects.create_user(username="loader", password="Test@12345", role="admin",
                         is_superuser=True, is_staff=True)
"""
DUMP = {
    "households": "SELECT number, village_id, head_name, address, category, poverty_cause_main, "
    "poverty_cause_secondary, member_count, phone_index, phone_masked FROM households_household",
    "members": "SELECT h.number, m.name, m.relation, m.sex, m.birth_date, m.ethnicity, "
    "m.education, m.health, m.is_active, m.id_number_index, m.id_number_masked "
    "FROM households_member m JOIN households_household h ON h.id = m.household_id",
    "keys": "SELECT h.number, k.key FROM households_householdsearchkey k "
    "JOIN households_household h ON h.id = k.household_id",
    "audit": "SELECT changes FROM core_auditevent WHERE action = 'import' "
    "AND object_type = 'imports.ImportJob'",
    "jobs": "SELECT id, status, checkpoint_row, resumed_from, created, rejected FROM "
    "imports_importjob",
}

pytestmark = pytest.mark.skipif(
    os.environ.get("SHUANGLIAN_SKIP_KILL_TEST") == "1", reason="kill-and-resume test switched off"
)


class Databases:
    """Two empty migrated databases for the subprocesses (killed runs, one clean run)."""

    def __init__(self, tmp_path: Path):
        self.default = settings.DATABASES["default"]
        self.postgres = self.default["ENGINE"].endswith("postgresql")
        self.tmp_path = tmp_path
        base = f"{self.default['NAME']}_resume_{os.getpid()}"
        self.names = [f"{base}_killed", f"{base}_clean"] if self.postgres else [
            str(tmp_path / "killed.sqlite3"), str(tmp_path / "clean.sqlite3")
        ]  # fmt: skip

    def url(self, name: str) -> str:
        if not self.postgres:
            return f"sqlite:///{name}"
        d = self.default
        auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
        return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{name}"

    def env(self, name: str) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.url(name),
            "DJANGO_SETTINGS_MODULE": "shuanglian.settings",
            "SHUANGLIAN_FIELD_KEY": settings.FIELD_KEY,
            "SECRET_KEY": settings.SECRET_KEY,
            "SHUANGLIAN_VAR_DIR": str(self.tmp_path / "var"),
            "PYTHONUNBUFFERED": "1",
        }

    def _admin(self, sql: str) -> None:
        import psycopg

        d = self.default
        with psycopg.connect(
            host=d["HOST"] or "127.0.0.1", port=d["PORT"] or 5432, user=d["USER"],
            password=d.get("PASSWORD") or None, dbname="postgres", autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(sql)

    def create(self) -> None:
        first, second = self.names
        if self.postgres:
            self.drop()
            self._admin(f'CREATE DATABASE "{first}"')
        run = subprocess.run(
            [sys.executable, "-c", SETUP], env=self.env(first), capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        # Migrating once and copying is twice as fast as migrating twice.
        if self.postgres:
            self._admin(f'CREATE DATABASE "{second}" TEMPLATE "{first}"')
        else:
            shutil.copy(first, second)

    def drop(self) -> None:
        if self.postgres:
            for name in self.names:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def dump(self, name: str) -> dict:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url(name)) as conn:
                return {key: sorted(map(_plain, conn.execute(sql))) for key, sql in DUMP.items()}
        with sqlite3.connect(name) as conn:
            return {key: sorted(map(_plain, conn.execute(sql))) for key, sql in DUMP.items()}


def _plain(row) -> tuple:
    return tuple(
        json.dumps(value, sort_keys=True) if isinstance(value, dict) else str(value)
        for value in row
    )


@pytest.fixture
def databases(tmp_path):
    dbs = Databases(tmp_path)
    dbs.create()
    yield dbs
    dbs.drop()


def _command(path: Path) -> list[str]:
    return [str(VENV_BIN / "shuanglian"), "import", str(path), "--user", "loader"]


def _run_and_kill(command, env, rnd: random.Random) -> bool:
    """Start the import, wait for its first progress line (a committed chunk), then SIGKILL
    it at a random moment within the next chunks. True when it was still running."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if "written" in line:
            break
    time.sleep(rnd.uniform(0, 0.3))
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    return alive


def test_import_killed_at_random_points_resumes_to_the_same_rows(databases, tmp_path):
    seed = int(os.environ.get("SHUANGLIAN_KILL_SEED", random.randrange(1 << 30)))
    rnd = random.Random(seed)
    path = write_csv(tmp_path / "registry.csv", generated_rows(ROWS, seed=3))
    killed_db, clean_db = databases.names
    env = databases.env(killed_db)

    kills = 0
    for _attempt in range(KILLS * 3):
        kills += _run_and_kill(_command(path), env, rnd)
        if kills >= KILLS:
            break
    assert kills >= KILLS, f"the import finished before it could be killed {KILLS} times"
    final = subprocess.run(_command(path), env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert "resumed from row" in final.stdout, (seed, final.stdout)

    clean = subprocess.run(
        _command(path), env=databases.env(clean_db), capture_output=True, text=True
    )
    assert clean.returncode == 0, clean.stderr
    assert "resumed from row" not in clean.stdout

    resumed, reference = databases.dump(killed_db), databases.dump(clean_db)
    assert len(reference["members"]) == ROWS
    for table in ("households", "members", "keys"):
        assert resumed[table] == reference[table], (seed, table)
    # One audit event for the whole import, written on finish, counting the resumed part too.
    assert len(resumed["jobs"]) == 1, (seed, resumed["jobs"])
    [event] = resumed["audit"]
    assert json.loads(event[0])["created"] == ROWS, seed
