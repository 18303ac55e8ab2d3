import pytest

from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.models import AuditEvent
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
