import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from shuanglian.conftest import GUOJIA, NUANQUAN
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.idcard import mask_id
from shuanglian.core.models import AuditEvent
from shuanglian.households import services
from shuanglian.households.models import Household, HouseholdSearchKey, IncomeRecord, Member
from shuanglian.households.tests import factories as f


def zh(constant, **kw) -> str:
    with translation.override("zh-hans"):
        return str(constant).format(**kw)


def test_create_household_with_head_derives_sex_and_birth(admin_user):
    head_id = f.id_number(birth=dt.date(1966, 7, 8), male=False)
    household = f.household(actor=admin_user, head_name="李爱仙", head_id=head_id)
    head = household.members.get()
    assert head.relation == "head"
    assert head.sex == "female"
    assert head.birth_date.year == 1966
    assert head.id_number_masked == mask_id(head_id)
    assert head.reveal_id_number() == head_id
    assert household.number.startswith(NUANQUAN)
    assert household.member_count == 1
    assert {"liaixian", "lax", "李爱仙"} <= set(
        HouseholdSearchKey.objects.filter(household=household).values_list("key", flat=True)
    )


def test_household_numbers_count_up_per_village(admin_user):
    first = f.household(actor=admin_user)
    second = f.household(actor=admin_user)
    assert int(second.number[12:]) == int(first.number[12:]) + 1


def test_household_must_be_in_a_village(admin_user):
    with pytest.raises(InvalidInput) as exc_info:
        f.household(actor=admin_user, village=GUOJIA)
    assert exc_info.value.field == "village"
    assert "620522104000" in str(exc_info.value.message)
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_a_person_is_an_active_member_of_one_household_only(admin_user):
    person = f.id_number()
    first = f.household(actor=admin_user)
    f.member(actor=admin_user, household=first, id_number=person)
    second = f.household(actor=admin_user)
    before = (Member.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Conflict) as exc_info:
        f.member(actor=admin_user, household=second, id_number=person)
    text = zh(exc_info.value.message)
    assert first.number in text
    assert mask_id(person) in text
    assert person not in text
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_a_person_who_left_may_join_another_household(admin_user):
    person = f.id_number()
    first = f.household(actor=admin_user)
    member = f.member(actor=admin_user, household=first, id_number=person)
    services.member_end(
        actor=admin_user, member=member, ended_on=dt.date(2013, 1, 1), reason="moved_out"
    )
    second = f.household(actor=admin_user)
    f.member(actor=admin_user, household=second, id_number=person)
    assert Member.objects.filter(is_active=False).count() == 1
    first.refresh_from_db()
    assert first.member_count == 1


def test_sex_given_must_match_the_id(admin_user):
    household = f.household(actor=admin_user)
    with pytest.raises(InvalidInput) as exc_info:
        f.member(
            actor=admin_user, household=household, id_number=f.id_number(male=True), sex="female"
        )
    assert exc_info.value.field == "sex"
    with pytest.raises(InvalidInput) as exc_info:
        f.member(
            actor=admin_user,
            household=household,
            id_number=f.id_number(birth=dt.date(1980, 1, 1)),
            birth_date=dt.date(1981, 1, 1),
        )
    assert exc_info.value.field == "birth_date"


def test_second_head_is_refused_and_head_cannot_leave(admin_user):
    household = f.household(actor=admin_user)
    with pytest.raises(Conflict):
        f.member(actor=admin_user, household=household, relation="head")
    with pytest.raises(InvalidInput):
        services.member_end(
            actor=admin_user,
            member=household.members.get(),
            ended_on=dt.date(2013, 1, 1),
            reason="deceased",
        )


def test_making_a_member_head_moves_the_old_head_and_renames_the_household(admin_user):
    household = f.household(actor=admin_user, head_name="王建祥")
    spouse = f.member(actor=admin_user, household=household, name="李爱仙")
    data = f.member_data(name="李爱仙", id_number=spouse.reveal_id_number(), relation="head")
    services.member_update(actor=admin_user, member=spouse, data=data)
    household.refresh_from_db()
    assert household.head_name == "李爱仙"
    assert household.members.get(name="王建祥").relation == "other"
    assert HouseholdSearchKey.objects.filter(household=household, key="lax").exists()
    assert not HouseholdSearchKey.objects.filter(household=household, key="wjx").exists()


def test_unknown_ethnicity_and_choice_values_are_refused(admin_user):
    household = f.household(actor=admin_user)
    with pytest.raises(InvalidInput) as exc_info:
        f.member(actor=admin_user, household=household, ethnicity="火星族")
    assert exc_info.value.field == "ethnicity"
    with pytest.raises(InvalidInput) as exc_info:
        f.member(actor=admin_user, household=household, health="great")
    assert exc_info.value.field == "health"


def test_income_net_per_capita_and_correction(admin_user):
    household = f.household(actor=admin_user)
    f.member(actor=admin_user, household=household)
    record = services.income_record_save(
        actor=admin_user,
        household=household,
        year=2012,
        wage_income="3000",
        business_income="2000.50",
        property_income=0,
        transfer_income="1000",
        production_cost="1500",
    )
    assert record.population == 2
    assert record.net_per_capita == Decimal("2250.25")
    services.income_record_save(
        actor=admin_user, household=household, year=2012, wage_income="5000", population=4
    )
    assert IncomeRecord.objects.get().net_per_capita == Decimal("1250.00")
    with pytest.raises(InvalidInput) as exc_info:
        services.income_record_save(
            actor=admin_user, household=household, year=2012, wage_income="-1"
        )
    assert exc_info.value.field == "wage_income"
    with pytest.raises(InvalidInput):
        services.income_record_save(actor=admin_user, household=household, year=1900)


def test_writes_are_audited_with_masked_personal_data(admin_user):
    head_id = f.id_number()
    household = f.household(actor=admin_user, head_id=head_id, phone="13812345678")
    events = list(AuditEvent.objects.filter(object_type="households.Member"))
    assert len(events) == 1
    assert events[0].changes["id_number"] == [None, mask_id(head_id)]
    assert AuditEvent.objects.filter(
        object_type="households.Household", object_id=str(household.pk), action="create"
    ).exists()
    services.household_update(
        actor=admin_user,
        household=household,
        address="新地址",
        category="demonstration",
        phone="13900001111",
    )
    update = AuditEvent.objects.filter(action="update", object_type="households.Household").get()
    assert update.changes["category"] == ["poor", "demonstration"]
    assert update.changes["phone"] == ["138****5678", "139****1111"]


def test_officer_cannot_write_outside_region_and_viewer_not_at_all(other_town_officer, viewer):
    # Outside the officer's area the village reads as unknown; the viewer sees it but may not write.
    with pytest.raises(InvalidInput, match="620522104200"):
        f.household(actor=other_town_officer)
    with pytest.raises(Forbidden):
        f.household(actor=viewer)
    assert Household.objects.count() == 0
