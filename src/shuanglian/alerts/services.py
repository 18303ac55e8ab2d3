"""Writes of the alerts app: the refresh that opens and closes alerts, and dismissals."""

import datetime as dt
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.alerts.models import Alert, AlertDismissal, AlertRun, RunStatus
from shuanglian.alerts.sources import COLUMNS, SOURCES
from shuanglian.core.access import WRITE_FORBIDDEN, user_scope
from shuanglian.core.audit import audit
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditAction

DISMISS_REASON_REQUIRED = _("Give the reason for dismissing this alert.")
DISMISS_REASON_TOO_LONG = _("The reason is too long (300 characters at most).")
ALERT_ALREADY_DISMISSED = _("You have already dismissed this alert.")
ALERT_CLOSED = _("This alert is closed: its condition has ended.")

INSERTED = ("object_id", "region_id", "household_id", "unit_id", "link_id", "reference_date")


def _refresh_kind(kind: str, today: dt.date, now) -> tuple[int, int]:
    """Close the open alerts of `kind` whose condition ended, open those whose condition began:
    two statements over the source's query, whatever the number of records."""
    candidates = SOURCES[kind].candidates(today)
    sql, params = candidates.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(Alert._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    close = (
        f"UPDATE {table} SET {quote('closed_at')} = %s "
        f"WHERE {quote('kind')} = %s AND {quote('closed_at')} IS NULL AND NOT EXISTS "
        f"(SELECT 1 FROM ({sql}) c WHERE c.a_object = {table}.{quote('object_id')})"
    )
    columns = ", ".join(quote(name) for name in ("kind", *INSERTED, "title", "opened_at"))
    selected = ", ".join(f"c.{name}" for name in COLUMNS)
    open_ = (
        f"INSERT INTO {table} ({columns}) SELECT %s, {selected}, %s FROM ({sql}) c "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} a WHERE a.{quote('kind')} = %s "
        f"AND a.{quote('closed_at')} IS NULL AND a.{quote('object_id')} = c.a_object)"
    )
    with connection.cursor() as cursor:
        cursor.execute(close, [stamp, kind, *params])
        closed = cursor.rowcount
        cursor.execute(open_, [kind, stamp, *params, kind])
        opened = cursor.rowcount
    return opened, closed


def alerts_refresh(
    *,
    actor=None,
    today: dt.date | None = None,
    kinds: list[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    run: AlertRun | None = None,
) -> AlertRun:
    """Bring every alert kind up to date. Idempotent: a second run changes nothing.

    `actor` None is the system (the command, the scheduled task). Each kind commits on its own, so
    the run's counts show progress while it goes on.
    """
    if actor is not None and not user_scope(actor).everything:
        raise Forbidden(WRITE_FORBIDDEN)
    today = today or timezone.localdate()
    real_actor = actor if getattr(actor, "pk", None) else None
    run = run or AlertRun.objects.create(started_by=real_actor)
    try:
        for kind in kinds or list(SOURCES):
            with transaction.atomic():
                opened, closed = _refresh_kind(kind, today, timezone.now())
            run.counts = {**run.counts, kind: {"opened": opened, "closed": closed}}
            run.save(update_fields=["counts"])
            if progress:
                progress(kind, opened, closed)
    except Exception as error:
        run.status = RunStatus.FAILED
        run.message = str(error)[:300]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        raise
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=run,
        object_repr=f"alerts refresh {today.isoformat()}",
        changes={"counts": run.counts},
        username="" if real_actor else "system",
    )
    return run


@transaction.atomic
def alerts_refresh_queue(*, actor) -> AlertRun:
    """An administrator starts a refresh in the background: the run row (its progress) and the
    audit row now, the task once they are committed, so the worker finds the run."""
    if not user_scope(actor).everything:
        raise Forbidden(WRITE_FORBIDDEN)
    from shuanglian.alerts.tasks import refresh_alerts  # the task module imports this one

    run = AlertRun.objects.create(started_by=actor)
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=run,
        object_repr=f"alerts refresh queued {run.started_at:%Y-%m-%d %H:%M}",
        changes={"status": [None, run.status]},
    )
    run_id, user_id = run.pk, actor.pk
    transaction.on_commit(lambda: refresh_alerts.enqueue(run_id=run_id, user_id=user_id))
    return run


@transaction.atomic
def alert_dismiss(*, actor, alert: Alert, reason: str) -> AlertDismissal:
    """Dismiss an alert for `actor` only, with the reason. The caller fetched the alert through
    the actor's scope. It stays dismissed for them until it closes; a reopened alert is new."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(DISMISS_REASON_REQUIRED, field="reason")
    if len(reason) > 300:
        raise InvalidInput(DISMISS_REASON_TOO_LONG, field="reason")
    if alert.closed_at is not None:
        raise Conflict(ALERT_CLOSED, field="alert")
    if AlertDismissal.objects.filter(alert=alert, user=actor).exists():
        raise Conflict(ALERT_ALREADY_DISMISSED, field="alert")
    dismissal = AlertDismissal.objects.create(alert=alert, user=actor, reason=reason)
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=dismissal,
        object_repr=f"{alert.kind} {alert.title}"[:200],
        changes={"alert": [None, alert.pk], "kind": [None, alert.kind], "reason": [None, reason]},
        region_code=alert.region_id,
    )
    return dismissal
