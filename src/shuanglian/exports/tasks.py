"""Background exports: django-tasks runs them (worker: `shuanglian db_worker`)."""

from django_tasks import task

from shuanglian.exports.services import export_job_run


@task()
def run_export(job_id: int) -> None:
    export_job_run(job_id=job_id)
