"""A household's lifecycle: income lines, the 两不愁三保障 checklist, and the procedures
(identification 识别, exit 退出, risk elimination 风险消除) with their steps and public notices.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.models import TimeStamped


class LineKind(models.TextChoices):
    POVERTY = "poverty", _("poverty line")
    MONITORING = "monitoring", _("monitoring line")


class IncomeLine(TimeStamped):
    """A yearly income line in yuan per person per year (扶贫标准 or 防返贫监测标准).

    A line without a province is the national one; a province's own line overrides it.
    """

    kind = models.CharField(
        pgettext_lazy("income line", "kind"), max_length=12, choices=LineKind.choices
    )
    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(
        _("amount (yuan per person per year)"), max_digits=10, decimal_places=2
    )
    source = models.CharField(pgettext_lazy("income line", "source"), max_length=300)

    class Meta:
        ordering = ["kind", "-year", "province_id"]
        verbose_name = _("income line")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "province"], name="income_line_kind_year_province_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(province__isnull=True),
                name="income_line_kind_year_national_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=LineKind.values), name="income_line_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="income_line_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="income_line_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        where = self.province_id or "national"
        return f"{self.kind} {self.year} {where} {self.amount}"


class AssuranceItem(models.TextChoices):
    """两不愁三保障 plus safe drinking water: the non-income exit criteria."""

    FOOD = "food", _("enough food")
    CLOTHING = "clothing", _("enough clothing")
    EDUCATION = "education", _("compulsory education assured")
    MEDICAL = "medical", _("basic medical care assured")
    HOUSING = "housing", _("safe housing assured")
    WATER = "water", _("safe drinking water assured")


class AssuranceCheck(TimeStamped):
    """One check of one checklist item; the latest check (checked_on, then id) is current.

    Checks are never edited: a new check supersedes the old one, so the history stays.
    """

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="assurance_checks",
    )
    item = models.CharField(_("item"), max_length=12, choices=AssuranceItem.choices)
    met = models.BooleanField(_("met"))
    checked_on = models.DateField(_("checked on"))
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["household_id", "item", "-checked_on", "-id"]
        verbose_name = _("assurance check")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__in=AssuranceItem.values), name="assurance_item_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["household", "item", "checked_on", "id"], name="assurance_current_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.item} {self.met}"


class ProcedureKind(models.TextChoices):
    IDENTIFICATION = "identification", _("identification")
    EXIT = "exit", _("exit")
    RISK_ELIMINATION = "risk_elimination", _("risk elimination")


class ProcedureStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("procedure", "in progress")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Step(models.TextChoices):
    CRITERIA_CHECK = "criteria_check", _("criteria check")
    APPLICATION = "application", _("application")
    DELIBERATION = "deliberation", _("village deliberation")
    FIRST_NOTICE = "first_notice", _("first public notice")
    TOWNSHIP_REVIEW = "township_review", _("township review")
    SECOND_NOTICE = "second_notice", _("second public notice")
    COUNTY_APPROVAL = "county_approval", _("county approval")
    ANNOUNCEMENT = "announcement", _("announcement")


class StepOutcome(models.TextChoices):
    PASSED = "passed", _("passed")
    REJECTED = "rejected", _("rejected")


class Procedure(TimeStamped):
    """One run of a procedure for a household. Never deleted: a household's history is kept.

    `next_step` is the step to record next (blank once the procedure has ended); the services
    keep it, so that lists filter by step on an index.
    """

    kind = models.CharField(_("procedure"), max_length=20, choices=ProcedureKind.choices)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.IN_PROGRESS,
    )
    next_step = models.CharField(_("next step"), max_length=20, choices=Step.choices, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("procedure")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=models.Q(status="in_progress"),
                name="procedure_one_open_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ProcedureKind.values), name="procedure_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProcedureStatus.values),
                name="procedure_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="in_progress", ended_on__isnull=True)
                | (~models.Q(status="in_progress") & models.Q(ended_on__isnull=False)),
                name="procedure_ended_when_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "next_step", "id"], name="procedure_filter_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id}"

    @property
    def is_open(self) -> bool:
        return self.status == ProcedureStatus.IN_PROGRESS


class NoticeKind(models.TextChoices):
    FIRST_NOTICE = "first_notice", _("first public notice")
    SECOND_NOTICE = "second_notice", _("second public notice")
    ANNOUNCEMENT = "announcement", _("announcement")


class Notice(TimeStamped):
    """A public notice (公示) or announcement (公告) posted in a region, listing the households
    of one or more procedures (their steps point here), with the period and where to object.
    """

    kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices)
    procedure_kind = models.CharField(_("procedure"), max_length=20, choices=ProcedureKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("posted in"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    objection_channel = models.TextField(_("where and how to object"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notice")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="notice_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["region", "id"], name="notice_region_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.region_id} {self.starts_on}"


class ProcedureStep(TimeStamped):
    """One recorded step: who, when, the outcome (a rejection ends the procedure), and for a
    deliberation the meeting's numbers; a notice step points to its notice."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    done_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        pgettext_lazy("procedure step", "outcome"), max_length=10, choices=StepOutcome.choices
    )
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    participants = models.PositiveSmallIntegerField(_("participants"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    minutes = models.TextField(pgettext_lazy("procedure step", "minutes"), blank=True)
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="steps",
    )

    class Meta:
        ordering = ["procedure_id", "id"]
        verbose_name = _("procedure step")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "step"], name="procedure_step_once"),
            models.CheckConstraint(
                condition=models.Q(outcome="passed") | ~models.Q(reason=""),
                name="procedure_step_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(step__in=Step.values), name="procedure_step_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.step} {self.outcome}"


class StepDocument(models.Model):
    """A document attached to a step (a scanned application, the deliberation's minutes).
    Served only through a scoped view, never from MEDIA_ROOT directly."""

    step = models.ForeignKey(ProcedureStep, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("document"), upload_to="lifecycle/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("document")

    def __str__(self) -> str:
        return self.name
