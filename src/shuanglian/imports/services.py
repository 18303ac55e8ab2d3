"""Importing registry files: households with their members, in batches, with every bad row
explained. `run_import` is the one pipeline of every kind (modes, checkpoints, job, audit event);
a `KindSpec` says how a kind's rows are grouped, checked and written (the other kinds: kinds.py).

Rows are checked with the households app's own rules (its helpers are reused, not copied) and
written with bulk statements a chunk at a time; the result is the same records the services
would create. A run is one `ImportJob` and one audit event with the counts.
"""

import datetime as dt
import hashlib
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.core import protected
from shuanglian.core.access import WRITE_FORBIDDEN, require_any_write, user_scope
from shuanglian.core.audit import audit, region_of_user, snapshot
from shuanglian.core.errors import DomainError, InvalidInput
from shuanglian.core.idcard import parse_id
from shuanglian.core.models import AuditAction
from shuanglian.core.personal import apply_phone
from shuanglian.core.phone import mask_phone, mask_phone_text, parse_phone
from shuanglian.dashboard import rollups
from shuanglian.households.models import (
    ETHNIC_GROUPS,
    Category,
    Health,
    Household,
    HouseholdSearchKey,
    Member,
    Relation,
)
from shuanglian.households.services import (
    ETHNICITY_INVALID,
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_NUMBER_INVALID,
    HOUSEHOLD_NUMBER_TAKEN,
    HOUSEHOLD_VILLAGE_LEVEL,
    MEMBER_DUPLICATE,
    MEMBER_FIELDS,
    MEMBER_HEAD_EXISTS,
    MemberData,
    _choice,
    _cross_check,
    _fill_member,
    household_search_keys,
)
from shuanglian.imports.layouts import (
    COLUMN_OF,
    HEADER_OF,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLDS_LAYOUT,
    REQUIRED_HEADERS,
    Layout,
    accepted_values,
)
from shuanglian.imports.models import ImportJob, ImportMode, ImportStatus
from shuanglian.imports.readers import SourceRow, read_rows
from shuanglian.regions.models import Level, Region
from shuanglian.regions.selectors import REGION_NOT_FOUND

CHUNK_ROWS = 1000
DIGEST_BLOCK = 1 << 20
# The job's counts that belong to one run and start again at zero when nothing was committed.
RUN_COUNTS = ("rows_read", "rows_validated", "rows_written", "created", "updated", "unchanged",
              "rejected", "households_created", "households_updated", "checkpoint_row")  # fmt: skip

ID_FLOAT_CELL = _(
    "The ID number was stored as a number, so Excel has dropped its last digits: format the "
    "column as text and enter the ID numbers again."
)
NUMBER_FLOAT_CELL = _(
    "This number is too long for a Number cell and has lost digits: format the column as text "
    "and enter it again."
)
VALUE_REQUIRED = _("This column is required.")
TEXT_TOO_LONG = _("At most {limit} characters.")
MODE_UNKNOWN = _("{value} is not an import mode (validate, valid or all).")
BIRTH_DATE_INVALID = _("{value} is not a date (write it like 1966-07-08).")
HOUSEHOLD_NO_HEAD = _("Household {number} has no row with the relation 户主 (head of household).")
HOUSEHOLD_VALUE_DIFFERS = _(
    "This household column differs from the head's row ({value}): a household has one value."
)
HOUSEHOLD_ROWS_APART = _(
    "The rows of household {number} must follow each other; it already appeared on row {row}."
)
HOUSEHOLD_REJECTED = _("Not imported: row {rows} of the same household has problems.")
HOUSEHOLD_VILLAGE_CHANGED = _(
    "Household {number} is registered in village {village}; an import cannot move it."
)
ID_REPEATED = _("The same ID number is already on row {row} of this file.")
KEY_REPEATED = _("The same record ({key}) is already on row {row} of this file.")
IMPORT_OUTCOME = _(
    "{created} created, {updated} updated, {unchanged} unchanged, {rejected} rejected."
)
IMPORT_NOTHING_CHANGED = _("Nothing changed: the database already has these rows.")
IMPORT_TAKEN_OVER = _("Resumed by import {job}.")
IMPORT_RESUMED = _("Resumed from row {row}: the rows before it were imported by an earlier run.")

_DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class Problem:
    row: int
    column: str
    message: object
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class _Row:
    source: SourceRow
    problems: list[Problem] = field(default_factory=list)

    def fail(self, header: str, message) -> None:
        values = {name: cell.text for name, cell in self.source.cells.items()}
        self.problems.append(Problem(self.source.number, header, message, values))


