"""Exports too large to send while the user waits: written by a background task into
var/exports/ and downloaded from the page of the user's exports.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (.xlsx)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export status", "waiting")
    RUNNING = "running", pgettext_lazy("export status", "being written")
    DONE = "done", pgettext_lazy("export status", "ready")
    FAILED = "failed", pgettext_lazy("export status", "failed")


class ExportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    list_key = models.CharField(_("list"), max_length=30)
    fmt = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    reveal = models.BooleanField(_("personal data in full"), default=False)
    # Kept for the audit row written when the file is done (the reveal happens then).
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    # The headers and labels are written in the language of the page the export was asked from.
    language = models.CharField(max_length=10, blank=True)
    rows = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    file_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fmt__in=ExportFormat.values), name="export_job_fmt_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values), name="export_job_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(reveal=False) | ~models.Q(reason=""),
                name="export_job_reveal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="export_job_user_idx")]

    def __str__(self) -> str:
        return f"{self.list_key}.{self.fmt} #{self.pk}"
