import json

import pytest

from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.households.tests.factories import id_number
from shuanglian.units.models import Cadre, Unit
from shuanglian.units.tests import factories as f


def test_unit_name_is_unique_within_its_region(admin_user):
    f.unit(actor=admin_user, name="县委宣传部")
    with pytest.raises(Conflict):
        f.unit(actor=admin_user, name="县委宣传部")
    f.unit(actor=admin_user, name="县委宣传部", region="620500000000")
    assert Unit.objects.count() == 2


def test_unit_needs_a_known_region_and_valid_kind(admin_user):
    with pytest.raises(InvalidInput) as exc_info:
        f.unit(actor=admin_user, region="629999000000")
    assert exc_info.value.field == "home_region"
    with pytest.raises(InvalidInput) as exc_info:
        f.unit(actor=admin_user, kind="bakery")
    assert exc_info.value.field == "kind"


def test_cadre_personal_data_is_sealed_and_unique(admin_user):
    unit = f.unit(actor=admin_user)
    person = id_number()
    cadre = f.cadre(actor=admin_user, unit=unit, phone="13812345678", id_number=person)
    assert cadre.phone_masked == "138****5678"
    assert cadre.reveal_phone() == "+8613812345678"
    assert cadre.reveal_id_number() == person
    with pytest.raises(Conflict):
        f.cadre(actor=admin_user, unit=unit, name="另一人", id_number=person)
    assert Cadre.objects.count() == 1


def test_cadre_update_keeps_phone_unless_given(admin_user):
    from shuanglian.units.services import cadre_update

    cadre = f.cadre(actor=admin_user, unit=f.unit(actor=admin_user), phone="13812345678")
    cadre_update(actor=admin_user, cadre=cadre, name="孙旺奎", position="党委书记")
    cadre.refresh_from_db()
    assert cadre.phone_masked == "138****5678"
    cadre_update(actor=admin_user, cadre=cadre, name="孙旺奎", phone="")
    cadre.refresh_from_db()
    assert cadre.phone_masked == "" and cadre.phone_cipher is None
    event = AuditEvent.objects.filter(object_type="units.Cadre", action="update").first()
    assert event.changes["phone"] == ["138****5678", None]


# Every write leaves one audit row: who, which object, what changed (personal data masked).


def _one_new_event(before_id: int, obj) -> AuditEvent:
    events = list(AuditEvent.objects.filter(id__gt=before_id))
    assert len(events) == 1, [(e.action, e.object_type) for e in events]
    event = events[0]
    assert event.object_type == obj._meta.label
    assert event.object_id == str(obj.pk)
    return event


def _last_id() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


def _no_secret_in(changes: dict, *secrets: str) -> None:
    dumped = json.dumps(changes, ensure_ascii=False)
    for secret in secrets:
        assert secret and secret not in dumped


def test_unit_create_writes_one_audit_event(county_officer):
    mark = _last_id()
    unit = f.unit(actor=county_officer, name="县民政局", leader_name="邵维基")
    event = _one_new_event(mark, unit)
    assert event.action == AuditAction.CREATE
    assert event.actor == county_officer and event.actor_username == "county"
    assert event.changes["name"] == [None, "县民政局"]
    assert event.changes["home_region"] == [None, "620522000000"]
    assert event.changes["leader_name"] == [None, "邵维基"]


def test_unit_update_writes_the_changed_fields_only(county_officer):
    from shuanglian.units.services import unit_update

    unit = f.unit(actor=county_officer, name="县民政局", leader_name="邵维基")
    mark = _last_id()
    unit_update(
        actor=county_officer,
        unit=unit,
        name="县民政局（新）",
        kind=unit.kind,
        level=unit.level,
        home_region_code="620522104000",
        leader_name="邵维基",
        leader_post="局长",
    )
    event = _one_new_event(mark, unit)
    assert event.action == AuditAction.UPDATE
    assert event.actor == county_officer
    assert event.changes == {
        "name": ["县民政局", "县民政局（新）"],
        "home_region": ["620522000000", "620522104000"],
        "leader_post": ["", "局长"],
    }


