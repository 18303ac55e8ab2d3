"""Alerts (预警): conditions that need someone's attention, materialised by a refresh.

An alert is open while its condition holds; the refresh closes it when the condition ends and
opens a new row if it comes back, so a dismissal (per user) lasts exactly as long as the alert it
dismissed. Kinds are open-ended strings: other apps register their own (see `sources`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AlertKind(models.TextChoices):
    """The built-in kinds; registered sources may add others (monitoring_overdue …)."""

    POOR_WITHOUT_CADRE = "poor_without_cadre", _("poor household without a responsible cadre")
    NOT_VISITED = "not_visited", _("household not visited")
    MEASURE_OVERDUE = "measure_overdue", _("overdue plan measure")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("overdue follow-up")
    PROJECT_STALLED = "project_stalled", _("stalled project")


class Alert(models.Model):
    kind = models.CharField(pgettext_lazy("alert", "kind"), max_length=40)
    # The record the condition is about (a household, measure, follow-up, project …), by kind.
    object_id = models.BigIntegerField()
    # Where it lives: a village (or a meeting's place): what scopes the inbox.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # The household concerned, if any: cadres see the alerts of their own households only.
    household = models.ForeignKey(
        "households.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit responsible, if any: its administrator sees it besides the unit's villages.
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The id the alert links to (the household, the meeting, the project …), by kind.
    link_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(_("about"), max_length=200)
    # The date the condition is measured from: a due date, the last visit, the last step.
    reference_date = models.DateField(_("since"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("alert")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=models.Q(closed_at__isnull=True),
                name="alert_one_open_per_record",
            )
        ]
        indexes = [
            models.Index(fields=["region", "closed_at"], name="alert_region_open_idx"),
            models.Index(fields=["household", "closed_at"], name="alert_household_open_idx"),
            models.Index(fields=["kind", "closed_at"], name="alert_kind_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AlertDismissal(models.Model):
    """One user's "seen, nothing to do", with the reason. Others still see the alert."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="dismissals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dismissal")
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alert_dismissal_once"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="alert_dismissal_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.user_id}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class AlertRun(models.Model):
    """One refresh: when, by whom, what it opened and closed per kind."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    # {kind: {"opened": n, "closed": n}}, filled in as each kind is done (the progress).
    counts = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"
