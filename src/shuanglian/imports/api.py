"""Imports in the API: upload a file to import (a background job), follow the job, download its
error report.

The upload is read by the handler that streams it to disk. That works when nothing has read the
body before the operation: with a bearer token. A browser session's CSRF check reads the body
first; the file then arrives through Django's own handlers (spooled to a temporary file when
large) and is moved into place.
"""

import datetime as dt
from pathlib import Path

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status

from shuanglian.core.access import require_any_write
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.imports.forms import (
    FILE_REQUIRED,
    FILE_TOO_LARGE,
    IMPORT_SUFFIXES,
    UPLOAD_FIELD,
    ImportUploadHandler,
    file_problem,
)
from shuanglian.imports.models import ImportJob, ImportKind, ImportMode
from shuanglian.imports.selectors import import_job_get
from shuanglian.imports.tasks import (
    error_report,
    import_start,
    max_upload_bytes,
    read_progress,
    store_upload,
)
from shuanglian.imports.views import NO_ERROR_REPORT, XLSX

router = Router(tags=["imports"])

READ = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
UPLOAD_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [UPLOAD_FIELD],
                    "properties": {
                        UPLOAD_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The file: " + ", ".join(IMPORT_SUFFIXES),
                        },
                        "kind": {
                            "type": "string",
                            "enum": ImportKind.values,
                            "default": ImportKind.HOUSEHOLDS,
                        },
                        "mode": {
                            "type": "string",
                            "enum": ImportMode.values,
                            "default": ImportMode.VALID,
                            "description": "validate: check only; valid: import the valid rows "
                            "and report the rest; all: all or nothing.",
                        },
                    },
                }
            }
        },
    }
}


class ProgressOut(Schema):
    rows_read: int
    rows_validated: int
    rows_written: int
    rows_total_estimate: int | None
    rows_per_second: float
    eta_seconds: int | None


class CountsOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    households_created: int
    households_updated: int


class ImportJobOut(Schema):
    id: int
    file_name: str
    kind: str
    mode: str
    status: str
    status_label: str
    message: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    progress: ProgressOut
    counts: CountsOut
    errors_url: str | None = None


def _job(job: ImportJob) -> dict:
    progress = read_progress(job)
    return {
        "id": job.pk,
        "file_name": job.file_name,
        "kind": job.kind,
        "mode": job.mode,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "message": job.message,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "progress": {
            "rows_read": progress.rows_read,
            "rows_validated": progress.rows_validated,
            "rows_written": progress.rows_written,
            "rows_total_estimate": progress.total,
            "rows_per_second": round(progress.rate, 1),
            "eta_seconds": progress.eta_seconds,
        },
        "counts": {
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "households_created": job.households_created,
            "households_updated": job.households_updated,
        },
        "errors_url": f"/api/v1/imports/{job.pk}/errors" if error_report(job) else None,
    }


@router.post(
    "",
    response={201: ImportJobOut, **WRITE},
    summary="Import a file (multipart: `file`, `kind`, `mode`); it runs as a background job",
    operation_id="import_create",
    openapi_extra=UPLOAD_SCHEMA,
)
def imports_create(request: HttpRequest):
    """Region officers and administrators; each village of the file must be in their scope.
    Answers at once with the job; follow it at GET /imports/{id}."""
    require_any_write(request.user)
    handler = ImportUploadHandler(request)
    try:
        request.upload_handlers = [handler]
    except AttributeError:
        # The body was already read (a session's CSRF check): Django's handlers have it.
        handler = None
    upload = request.FILES.get(UPLOAD_FIELD)
    if handler is not None and handler.too_large:
        raise InvalidInput(
            FILE_TOO_LARGE.format(limit=max_upload_bytes() // (1024 * 1024)),
            field=UPLOAD_FIELD,
        )
    if upload is None:
        refused = handler.refused_name if handler is not None else ""
        problem = file_problem(refused, None) if refused else FILE_REQUIRED
        raise InvalidInput(problem, field=UPLOAD_FIELD)
    path = store_upload(upload)
    problem = file_problem(upload.name, upload.size)
    try:
        if problem:
            raise InvalidInput(problem, field=UPLOAD_FIELD)
        job = import_start(
            actor=request.user,
            path=path,
            file_name=upload.name,
            kind=request.POST.get("kind") or ImportKind.HOUSEHOLDS,
            mode=request.POST.get("mode") or ImportMode.VALID,
        )
    except InvalidInput:
        Path(path).unlink(missing_ok=True)
        raise
    return Status(201, _job(job))


@router.get(
    "/{job_id}",
    response={200: ImportJobOut, **READ},
    summary="An import job: status, progress (rows read, checked, written, rate, ETA), counts",
    operation_id="import_get",
)
def imports_get(request: HttpRequest, job_id: int):
    return _job(import_job_get(user=request.user, pk=job_id))


@router.get(
    "/{job_id}/errors",
    response={200: None, **READ},
    summary="The error report of an import job (.xlsx: row, column, problem, the row's values)",
    operation_id="import_errors",
)
def imports_errors(request: HttpRequest, job_id: int):
    job = import_job_get(user=request.user, pk=job_id)
    path = error_report(job)
    if path is None:
        raise NotFound(NO_ERROR_REPORT)
    name = f"{Path(job.file_name).stem or 'import'}-errors.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
