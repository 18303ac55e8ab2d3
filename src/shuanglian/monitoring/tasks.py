"""Risk screening as a background task (django-tasks; the worker is `db_worker`, started by
`shuanglian serve`). Progress is in the ScreeningRun row: each batch commits with its counts, so
the page polling the row with htmx sees them as they come.
"""

from django.utils import translation
from django_tasks import task

from shuanglian.core.errors import DomainError
from shuanglian.monitoring.models import ScreeningRun
from shuanglian.monitoring.services import (
    SCREENING_FAILED,
    SCREENING_USER_GONE,
    screening_fail,
    screening_prepare,
    screening_run,
)


def screening_start(*, actor, region_code: str) -> ScreeningRun:
    """Check access, record the run and queue it. Not atomic: the run must be committed before
    the worker looks for it."""
    run = screening_prepare(actor=actor, region_code=region_code)
    try:
        screen_region.enqueue(run_id=run.pk)
    except Exception as error:
        screening_fail(run, SCREENING_FAILED.format(error=error))
        raise
    run.refresh_from_db()
    return run


@task()
def screen_region(*, run_id: int) -> dict:
    run = ScreeningRun.objects.select_related("region", "user").get(pk=run_id)
    with translation.override("zh-hans"):
        try:
            if run.user is None:
                raise DomainError(SCREENING_USER_GONE)
            run = screening_run(actor=run.user, region_code=run.region_id, run=run)
        except DomainError as error:
            screening_fail(run, error.message)
        except Exception as error:
            screening_fail(run, SCREENING_FAILED.format(error=error))
            raise
    run.refresh_from_db()
    return {"run": run.pk, "status": run.status}
