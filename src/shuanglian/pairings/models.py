from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import TimeStamped


class VillageRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    MEMBER = "member", _("member unit")


class VillagePairing(TimeStamped):
    """A unit paired with a village (单位联村). Ended, never deleted: end_date set."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="village_pairings",
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=VillageRole.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("village pairing")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "village"],
                condition=models.Q(end_date__isnull=True),
                name="village_pairing_one_active",
            ),
            models.UniqueConstraint(
                fields=["village"],
                condition=models.Q(end_date__isnull=True, role="lead"),
                name="village_pairing_one_lead",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="village_pairing_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["village", "end_date"], name="village_pairing_village_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} ↔ {self.village_id}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class HouseholdPairing(TimeStamped):
    """A cadre responsible for a household (干部联户). History is kept: ended, never deleted."""

    cadre = models.ForeignKey(
        "units.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        related_name="household_pairings",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("household pairing")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(end_date__isnull=True),
                name="household_pairing_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="household_pairing_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "end_date"], name="household_pairing_cadre_idx")]

    def __str__(self) -> str:
        return f"{self.cadre_id} ↔ {self.household_id}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None