@dataclass
class ParsedRow(_Row):
    """One person's row, checked on its own; what needs other rows or the database comes later."""

    household: dict[str, str] = field(default_factory=dict)
    member: MemberData | None = None
    id_number: str = ""
    id_index: str = ""
    parsed_id: object = None
    phone: str = ""  # E.164, "" for none

    @property
    def number(self) -> str:
        return self.household.get("number", "")

    @property
    def is_head(self) -> bool:
        return self.member is not None and self.member.relation == Relation.HEAD


@dataclass
class RecordRow(_Row):
    """A row of a one-row-one-record kind (units, cadres, pairings, incomes), parsed on its own.

    `key` is the record's natural key inside the file (None when the row is too broken to have
    one); `key_text` how a message shows it (an ID number masked).
    """

    values: dict = field(default_factory=dict)
    key: tuple | None = None
    key_text: str = ""
    key_column: str = ""  # where a repeated key is reported; the first column when blank


@dataclass
class ImportResult:
    job: ImportJob
    problems: list[Problem]
    resumed_from: int = 0  # the checkpoint an interrupted run of the same file had reached

    @property
    def changed(self) -> bool:
        return bool(self.job.created or self.job.updated)


def _choice_value(text: str, column) -> str:
    """A Chinese label (or the stored value) → the stored value; unknown text stays as typed so
    the households rule refuses it with its own message."""
    return accepted_values(column.choices).get(text.strip().lower(), text.strip())


def _checked_choice(value: str, column, name: str, *, blank: bool = True) -> str:
    """The households `_choice` rule; values already known good skip it, since it rebuilds the
    list of allowed values on every call (a third of the time of a 10k-row import)."""
    if value in _known_values(column.choices) or (blank and value == ""):
        return value
    return _choice(value, column.choices, name, blank=blank)


@cache
def _known_values(choices) -> frozenset[str]:
    return frozenset(choices.values)


def _date_cell(text: str) -> dt.date | None:
    if not text:
        return None
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_PATTERN.match(text.split("T")[0])
    if not match:
        raise ValueError(text)
    return dt.date(*(int(part) for part in match.groups()))


def _field_header(error: DomainError, default: str) -> str:
    return HEADER_OF.get(error.field or "", default)


def parse_row(source: SourceRow) -> ParsedRow:
    """Check one row with the households rules; every problem is kept, not only the first."""
    row = ParsedRow(source=source)
    text = source.text
    for header in REQUIRED_HEADERS:
        if not text(header):
            row.fail(header, VALUE_REQUIRED)

    number_cell = source.cells.get(HEADER_OF["number"])
    number = text(HEADER_OF["number"])
    if number_cell is not None and number_cell.was_float and not number.isdigit():
        row.fail(HEADER_OF["number"], NUMBER_FLOAT_CELL)
    elif number and (
        not number.replace("-", "").isalnum() or not number.isascii() or len(number) > 32
    ):
        row.fail(HEADER_OF["number"], HOUSEHOLD_NUMBER_INVALID)
    row.household["number"] = number
    row.household["village_code"] = text(HEADER_OF["village_code"])
    row.household["address"] = text(HEADER_OF["address"])
    for name in ("category", "poverty_cause_main", "poverty_cause_secondary"):
        column = COLUMN_OF[HEADER_OF[name]]
        value = _choice_value(text(column.header), column) if text(column.header) else ""
        try:
            row.household[name] = _checked_choice(value, column, name)
        except DomainError as error:
            row.fail(column.header, error.message)
    phone_text = text(HEADER_OF["phone"])
    row.household["phone"] = phone_text
    if phone_text:
        try:
            row.phone = parse_phone(phone_text)
        except DomainError as error:
            row.fail(HEADER_OF["phone"], error.message)

    id_cell = source.cells.get(HEADER_OF["id_number"])
    if id_cell is not None and id_cell.was_float:
        row.fail(HEADER_OF["id_number"], ID_FLOAT_CELL)
    elif text(HEADER_OF["id_number"]):
        try:
            row.parsed_id = parse_id(text(HEADER_OF["id_number"]))
        except DomainError as error:
            row.fail(HEADER_OF["id_number"], error.message)

    values: dict[str, object] = {"name": text(HEADER_OF["name"]), "id_number": ""}
    for name in ("relation", "sex", "education", "school_status", "health", "labour",
                 "work_status"):  # fmt: skip
        column = COLUMN_OF[HEADER_OF[name]]
        typed = text(column.header)
        value = _choice_value(typed, column) if typed else ""
        try:
            values[name] = _checked_choice(value, column, name, blank=name != "relation")
        except DomainError as error:
            if typed:
                row.fail(column.header, error.message)
            values[name] = ""
    values["health"] = values["health"] or Health.HEALTHY
    values["relation"] = values["relation"] or Relation.OTHER
    ethnicity = text(HEADER_OF["ethnicity"]) or "汉族"
    if ethnicity not in ETHNIC_GROUPS and f"{ethnicity}族" in ETHNIC_GROUPS:
        ethnicity = f"{ethnicity}族"
    if ethnicity not in ETHNIC_GROUPS:
        row.fail(HEADER_OF["ethnicity"], ETHNICITY_INVALID.format(value=ethnicity))
    values["ethnicity"] = ethnicity
    try:
        values["birth_date"] = _date_cell(text(HEADER_OF["birth_date"]))
    except ValueError:
        row.fail(
            HEADER_OF["birth_date"], BIRTH_DATE_INVALID.format(value=text(HEADER_OF["birth_date"]))
        )
        values["birth_date"] = None
    for name, limit in (("name", 50), ("address", 200)):
        if len(text(HEADER_OF[name])) > limit:
            row.fail(HEADER_OF[name], TEXT_TOO_LONG.format(limit=limit))
    member = MemberData(**values)
    if row.parsed_id is not None:
        try:
            _cross_check(member, row.parsed_id)
        except DomainError as error:
            row.fail(_field_header(error, HEADER_OF["id_number"]), error.message)
        row.id_number = row.parsed_id.number
        row.id_index = protected.blind_index("id", row.id_number)
    row.member = member
    return row


