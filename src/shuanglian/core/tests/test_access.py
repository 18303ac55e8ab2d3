import pytest

from shuanglian.conftest import GUOJIA, HUAIMIAO, LONGCHENG, NUANQUAN, QINAN
from shuanglian.core.access import (
    NO_SCOPE,
    region_prefix,
    require_pairing_write,
    require_unit_write,
    require_write,
    user_scope,
)
from shuanglian.core.errors import Forbidden
from shuanglian.regions.models import Region


def test_region_prefix():
    assert region_prefix("620000000000") == "62"
    assert region_prefix("620522000000") == "620522"
    assert region_prefix("620522104000") == "620522104"
    assert region_prefix("620522104200") == "620522104200"


def test_officer_scope_is_the_region_and_below(town_officer):
    scope = user_scope(town_officer)
    assert scope.covers_region(NUANQUAN)
    assert scope.covers_region(GUOJIA)
    assert not scope.covers_region(LONGCHENG)
    assert not scope.covers_region(QINAN)
    codes = set(Region.objects.filter(scope.region_q("code")).values_list("code", flat=True))
    assert GUOJIA in codes and NUANQUAN in codes
    assert all(code.startswith("620522104") for code in codes)


@pytest.mark.django_db
def test_anonymous_inactive_and_incomplete_accounts_see_nothing(county_officer):
    from django.contrib.auth.models import AnonymousUser

    from shuanglian.accounts.models import User

    county_officer.is_active = False
    orphan_cadre = User(username="nobody", role="cadre")  # never saved: no cadre links to it
    for user in (AnonymousUser(), None, county_officer, orphan_cadre):
        scope = user_scope(user)
        assert scope == NO_SCOPE or not Region.objects.filter(scope.region_q("code")).exists()
        assert not Region.objects.filter(scope.region_q("code")).exists()


def test_unit_admin_sees_the_villages_the_unit_is_paired_with_now(unit_admin, persona_unit):
    scope = user_scope(unit_admin)
    assert scope.unit_id == persona_unit.pk and not scope.writable
    assert set(Region.objects.filter(scope.region_q("code")).values_list("code", flat=True)) == {
        NUANQUAN
    }
    assert scope.covers_region(NUANQUAN) and not scope.covers_region(HUAIMIAO)
    assert not scope.covers_region(GUOJIA)
    # The registry of the village is the officers'; the unit's own cadres and pairings its own.
    with pytest.raises(Forbidden):
        require_write(unit_admin, NUANQUAN)
    require_unit_write(unit_admin, persona_unit)
    require_pairing_write(unit_admin, unit_id=persona_unit.pk, village_code=NUANQUAN)
    with pytest.raises(Forbidden):
        require_pairing_write(unit_admin, unit_id=persona_unit.pk, village_code=HUAIMIAO)
    with pytest.raises(Forbidden):
        require_pairing_write(unit_admin, unit_id=persona_unit.pk + 1, village_code=NUANQUAN)


def test_a_unit_admin_loses_a_village_when_the_pairing_ends(admin_user, unit_admin):
    from shuanglian.pairings.models import VillagePairing
    from shuanglian.pairings.services import village_pairing_end

    pairing = VillagePairing.objects.get(unit=unit_admin.unit)
    village_pairing_end(actor=admin_user, pairing=pairing, end_date=pairing.start_date)
    assert not user_scope(unit_admin).covers_region(NUANQUAN)


def test_cadre_sees_the_households_paired_with_them_now(admin_user, cadre_user):
    from shuanglian.households.models import Household
    from shuanglian.households.tests.factories import household
    from shuanglian.pairings.services import household_pairing_end
    from shuanglian.pairings.tests.factories import household_pairing

    mine = household(actor=admin_user, village=NUANQUAN, head_name="李爱仙")
    household(actor=admin_user, village=NUANQUAN, head_name="王建祥")
    scope = user_scope(cadre_user)
    assert not Household.objects.filter(scope.household_q()).exists()
    pairing = household_pairing(actor=admin_user, household=mine, cadre=cadre_user.cadre)
    assert list(Household.objects.filter(scope.household_q())) == [mine]
    assert scope.covers_region(NUANQUAN) and not scope.covers_region(HUAIMIAO)
    with pytest.raises(Forbidden):
        require_write(cadre_user, NUANQUAN)
    household_pairing_end(actor=admin_user, pairing=pairing, end_date=pairing.start_date)
    assert not Household.objects.filter(scope.household_q()).exists()


def test_viewer_reads_but_may_not_write(viewer):
    assert user_scope(viewer).covers_region(NUANQUAN)
    with pytest.raises(Forbidden):
        require_write(viewer, NUANQUAN)


def test_officer_may_not_write_outside_region(other_town_officer):
    with pytest.raises(Forbidden):
        require_write(other_town_officer, NUANQUAN)
    require_write(other_town_officer, LONGCHENG)
