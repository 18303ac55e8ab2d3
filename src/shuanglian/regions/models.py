from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("region level", "province")
    CITY = "city", pgettext_lazy("region level", "city")
    COUNTY = "county", pgettext_lazy("region level", "county")
    TOWNSHIP = "township", pgettext_lazy("region level", "township")
    VILLAGE = "village", pgettext_lazy("region level", "village")


# Digits that identify a region at each level in the 12-digit NBS code.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
CHILD_LEVEL = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


class Region(models.Model):
    """An administrative division (行政区划), keyed by its 12-digit NBS 统计用区划代码."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("official name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        constraints = [
            models.CheckConstraint(
                condition=models.lookups.Exact(Length("code"), 12), name="region_code_12_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="region_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)
