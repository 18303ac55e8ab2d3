import pytest

from shuanglian.core.audit import audit, diff
from shuanglian.core.models import AuditAction, AuditEvent, AuditImmutable


@pytest.mark.django_db
def test_audit_rows_are_append_only(admin_user):
    event = audit(actor=admin_user, action=AuditAction.CREATE, object_type="x", object_id="1")
    event.object_id = "2"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(object_id="3")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).object_id == "1"


def test_diff_logs_protected_values_masked_under_their_plain_name():
    before = {"name": "a", "id_number_index": "h1", "id_number_masked": "620522********0014"}
    after = {"name": "b", "id_number_index": "h2", "id_number_masked": "620522********0022"}
    assert diff(before, after) == {
        "name": ["a", "b"],
        "id_number": ["620522********0014", "620522********0022"],
    }
