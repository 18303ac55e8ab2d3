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

from shuanglian.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_region_code_alter_auditevent_action_and_more"),
    ]

    operations = [append_only_triggers("core_auditevent")]
