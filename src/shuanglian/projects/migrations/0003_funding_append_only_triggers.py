"""The fund ledger is append-only in the database too, not only in the model layer.

The same pattern as core's audit trail (core/migrations/0003_auditevent_append_only_triggers):

PostgreSQL: a row trigger refuses every UPDATE and DELETE of projects_funding, whatever issues it
(raw SQL, a bulk upsert, the SET NULL Django runs when the user who made an entry is deleted).
TRUNCATE is not blocked, and row triggers do not fire on it: Django's `flush` (between
transactional tests, after the demo's test) truncates. In production the application's role must
not own the table, so it has no TRUNCATE right.

SQLite: a trigger refuses UPDATE. DELETE stays with the model layer (Funding.delete and its
QuerySet refuse it), because SQLite's `flush` is a DELETE FROM of every table in no fixed order:
a DELETE trigger would make it fail whenever the ledger holds entries. A migration that rebuilds
the table on SQLite drops the trigger: recreate it there (projects/tests/test_ledger_immutable.py
checks it is present).
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION projects_funding_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'projects_funding is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
PG_TRIGGER = """
CREATE TRIGGER projects_funding_append_only
BEFORE UPDATE OR DELETE ON projects_funding
FOR EACH ROW EXECUTE FUNCTION projects_funding_refuse_change()
"""
PG_DROP = (
    "DROP TRIGGER IF EXISTS projects_funding_append_only ON projects_funding",
    "DROP FUNCTION IF EXISTS projects_funding_refuse_change()",
)

SQLITE_TRIGGER = """
CREATE TRIGGER projects_funding_no_update
BEFORE UPDATE ON projects_funding
BEGIN
    SELECT RAISE(ABORT, 'projects_funding is append-only: UPDATE refused');
END
"""
SQLITE_DROP = ("DROP TRIGGER IF EXISTS projects_funding_no_update",)


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
        ("projects", "0002_funding_raised_by"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
