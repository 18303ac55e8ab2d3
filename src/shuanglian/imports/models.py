from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", _("households and members")
    UNITS = "units", _("units")
    CADRES = "cadres", _("cadres")
    VILLAGE_PAIRINGS = "village_pairings", _("village pairings")
    HOUSEHOLD_PAIRINGS = "household_pairings", _("household pairings")
    INCOMES = "incomes", _("income records")


class ImportMode(models.TextChoices):
    VALIDATE = "validate", _("check only (dry run)")
    VALID = "valid", _("import the valid rows, report the rest")
    ALL = "all", _("all or nothing")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    CHECKED = "checked", _("checked, nothing written")
    REFUSED = "refused", _("refused: nothing written")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One run of an import: who, which file, how, and what came of it.

    Kept apart from the data it writes, so that a run rolled back (a dry run, an all-or-nothing
    run with bad rows) still leaves its record; later work resumes and schedules from here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("user"), max_length=150)
    file_name = models.CharField(_("file"), max_length=255)
    kind = models.CharField(
        pgettext_lazy("import", "kind"), max_length=20, choices=ImportKind.choices
    )
    mode = models.CharField(
        pgettext_lazy("import", "mode"), max_length=10, choices=ImportMode.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_validated = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    households_updated = models.PositiveIntegerField(_("households updated"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # A run killed half-way is found again by its file's sha256 and carries on after the row
    # of its last committed chunk; that row number is saved in the chunk's own transaction.
    digest = models.CharField(_("file digest"), max_length=64, blank=True)
    checkpoint_row = models.PositiveIntegerField(_("committed through row"), default=0)
    resumed_from = models.PositiveIntegerField(_("resumed from row"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ImportKind.values), name="import_job_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=ImportMode.values), name="import_job_mode_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="import_job_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "id"], name="import_job_user_idx"),
            models.Index(fields=["digest", "status"], name="import_job_digest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
