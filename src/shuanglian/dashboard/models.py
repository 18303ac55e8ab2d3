"""Rollups: the figures of every region, unit and cadre, kept up to date on write.

Values are integers (money in fen), so that incremental sums and a rebuild agree exactly on
SQLite (which stores decimals as floating point) as on PostgreSQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    REGION = "region", _("region")
    UNIT = "unit", _("unit")
    CADRE = "cadre", _("cadre")


class VillageFigure(models.Model):
    """A village's own figures, computed from the base tables (`rollups.village_rows`).

    What was last added to the region totals for this village: a refresh applies the difference
    between these rows and freshly computed ones to the village and its ancestors.
    """

    village_code = models.CharField(max_length=12)
    metric = models.CharField(max_length=32)
    dim = models.CharField(max_length=64, blank=True)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["village_code", "metric", "dim"], name="village_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.metric} {self.dim} {self.value}"


class Figure(models.Model):
    """One figure of a region (its whole subtree), a unit or a cadre: what a dashboard reads."""

    kind = models.CharField(max_length=10, choices=HolderKind.choices)
    # A 12-digit region code, or a unit's or cadre's id.
    key = models.CharField(max_length=12)
    # Region level; blank for units and cadres. Reads go by key (the unique index), never by
    # level: an index led by (kind, level) tempted PostgreSQL into scanning every region row.
    level = models.CharField(max_length=10, blank=True)
    metric = models.CharField(max_length=32)
    dim = models.CharField(max_length=64, blank=True)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "metric", "dim"], name="figure_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=HolderKind.values), name="figure_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.metric} {self.dim} {self.value}"