def test_a_refused_unit_write_leaves_no_audit_event(county_officer):
    f.unit(actor=county_officer, name="县民政局")
    mark = _last_id()
    with pytest.raises(Conflict):
        f.unit(actor=county_officer, name="县民政局")
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_cadre_create_writes_one_audit_event_with_masked_personal_data(county_officer):
    unit = f.unit(actor=county_officer)
    person = id_number()
    mark = _last_id()
    cadre = f.cadre(
        actor=county_officer,
        unit=unit,
        name="王建祥",
        position="副部长",
        phone="13812345678",
        id_number=person,
    )
    event = _one_new_event(mark, cadre)
    assert event.action == AuditAction.CREATE
    assert event.actor == county_officer
    assert event.changes["name"] == [None, "王建祥"]
    assert event.changes["unit"] == [None, str(unit.pk)]
    assert event.changes["phone"] == [None, "138****5678"]
    assert event.changes["id_number"] == [None, cadre.id_number_masked]
    assert not {"phone_index", "id_number_index", "phone_masked"} & set(event.changes)
    _no_secret_in(
        event.changes,
        person,
        "13812345678",
        "+8613812345678",
        cadre.phone_index,
        cadre.id_number_index,
    )


def test_cadre_update_writes_the_changed_fields_with_masked_personal_data(county_officer):
    from shuanglian.units.services import cadre_update

    unit = f.unit(actor=county_officer)
    old_id, new_id = id_number(), id_number()
    cadre = f.cadre(
        actor=county_officer, unit=unit, name="王建祥", phone="13812345678", id_number=old_id
    )
    old_masked = cadre.id_number_masked
    old_indexes = (cadre.phone_index, cadre.id_number_index)
    mark = _last_id()
    cadre_update(
        actor=county_officer,
        cadre=cadre,
        name="王建祥",
        position="部长",
        phone="13987654321",
        id_number=new_id,
    )
    event = _one_new_event(mark, cadre)
    assert event.action == AuditAction.UPDATE
    assert event.actor == county_officer and event.actor_username == "county"
    assert set(event.changes) == {"position", "phone", "id_number"}
    assert event.changes["position"] == ["", "部长"]
    assert event.changes["phone"] == ["138****5678", "139****4321"]
    assert event.changes["id_number"] == [old_masked, cadre.id_number_masked]
    _no_secret_in(
        event.changes,
        old_id,
        new_id,
        "13812345678",
        "13987654321",
        "+8613987654321",
        *old_indexes,
        cadre.phone_index,
        cadre.id_number_index,
    )


def test_cadre_update_clearing_the_id_number_is_audited_masked(county_officer):
    from shuanglian.units.services import cadre_update

    person = id_number()
    cadre = f.cadre(actor=county_officer, unit=f.unit(actor=county_officer), id_number=person)
    masked = cadre.id_number_masked
    mark = _last_id()
    cadre_update(actor=county_officer, cadre=cadre, name=cadre.name, id_number="")
    event = _one_new_event(mark, cadre)
    assert event.changes == {"id_number": [masked, None]}
    _no_secret_in(event.changes, person)


# Messages a page never shows because its form refuses the input first.


def test_unit_name_and_cadre_rank_are_checked_by_the_services(admin_user):
    from shuanglian.units.services import CADRE_RANK_INVALID, UNIT_NAME_REQUIRED

    with pytest.raises(InvalidInput) as exc_info:
        f.unit(actor=admin_user, name="   ")
    assert exc_info.value.field == "name"
    assert str(exc_info.value.message) == str(UNIT_NAME_REQUIRED)
    unit = f.unit(actor=admin_user)
    with pytest.raises(InvalidInput) as exc_info:
        f.cadre(actor=admin_user, unit=unit, rank="marshal")
    assert exc_info.value.field == "rank"
    assert str(exc_info.value.message) == str(CADRE_RANK_INVALID.format(value="marshal"))
    assert Unit.objects.count() == 1 and not Cadre.objects.exists()
