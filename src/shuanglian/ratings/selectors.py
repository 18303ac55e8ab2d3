"""Reads of the star ratings, always through the user's scope: a rating is seen by whoever sees
its household; a village's sheet, summary and honour list hold only the households the user sees.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.households.models import Household
from shuanglian.ratings.models import Star, StarAward, StarRating
from shuanglian.ratings.services import NOT_A_VILLAGE
from shuanglian.regions.models import Level, Region

STAR_NOT_FOUND = _("No star with id {id}.")
MIN_STARS_INVALID = _("{value} is not a number of stars from 1 to {max}.")


def visible_ratings(user) -> QuerySet[StarRating]:
    return StarRating.objects.filter(user_scope(user).household_q("household__"))


def _awards() -> Prefetch:
    return Prefetch("awards", queryset=StarAward.objects.select_related("star"))


def stars_all() -> list[Star]:
    """The list of stars, in use first; not personal and not scoped."""
    return list(Star.objects.order_by("-active", "order", "id"))


def stars_in_use() -> list[Star]:
    return list(Star.objects.filter(active=True))


def star_get(*, pk) -> Star:
    star = Star.objects.filter(pk=pk).first()
    if star is None:
        raise NotFound(STAR_NOT_FOUND.format(id=pk), field="id")
    return star


def household_ratings(*, user, household: Household) -> list[StarRating]:
    """The household's ratings, newest year first, with their stars (two queries)."""
    ratings = visible_ratings(user).filter(household=household).select_related("recorded_by")
    return list(ratings.order_by("-year").prefetch_related(_awards()))


def require_village(village: Region) -> Region:
    """Ratings pages exist for villages only: another level's address is not found."""
    if village.level != Level.VILLAGE:
        raise NotFound(NOT_A_VILLAGE.format(name=village.name), field="code")
    return village


def village_households(*, user, village: Region) -> QuerySet[Household]:
    return Household.objects.filter(user_scope(user).household_q(), village=village)


@dataclass
class SheetLine:
    household: Household
    rating: StarRating | None
    star_ids: set[int] = field(default_factory=set)
    posted_note: str | None = None  # what the user typed, on a sheet shown again after an error


def village_sheet(*, user, village: Region, year: int) -> list[SheetLine]:
    """Every household of the village the user sees, with its rating for the year (three
    queries, whatever the size of the village)."""
    households = list(village_households(user=user, village=village).order_by("number", "id"))
    ratings = {
        rating.household_id: rating
        for rating in StarRating.objects.filter(
            household__in=[h.pk for h in households], year=year
        ).prefetch_related(_awards())
    }
    lines = []
    for household in households:
        rating = ratings.get(household.pk)
        ids = {a.star_id for a in rating.awards.all()} if rating else set()
        lines.append(SheetLine(household=household, rating=rating, star_ids=ids))
    return lines


@dataclass
class YearSummary:
    year: int
    households: int = 0  # in the village, as the user sees it
    rated: int = 0
    by_star: dict[int, int] = field(default_factory=dict)  # star id → households awarded
    by_count: dict[int, int] = field(default_factory=dict)  # number of stars → households


@dataclass
class SummaryRow:
    star: Star
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass
class VillageSummary:
    village: Region
    current: YearSummary
    previous: YearSummary
    stars: list[SummaryRow]
    counts: list[tuple[int, int, int]]  # (number of stars, households this year, last year)


def _year_summary(user, village: Region, year: int, households: int) -> YearSummary:
    ratings = visible_ratings(user).filter(household__village=village, year=year)
    per_rating = list(ratings.annotate(n=Count("awards")).values_list("n", flat=True))
    by_star = dict(
        StarAward.objects.filter(rating__in=ratings)
        .values("star")
        .annotate(n=Count("id"))
        .values_list("star", "n")
    )
    return YearSummary(
        year=year,
        households=households,
        rated=len(per_rating),
        by_star=by_star,
        by_count=dict(Counter(per_rating)),
    )


def village_summary(*, user, village: Region, year: int) -> VillageSummary:
    """Per star, how many households got it; households by number of stars; both against the
    year before. Aggregated in the database: a fixed number of queries."""
    households = village_households(user=user, village=village).count()
    current = _year_summary(user, village, year, households)
    previous = _year_summary(user, village, year - 1, households)
    used = set(current.by_star) | set(previous.by_star)
    stars = [s for s in stars_all() if s.active or s.pk in used]
    top = max([len(stars), *current.by_count, *previous.by_count])
    return VillageSummary(
        village=village,
        current=current,
        previous=previous,
        stars=[
            SummaryRow(s, current.by_star.get(s.pk, 0), previous.by_star.get(s.pk, 0))
            for s in stars
        ],
        counts=[
            (n, current.by_count.get(n, 0), previous.by_count.get(n, 0)) for n in range(top, -1, -1)
        ],
    )


@dataclass
class Honour:
    rating: StarRating
    household: Household
    stars: list[Star]


def honour_list(*, user, village: Region, year: int, min_stars: int | None = None) -> list[Honour]:
    """光荣榜: the households rated with every star in use, or with at least `min_stars` stars."""
    active = [s.pk for s in stars_in_use()]
    if min_stars is not None and not 1 <= min_stars <= max(len(active), 1):
        raise InvalidInput(MIN_STARS_INVALID.format(value=min_stars, max=len(active)), field="min")
    ratings = visible_ratings(user).filter(household__village=village, year=year)
    if min_stars is None:
        ratings = ratings.annotate(
            n=Count("awards", filter=Q(awards__star__active=True), distinct=True)
        ).filter(n=len(active), n__gt=0)
    else:
        ratings = ratings.annotate(n=Count("awards", distinct=True)).filter(n__gte=min_stars)
    ratings = ratings.select_related("household").order_by("household__number", "id")
    return [
        Honour(rating=r, household=r.household, stars=[a.star for a in r.awards.all()])
        for r in ratings.prefetch_related(_awards())
    ]
