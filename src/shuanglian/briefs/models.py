"""Work briefs (工作简报): a region's progress for a period, generated from the records, then
edited and finalised as a document of the system."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import TimeStamped


class BriefStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


# The editable sections, in the order of the document, with their fixed Chinese headings (a
# brief is filed in Chinese whatever the page language, like a unit's report draft).
SECTIONS = (
    ("overview", "一、总体情况"),
    ("progress", "二、与上期相比"),
    ("unit_work", "三、各单位工作"),
    ("meetings", "四、会议活动"),
    ("projects", "五、项目建设"),
    ("problems", "六、存在问题"),
)
SECTION_NAMES = tuple(name for name, _heading in SECTIONS)


class Brief(TimeStamped):
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # The issue number (第N期), counted per region.
    number = models.PositiveIntegerField(_("issue number"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=BriefStatus.choices, default=BriefStatus.DRAFT
    )
    # The headline figures, the previous brief's and the per-child-region table, as computed when
    # the brief was generated: a finalised brief keeps the figures it was published with.
    figures = models.JSONField(default=dict, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous brief"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overview = models.TextField(_("overview"), blank=True)
    progress = models.TextField(_("progress since the last brief"), blank=True)
    unit_work = models.TextField(_("work of the units"), blank=True)
    meetings = models.TextField(_("meetings"), blank=True)
    projects = models.TextField(_("projects"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("work brief")
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="brief_number_per_region"),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="brief_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BriefStatus.values), name="brief_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["region", "period_end"], name="brief_region_end_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_final(self) -> bool:
        return self.status == BriefStatus.FINAL
