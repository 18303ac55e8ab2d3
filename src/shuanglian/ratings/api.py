"""The star ratings under /api/v1/ratings: the stars, a household's ratings (read and write) and a
village's summary for a year.

The write body is a form whose fields are all optional in the schema: the household is looked up
first (out of scope = 404, read-only = 403) and the service then says what is missing, with the
project's messages, instead of a generic 422.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Form, Router, Schema

from shuanglian.core.access import require_write
from shuanglian.core.api_errors import ErrorOut
from shuanglian.households.selectors import household_get
from shuanglian.ratings import selectors, services
from shuanglian.ratings.models import StarRating
from shuanglian.regions.selectors import region_get

router = Router(tags=["ratings"])

READ = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**READ, 403: ErrorOut, 409: ErrorOut}


class StarOut(Schema):
    id: int
    name: str
    order: int
    active: bool


class RatingOut(Schema):
    id: int
    household_id: int
    year: int
    stars: list[StarOut]
    decided_on: dt.date
    note: str


class StarCount(Schema):
    star: StarOut
    households: int
    previous_year: int


class CountRow(Schema):
    stars: int = Field(description="Number of stars")
    households: int
    previous_year: int


class SummaryOut(Schema):
    village_code: str
    year: int
    households: int = Field(description="Households of the village the user sees")
    rated: int
    rated_previous_year: int
    by_star: list[StarCount]
    by_count: list[CountRow]


def _star(star) -> dict:
    return {"id": star.pk, "name": star.name, "order": star.order, "active": star.active}


def _rating(rating: StarRating) -> dict:
    return {
        "id": rating.pk,
        "household_id": rating.household_id,
        "year": rating.year,
        "stars": [_star(a.star) for a in rating.awards.all()],
        "decided_on": rating.decided_on,
        "note": rating.note,
    }


@router.get(
    "/stars",
    response={200: list[StarOut], **READ},
    summary="The stars of the rating, in use first",
    operation_id="ratings_star_list",
)
def star_list(request: HttpRequest):
    return [_star(s) for s in selectors.stars_all()]


@router.get(
    "/households/{household_id}",
    response={200: list[RatingOut], **READ},
    summary="A household's star ratings, newest year first",
    operation_id="ratings_household_list",
)
def household_ratings(request: HttpRequest, household_id: int):
    household = household_get(user=request.user, pk=household_id)
    return [_rating(r) for r in selectors.household_ratings(user=request.user, household=household)]


class RatingIn(Schema):
    year: str | None = Field(None, description="A year from 2000 to 2100.")
    stars: list[int] = Field(default_factory=list, description="Ids of the stars awarded.")
    decided_on: dt.date | None = None
    note: str = ""


@router.post(
    "/households/{household_id}",
    response={200: RatingOut, **WRITE},
    summary="Record or change a household's rating for a year (one per year)",
    operation_id="ratings_household_save",
)
def household_rating_save(request: HttpRequest, household_id: int, payload: Form[RatingIn]):
    household = household_get(user=request.user, pk=household_id)
    require_write(request.user, household.village_id)
    rating = services.star_rating_save(
        actor=request.user,
        household=household,
        year=payload.year,
        stars=payload.stars,
        decided_on=payload.decided_on,
        note=payload.note,
    )
    fresh = next(
        r
        for r in selectors.household_ratings(user=request.user, household=household)
        if r.pk == rating.pk
    )
    return _rating(fresh)


@router.get(
    "/villages/{code}/{year}/summary",
    response={200: SummaryOut, **READ},
    summary="A village's ratings of a year: households per star and by number of stars, with "
    "the year before",
    operation_id="ratings_village_summary",
)
def village_summary(request: HttpRequest, code: str, year: int):
    village = selectors.require_village(region_get(user=request.user, code=code))
    year = services.parse_year(year)
    summary = selectors.village_summary(user=request.user, village=village, year=year)
    return {
        "village_code": village.code,
        "year": year,
        "households": summary.current.households,
        "rated": summary.current.rated,
        "rated_previous_year": summary.previous.rated,
        "by_star": [
            {"star": _star(row.star), "households": row.count, "previous_year": row.previous}
            for row in summary.stars
        ],
        "by_count": [
            {"stars": n, "households": now, "previous_year": before}
            for n, now, before in summary.counts
        ],
    }
