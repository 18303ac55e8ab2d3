from django.conf import settings
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
    # The scope: a region for officers and viewers, a unit for unit administrators; a cadre's
    # account is linked from units.Cadre.user, and reaches the cadre's current households.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrators",
    )
    can_reveal = models.BooleanField(
        _("may reveal personal data"),
        default=False,
        help_text=_("See a full ID or phone number, one record at a time, with a stated reason."),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=[Role.REGION_OFFICER, Role.VIEWER])
                | models.Q(region__isnull=False),
                name="user_officer_has_region",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.UNIT_ADMIN) | models.Q(unit__isnull=False),
                name="user_unit_admin_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("token starts with"), max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_live_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}…"
