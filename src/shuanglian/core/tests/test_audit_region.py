"""Every audited write is filed under the region of its object: what region officers search by."""

import datetime as dt

import pytest
from django.db.models import Max

from shuanglian.conftest import GUOJIA, HUAIMIAO, LONGCHENG, NUANQUAN, QINAN
from shuanglian.core.audit import audit, region_of, region_of_user
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.households import services as households
from shuanglian.households.tests import factories as hf
from shuanglian.pairings import services as pairings
from shuanglian.pairings.tests import factories as pf
from shuanglian.regions.models import Region
from shuanglian.units import services as units
from shuanglian.units.tests import factories as uf

LONGCHENG_VILLAGE = "620522103200"
TIANSHUI = "620500000000"


class Trail:
    """The audit rows written since the last look."""

    def __init__(self):
        self.mark = self._newest()

    @staticmethod
    def _newest() -> int:
        return AuditEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0

    def new(self) -> list[tuple[str, str, str]]:
        rows = list(
            AuditEvent.objects.filter(pk__gt=self.mark)
            .order_by("pk")
            .values_list("object_type", "action", "region_code")
        )
        self.mark = self._newest()
        return rows


@pytest.fixture
def trail(db):
    return Trail


def test_household_writes_are_filed_under_the_village(admin_user, trail):
    watch = trail()
    household = hf.household(actor=admin_user, village=NUANQUAN, phone="13812345678")
    assert watch.new() == [
        ("households.Household", "create", NUANQUAN),
        ("households.Member", "create", NUANQUAN),
    ]
    households.household_update(
        actor=admin_user, household=household, address="二社", category="poor", phone=""
    )
    assert watch.new() == [("households.Household", "update", NUANQUAN)]
    member = hf.member(actor=admin_user, household=household, name="李爱仙")
    assert watch.new() == [("households.Member", "create", NUANQUAN)]
    households.member_update(
        actor=admin_user, member=member, data=hf.member_data(name="李爱娟", id_number="")
    )
    assert watch.new() == [("households.Member", "update", NUANQUAN)]
    households.member_end(
        actor=admin_user, member=member, ended_on=dt.date(2020, 1, 1), reason="moved_out"
    )
    assert watch.new() == [("households.Member", "end", NUANQUAN)]
    households.income_record_save(actor=admin_user, household=household, year=2020, wage_income=1)
    households.income_record_save(actor=admin_user, household=household, year=2020, wage_income=2)
    assert watch.new() == [
        ("households.IncomeRecord", "create", NUANQUAN),
        ("households.IncomeRecord", "update", NUANQUAN),
    ]


def test_unit_and_cadre_writes_are_filed_under_the_home_region(admin_user, trail):
    watch = trail()
    unit = uf.unit(actor=admin_user, name="郭嘉镇政府", region=GUOJIA, level="township")
    cadre = uf.cadre(actor=admin_user, unit=unit, id_number=hf.id_number(), phone="13700001234")
    units.cadre_update(actor=admin_user, cadre=cadre, name="孙旺奎", position="镇长")
    assert watch.new() == [
        ("units.Unit", "create", GUOJIA),
        ("units.Cadre", "create", GUOJIA),
        ("units.Cadre", "update", GUOJIA),
    ]
    units.unit_update(
        actor=admin_user,
        unit=unit,
        name="秦安县政府",
        kind="party_government",
        level="county",
        home_region_code=QINAN,
    )
    # A unit that moves is filed under its new home from then on.
    assert watch.new() == [("units.Unit", "update", QINAN)]


def test_pairing_writes_are_filed_under_the_village_of_the_pairing(admin_user, trail):
    unit = uf.unit(actor=admin_user, name="天水市人大", region=TIANSHUI, level="city")
    cadre = uf.cadre(actor=admin_user, unit=unit)
    household = hf.household(actor=admin_user, village=HUAIMIAO)
    watch = trail()
    village_pairing = pf.village_pairing(actor=admin_user, unit=unit, village=HUAIMIAO)
    household_pairing = pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    pairings.household_pairing_end(
        actor=admin_user, pairing=household_pairing, end_date=dt.date(2013, 1, 1)
    )
    pf.household_pairing(
        actor=admin_user, household=household, cadre=cadre, start=dt.date(2014, 1, 1)
    )
    pairings.village_pairing_end(
        actor=admin_user, pairing=village_pairing, end_date=dt.date(2015, 1, 1)
    )
    assert watch.new() == [
        ("pairings.VillagePairing", "create", HUAIMIAO),
        ("pairings.HouseholdPairing", "create", HUAIMIAO),
        ("pairings.HouseholdPairing", "end", HUAIMIAO),
        ("pairings.HouseholdPairing", "create", HUAIMIAO),
        ("pairings.VillagePairing", "end", HUAIMIAO),
        # Ending the unit's pairing ends its cadres' pairings in the village.
        ("pairings.HouseholdPairing", "end", HUAIMIAO),
    ]


def test_accounts_are_filed_under_their_region_or_unit(
    admin_user, town_officer, unit_admin, cadre_user, persona_unit, trail
):
    from shuanglian.accounts.services import user_ensure

    assert region_of(town_officer) == GUOJIA
    assert region_of(unit_admin) == QINAN == persona_unit.home_region_id
    assert region_of_user(cadre_user) == QINAN
    assert region_of(admin_user) == ""
    watch = trail()
    user_ensure(
        actor=admin_user,
        username="longcheng",
        password="Test@12345",
        role="region_officer",
        region=Region.objects.get(code=LONGCHENG),
    )
    assert watch.new() == [("accounts.User", "create", LONGCHENG)]


def test_account_changes_and_tokens_are_filed_under_the_account(
    admin_user, town_officer, unit_admin, trail
):
    from django.utils import timezone

    from shuanglian.accounts.models import ApiToken
    from shuanglian.accounts.services import user_force_password_change

    watch = trail()
    user_force_password_change(actor=admin_user, user=town_officer)
    assert watch.new() == [("accounts.User", "permission", GUOJIA)]
    token = ApiToken.objects.create(
        user=unit_admin, key_hash="h", prefix="p", expires_at=timezone.now()
    )
    assert region_of(token) == QINAN


def test_a_region_and_a_row_without_object(admin_user, trail):
    watch = trail()
    audit(actor=admin_user, action=AuditAction.UPDATE, obj=Region.objects.get(code=NUANQUAN))
    audit(actor=admin_user, action=AuditAction.IMPORT, object_type="regions.Region")
    audit(actor=None, action=AuditAction.LOGIN_FAILED, username="x", region_code=GUOJIA)
    assert watch.new() == [
        ("regions.Region", "update", NUANQUAN),
        ("regions.Region", "import", ""),
        ("", "login_failed", GUOJIA),
    ]


def test_an_officers_view_of_a_write_elsewhere_is_not_theirs(admin_user, trail):
    """A household of 陇城镇 is filed under 陇城镇, whoever wrote it."""
    watch = trail()
    hf.household(actor=admin_user, village=LONGCHENG_VILLAGE)
    assert {code for _, _, code in watch.new()} == {LONGCHENG_VILLAGE}
