"""Exporting a scoped list: deciding how (at once or as a background task), auditing it, and
writing the file of a background export.

Every export leaves one audit row (action "export"): who, which list, the filters, the format,
the row count and, when personal data was revealed, which fields and why. An export that asks
for personal data in full without the permission leaves a "denied" row and writes nothing.
"""

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import may_reveal
from shuanglian.core.audit import audit, region_of_user
from shuanglian.core.errors import Forbidden, InvalidInput, NotFound
from shuanglian.core.models import AuditAction, AuditOutcome
from shuanglian.core.services import REVEAL_NOT_ALLOWED, REVEAL_REASON_MAX, REVEAL_REASON_MIN
from shuanglian.exports.lists import LISTS, ExportList, cell_values
from shuanglian.exports.models import ExportFormat, ExportJob, ExportStatus
from shuanglian.exports.writers import write_xlsx

LIST_UNKNOWN = _("There is no list called {key} to export.")
FORMAT_UNKNOWN = _("Choose CSV or Excel (.xlsx).")
EXPORT_REASON_REQUIRED = _(
    "State why the export needs the full ID and phone numbers (at least {min} characters)."
)
EXPORT_JOB_NOT_FOUND = _("No export with id {id}.")

# Above this many rows an export runs as a background task.
TASK_ROWS = settings.EXPORT_TASK_ROWS
CHUNK_ROWS = 2000


def export_dir() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def list_spec(key: str) -> ExportList:
    spec = LISTS.get(key)
    if spec is None:
        raise NotFound(LIST_UNKNOWN.format(key=key), field="list")
    return spec


@dataclass
class ExportPlan:
    """What to write: the rows (scoped, filtered, fixed up to the newest id) and how."""

    spec: ExportList
    rows: QuerySet
    fmt: str
    reveal: bool
    filters: dict[str, str]
    count: int | None = None  # known for a direct export; a task counts what it writes
    job: ExportJob | None = field(default=None)

    @property
    def in_background(self) -> bool:
        return self.job is not None

    def cells(self) -> Iterator[list[Any]]:
        # iterator(): rows are fetched in chunks and never cached, so memory stays flat.
        for obj in self.spec.shaped(self.rows).order_by("pk").iterator(chunk_size=CHUNK_ROWS):
            yield cell_values(self.spec, obj, reveal=self.reveal)

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.spec.columns]

    def kinds(self) -> list[str]:
        return [column.kind for column in self.spec.columns]


def _bounded_count(rows: QuerySet, limit: int) -> int:
    """How many rows, counting no further than `limit` (a LIMIT subquery, not a full COUNT)."""
    return rows.order_by().values("pk")[:limit].count()


def _pinned(spec: ExportList, rows: QuerySet) -> QuerySet:
    """The rows up to the newest id now: the file holds the rows the audit row counts, not
    those added while it is written.
    """
    newest = spec.model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return rows.filter(pk__lte=newest)


def _audit_changes(*, fmt, filters, reveal, reason, rows, spec) -> dict:
    changes: dict[str, Any] = {"list": spec.key, "format": fmt, "rows": rows, "filters": filters}
    if reveal:
        changes["revealed"] = list(spec.personal_fields)
        changes["reason"] = reason
    return changes


def _refuse_reveal(*, actor, spec: ExportList, fmt: str, filters, reason: str) -> None:
    # Not inside the export's transaction: the refused attempt must stay in the trail.
    audit(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=spec.object_type,
        changes={"list": spec.key, "format": fmt, "filters": filters, "reason": reason},
        outcome=AuditOutcome.DENIED,
        region_code=region_of_user(actor),
    )
    raise Forbidden(REVEAL_NOT_ALLOWED)


