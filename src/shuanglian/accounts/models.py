from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("system administrator")
    REGION_OFFICER = "region_officer", _("region officer")
    UNIT_ADMIN = "unit_admin", _("unit administrator")
    CADRE = "cadre", _("cadre")
    VIEWER = "viewer", _("viewer")


class User(AbstractUser):
    """An account. Its role and scope decide what it sees (core.access)."""

    display_name = models.CharField(_("name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid")
        ]

    def __str__(self) -> str:
        return self.display_name or self.username
