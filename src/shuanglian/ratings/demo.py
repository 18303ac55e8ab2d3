"""Star ratings for the Guojia town demo: every household of the demo's villages rated in 2012
and 2013, through the same service as the village's rating sheet. Deterministic, and a second run
changes nothing."""

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Q

from shuanglian.core.access import prefix_q
from shuanglian.households.models import Household
from shuanglian.ratings.services import SheetRow, star_defaults_ensure, village_ratings_save
from shuanglian.regions.models import Region

YEARS = (2012, 2013)
# The demo's towns: 郭嘉镇, and 陇城镇 where a few households show scoping.
TOWNS = ("620522104", "620522103")
# Chance that a household earns a star; villages improve from one year to the next.
SHARE = {2012: 0.62, 2013: 0.74}
DECIDED = (12, 20)  # villages deliberate near the end of the year


@dataclass
class SeedResult:
    villages: int = 0
    created: int = 0
    changed: int = 0


def seed(*, actor, today: dt.date) -> SeedResult:
    stars = star_defaults_ensure(actor=actor)
    towns = Q()
    for prefix in TOWNS:
        towns |= prefix_q("village_id", prefix)
    village_codes = Household.objects.filter(towns).values_list("village_id", flat=True).distinct()
    villages = Region.objects.filter(code__in=list(village_codes)).order_by("code")
    result = SeedResult()
    for village in villages:
        result.villages += 1
        households = list(Household.objects.filter(village=village).order_by("number"))
        for year in YEARS:
            decided_on = dt.date(year, *DECIDED)
            if decided_on > today:
                continue
            rows = []
            for household in households:
                rng = random.Random(f"{household.number}-{year}")
                # A household's diligence carries over the years: the same draw per household.
                base = random.Random(household.number).random() * 0.3
                share = SHARE[year] + base - 0.15
                awarded = [star.pk for star in stars if rng.random() < share]
                rows.append(SheetRow(household_id=household.pk, stars=awarded))
            saved = village_ratings_save(
                actor=actor, village=village, year=year, decided_on=decided_on, rows=rows
            )
            result.created += saved.created
            result.changed += saved.changed
    return result
