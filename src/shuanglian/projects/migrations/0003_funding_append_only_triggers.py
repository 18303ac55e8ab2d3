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

from shuanglian.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_funding_raised_by"),
    ]

    operations = [append_only_triggers("projects_funding")]
