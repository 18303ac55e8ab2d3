import json

import pytest
from django.core.management import call_command
from django.test import override_settings

from shuanglian.households.models import Household
from shuanglian.imports import tasks
from shuanglian.imports.models import ImportJob, ImportKind, ImportMode, ImportStatus
from shuanglian.imports.tests.files import person, two_households, write_csv, write_xlsx


@pytest.fixture
def files(tmp_path):
    with override_settings(IMPORT_DIR=tmp_path / "imports"):
        yield tmp_path


def start(actor, path, mode=ImportMode.VALID):
    stored = tasks.new_upload_path(path.name)
    stored.write_bytes(path.read_bytes())
    return tasks.import_start(
        actor=actor, path=stored, file_name=path.name, kind=ImportKind.HOUSEHOLDS, mode=mode
    )


# Transactional: the worker closes a connection that is inside a transaction, as a test's is.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_import(town_officer, files):
    """Queued on django-tasks-db, run by `db_worker --batch` as `shuanglian serve` runs it."""
    job = start(town_officer, write_csv(files / "a.csv", two_households()))
    assert job.status == ImportStatus.RUNNING
    assert not tasks.read_progress(job).running
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.DONE, 3)
    assert Household.objects.count() == 2
    progress = tasks.read_progress(job)
    assert (progress.rows_read, progress.rows_written, progress.running) == (3, 3, False)


def test_progress_is_written_after_each_chunk_with_rate_and_eta(town_officer, files,
                                                              monkeypatch):  # fmt: skip
    from shuanglian.imports import services

    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    rows = [person(f"62052210420001{n:02d}", "王建祥") for n in range(6)]
    path = write_csv(files / "a.csv", rows)
    job = ImportJob.objects.create(
        user=town_officer, username="guojia", file_name="a.csv", kind="households", mode="valid"
    )
    seen = []
    real = tasks.write_progress
    monkeypatch.setattr(
        tasks, "write_progress", lambda pk, p: (seen.append((p.rows_read, p.total)), real(pk, p))
    )
    tasks.run_job(job, path)
    reads = [read for read, _total in seen]
    assert reads == sorted(reads)
    assert 0 < reads[1] < 6 and reads[-1] == 6
    assert seen[-1][1] == 7  # header and six rows: the estimate for the ETA
    snapshot = json.loads((tasks.job_dir(job.pk) / tasks.PROGRESS_FILE).read_text())
    assert snapshot["rows_read"] == 6
    assert not path.exists()


def test_progress_rate_eta_and_percent():
    progress = tasks.Progress(rows_read=500, total=2000, started=100.0, updated=110.0)
    assert progress.rate == 50
    assert progress.eta_seconds == 30
    assert progress.percent == 25
    assert tasks.Progress(total=None, started=1, updated=2).eta_seconds is None


def test_row_estimates(files):
    rows = two_households()
    assert tasks.estimate_rows(write_csv(files / "a.csv", rows)) == 4
    assert tasks.estimate_rows(write_xlsx(files / "a.xlsx", rows)) == 6
    assert tasks.estimate_rows(files / "missing.ods") is None


def test_unreadable_file_fails_the_job_with_its_message(town_officer, files):
    path = files / "bad.xlsx"
    path.write_bytes(b"not a workbook")
    job = ImportJob.objects.create(
        user=town_officer, username="guojia", file_name="bad.xlsx", kind="households", mode="valid"
    )
    tasks.run_job(job, path)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "bad.xlsx" in job.message
    assert not tasks.read_progress(job).running
