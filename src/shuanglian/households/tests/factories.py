"""Factories that go through the services, so test data obeys the same rules as real data."""

import datetime as dt
import itertools

from shuanglian.core.idcard import build_id
from shuanglian.households import services
from shuanglian.households.models import Category, Household, Member, Relation

_serial = itertools.count(1)


def id_number(*, birth: dt.date | None = None, male=True, area="620522") -> str:
    """A fresh valid ID number; with `birth`, born exactly then (500 per birth date and sex)."""
    n = next(_serial)
    serial = ((n % 500) * 2 + (1 if male else 0)) % 1000
    if birth is None:
        # One date has room for 500 people of a sex: move on a day every 500 numbers.
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=n // 500)
    return build_id(area, birth, serial)


def member_data(**overrides) -> services.MemberData:
    values = {"name": "李爱仙", "id_number": id_number(), "relation": Relation.SPOUSE}
    values.update(overrides)
    return services.MemberData(**values)


def household(*, actor, village="620522104200", head_name="王建祥", category=Category.POOR, **kw):
    head = member_data(
        name=head_name, relation=Relation.HEAD, id_number=kw.pop("head_id", None) or id_number()
    )
    return services.household_create(
        actor=actor, village_code=village, head=head, category=category, **kw
    )


def member(*, actor, household: Household, **overrides) -> Member:
    return services.member_add(actor=actor, household=household, data=member_data(**overrides))
