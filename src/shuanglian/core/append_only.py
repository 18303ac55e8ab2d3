"""Database triggers that make a table append-only (the audit trail, the fund ledger).

PostgreSQL: a row trigger refuses every UPDATE and DELETE, whatever issues it (raw SQL, a bulk
upsert, the SET NULL Django runs when a referenced user is deleted). TRUNCATE is not blocked:
Django's `flush` (between transactional tests) truncates, and row triggers do not fire on it; in
production the application's role must not own the table, so it has no TRUNCATE right.

SQLite: a trigger refuses UPDATE. DELETE stays with the model layer, because SQLite's `flush` is a
DELETE FROM of every table: a DELETE trigger would make it fail. A migration that rebuilds the
table on SQLite drops the trigger: recreate it there.

Used by migrations: the statements must stay as they are once a migration has run them.
"""

from django.db import migrations


def _statements(table: str) -> dict[str, tuple[str, ...]]:
    function, trigger, sqlite_trigger = (
        f"{table}_refuse_change",
        f"{table}_append_only",
        f"{table}_no_update",
    )
    pg_drop = (
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
    )
    sqlite_drop = (f"DROP TRIGGER IF EXISTS {sqlite_trigger}",)
    return {
        "pg_create": (
            *pg_drop,
            f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
""",
            f"""
CREATE TRIGGER {trigger}
BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {function}()
""",
        ),
        "pg_drop": pg_drop,
        "sqlite_create": (
            *sqlite_drop,
            f"""
CREATE TRIGGER {sqlite_trigger}
BEFORE UPDATE ON {table}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused');
END
""",
        ),
        "sqlite_drop": sqlite_drop,
    }


def append_only_triggers(table: str) -> migrations.RunPython:
    """The migration operation that installs (and, reversed, removes) the triggers of `table`."""
    statements = _statements(table)

    # params=None: the statements go to the driver as they are, so the % of RAISE is no
    # placeholder.
    def run(schema_editor, step: str) -> None:
        vendor = schema_editor.connection.vendor
        if vendor in ("postgresql", "sqlite"):
            prefix = "pg" if vendor == "postgresql" else "sqlite"
            for statement in statements[f"{prefix}_{step}"]:
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, "create"),
        lambda apps, schema_editor: run(schema_editor, "drop"),
        elidable=False,
    )