def export_start(
    *,
    actor,
    list_key: str,
    params: Mapping[str, Any],
    fmt: str,
    reveal: bool = False,
    reason: str = "",
) -> ExportPlan:
    """Check the request, then either audit a direct export (returned with its rows) or queue a
    background one (returned with its job; the task audits it with the rows it wrote).

    Scope and filters answer like the list page: a filter value that is not valid is an
    InvalidInput, a record out of scope named by a filter (a household, a project) a NotFound.
    """
    spec = list_spec(list_key)
    if fmt not in ExportFormat.values:
        raise InvalidInput(FORMAT_UNKNOWN, field="format")
    rows = spec.rows(actor, params)
    filters = spec.given_filters(params)
    reason = (reason or "").strip()[:REVEAL_REASON_MAX]
    if reveal and spec.personal_fields:
        if not may_reveal(actor):
            _refuse_reveal(actor=actor, spec=spec, fmt=fmt, filters=filters, reason=reason)
        if len(reason) < REVEAL_REASON_MIN:
            raise InvalidInput(EXPORT_REASON_REQUIRED.format(min=REVEAL_REASON_MIN), field="reason")
    else:
        reveal, reason = False, ""
    return _record_start(
        actor=actor, spec=spec, rows=rows, fmt=fmt, filters=filters, reveal=reveal, reason=reason
    )


@transaction.atomic
def _record_start(*, actor, spec, rows, fmt, filters, reveal, reason) -> ExportPlan:
    rows = _pinned(spec, rows)
    count = _bounded_count(rows, TASK_ROWS + 1)
    plan = ExportPlan(spec=spec, rows=rows, fmt=fmt, reveal=reveal, filters=filters)
    if count > TASK_ROWS:
        from shuanglian.exports.tasks import run_export

        plan.job = ExportJob.objects.create(
            user=actor,
            list_key=spec.key,
            fmt=fmt,
            filters=filters,
            reveal=reveal,
            reason=reason,
            language=translation.get_language() or "",
        )
        job_id = plan.job.pk
        transaction.on_commit(lambda: run_export.enqueue(job_id))
        return plan
    plan.count = count
    audit(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=spec.object_type,
        changes=_audit_changes(
            fmt=fmt, filters=filters, reveal=reveal, reason=reason, rows=count, spec=spec
        ),
        region_code=region_of_user(actor),
    )
    return plan


def _write_csv(path: Path, plan: ExportPlan) -> int:
    from shuanglian.exports.writers import csv_lines

    written = -1  # the header line is not a row
    with path.open("w", encoding="utf-8", newline="") as out:
        for line in csv_lines(plan.headers(), plan.cells()):
            out.write(line)
            written += 1
    return written


def export_job_run(*, job_id: int) -> ExportJob:
    """Write a queued export's file, then audit it with the rows written.

    Scope and permission are those of the user now: a user whose scope shrank or who lost the
    permission to reveal since asking gets what they may see now.
    """
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job  # a task run twice writes once
    job.status = ExportStatus.RUNNING
    job.save(update_fields=["status"])
    spec, user = list_spec(job.list_key), job.user
    reveal = job.reveal and may_reveal(user)
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{job.pk}-{secrets.token_hex(8)}.{job.fmt}"
    path = directory / name
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            plan = ExportPlan(
                spec=spec,
                rows=_pinned(spec, spec.rows(user, job.filters)),
                fmt=job.fmt,
                reveal=reveal,
                filters=job.filters,
            )
            if job.fmt == ExportFormat.CSV:
                written = _write_csv(path, plan)
            else:
                with path.open("wb") as out:
                    written = write_xlsx(
                        out,
                        title=str(spec.title),
                        headers=plan.headers(),
                        kinds=plan.kinds(),
                        rows=plan.cells(),
                    )
    except (InvalidInput, NotFound, OSError):
        path.unlink(missing_ok=True)
        job.status, job.finished_at = ExportStatus.FAILED, timezone.now()
        job.save(update_fields=["status", "finished_at"])
        return job
    return _record_done(job=job, spec=spec, name=name, written=written, reveal=reveal)


@transaction.atomic
def _record_done(*, job: ExportJob, spec: ExportList, name: str, written: int, reveal: bool):
    job.status, job.rows, job.file_name = ExportStatus.DONE, written, name
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows", "file_name", "finished_at"])
    audit(
        actor=job.user,
        action=AuditAction.EXPORT,
        object_type=spec.object_type,
        changes=_audit_changes(
            fmt=job.fmt,
            filters=job.filters,
            reveal=reveal,
            reason=job.reason,
            rows=written,
            spec=spec,
        ),
        region_code=region_of_user(job.user),
    )
    return job
