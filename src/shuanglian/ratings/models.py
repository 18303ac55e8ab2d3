"""五星级文明户: the village's yearly rating of each household on a configurable list of stars."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import TimeStamped

# The stars a fresh installation starts with (the data migration and the demo use this list);
# administrators change the list afterwards.
DEFAULT_STARS = ("爱国守法", "诚信友善", "勤劳致富", "孝老爱亲", "卫生整洁")
YEAR_MIN, YEAR_MAX = 2000, 2100


class Star(TimeStamped):
    """One star of the rating (爱国守法 …). A star that ratings use is deactivated, never deleted:
    past ratings keep it."""

    name = models.CharField(_("star"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("star")
        constraints = [models.UniqueConstraint(fields=["name"], name="star_name_unique")]

    def __str__(self) -> str:
        return self.name


class StarRating(TimeStamped):
    """A household's rating for one year, decided by the village (民主评议)."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="star_ratings",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    stars = models.ManyToManyField(
        Star, through="StarAward", verbose_name=_("stars"), related_name="+"
    )
    decided_on = models.DateField(_("decided on"))
    note = models.TextField(_("deliberation note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["household_id", "-year"]
        verbose_name = _("star rating")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="star_rating_one_a_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="star_rating_year_plausible",
            ),
        ]
        indexes = [models.Index(fields=["year", "household"], name="star_rating_year_idx")]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class StarAward(models.Model):
    """One star given in one rating."""

    rating = models.ForeignKey(StarRating, on_delete=models.CASCADE, related_name="awards")
    star = models.ForeignKey(Star, on_delete=models.PROTECT, related_name="awards")

    class Meta:
        ordering = ["star__order", "star_id"]
        constraints = [models.UniqueConstraint(fields=["rating", "star"], name="star_award_unique")]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.star_id}"
