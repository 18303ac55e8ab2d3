"""The assistance work: household and village plans with measures, cadres' visits with photos and
the households' requests, follow-ups (from visits and meeting decisions), deeds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import PhotoBase, TimeStamped


class Voidable(models.Model):
    """A record voided (作废) with a reason stays visible, marked, but counts nowhere."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class MeasureType(models.TextChoices):
    INDUSTRY = "industry", _("industry support")
    EMPLOYMENT = "employment", _("employment")
    TRAINING = "training", _("skills training")
    EDUCATION = "education", _("education aid")
    HEALTH = "health", _("health care")
    HOUSING = "housing", _("housing renovation")
    WATER = "water", _("safe drinking water")
    MICROCREDIT = "microcredit", _("microcredit")
    PUBLIC_JOB = "public_job", _("public-welfare job")
    SUBSISTENCE = "subsistence", _("subsistence allowance")
    OTHER = "other", _("other")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class HouseholdPlan(TimeStamped):
    """A household's plan for a year (帮扶计划): goals, then measures."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target_net_per_capita = models.DecimalField(
        _("target net income per person (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    target_exit_year = models.PositiveSmallIntegerField(
        _("target exit year"), null=True, blank=True
    )
    goals = models.TextField(_("goals"), blank=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("household plan")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="household_plan_one_a_year")
        ]


class VillagePlan(TimeStamped):
    """A village's development plan for a year, from its paired unit(s)."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # Which of the paired units made the plan; empty for plans from before this was recorded.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("planning unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leading_industries = models.CharField(_("leading industries"), max_length=200, blank=True)
    targets = models.TextField(_("targets"), blank=True)
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("linked projects"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("village plan")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_plan_one_a_year")
        ]


class Measure(TimeStamped):
    """One measure (帮扶措施) of a household plan."""

    plan = models.ForeignKey(HouseholdPlan, on_delete=models.CASCADE, related_name="measures")
    type = models.CharField(_("measure type"), max_length=12, choices=MeasureType.choices)
    description = models.CharField(_("measure"), max_length=300)
    responsible_cadre = models.ForeignKey(
        "units.Cadre",
        verbose_name=_("responsible cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    responsible_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    planned_cost = models.DecimalField(
        _("planned cost (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    funding = models.CharField(_("funding"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("measure")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_cost__gte=0), name="measure_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dropped") | ~models.Q(status_reason=""),
                name="measure_dropped_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="measure_status_due_idx")]


class VisitMode(models.TextChoices):
    HOME = "home", _("home visit")
    PHONE = "phone", _("phone call")
    ONLINE = "online", _("WeChat or video")


class Visit(TimeStamped, Voidable):
    """A cadre's visit (走访) to a household paired with them."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    cadre = models.ForeignKey(
        "units.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=10, choices=VisitMode.choices)
    discussion = models.TextField(_("what was discussed"), blank=True)
    # The household's satisfaction with the help (1–5), asked at the visit; unit assessment uses it.
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="visit_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True) | ~models.Q(void_reason=""),
                name="visit_voided_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "visited_on"], name="visit_cadre_date_idx")]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_mode_display()}"


class VisitPhoto(PhotoBase):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class FollowUp(TimeStamped):
    """Something to be done by someone by a date (督办事项): a household's request from a visit,
    or a meeting's decision."""

    title = models.CharField(_("follow-up"), max_length=300)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    owner_cadre = models.ForeignKey(
        "units.Cadre",
        verbose_name=_("owner (cadre)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("owner (unit)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_cadre__isnull=False) | models.Q(owner_unit__isnull=False),
                name="follow_up_has_owner",
            )
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="follow_up_status_due_idx")]


class DeedType(models.TextChoices):
    FUNDS = "funds", _("funds")
    GOODS = "goods", _("goods")
    TECH = "tech", _("technical service")
    INFO = "info", _("information service")
    INVESTMENT = "investment", _("project investment")
    JOB = "job", _("job referral")
    OTHER = "other", _("other")


class Deed(TimeStamped, Voidable):
    """Practical help delivered (实事好事) by a unit or one of its cadres."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="deeds"
    )
    cadre = models.ForeignKey(
        "units.Cadre",
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deeds",
    )
    type = models.CharField(_("type of help"), max_length=12, choices=DeedType.choices)
    description = models.CharField(_("what was done"), max_length=300)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2, default=0)
    done_on = models.DateField(_("date"))
    # The beneficiaries: households, or the whole village.
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    households = models.ManyToManyField(
        "households.Household", verbose_name=_("households"), blank=True, related_name="deeds"
    )

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("deed")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="deed_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True) | ~models.Q(void_reason=""),
                name="deed_voided_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["unit", "done_on"], name="deed_unit_date_idx")]

    def __str__(self) -> str:
        return self.description


class DeedPhoto(PhotoBase):
    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="photos")
