import datetime as dt

import pytest

from shuanglian.conftest import GUOJIA, HUAIMIAO, NUANQUAN
from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.households.tests import factories as hf
from shuanglian.pairings import services
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.pairings.tests import factories as f
from shuanglian.units.tests import factories as uf


@pytest.fixture
def paired(admin_user):
    unit = uf.unit(actor=admin_user)
    f.village_pairing(actor=admin_user, unit=unit)
    return unit


def test_village_pairing_must_be_a_village(admin_user):
    unit = uf.unit(actor=admin_user)
    with pytest.raises(InvalidInput) as exc_info:
        f.village_pairing(actor=admin_user, unit=unit, village=GUOJIA)
    assert exc_info.value.field == "village"
    assert VillagePairing.objects.count() == 0


def test_overlapping_village_pairing_and_second_lead_are_refused(admin_user, paired):
    with pytest.raises(Conflict):
        f.village_pairing(actor=admin_user, unit=paired, role="member")
    other = uf.unit(actor=admin_user, name="县文明办")
    with pytest.raises(Conflict) as exc_info:
        f.village_pairing(actor=admin_user, unit=other, role="lead")
    assert exc_info.value.field == "role"
    f.village_pairing(actor=admin_user, unit=other, role="member")
    assert VillagePairing.objects.filter(end_date__isnull=True).count() == 2


def test_after_ending_a_unit_may_pair_again_and_history_stays(admin_user, paired):
    pairing = VillagePairing.objects.get()
    with pytest.raises(InvalidInput):
        services.village_pairing_end(
            actor=admin_user, pairing=pairing, end_date=dt.date(2000, 1, 1)
        )
    services.village_pairing_end(actor=admin_user, pairing=pairing, end_date=dt.date(2014, 1, 1))
    f.village_pairing(actor=admin_user, unit=paired, start=dt.date(2015, 1, 1))
    assert VillagePairing.objects.count() == 2


def test_changing_the_cadre_ends_the_old_pairing(admin_user, paired):
    household = hf.household(actor=admin_user)
    first = uf.cadre(actor=admin_user, unit=paired, name="李爱仙")
    second = uf.cadre(actor=admin_user, unit=paired, name="王建祥")
    f.household_pairing(
        actor=admin_user, household=household, cadre=first, start=dt.date(2012, 3, 1)
    )
    f.household_pairing(
        actor=admin_user, household=household, cadre=second, start=dt.date(2013, 5, 1)
    )
    pairings = list(HouseholdPairing.objects.order_by("start_date"))
    assert [(p.cadre_id, p.end_date) for p in pairings] == [
        (first.pk, dt.date(2013, 5, 1)),
        (second.pk, None),
    ]


def test_pairing_overlapping_the_active_one_is_refused(admin_user, paired):
    household = hf.household(actor=admin_user)
    first = uf.cadre(actor=admin_user, unit=paired, name="李爱仙")
    second = uf.cadre(actor=admin_user, unit=paired, name="王建祥")
    f.household_pairing(
        actor=admin_user, household=household, cadre=first, start=dt.date(2013, 3, 1)
    )
    with pytest.raises(Conflict) as exc_info:
        f.household_pairing(
            actor=admin_user, household=household, cadre=second, start=dt.date(2012, 1, 1)
        )
    assert exc_info.value.field == "start_date"
    with pytest.raises(Conflict):
        f.household_pairing(
            actor=admin_user, household=household, cadre=first, start=dt.date(2014, 1, 1)
        )
    assert HouseholdPairing.objects.get().end_date is None


def test_cadre_must_come_from_a_unit_paired_with_the_village(admin_user, paired):
    elsewhere = uf.unit(actor=admin_user, name="县建行")
    f.village_pairing(actor=admin_user, unit=elsewhere, village=HUAIMIAO)
    household = hf.household(actor=admin_user, village=NUANQUAN)
    with pytest.raises(InvalidInput) as exc_info:
        f.household_pairing(
            actor=admin_user, household=household, cadre=uf.cadre(actor=admin_user, unit=elsewhere)
        )
    assert exc_info.value.field == "cadre"
    assert HouseholdPairing.objects.count() == 0


def test_ending_a_village_pairing_ends_its_cadres_household_pairings(admin_user, paired):
    household = hf.household(actor=admin_user)
    cadre = uf.cadre(actor=admin_user, unit=paired)
    f.household_pairing(actor=admin_user, household=household, cadre=cadre)
    services.village_pairing_end(
        actor=admin_user, pairing=VillagePairing.objects.get(), end_date=dt.date(2014, 12, 31)
    )
    assert HouseholdPairing.objects.get().end_date == dt.date(2014, 12, 31)


def test_a_new_household_pairing_cannot_reach_back_into_history(admin_user, paired):
    household = hf.household(actor=admin_user)
    first = uf.cadre(actor=admin_user, unit=paired, name="李爱仙")
    second = uf.cadre(actor=admin_user, unit=paired, name="王建祥")
    pairing = f.household_pairing(
        actor=admin_user, household=household, cadre=first, start=dt.date(2012, 3, 1)
    )
    services.household_pairing_end(actor=admin_user, pairing=pairing, end_date=dt.date(2014, 6, 30))
    with pytest.raises(Conflict) as exc_info:
        f.household_pairing(
            actor=admin_user, household=household, cadre=second, start=dt.date(2013, 1, 1)
        )
    assert exc_info.value.field == "start_date"
    assert str(exc_info.value.message) == str(
        services.HOUSEHOLD_PAIRING_HISTORY.format(cadre=first, end=dt.date(2014, 6, 30))
    )
    assert HouseholdPairing.objects.count() == 1
    f.household_pairing(
        actor=admin_user, household=household, cadre=second, start=dt.date(2014, 6, 30)
    )
    assert HouseholdPairing.objects.count() == 2


def test_a_new_village_pairing_cannot_reach_back_into_history(admin_user, paired):
    pairing = VillagePairing.objects.get()
    services.village_pairing_end(actor=admin_user, pairing=pairing, end_date=dt.date(2014, 1, 1))
    with pytest.raises(Conflict) as exc_info:
        f.village_pairing(actor=admin_user, unit=paired, start=dt.date(2013, 1, 1))
    assert exc_info.value.field == "start_date"
    assert VillagePairing.objects.count() == 1


def test_pairing_writes_are_audited(admin_user, paired):
    household = hf.household(actor=admin_user)
    cadre = uf.cadre(actor=admin_user, unit=paired)
    f.household_pairing(actor=admin_user, household=household, cadre=cadre)
    services.village_pairing_end(
        actor=admin_user, pairing=VillagePairing.objects.get(), end_date=dt.date.today()
    )
    events = AuditEvent.objects.filter(object_type__startswith="pairings.")
    seen = {(e.object_type, e.action) for e in events}
    assert seen == {
        ("pairings.VillagePairing", "create"),
        ("pairings.VillagePairing", "end"),
        ("pairings.HouseholdPairing", "create"),
        ("pairings.HouseholdPairing", "end"),
    }
    assert all(e.actor_id == admin_user.pk for e in events)
