"""The refresh as a background task (worker: `shuanglian db_worker`)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from shuanglian.alerts.models import AlertRun
from shuanglian.alerts.services import alerts_refresh


@task()
def refresh_alerts(*, run_id: int, user_id: int | None = None) -> dict:
    """Arguments are plain values, stored with the queued task; the run row shows progress."""
    run = AlertRun.objects.get(pk=run_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = alerts_refresh(actor=actor, run=run)
    return {"run": run.pk, "counts": run.counts}