@dataclass(frozen=True)
class KindSpec:
    """What differs between kinds of import: the file's layout, how its rows are grouped into
    chunks (`chunks(state, rows, skip_through=)`), how a chunk is checked and written
    (`process(state, chunk)`), and the tables to ANALYZE after a large import. The run itself
    (modes, checkpoints, job, audit event) is `run_import`'s, the same for every kind.

    One-row-one-record kinds use `record_chunks` and give `parse(source) -> RecordRow`.
    """

    layout: Layout
    process: Callable
    chunks: Callable
    parse: Callable | None = None
    tables: tuple = ()


@dataclass
class _State:
    """What the run remembers across chunks: counts, problems, IDs and households seen."""

    actor: object
    job: ImportJob
    spec: KindSpec | None = None
    problems: list[Problem] = field(default_factory=list)
    seen_ids: dict[str, int] = field(default_factory=dict)
    seen_households: dict[str, int] = field(default_factory=dict)
    seen_keys: dict[tuple, int] = field(default_factory=dict)
    villages: dict[str, Region | None] = field(default_factory=dict)
    # Lookups a kind makes once per run (a unit by name and region, a cadre by ID number).
    found: dict = field(default_factory=dict)
    chunk_end: int = 0


def _household_problems(number: str, rows: list[ParsedRow]) -> None:
    """One head per household; household columns agree with the head's row."""
    heads = [row for row in rows if row.is_head]
    if not heads:
        rows[0].fail(HEADER_OF["relation"], HOUSEHOLD_NO_HEAD.format(number=number))
        return
    for extra in heads[1:]:
        extra.fail(HEADER_OF["relation"], MEMBER_HEAD_EXISTS.format(name=heads[0].member.name))
    head = heads[0]
    for row in rows:
        if row is head:
            continue
        for column in HOUSEHOLD_COLUMNS:
            if not column.household or column.field == "number":
                continue
            given = row.source.text(column.header)
            if given and given != head.source.text(column.header):
                row.fail(
                    column.header,
                    HOUSEHOLD_VALUE_DIFFERS.format(value=head.source.text(column.header) or "—"),
                )


def _load_villages(state: _State, codes: set[str]) -> None:
    wanted = {code for code in codes if code not in state.villages}
    if not wanted:
        return
    scope = user_scope(state.actor)
    found = {
        region.code: region
        for region in Region.objects.filter(scope.region_q("code"), code__in=wanted)
    }
    for code in wanted:
        state.villages[code] = found.get(code)


def _village_problem(state: _State, head: ParsedRow):
    code = head.household["village_code"]
    region = state.villages.get(code)
    if region is None:
        # Unknown and out of scope read the same, as in every form.
        return REGION_NOT_FOUND.format(code=code)
    if region.level != Level.VILLAGE:
        return HOUSEHOLD_VILLAGE_LEVEL.format(
            name=region.name, code=region.code, level=region.get_level_display()
        )
    if not user_scope(state.actor).writable:
        return WRITE_FORBIDDEN
    return None


