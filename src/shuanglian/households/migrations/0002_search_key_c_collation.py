"""Search keys compare byte-wise on PostgreSQL, whatever the database's locale.

Prefix search is a range scan (key >= 'lax' AND key < 'lax\\uffff'). Under a linguistic collation
such as zh_CN.UTF-8 that range does not hold all keys starting with the prefix, so the column
uses the "C" collation. SQLite already compares byte-wise.
"""

from django.db import migrations


def to_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE households_householdsearchkey ALTER COLUMN "key" TYPE varchar(64) COLLATE "C"'
        )


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(to_c_collation, migrations.RunPython.noop)]
