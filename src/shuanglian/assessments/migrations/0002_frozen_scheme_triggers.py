"""A frozen or published scheme no longer changes, in the database too.

Services refuse the writes with a message; these triggers refuse them whatever issues them (raw
SQL, a bulk update, another code path):

- assessments_scheme: once not a draft, its name, region and period stay, and its status only
  moves forward (frozen → published). PostgreSQL also refuses deleting it.
- its indicators, coverage, unit results, scores and adjustments: no INSERT or UPDATE while the
  scheme is not a draft; PostgreSQL also refuses DELETE.

SQLite gets no DELETE triggers: its `flush` (between transactional tests) deletes every table in
no fixed order, and would fail on a published scheme's rows; deletes stay with the services,
which never delete under a frozen scheme. PostgreSQL's flush truncates, and row triggers do not
fire on TRUNCATE.
"""

from django.db import migrations

CHILDREN = (
    "assessments_indicator",
    "assessments_coverage",
    "assessments_unitresult",
    "assessments_score",
    "assessments_adjustment",
)
MESSAGE = "assessment scheme is frozen"

PG_CREATE = [
    f"""
CREATE OR REPLACE FUNCTION assessments_refuse_frozen_child() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    scheme_status varchar;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT status INTO scheme_status FROM assessments_scheme WHERE id = OLD.scheme_id;
    ELSE
        SELECT status INTO scheme_status FROM assessments_scheme WHERE id = NEW.scheme_id;
        IF TG_OP = 'UPDATE' AND scheme_status = 'draft' THEN
            SELECT status INTO scheme_status FROM assessments_scheme WHERE id = OLD.scheme_id;
        END IF;
    END IF;
    IF scheme_status IS NOT NULL AND scheme_status <> 'draft' THEN
        RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$
""",
    f"""
CREATE OR REPLACE FUNCTION assessments_refuse_frozen_scheme() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE'
        OR NEW.name IS DISTINCT FROM OLD.name
        OR NEW.region_id IS DISTINCT FROM OLD.region_id
        OR NEW.period_start IS DISTINCT FROM OLD.period_start
        OR NEW.period_end IS DISTINCT FROM OLD.period_end
        OR NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
        OR NEW.computed_at IS DISTINCT FROM OLD.computed_at
        OR (OLD.status = 'published' AND NEW.status <> 'published')
        OR (OLD.status = 'frozen' AND NEW.status NOT IN ('frozen', 'published'))
    THEN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$
""",
    """
CREATE TRIGGER assessments_scheme_frozen
BEFORE UPDATE OR DELETE ON assessments_scheme
FOR EACH ROW EXECUTE FUNCTION assessments_refuse_frozen_scheme()
""",
    *(
        f"""
CREATE TRIGGER {table}_frozen
BEFORE INSERT OR UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION assessments_refuse_frozen_child()
"""
        for table in CHILDREN
    ),
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS assessments_scheme_frozen ON assessments_scheme",
    *(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}" for table in CHILDREN),
    "DROP FUNCTION IF EXISTS assessments_refuse_frozen_scheme()",
    "DROP FUNCTION IF EXISTS assessments_refuse_frozen_child()",
]

SQLITE_NOT_DRAFT = "(SELECT status FROM assessments_scheme WHERE id = {row}.scheme_id) <> 'draft'"
SQLITE_CREATE = [
    f"""
CREATE TRIGGER assessments_scheme_frozen
BEFORE UPDATE ON assessments_scheme
WHEN OLD.status <> 'draft' AND (
    NEW.name IS NOT OLD.name
    OR NEW.region_id IS NOT OLD.region_id
    OR NEW.period_start IS NOT OLD.period_start
    OR NEW.period_end IS NOT OLD.period_end
    OR NEW.frozen_at IS NOT OLD.frozen_at
    OR NEW.computed_at IS NOT OLD.computed_at
    OR (OLD.status = 'published' AND NEW.status <> 'published')
    OR (OLD.status = 'frozen' AND NEW.status NOT IN ('frozen', 'published'))
)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused');
END
""",
    *(
        f"""
CREATE TRIGGER {table}_frozen_insert
BEFORE INSERT ON {table}
WHEN {SQLITE_NOT_DRAFT.format(row="NEW")}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: INSERT on {table} refused');
END
"""
        for table in CHILDREN
    ),
    *(
        f"""
CREATE TRIGGER {table}_frozen_update
BEFORE UPDATE ON {table}
WHEN {SQLITE_NOT_DRAFT.format(row="OLD")} OR {SQLITE_NOT_DRAFT.format(row="NEW")}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on {table} refused');
END
"""
        for table in CHILDREN
    ),
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS assessments_scheme_frozen",
    *(f"DROP TRIGGER IF EXISTS {table}_frozen_insert" for table in CHILDREN),
    *(f"DROP TRIGGER IF EXISTS {table}_frozen_update" for table in CHILDREN),
]


def _run(schema_editor, statements: dict) -> None:
    # params=None: the statements go to the driver as they are (the % of RAISE is no placeholder).
    for statement in statements.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement, params=None)


def create(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_CREATE, "sqlite": SQLITE_CREATE})


def drop(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
