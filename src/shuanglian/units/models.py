from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.models import IdNumberFields, PhoneFields, TimeStamped


class UnitKind(models.TextChoices):
    PARTY_GOVERNMENT = "party_government", _("party or government department")
    SCHOOL = "school", _("school")
    HEALTH = "health", _("hospital or clinic")
    FINANCE = "finance", _("bank or insurer")
    ENTERPRISE = "enterprise", _("enterprise")
    UNIVERSITY = "university", _("university")
    CONGRESS = "congress", _("people's congress")
    OTHER = "other", _("other")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("unit level", "provincial")
    CITY = "city", pgettext_lazy("unit level", "city")
    COUNTY = "county", pgettext_lazy("unit level", "county")
    TOWNSHIP = "township", pgettext_lazy("unit level", "township")


class Unit(TimeStamped):
    """A member unit (联系单位) whose cadres take part in the pairing."""

    name = models.CharField(_("unit name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    home_region = models.ForeignKey(
        "regions.Region", verbose_name=_("home region"), on_delete=models.PROTECT, related_name="+"
    )
    leader_name = models.CharField(_("leader"), max_length=100, blank=True)
    leader_post = models.CharField(_("leader's post"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("unit")
        constraints = [
            models.UniqueConstraint(fields=["name", "home_region"], name="unit_name_region_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=UnitKind.values), name="unit_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=UnitLevel.values), name="unit_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CadreRank(models.TextChoices):
    PROVINCIAL = "provincial", _("provincial/ministerial")
    BUREAU = "bureau", _("bureau/department")
    DIVISION = "division", _("county/division")
    SECTION = "section", _("township/section")
    STAFF = "staff", _("staff member")
    OTHER = "other", _("other")


class Cadre(TimeStamped, IdNumberFields, PhoneFields):
    """A cadre (干部) of a unit; paired with households."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres"
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=20, choices=CadreRank.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cadre")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=models.Q(id_number_index__isnull=False),
                name="cadre_id_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["unit", "id"], name="cadre_unit_idx")]

    def __str__(self) -> str:
        return self.name
