"""Imports as background tasks: the upload is stored on disk, a job recorded, the worker runs it.

Progress lives in a small JSON file in the job's directory, not in the ImportJob row: in the
validate and all-or-nothing modes the whole import runs inside one transaction, so counts written
to the row would stay invisible to the polling page until the end (and then be rolled back).
The file is replaced atomically, so a reader always sees a whole snapshot. Django's cache is not
used: the default one lives in each process, and the worker is another process.

The worker is django-tasks-db's `db_worker` (`shuanglian serve` starts one beside gunicorn).
"""

import json
import os
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from shuanglian.core.access import require_any_write
from shuanglian.core.errors import DomainError, InvalidInput
from shuanglian.imports.kinds import import_records
from shuanglian.imports.layouts import LAYOUTS, write_error_report
from shuanglian.imports.models import ImportJob, ImportKind, ImportMode, ImportStatus

KIND_UNKNOWN = _("{value} is not a kind of import that is available.")
IMPORT_MODE_INVALID = _("{value} is not an import mode (validate, valid or all).")
IMPORT_FAILED = _("The import stopped with an error: {error}")
IMPORT_USER_GONE = _("The account that started this import no longer exists.")

PROGRESS_FILE = "progress.json"
ERRORS_FILE = "errors.xlsx"
# Reading the start of a worksheet is enough to find its <dimension ref="A1:R1234"/>.
DIMENSION_BYTES = 4096
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def import_dir() -> Path:
    return Path(settings.IMPORT_DIR)


def upload_dir() -> Path:
    return import_dir() / "uploads"


def job_dir(job_id: int) -> Path:
    return import_dir() / str(job_id)


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_MB * 1024 * 1024


def new_upload_path(file_name: str) -> Path:
    """A fresh file in the uploads directory, keeping the suffix the readers go by."""
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()}"


def store_upload(upload) -> Path:
    """Put an uploaded file in the uploads directory without reading it into memory.

    Uploads Django already spooled to a temporary file are moved; small in-memory ones are
    copied a chunk at a time.
    """
    stored = getattr(upload, "stored_path", None)
    if stored:
        return Path(stored)
    path = new_upload_path(upload.name)
    if hasattr(upload, "temporary_file_path"):
        upload.close()
        shutil.move(upload.temporary_file_path(), path)
        return path
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def import_start(*, actor, path: Path, file_name: str, kind: str, mode: str) -> ImportJob:
    """Record an import job for a stored upload and queue it for the worker.

    Checks first: only users who may write somewhere may import (the service checks each
    village against the scope). Not one transaction: the job must be committed before the
    worker looks for it.
    """
    require_any_write(actor)
    if kind not in ImportKind.values:
        raise InvalidInput(KIND_UNKNOWN.format(value=kind), field="kind")
    if mode not in ImportMode.values:
        raise InvalidInput(IMPORT_MODE_INVALID.format(value=mode), field="mode")
    job = ImportJob.objects.create(
        user=actor,
        username=actor.username,
        file_name=file_name[:255],
        kind=kind,
        mode=mode,
    )
    write_progress(job.pk, Progress(started=time.time(), updated=time.time()))
    try:
        import_file.enqueue(job_id=job.pk, path=str(path))
    except Exception as error:
        _fail(job, error)
        raise
    job.refresh_from_db()
    return job


@dataclass
class Progress:
    rows_read: int = 0
    rows_validated: int = 0
    rows_written: int = 0
    total: int | None = None  # an estimate from the file, None when it cannot be had cheaply
    started: float = 0.0
    updated: float = 0.0
    running: bool = False  # the worker has picked the job up

    @property
    def rate(self) -> float:
        elapsed = self.updated - self.started
        return self.rows_read / elapsed if elapsed > 0 and self.rows_read else 0.0

    @property
    def eta_seconds(self) -> int | None:
        if not self.total or not self.rate:
            return None
        return max(0, round((self.total - self.rows_read) / self.rate))

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.rows_read / self.total))


def write_progress(job_id: int, progress: Progress) -> None:
    directory = job_dir(job_id)
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".progress-")
    with os.fdopen(handle, "w") as stream:
        json.dump(asdict(progress), stream)
    os.replace(temporary, directory / PROGRESS_FILE)


def read_progress(job: ImportJob) -> Progress:
    """The last snapshot the worker wrote; once the job is finished, its own counts."""
    try:
        progress = Progress(**json.loads((job_dir(job.pk) / PROGRESS_FILE).read_text()))
    except (OSError, ValueError, TypeError):
        progress = Progress()
    if job.status != ImportStatus.RUNNING:
        progress.rows_read = job.rows_read
        progress.rows_validated = job.rows_validated
        progress.rows_written = job.rows_written
        progress.running = False
    return progress


def error_report(job: ImportJob) -> Path | None:
    path = job_dir(job.pk) / ERRORS_FILE
    return path if path.exists() else None


def estimate_rows(path: Path) -> int | None:
    """About how many rows the file holds, for the ETA; cheap or nothing.

    CSV: its line count (read in blocks, never whole). xlsx: the sheet's own dimension record.
    The title and header rows are counted too: an estimate a few rows high is fine for an ETA.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            lines = 0
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    lines += block.count(b"\n")
            return lines
        if suffix in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as archive:
                sheets = sorted(
                    name
                    for name in archive.namelist()
                    if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)
                )
                if not sheets:
                    return None
                with archive.open(sheets[0]) as sheet:
                    match = _DIMENSION.search(sheet.read(DIMENSION_BYTES))
            return int(match.group(1)) if match else None
    except (OSError, zipfile.BadZipFile):
        return None
    return None


def _fail(job: ImportJob, error) -> None:
    with translation.override("zh-hans"):
        if isinstance(error, DomainError):
            text = str(error.message)
        else:
            text = IMPORT_FAILED.format(error=error)
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED, message=str(text)[:500], finished_at=timezone.now()
    )


def run_job(job: ImportJob, path: Path) -> ImportJob:
    """Run one import job in this process, writing progress as the service reports it."""
    started = time.time()
    progress = Progress(total=estimate_rows(path), started=started, updated=started, running=True)
    write_progress(job.pk, progress)

    def report(current: ImportJob) -> None:
        progress.rows_read = current.rows_read
        progress.rows_validated = current.rows_validated
        progress.rows_written = current.rows_written
        progress.updated = time.time()
        write_progress(job.pk, progress)

    try:
        if job.user is None:
            raise InvalidInput(IMPORT_USER_GONE)
        # The job's message and the error report are data, kept in Chinese as the CLI does.
        with translation.override("zh-hans"):
            result = import_records(
                kind=job.kind,
                actor=job.user,
                path=path,
                mode=job.mode,
                progress=report,
                file_name=job.file_name,
                job=job,
            )
            if result.problems:
                write_error_report(
                    result.problems, job_dir(job.pk) / ERRORS_FILE, LAYOUTS[job.kind]
                )
    except DomainError as error:
        _fail(job, error)
    except Exception as error:
        _fail(job, error)
        raise
    finally:
        path.unlink(missing_ok=True)
        job.refresh_from_db()
        progress.running = False
        progress.updated = time.time()
        progress.rows_read = max(progress.rows_read, job.rows_read)
        write_progress(job.pk, progress)
    return job


@task()
def import_file(*, job_id: int, path: str) -> dict:
    """The worker's entry point: arguments are plain values, stored with the queued task."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    job = run_job(job, Path(path))
    return {"job": job.pk, "status": job.status}
