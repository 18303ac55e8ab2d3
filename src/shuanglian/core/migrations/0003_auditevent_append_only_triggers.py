"""Audit rows are append-only in the database too, not only in the model layer.

PostgreSQL: row triggers refuse every UPDATE and DELETE of core_auditevent, whatever issues
them (raw SQL, a bulk upsert, the SET NULL Django runs when a referenced user is deleted).
TRUNCATE is deliberately not blocked: Django's `flush` (run between transactional tests and
by the demo's test) truncates, and row triggers do not fire on it. In production the
application's database role must not own the table, so it has no TRUNCATE right
(docs/architecture.md, "Audit trail").

SQLite: a trigger refuses UPDATE. DELETE stays with the model layer, because SQLite's `flush`
is a DELETE FROM. A migration that rebuilds the table on SQLite drops the trigger: recreate it
there (core/tests/test_audit_immutable.py checks it is present).
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
PG_TRIGGER = """
CREATE TRIGGER core_auditevent_append_only
BEFORE UPDATE OR DELETE ON core_auditevent
FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change()
"""
PG_DROP = (
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse_change()",
)

SQLITE_TRIGGER = """
CREATE TRIGGER core_auditevent_no_update
BEFORE UPDATE ON core_auditevent
BEGIN
    SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused');
END
"""
SQLITE_DROP = ("DROP TRIGGER IF EXISTS core_auditevent_no_update",)


# params=None: the statements go to the driver as they are, so the % of RAISE is no placeholder.
def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in (*PG_DROP, PG_FUNCTION, PG_TRIGGER):
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for statement in (*SQLITE_DROP, SQLITE_TRIGGER):
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_DROP:
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_region_code_alter_auditevent_action_and_more"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