def _check_chunk(state: _State, groups: dict[str, list[ParsedRow]]):
    """Problems needing other rows or the database; returns the households that may be written,
    with the existing households and active members they touch."""
    for number, rows in groups.items():
        _household_problems(number, rows)
        for row in rows:
            if not row.id_index:
                continue
            first = state.seen_ids.get(row.id_index)
            if first is not None:
                row.fail(HEADER_OF["id_number"], ID_REPEATED.format(row=first))
            else:
                state.seen_ids[row.id_index] = row.source.number
    _load_villages(state, {rows[0].household["village_code"] for rows in groups.values()})
    existing = {
        household.number: household
        for household in Household.objects.filter(number__in=list(groups)).select_related("village")
    }
    visible = set(
        Household.objects.filter(user_scope(state.actor).household_q())
        .filter(pk__in=[household.pk for household in existing.values()])
        .values_list("pk", flat=True)
    )
    indexes = [row.id_index for rows in groups.values() for row in rows if row.id_index]
    # Only the (rare) people found in another household need that household loaded.
    members = {
        member.id_number_index: member
        for member in Member.objects.filter(id_number_index__in=indexes, is_active=True)
    }
    expected_household = {
        row.id_index: existing[number].pk if number in existing else None
        for number, rows in groups.items()
        for row in rows
    }
    elsewhere = {
        member.pk
        for index, member in members.items()
        if member.household_id != expected_household.get(index)
    }
    if elsewhere:
        for member in Member.objects.filter(pk__in=elsewhere).select_related("household__village"):
            members[member.id_number_index] = member
    for number, rows in groups.items():
        head = next((row for row in rows if row.is_head), rows[0])
        if problem := _village_problem(state, head):
            head.fail(HEADER_OF["village_code"], problem)
        household = existing.get(number)
        if household is not None and household.pk not in visible:
            head.fail(HEADER_OF["number"], HOUSEHOLD_NUMBER_TAKEN.format(number=number))
        elif household is not None and household.village_id != head.household["village_code"]:
            head.fail(
                HEADER_OF["village_code"],
                HOUSEHOLD_VILLAGE_CHANGED.format(number=number, village=household.village),
            )
        for row in rows:
            member = members.get(row.id_index) if row.id_index else None
            if member is not None and member.pk in elsewhere:
                row.fail(
                    HEADER_OF["id_number"],
                    MEMBER_DUPLICATE.format(
                        masked=member.id_number_masked,
                        number=member.household.number,
                        village=member.household.village,
                    ),
                )
    return existing, members


def _reject_households(state: _State, groups: dict[str, list[ParsedRow]]) -> dict:
    """A household goes in whole or not at all: its good rows are rejected with a pointer."""
    good = {}
    for number, rows in groups.items():
        bad = [row for row in rows if row.problems]
        if not bad:
            good[number] = rows
            continue
        where = "、".join(str(row.source.number) for row in bad)
        for row in rows:
            if not row.problems:
                row.fail(HEADER_OF["number"], HOUSEHOLD_REJECTED.format(rows=where))
            state.problems.extend(row.problems)
        state.job.rejected += len(rows)
    return good


def _household_values(head: ParsedRow) -> dict:
    values = head.household
    return {
        "head_name": head.member.name.strip(),
        "address": values["address"].strip(),
        "category": values["category"] or Category.GENERAL,
        "poverty_cause_main": values["poverty_cause_main"],
        "poverty_cause_secondary": values["poverty_cause_secondary"],
    }


# Columns written for a new household / member / search key, in the order the rows are built.
_HOUSEHOLD_INSERT = (
    "number",
    "village",
    "head_name",
    "address",
    "category",
    "poverty_cause_main",
    "poverty_cause_secondary",
    "member_count",
    "phone_cipher",
    "phone_index",
    "phone_masked",
    "created_at",
    "updated_at",
)
_MEMBER_INSERT = (
    "household",
    "name",
    "relation",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "labour",
    "work_status",
    "is_active",
    "ended_on",
    "end_reason",
    "id_number_cipher",
    "id_number_index",
    "id_number_masked",
    "created_at",
    "updated_at",
)
# The households fields compared to tell a change, foreign keys by id: reading `member.household`
# for a snapshot would load it, one query per row of a re-import.
_HOUSEHOLD_COMPARED = tuple(
    f"{name}_id" if name == "village" else name for name in HOUSEHOLD_FIELDS
)
_MEMBER_COMPARED = tuple(f"{name}_id" if name == "household" else name for name in MEMBER_FIELDS)
_MEMBER_VALUES = _MEMBER_INSERT[1:11] + _MEMBER_INSERT[14:17]


