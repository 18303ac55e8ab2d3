"""Relapse monitoring (防止返贫动态监测和帮扶): risk events, monitoring cases with their reasons,
stages and income checks, and the runs of the risk screening."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.models import TimeStamped


class MonitoringCategory(models.TextChoices):
    UNSTABLE_EXITED = "unstable_exited", _("unstable exited household")
    MARGINAL = "marginal", _("marginal household at risk of poverty")
    SUDDEN_HARDSHIP = "sudden_hardship", _("household in sudden severe hardship")


class RiskEventKind(models.TextChoices):
    MEDICAL = "medical", _("medical expense")
    DISASTER = "disaster", _("natural disaster")
    ACCIDENT = "accident", _("accident")
    OTHER = "other", _("other")


class RiskEvent(TimeStamped):
    """A large unavoidable expense of a household (刚性支出): illness, disaster, accident."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="risk_events",
    )
    kind = models.CharField(_("kind of event"), max_length=12, choices=RiskEventKind.choices)
    occurred_on = models.DateField(_("occurred on"))
    amount = models.DecimalField(_("expense (yuan)"), max_digits=12, decimal_places=2)
    description = models.CharField(
        pgettext_lazy("risk event", "description"), max_length=300, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("risk event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=RiskEventKind.values), name="risk_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="risk_event_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["household", "occurred_on"], name="risk_event_household_idx")
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} {self.amount}"


class CaseStage(models.TextChoices):
    FLAGGED = "flagged", _("flagged")
    ASSESSED = "assessed", _("assessed")
    CONFIRMED = "confirmed", _("confirmed")
    RISK_ELIMINATED = "risk_eliminated", _("risk eliminated")
    DISMISSED = "dismissed", _("dismissed")


# Stages in which a case is still being worked on; a household has at most one such case.
OPEN_STAGES = (CaseStage.FLAGGED, CaseStage.ASSESSED, CaseStage.CONFIRMED)


class CaseSource(models.TextChoices):
    SCREENING = "screening", _("risk screening")
    VISIT = "visit", _("reported by a cadre at a visit")
    MANUAL = "manual", _("entered by an officer")


class DeliberationResult(models.TextChoices):
    AGREED = "agreed", _("agreed to monitor")
    REJECTED = "rejected", _("not to be monitored")


class MonitoringCase(TimeStamped):
    """One household's way through monitoring: flagged → assessed → confirmed → risk
    eliminated, or dismissed with a reason. The household's category before confirmation is kept
    so that risk elimination can give it back.
    """

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="monitoring_cases",
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=CaseStage.choices, default=CaseStage.FLAGGED
    )
    source = models.CharField(
        pgettext_lazy("monitoring case", "source"), max_length=10, choices=CaseSource.choices
    )
    category = models.CharField(
        _("monitoring category"), max_length=16, choices=MonitoringCategory.choices, blank=True
    )
    flagged_on = models.DateField(_("flagged on"))
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The visit a cadre reported it from; the assessment's own visit is `assessment_visit`.
    reported_visit = models.ForeignKey(
        "assistance.Visit",
        verbose_name=_("reported at visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Assessment (入户核实 + 民主评议).
    assessment_visit = models.ForeignKey(
        "assistance.Visit",
        verbose_name=_("assessment visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deliberated_on = models.DateField(_("deliberated on"), null=True, blank=True)
    deliberation_participants = models.PositiveSmallIntegerField(
        _("participants"), null=True, blank=True
    )
    deliberation_result = models.CharField(
        _("deliberation result"), max_length=10, choices=DeliberationResult.choices, blank=True
    )
    assessment_notes = models.TextField(_("assessment notes"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    previous_category = models.CharField(_("category before monitoring"), max_length=20, blank=True)
    eliminated_on = models.DateField(_("risk eliminated on"), null=True, blank=True)
    dismissed_on = models.DateField(_("dismissed on"), null=True, blank=True)
    dismissal_reason = models.CharField(_("reason for dismissal"), max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("monitoring case")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(stage__in=[s.value for s in OPEN_STAGES]),
                name="monitoring_case_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=CaseStage.values), name="monitoring_case_stage_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category="") | models.Q(category__in=MonitoringCategory.values),
                name="monitoring_case_category_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage__in=["confirmed", "risk_eliminated"])
                | (~models.Q(category="") & models.Q(confirmed_on__isnull=False)),
                name="monitoring_case_confirmed_has_category",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="dismissed") | ~models.Q(dismissal_reason=""),
                name="monitoring_case_dismissed_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "flagged_on"], name="monitoring_case_stage_idx"),
            models.Index(fields=["household", "stage"], name="monitoring_case_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class ReasonCode(models.TextChoices):
    INCOME_BELOW_LINE = "income_below_line", _("income below the line")
    LARGE_EXPENSE = "large_expense", _("large unavoidable expenses")
    ASSURANCE_FAILED = "assurance_failed", _("an assurance item not met")
    CADRE_REPORT = "cadre_report", _("reported by a cadre")
    OFFICER_NOTE = "officer_note", _("entered by an officer")


class CaseReason(TimeStamped):
    """Why a case was flagged: a code with its figures (rendered as a sentence), resolved with a
    note once the problem is gone. `key` tells reasons of one case apart (one per assurance item,
    one per rule), so that a second screening updates instead of adding.
    """

    case = models.ForeignKey(MonitoringCase, on_delete=models.CASCADE, related_name="reasons")
    code = models.CharField(_("reason"), max_length=20, choices=ReasonCode.choices)
    key = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    detected_on = models.DateField(_("last detected on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.CharField(_("how it was resolved"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("reason")
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="case_reason_key_unique"),
            models.CheckConstraint(
                condition=models.Q(code__in=ReasonCode.values), name="case_reason_code_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True) | ~models.Q(resolution=""),
                name="case_reason_resolved_has_note",
            ),
        ]

    def __str__(self) -> str:
        from shuanglian.monitoring.reasons import reason_text

        return str(reason_text(self.code, self.params))


class IncomeCheck(TimeStamped):
    """Per-capita income found at a follow-up visit: the evidence for risk elimination."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.CASCADE, related_name="income_checks")
    checked_on = models.DateField(_("checked on"))
    per_capita_income = models.DecimalField(
        _("income per person (yuan per year)"), max_digits=12, decimal_places=2
    )
    notes = models.CharField(pgettext_lazy("income check", "notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("income check")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(per_capita_income__gte=0), name="income_check_not_negative"
            )
        ]
        indexes = [models.Index(fields=["case", "checked_on"], name="income_check_case_idx")]


class ScreeningStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ScreeningRun(models.Model):
    """One run of the risk screening over a region, with its progress.

    Each batch commits on its own, together with the counts of this row, so the page polling
    the row sees the progress and a run stopped half-way keeps what it did (running it again is
    harmless: screening is idempotent).
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("user"), max_length=150)
    status = models.CharField(
        _("status"), max_length=10, choices=ScreeningStatus.choices, default=ScreeningStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("households to screen"), null=True, blank=True)
    screened = models.PositiveIntegerField(_("households screened"), default=0)
    flagged = models.PositiveIntegerField(_("households flagged"), default=0)
    created_cases = models.PositiveIntegerField(_("new cases"), default=0)
    updated_cases = models.PositiveIntegerField(_("open cases updated"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    updated_at = models.DateTimeField(
        pgettext_lazy("screening run", "updated"), null=True, blank=True
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("screening run")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ScreeningStatus.values),
                name="screening_run_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (ScreeningStatus.DONE, ScreeningStatus.FAILED)

    @property
    def rate(self) -> float:
        if not (self.started_at and self.updated_at and self.screened):
            return 0.0
        elapsed = (self.updated_at - self.started_at).total_seconds()
        return self.screened / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> int | None:
        if not self.total or not self.rate:
            return None
        return max(0, round((self.total - self.screened) / self.rate))

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.screened / self.total))


class CaseMeasure(models.Model):
    """A measure of the assistance app planned for a confirmed case (the measure stays in the
    household's plan; this says it belongs to the case)."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.CASCADE, related_name="case_measures")
    measure = models.OneToOneField(
        "assistance.Measure", on_delete=models.PROTECT, related_name="monitoring_case_link"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("measure of a case")

    def __str__(self) -> str:
        return f"{self.case_id} {self.measure_id}"
