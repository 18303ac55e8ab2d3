import datetime as dt

from shuanglian.pairings import services
from shuanglian.pairings.models import VillageRole


def village_pairing(*, actor, unit, village="620522104200", role=VillageRole.LEAD, start=None):
    return services.village_pairing_create(
        actor=actor,
        unit=unit,
        village_code=village,
        role=role,
        start_date=start or dt.date(2012, 3, 1),
    )


def household_pairing(*, actor, household, cadre, start=None):
    return services.household_pairing_assign(
        actor=actor, household=household, cadre=cadre, start_date=start or dt.date(2012, 3, 1)
    )
