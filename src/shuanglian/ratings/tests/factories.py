"""Test data for the star ratings, made through the services."""

import datetime as dt

from shuanglian.ratings import services
from shuanglian.ratings.models import Star


def stars(*, actor) -> list[Star]:
    """The default stars (a flushed test database has lost the migration's rows)."""
    return services.star_defaults_ensure(actor=actor)


def rating(*, actor, household, year=2012, names=(), decided_on=None, note=""):
    ids = list(Star.objects.filter(name__in=names).values_list("pk", flat=True))
    return services.star_rating_save(
        actor=actor,
        household=household,
        year=year,
        stars=ids,
        decided_on=decided_on or dt.date(year, 12, 20),
        note=note,
    )
