"""Audit rows cannot be changed or removed by the application.

The model layer refuses on every database; PostgreSQL refuses UPDATE and DELETE itself (row
triggers), SQLite refuses UPDATE itself. TRUNCATE stays possible for `flush` (tests, the demo):
in production the application's role does not own the table (docs/architecture.md).
"""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from shuanglian.core.audit import audit
from shuanglian.core.models import AuditAction, AuditEvent, AuditImmutable

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event(admin_user):
    return audit(actor=admin_user, action=AuditAction.CREATE, object_type="x", object_id="1")


def _execute(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _object_id(event) -> str:
    return AuditEvent.objects.values_list("object_id", flat=True).get(pk=event.pk)


def test_model_layer_refuses_every_change_path(event):
    event.object_id = "2"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(object_id="3")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.all().delete()
    # bulk_update runs in its own atomic block, which the refusal breaks: a savepoint keeps the
    # test's transaction usable.
    with pytest.raises(AuditImmutable), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["object_id"])
    assert _object_id(event) == "1"


def test_a_bulk_upsert_cannot_overwrite_a_row(event):
    """bulk_create(update_conflicts=True) bypasses the model layer: the database refuses it."""
    twin = AuditEvent(pk=event.pk, action=AuditAction.CREATE, object_type="x", object_id="4")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.bulk_create(
            [twin], update_conflicts=True, unique_fields=["id"], update_fields=["object_id"]
        )
    assert _object_id(event) == "1"


def test_raw_sql_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError):
        _execute(f"UPDATE {TABLE} SET object_id = %s WHERE id = %s", ["5", event.pk])
    with pytest.raises(DatabaseError):
        _execute(f"UPDATE {TABLE} SET changes = %s", ['{"forged": 1}'])
    assert _object_id(event) == "1"


def test_raw_sql_delete_is_refused_by_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's flush is a DELETE: there the model layer alone refuses deletes")
    with pytest.raises(DatabaseError):
        _execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError):
        _execute(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_triggers_are_installed(db):
    """A migration that rebuilds the table (SQLite does for many changes) would drop them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgenabled FROM pg_trigger "
                "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            assert cursor.fetchall() == [("core_auditevent_append_only", "O")]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            assert cursor.fetchall() == [("core_auditevent_no_update",)]


def test_a_user_with_audit_rows_cannot_be_deleted(county_officer):
    """Deleting would null the rows' actor (an UPDATE): accounts are deactivated instead."""
    audit(actor=county_officer, action=AuditAction.LOGIN, obj=county_officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        county_officer.delete()
    assert AuditEvent.objects.filter(actor=county_officer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_table(admin_user):
    """Transactional tests start over with `flush`: the triggers must leave it working."""
    audit(actor=admin_user, action=AuditAction.CREATE, object_type="x", object_id="1")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
