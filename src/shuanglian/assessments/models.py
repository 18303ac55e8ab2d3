"""Unit assessment (效能风暴): schemes of weighted indicators, scores computed from the recorded
work, manual adjustments, rankings.

A scheme assesses the member units that have a village pairing in its region during its period;
every indicator counts only work in the region's villages (see rules.py). Once frozen, nothing
under a scheme changes: the services refuse it, and database triggers (migration 0002) refuse
inserts and updates of its indicators, scores, results, coverage and adjustments on SQLite and
PostgreSQL (and deletes on PostgreSQL).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import TimeStamped


class SchemeStatus(models.TextChoices):
    """In order: a scheme moves forward only (草稿 → 冻结 → 公布)."""

    DRAFT = "draft", _("draft")
    FROZEN = "frozen", _("frozen")
    PUBLISHED = "published", _("published")


class Rule(models.TextChoices):
    """How an indicator's raw value is computed from the data (rules.py)."""

    VISITS = "visits", _("visits per paired household per quarter")
    MEASURES = "measures", _("measure completion rate (%)")
    FOLLOW_UPS = "follow_ups", _("follow-ups done on time (%)")
    FUNDS = "funds", _("funds raised per paired village (yuan)")
    PROJECTS = "projects", _("projects completed")
    EXITS = "exits", _("households exited or risk eliminated")
    INCOME = "income", _("per-capita income growth of paired households (%)")
    SATISFACTION = "satisfaction", _("household satisfaction (1–5)")


class Scheme(TimeStamped):
    name = models.CharField(_("scheme name"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "id"]
        verbose_name = _("assessment scheme")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="scheme_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SchemeStatus.values), name="scheme_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(frozen_at__isnull=False),
                name="scheme_frozen_has_date",
            ),
        ]
        indexes = [models.Index(fields=["region", "status"], name="scheme_region_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.status == SchemeStatus.DRAFT


class Indicator(models.Model):
    """One weighted indicator. Score = (value − floor) / (target − floor) × 100, within 0–100."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="indicators")
    rule = models.CharField(_("scoring rule"), max_length=20, choices=Rule.choices)
    name = models.CharField(_("indicator"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    target = models.DecimalField(_("target (full marks)"), max_digits=14, decimal_places=2)
    floor = models.DecimalField(_("floor (no marks)"), max_digits=14, decimal_places=2, default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("indicator")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "rule"], name="indicator_rule_once"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicator_weight_pos"),
            models.CheckConstraint(
                condition=models.Q(target__gt=models.F("floor")), name="indicator_target_above"
            ),
            models.CheckConstraint(
                condition=models.Q(rule__in=Rule.values), name="indicator_rule_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Coverage(models.Model):
    """A household paired with a cadre of the unit during the period, in the scheme's region:
    stored at computation, so that every rule counts each (unit, household) once and the
    evidence of a frozen scheme keeps its households when pairings change later.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="assessment_coverage"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "household"], name="coverage_once_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.unit_id}:{self.household_id}"


class UnitResult(models.Model):
    """A unit in a scheme: what it was assessed on and its total."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    villages = models.PositiveIntegerField(_("paired villages"), default=0)
    households = models.PositiveIntegerField(_("paired households"), default=0)
    computed = models.DecimalField(_("computed score"), max_digits=7, decimal_places=2, default=0)
    adjustment = models.DecimalField(_("adjustment"), max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, default=0)

    class Meta:
        ordering = ["-total", "unit__name", "id"]
        verbose_name = _("unit result")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="unit_result_once"),
        ]
        indexes = [models.Index(fields=["scheme", "total"], name="unit_result_total_idx")]

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.unit_id}"


class Score(models.Model):
    """A unit's raw value and score on one indicator. `basis` is the number of evidence records
    behind the value (what the drill-down lists); `denominator` what the value is divided by."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(UnitResult, on_delete=models.PROTECT, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True)
    basis = models.PositiveIntegerField(_("records"), default=0)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=4, null=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, default=0)

    class Meta:
        ordering = ["indicator__position", "indicator_id"]
        verbose_name = _("score")
        constraints = [
            models.UniqueConstraint(fields=["result", "indicator"], name="score_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="score_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_id}:{self.indicator_id} {self.score}"


class Adjustment(TimeStamped):
    """A documented manual adjustment of a unit's total (加减分), added to the computed score."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="adjustments")
    result = models.ForeignKey(UnitResult, on_delete=models.PROTECT, related_name="adjustments")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    document = models.FileField(
        _("supporting document"), upload_to="assessments/%Y/%m/", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("adjustment")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(points=0) & models.Q(points__gte=-100, points__lte=100),
                name="adjustment_points_range",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="adjustment_has_reason"),
        ]
