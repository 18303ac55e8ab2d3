"""Village projects (项目) and their append-only fund ledger (资金)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import PhotoBase, TimeStamped


class ProjectType(models.TextChoices):
    ROAD = "road", _("village road hardening")
    WATER = "water", _("safe drinking water")
    HOUSING = "housing", _("dilapidated-house renovation")
    BIOGAS = "biogas", _("biogas digesters")
    ORCHARD = "orchard", _("fruit or pepper orchards")
    TERRACE = "terrace", _("terraced fields")
    CULTURE_CENTRE = "culture_centre", _("village cultural activity centre")
    INDUSTRY = "industry", _("industry project")
    OTHER = "other", _("other")


# The quantity a project of each type is measured in (km of road, households, 亩 …).
QUANTITY_UNITS = {
    ProjectType.ROAD: _("km"),
    ProjectType.WATER: _("households"),
    ProjectType.HOUSING: _("households"),
    ProjectType.BIOGAS: _("digesters"),
    ProjectType.ORCHARD: _("mu"),
    ProjectType.TERRACE: _("mu"),
    ProjectType.CULTURE_CENTRE: _("m²"),
}


class ProjectStatus(models.TextChoices):
    """In order: a project moves one step at a time (规划 → 在建 → 完工 → 验收)."""

    PLANNED = "planned", _("planned")
    BUILDING = "building", _("under construction")
    COMPLETED = "completed", _("completed")
    ACCEPTED = "accepted", _("accepted")


class Project(TimeStamped):
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("project name"), max_length=200)
    type = models.CharField(_("project type"), max_length=20, choices=ProjectType.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=0)
    quantity_unit = models.CharField(_("unit of quantity"), max_length=20, blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2, default=0)
    lead_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("leading unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    contributing_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("contributing units"), blank=True, related_name="projects"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("project")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="project_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0) & models.Q(budget__gte=0),
                name="project_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["village", "status"], name="project_village_status_idx")]

    def __str__(self) -> str:
        return self.name


class ProjectStatusChange(models.Model):
    """Each step of a project, dated and by whom (the history the project page shows)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ProjectStatus.choices)
    changed_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.from_status} → {self.to_status}"


class FundingSource(models.TextChoices):
    UNIT = "unit", _("raised by units")
    FISCAL = "fiscal", _("special fiscal funds")
    INTEGRATED = "integrated", _("integrated funds")
    DONATION = "donation", _("social donations")
    CREDIT = "credit", _("bank credit")
    VILLAGERS = "villagers", _("raised by villagers")


class FundingImmutable(RuntimeError):
    def __init__(self) -> None:
        super().__init__("fund ledger entries are append-only")


class FundingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise FundingImmutable

    def delete(self):
        raise FundingImmutable


class Funding(models.Model):
    """One entry of a project's fund ledger. Append-only: a correction is a reversing entry
    (a negative amount pointing at the entry it reverses), never an edit.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="fundings")
    source = models.CharField(_("source"), max_length=12, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("date"))
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("contributing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fundings",
    )
    # PROTECT, not SET_NULL: clearing the link would be an UPDATE, which the ledger refuses.
    raised_by = models.ForeignKey(
        "units.Cadre",
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funds_raised",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FundingQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("funding entry")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="funding_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) | models.Q(reverses__isnull=False),
                name="funding_negative_only_as_reversal",
            ),
        ]
        indexes = [models.Index(fields=["unit", "received_on"], name="funding_unit_date_idx")]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"

    def save(self, *args, **kwargs):
        # Append-only integrity guard, not business logic: a stored entry never changes; a
        # correction is a new reversing entry.
        if not self._state.adding:
            raise FundingImmutable
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FundingImmutable


class ProjectPhoto(PhotoBase):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
