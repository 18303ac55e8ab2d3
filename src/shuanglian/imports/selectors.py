"""Reads of import runs: a user sees their own runs; administrators see every run."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import user_scope
from shuanglian.core.errors import NotFound
from shuanglian.imports.models import ImportJob

IMPORT_JOB_NOT_FOUND = _("No import with id {id}.")


def visible_import_jobs(user) -> QuerySet[ImportJob]:
    if user_scope(user).everything:
        return ImportJob.objects.all()
    if user is None or not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(user=user)


def import_job_get(*, user, pk) -> ImportJob:
    job = visible_import_jobs(user).filter(pk=pk).first()
    if job is None:
        raise NotFound(IMPORT_JOB_NOT_FOUND.format(id=pk), field="id")
    return job