def _bulk_insert(model, names, rows: list[tuple], *, ignore_conflicts=False) -> None:
    """Insert plain tuples without building model instances (most of bulk_create's cost).

    PostgreSQL: COPY into a temporary staging table, then one INSERT ... SELECT, so the rows
    reach the real table (its constraints and indexes) in one set-based statement. SQLite:
    executemany of one prepared INSERT inside the caller's transaction.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = quote(f"stage_{model._meta.db_table}")
            # Created with the session, dropped with it; IF NOT EXISTS because a rolled-back run
            # (a dry run) takes the table with it.
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {columns} FROM {table} "
                "WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage}{conflict}"
            )
            cursor.execute(f"TRUNCATE {stage}")
        else:
            verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"{verb} INTO {table} ({columns}) VALUES ({marks})", rows)


def _bulk_save(model, instances, names) -> None:
    """Write `names` of changed instances back by primary key, set-based.

    PostgreSQL: COPY (pk, values) into a staging table and one UPDATE ... FROM it. SQLite:
    executemany of one prepared UPDATE. Values go through the fields' own preparation, as
    bulk_update would, minus its CASE WHEN statement per batch.
    """
    if not instances:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    table = quote(model._meta.db_table)
    postgres = connection.vendor == "postgresql"
    rows = [
        (
            instance.pk,
            *(
                getattr(instance, f.attname) if postgres
                else f.get_db_prep_save(getattr(instance, f.attname), connection)
                for f in fields
            ),
        )
        for instance in instances
    ]  # fmt: skip
    columns = [quote(f.column) for f in fields]
    with connection.cursor() as cursor:
        if not postgres:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s", [(*r[1:], r[0]) for r in rows]
            )
            return
        stage = quote(f"stage_{model._meta.db_table}_{zlib.crc32(' '.join(names).encode()):x}")
        listed = ", ".join(["id", *columns])
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {listed} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {stage} ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        assignments = ", ".join(f"{column} = s.{column}" for column in columns)
        cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {stage} AS s WHERE t.id = s.id")
        cursor.execute(f"TRUNCATE {stage}")


def _db_date(value: dt.date | None):
    """A date as the backend stores it: psycopg adapts dates itself, SQLite keeps ISO text."""
    if value is None or connection.vendor == "postgresql":
        return value
    return value.isoformat()


def _db_stamp(value: dt.datetime):
    return value if connection.vendor == "postgresql" else (
        connection.ops.adapt_datetimefield_value(value)
    )  # fmt: skip


def _mask_phone(phone: str) -> str:
    """`mask_phone` without re-parsing a mobile: +86 and 11 digits print nationally as those
    11 digits; landlines (whose national form depends on the area code) take the full path."""
    if phone.startswith("+861") and len(phone) == 14:
        return mask_phone_text(phone[3:])
    return mask_phone(phone)


def _seal_phone(phone: str):
    # Already parsed (E.164): sealed as `seal_phone` does, minus re-parsing.
    return protected.seal("phone", phone, _mask_phone(phone)) if phone else None


def _insert_households(groups, heads: dict[str, ParsedRow], numbers: list[str], now) -> dict:
    """New households as plain rows; returns {number: pk}. Member count and head name are
    exact from the start (a new household's members are exactly its rows)."""
    stamp = _db_stamp(now)
    rows = []
    for number in numbers:
        head = heads[number]
        values = _household_values(head)
        sealed = _seal_phone(head.phone)
        rows.append((
            number, head.household["village_code"], values["head_name"], values["address"],
            values["category"], values["poverty_cause_main"], values["poverty_cause_secondary"],
            len(groups[number]), sealed.cipher if sealed else None,
            sealed.index if sealed else None, sealed.masked if sealed else "", stamp, stamp,
        ))  # fmt: skip
    _bulk_insert(Household, _HOUSEHOLD_INSERT, rows)
    return dict(Household.objects.filter(number__in=numbers).values_list("number", "pk"))


def _new_member_row(household_id: int, row: ParsedRow, stamp) -> tuple:
    """The households rule `_fill_member` applied to a plain namespace, not a model instance."""
    member = SimpleNamespace()
    _fill_member(
        member,
        row.member,
        row.parsed_id,
        protected.Sealed(
            cipher=protected.encrypt(row.id_number), index=row.id_index, masked=row.parsed_id.masked
        ),
    )
    member.birth_date = _db_date(member.birth_date)
    values = [getattr(member, name) for name in _MEMBER_VALUES]
    return (household_id, *values[:10], True, None, "", *values[10:], stamp, stamp)


@transaction.atomic
def _write_chunk(state: _State, groups, existing, members) -> None:
    """Write the checked households of a chunk with bulk statements.

    New households, members and search keys go in as plain rows (`_bulk_insert`); the rarer
    changes to existing records through `_bulk_save`. Old heads are demoted before new heads
    are written, so the one-head constraint holds after every statement, as in `member_update`.
    """
    job = state.job
    now = timezone.now()
    stamp = _db_stamp(now)
    new_numbers, changed_households = [], []
    head_rows: dict[str, ParsedRow] = {}
    for number, rows in groups.items():
        head = next(row for row in rows if row.is_head)
        head_rows[number] = head
        household = existing.get(number)
        if household is None:
            new_numbers.append(number)
            continue
        before = snapshot(household, _HOUSEHOLD_COMPARED)
        for name, value in _household_values(head).items():
            setattr(household, name, value)
        wanted_index = protected.blind_index("phone", head.phone) if head.phone else None
        if wanted_index != household.phone_index:
            # Sealing only what changed: encryption is the costly step of a re-import.
            apply_phone(household, _seal_phone(head.phone))
        if before != snapshot(household, _HOUSEHOLD_COMPARED):
            household.updated_at = now
            changed_households.append(household)
    created_pks = _insert_households(groups, head_rows, new_numbers, now)
    _bulk_save(
        Household,
        changed_households,
        ["head_name", "address", "category", "poverty_cause_main", "poverty_cause_secondary",
         "phone_cipher", "phone_index", "phone_masked", "updated_at"],
    )  # fmt: skip
    job.households_created += len(new_numbers)
    job.households_updated += len(changed_households)
    changed_ids = {household.pk for household in changed_households}

    new_members, demoted, member_updates, head_updates = [], [], [], []
    grown: set[int] = set()
    in_file = {row.id_index for rows in groups.values() for row in rows}
    kept_ids = [existing[number].pk for number in groups if number in existing]
    # A head the file does not list any more stays as a member, as `member_update` leaves it.
    for old_head in Member.objects.filter(
        household_id__in=kept_ids, is_active=True, relation=Relation.HEAD
    ):
        if old_head.id_number_index not in in_file:
            old_head.relation = Relation.OTHER
            old_head.updated_at = now
            demoted.append(old_head)
    for number, rows in groups.items():
        household = existing.get(number)
        household_id = created_pks[number] if household is None else household.pk
        for row in rows:
            member = members.get(row.id_index)
            data = row.member
            data.relation = data.relation or Relation.OTHER
            if member is None:
                new_members.append(_new_member_row(household_id, row, stamp))
                if household is not None:
                    grown.add(household_id)
                job.created += 1
                continue
            before = snapshot(member, _MEMBER_COMPARED)
            _fill_member(member, data, row.parsed_id, None)
            if before != snapshot(member, _MEMBER_COMPARED):
                member.updated_at = now
                (head_updates if row.is_head else member_updates).append(member)
                job.updated += 1
            elif row.is_head and household_id in changed_ids:
                job.updated += 1
            else:
                job.unchanged += 1
    fields = [name for name in MEMBER_FIELDS if name not in ("household", "id_number_index",
              "id_number_masked")] + ["updated_at"]  # fmt: skip
    for batch in (demoted, member_updates, head_updates):
        _bulk_save(Member, batch, fields)
    _bulk_insert(Member, _MEMBER_INSERT, new_members)
    job.rows_written += sum(len(rows) for rows in groups.values())

    keys = [
        (created_pks[number], key)
        for number in new_numbers
        for key in household_search_keys(
            SimpleNamespace(number=number, head_name=head_rows[number].member.name.strip())
        )
    ]
    # Ignoring conflicts keeps a retried chunk harmless; the keys are a set per household.
    _bulk_insert(HouseholdSearchKey, ("household", "key"), keys, ignore_conflicts=True)
    touched = changed_ids | grown | {m.household_id for m in demoted + member_updates
                                     + head_updates}  # fmt: skip
    _sync_households([household for household in existing.values() if household.pk in touched], now)
    rollups.refresh(regions={rows[0].household["village_code"] for rows in groups.values()})


def _sync_households(households: list[Household], now) -> None:
    """Head name, member count and search keys follow the members, as `_sync_household` does."""
    if not households:
        return
    ids = [household.pk for household in households]
    counts = dict(
        Member.objects.filter(household_id__in=ids, is_active=True)
        .values_list("household_id")
        .annotate(n=Count("id"))
    )
    heads = dict(
        Member.objects.filter(
            household_id__in=ids, is_active=True, relation=Relation.HEAD
        ).values_list("household_id", "name")
    )
    changed = []
    for household in households:
        head_name = heads.get(household.pk, household.head_name)
        count = counts.get(household.pk, 0)
        if (head_name, count) != (household.head_name, household.member_count):
            household.head_name, household.member_count = head_name, count
            household.updated_at = now
            changed.append(household)
    _bulk_save(Household, changed, ["head_name", "member_count", "updated_at"])
    existing: dict[int, set[str]] = {pk: set() for pk in ids}
    for household_id, key in HouseholdSearchKey.objects.filter(household_id__in=ids).values_list(
        "household_id", "key"
    ):
        existing[household_id].add(key)
    stale = Q(pk__in=[])
    fresh = []
    for household in households:
        wanted = household_search_keys(household)
        have = existing[household.pk]
        if have - wanted:
            stale |= Q(household_id=household.pk, key__in=have - wanted)
        fresh.extend(
            HouseholdSearchKey(household_id=household.pk, key=key) for key in wanted - have
        )
    HouseholdSearchKey.objects.filter(stale).delete()
    HouseholdSearchKey.objects.bulk_create(fresh, batch_size=CHUNK_ROWS)


def _process_chunk(state: _State, chunk) -> None:
    state.spec.process(state, chunk)


def _process_households(state: _State, groups: dict[str, list[ParsedRow]]) -> None:
    existing, members = _check_chunk(state, groups)
    good = _reject_households(state, groups)
    state.job.rows_validated += sum(len(rows) for rows in groups.values())
    if good:
        _write_chunk(state, good, existing, members)


def _chunks(state: _State, rows, *, skip_through: int = 0) -> Iterator[dict[str, list[ParsedRow]]]:
    """Households of about CHUNK_ROWS rows; a household is never split across chunks.

    `state.chunk_end` is the last row number of the chunk just yielded: the checkpoint. Rows up
    to `skip_through` were committed by the run being resumed; they are only remembered (for
    the rows-apart rule), not parsed or counted again.
    """
    groups: dict[str, list[ParsedRow]] = {}
    size = 0
    current = None
    last = skip_through
    for source in rows:
        if source.number <= skip_through:
            number = source.text(HEADER_OF["number"])
            if number and number != current and number in state.seen_households:
                continue
            if number != current:
                state.seen_households[number] = source.number
                current = number
            continue
        row = parse_row(source)
        number = row.number
        if number != current and size >= CHUNK_ROWS:
            state.chunk_end = last
            yield groups
            groups, size = {}, 0
        state.job.rows_read += 1
        last = source.number
        if number and number != current and number in state.seen_households:
            row.fail(
                HEADER_OF["number"],
                HOUSEHOLD_ROWS_APART.format(number=number, row=state.seen_households[number]),
            )
            state.problems.extend(row.problems)
            state.job.rejected += 1
            continue
        if number != current:
            state.seen_households[number] = source.number
            current = number
        groups.setdefault(number, []).append(row)
        size += 1
    state.chunk_end = last
    if groups:
        yield groups


def record_chunks(state: _State, rows, *, skip_through: int = 0) -> Iterator[list[RecordRow]]:
    """Rows of about CHUNK_ROWS, each parsed by the kind, a key seen twice in the file refused
    on its second row. Rows up to `skip_through` (committed by the run being resumed) only
    leave their keys behind."""
    chunk: list[RecordRow] = []
    for source in rows:
        row = state.spec.parse(source)
        first = state.seen_keys.setdefault(row.key, source.number) if row.key else None
        if source.number <= skip_through:
            continue
        state.job.rows_read += 1
        if first is not None and first != source.number:
            column = row.key_column or state.spec.layout.headers[0]
            row.fail(column, KEY_REPEATED.format(key=row.key_text, row=first))
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            state.chunk_end = source.number
            yield chunk
            chunk = []
    if chunk:
        state.chunk_end = chunk[-1].source.number
        yield chunk


def file_digest(path: Path) -> str:
    """sha256 of the file, read in blocks: how a run killed half-way is recognised."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(DIGEST_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _unfinished_job(actor, kind: str, mode: str, digest: str) -> ImportJob | None:
    """The latest run of the same file, by the same user, that never finished.

    Only runs that write chunk by chunk have anything to resume; an all-or-nothing run killed
    half-way wrote nothing, so it is taken up again from its first row.
    """
    if mode == ImportMode.VALIDATE or not getattr(actor, "pk", None):
        return None
    return (
        ImportJob.objects.filter(
            user=actor,
            kind=kind,
            mode=mode,
            digest=digest,
            status__in=[ImportStatus.RUNNING, ImportStatus.FAILED],
        )
        .order_by("-id")
        .first()
    )


def run_import(
    spec: KindSpec,
    *,
    actor,
    path: Path,
    mode: str = ImportMode.VALID,
    progress: Callable[[ImportJob], None] | None = None,
    file_name: str = "",
    job: ImportJob | None = None,
) -> ImportResult:
    """Import a file of the kind `spec` describes.

    Modes: VALIDATE runs everything and rolls it back (the counts say what would happen);
    VALID writes each chunk's good records and reports the rest; ALL rolls back on any
    problem. Not one transaction as a whole on purpose: the ImportJob row must outlive a
    rollback, and in VALID mode each chunk commits on its own together with the job's counts
    and checkpoint, so a run killed at any point is resumed by importing the same file again
    (same user, kind and mode): it carries on after the checkpoint. A `job` given by the
    caller (a background task retrying) is used as it is, resuming from its own checkpoint.
    Problems of rows before the checkpoint were reported by the killed run; the resumed run's
    counts include them.
    """
    require_any_write(actor)
    if mode not in ImportMode.values:
        raise InvalidInput(MODE_UNKNOWN.format(value=mode), field="mode")
    path = Path(path)
    layout = spec.layout
    rows = read_rows(path, required=layout.required, expected=layout.headers)
    digest = file_digest(path)
    earlier = _unfinished_job(actor, layout.kind, mode, digest)
    if job is None:
        job = earlier
    elif earlier is not None and earlier.pk != job.pk and not job.checkpoint_row:
        # A fresh job for a file an earlier run left half-done (an upload made again): it takes
        # over that run's checkpoint and counts, and the earlier job is closed.
        with transaction.atomic():
            for name in RUN_COUNTS:
                setattr(job, name, getattr(earlier, name))
            job.digest = digest
            job.save()
            earlier.status = ImportStatus.FAILED
            earlier.message = str(IMPORT_TAKEN_OVER.format(job=job.pk))[:500]
            earlier.finished_at = timezone.now()
            earlier.save(update_fields=["status", "message", "finished_at"])
    if job is None:
        job = ImportJob.objects.create(
            user=actor if getattr(actor, "pk", None) else None,
            username=getattr(actor, "username", "") or "",
            file_name=(file_name or path.name)[:255],
            kind=layout.kind,
            mode=mode,
            digest=digest,
        )
    resumable = (
        mode == ImportMode.VALID
        and job.status in (ImportStatus.RUNNING, ImportStatus.FAILED)
        and job.digest in ("", digest)
    )
    # A finished job, or one given for another file, starts again from its first row.
    skip_through = job.checkpoint_row if resumable else 0
    if skip_through == 0:
        # Nothing committed yet (or an all-or-nothing run): counts start afresh.
        for name in RUN_COUNTS:
            setattr(job, name, 0)
    job.digest = digest
    job.resumed_from = skip_through
    job.status = ImportStatus.RUNNING
    job.message = ""
    job.finished_at = None
    job.save()
    state = _State(actor=actor, job=job, spec=spec)
    try:
        if mode == ImportMode.VALID:
            for groups in spec.chunks(state, rows, skip_through=skip_through):
                # The chunk's rows, the counts and the checkpoint commit together or not at all.
                with transaction.atomic():
                    _process_chunk(state, groups)
                    job.checkpoint_row = state.chunk_end
                    job.save()
                if progress:
                    progress(job)
        else:
            with transaction.atomic():
                for groups in spec.chunks(state, rows):
                    _process_chunk(state, groups)
                    if progress:
                        progress(job)
                if mode == ImportMode.VALIDATE or state.problems:
                    transaction.set_rollback(True)
    except Exception as error:
        # Only the outcome: the counts in memory may include a chunk that was rolled back.
        job.status = ImportStatus.FAILED
        job.message = str(error)[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at"])
        raise
    with transaction.atomic():
        # Status and audit event together: a run killed here is resumed with nothing left to
        # write and audits once.
        if mode == ImportMode.VALIDATE:
            job.status = ImportStatus.CHECKED
            job.rows_written = 0
        elif mode == ImportMode.ALL and state.problems:
            job.status = ImportStatus.REFUSED
            job.rows_written = 0
        else:
            job.status = ImportStatus.DONE
            _audit_import(actor, job)
        if mode == ImportMode.VALID:
            job.checkpoint_row = state.chunk_end
        outcome = str(
            IMPORT_OUTCOME.format(
                created=job.created, updated=job.updated, unchanged=job.unchanged,
                rejected=job.rejected,
            )
        )  # fmt: skip
        if skip_through:
            outcome += " " + str(IMPORT_RESUMED.format(row=skip_through))
        job.message = outcome[:500]
        job.finished_at = timezone.now()
        job.save()
    if job.status == ImportStatus.DONE and job.created + job.updated >= ANALYZE_AFTER_ROWS:
        _refresh_statistics(spec.tables)
    state.problems.sort(key=lambda problem: problem.row)
    return ImportResult(job=job, problems=state.problems, resumed_from=skip_through)


# After this many rows written, PostgreSQL's planner statistics are stale enough that it scans
# the households instead of using the search-key index (seen: 5 ms → 0.13 ms after ANALYZE on
# 20k households); autovacuum would catch up only later.
ANALYZE_AFTER_ROWS = 10_000


def _refresh_statistics(models=(Household, Member, HouseholdSearchKey)) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


@transaction.atomic
def _audit_import(actor, job: ImportJob) -> None:
    """One event for the whole run, with the counts; never one per row or per cell."""
    audit(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=job,
        object_type="imports.ImportJob",
        object_repr=job.file_name[:200],
        region_code=region_of_user(actor) if getattr(actor, "pk", None) else "",
        changes={
            "kind": job.kind,
            "mode": job.mode,
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "households_created": job.households_created,
            "households_updated": job.households_updated,
        },
    )


HOUSEHOLDS = KindSpec(
    layout=HOUSEHOLDS_LAYOUT,
    process=_process_households,
    chunks=_chunks,
    tables=(Household, Member, HouseholdSearchKey),
)
# Import a households-and-members file (see layouts.HOUSEHOLD_COLUMNS).
household_import = partial(run_import, HOUSEHOLDS)
