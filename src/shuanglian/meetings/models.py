"""Meetings (推进会, 座谈会, 现场观摩) with their speakers, attending units, site-visit stops and
the attending units' reports. Decisions become follow-ups (assistance.FollowUp)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import TimeStamped


class MeetingType(models.TextChoices):
    PROGRESS = "progress", _("progress meeting")
    FORUM = "forum", _("forum")
    SITE_VISIT = "site_visit", _("site visit")


class Meeting(TimeStamped):
    type = models.CharField(_("meeting type"), max_length=12, choices=MeetingType.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.ForeignKey(
        "regions.Region", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    host_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    presiding = models.CharField(_("presiding"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attending_units = models.ManyToManyField(
        "units.Unit",
        verbose_name=_("attending units"),
        blank=True,
        related_name="attended_meetings",
    )
    # Cancelling (作废) voids the meeting instead of deleting it: its reports, decisions and
    # audit trail stay readable, and the reason tells readers why nothing more happens to it.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True, cancel_reason="")
                | (models.Q(cancelled_at__isnull=False) & ~models.Q(cancel_reason="")),
                name="meeting_cancelled_with_reason",
            ),
        ]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def __str__(self) -> str:
        return self.title


class Speaker(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speakers")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=200, blank=True)
    cadre = models.ForeignKey(
        "units.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.post}".strip()


class SiteStop(models.Model):
    """A stop of a site visit (现场观摩), at a project."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return str(self.project)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class UnitReport(TimeStamped):
    """An attending unit's report to a meeting. Its draft is generated from the unit's recorded
    work since its last report, then edited by the unit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    work_done = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_plans = models.TextField(_("next plans"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )

    class Meta:
        ordering = ["meeting", "unit__name", "id"]
        verbose_name = _("unit report")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="unit_report_one_per_meeting"),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="unit_report_period_ordered",
            ),
        ]
