"""Importing registry files: households with their members, in batches, with every bad row
explained.

Rows are checked with the households app's own rules (its helpers are reused, not copied) and
written with bulk statements a chunk at a time; the result is the same records the services
would create. A run is one `ImportJob` and one audit event with the counts.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import transaction
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
from shuanglian.core.phone import mask_phone, parse_phone
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
    HEADERS,
    HOUSEHOLD_COLUMNS,
    REQUIRED_HEADERS,
    accepted_values,
)
from shuanglian.imports.models import ImportJob, ImportKind, ImportMode, ImportStatus
from shuanglian.imports.readers import SourceRow, read_rows
from shuanglian.regions.models import Level, Region
from shuanglian.regions.selectors import REGION_NOT_FOUND

CHUNK_ROWS = 1000

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
IMPORT_OUTCOME = _(
    "{created} created, {updated} updated, {unchanged} unchanged, {rejected} rejected."
)
IMPORT_NOTHING_CHANGED = _("Nothing changed: the database already has these rows.")

_DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class Problem:
    row: int
    column: str
    message: object
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedRow:
    """One person's row, checked on its own; what needs other rows or the database comes later."""

    source: SourceRow
    problems: list[Problem] = field(default_factory=list)
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

    def fail(self, header: str, message) -> None:
        values = {name: cell.text for name, cell in self.source.cells.items()}
        self.problems.append(Problem(self.source.number, header, message, values))


@dataclass
class ImportResult:
    job: ImportJob
    problems: list[Problem]

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


def _birth_date(text: str) -> dt.date | None:
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
        values["birth_date"] = _birth_date(text(HEADER_OF["birth_date"]))
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


@dataclass
class _State:
    """What the run remembers across chunks: counts, problems, IDs and households seen."""

    actor: object
    job: ImportJob
    problems: list[Problem] = field(default_factory=list)
    seen_ids: dict[str, int] = field(default_factory=dict)
    seen_households: dict[str, int] = field(default_factory=dict)
    villages: dict[str, Region | None] = field(default_factory=dict)


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


@transaction.atomic
def _write_chunk(state: _State, groups, existing, members) -> None:
    """Write the checked households of a chunk with bulk statements.

    Old heads are demoted before new heads are written, so the one-head constraint holds after
    every statement, as it does in `member_update`.
    """
    job = state.job
    now = timezone.now()
    new_households, changed_households = [], []
    head_rows: dict[str, ParsedRow] = {}
    for number, rows in groups.items():
        head = next(row for row in rows if row.is_head)
        head_rows[number] = head
        household = existing.get(number)
        if household is None:
            # A new household's members are exactly its rows: counted now, not synced later.
            household = Household(
                number=number, village_id=head.household["village_code"], member_count=len(rows)
            )
            new_households.append(household)
            before = None
        else:
            before = snapshot(household, HOUSEHOLD_FIELDS)
        for name, value in _household_values(head).items():
            setattr(household, name, value)
        wanted_index = protected.blind_index("phone", head.phone) if head.phone else None
        if wanted_index != household.phone_index:
            # Sealing only what changed: encryption is the costly step of a re-import.
            # head.phone is already parsed (E.164): sealed as `seal_phone` does, minus re-parsing.
            sealed = (
                protected.seal("phone", head.phone, mask_phone(head.phone)) if head.phone else None
            )
            apply_phone(household, sealed)
        if before is not None and before != snapshot(household, HOUSEHOLD_FIELDS):
            household.updated_at = now
            changed_households.append(household)
        existing[number] = household
    Household.objects.bulk_create(new_households, batch_size=CHUNK_ROWS)
    Household.objects.bulk_update(
        changed_households,
        ["head_name", "address", "category", "poverty_cause_main", "poverty_cause_secondary",
         "phone_cipher", "phone_index", "phone_masked", "updated_at"],
        batch_size=CHUNK_ROWS,
    )  # fmt: skip
    job.households_created += len(new_households)
    job.households_updated += len(changed_households)
    changed_ids = {household.pk for household in changed_households}
    created_ids = {household.pk for household in new_households}

    new_members, demoted, member_updates, head_updates = [], [], [], []
    in_file = {row.id_index for rows in groups.values() for row in rows}
    kept_ids = [existing[number].pk for number in groups if existing[number].pk not in created_ids]
    # A head the file does not list any more stays as a member, as `member_update` leaves it.
    for old_head in Member.objects.filter(
        household_id__in=kept_ids, is_active=True, relation=Relation.HEAD
    ):
        if old_head.id_number_index not in in_file:
            old_head.relation = Relation.OTHER
            old_head.updated_at = now
            demoted.append(old_head)
    for number, rows in groups.items():
        household = existing[number]
        for row in rows:
            member = members.get(row.id_index)
            data = row.member
            data.relation = data.relation or Relation.OTHER
            if member is None:
                member = Member(household=household)
                _fill_member(
                    member,
                    data,
                    row.parsed_id,
                    protected.Sealed(
                        cipher=protected.encrypt(row.id_number),
                        index=row.id_index,
                        masked=row.parsed_id.masked,
                    ),
                )
                new_members.append(member)
                job.created += 1
                continue
            before = snapshot(member, MEMBER_FIELDS)
            _fill_member(member, data, row.parsed_id, None)
            if before != snapshot(member, MEMBER_FIELDS):
                member.updated_at = now
                (head_updates if row.is_head else member_updates).append(member)
                job.updated += 1
            elif row.is_head and household.pk in changed_ids:
                job.updated += 1
            else:
                job.unchanged += 1
    fields = [name for name in MEMBER_FIELDS if name not in ("household", "id_number_index",
              "id_number_masked")] + ["updated_at"]  # fmt: skip
    for batch in (demoted, member_updates, head_updates):
        Member.objects.bulk_update(batch, fields, batch_size=CHUNK_ROWS)
    Member.objects.bulk_create(new_members, batch_size=CHUNK_ROWS)
    job.rows_written += sum(len(rows) for rows in groups.values())

    touched = created_ids | changed_ids | {m.household_id for m in demoted + member_updates
                                           + head_updates + new_members}  # fmt: skip
    _sync_households([household for household in existing.values() if household.pk in touched], now)


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
    Household.objects.bulk_update(
        changed, ["head_name", "member_count", "updated_at"], batch_size=CHUNK_ROWS
    )
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


def _process_chunk(state: _State, groups: dict[str, list[ParsedRow]]) -> None:
    existing, members = _check_chunk(state, groups)
    good = _reject_households(state, groups)
    state.job.rows_validated += sum(len(rows) for rows in groups.values())
    if good:
        _write_chunk(state, good, existing, members)


def _chunks(state: _State, rows) -> Iterator[dict[str, list[ParsedRow]]]:
    """Households of about CHUNK_ROWS rows; a household is never split across chunks."""
    groups: dict[str, list[ParsedRow]] = {}
    size = 0
    current = None
    for source in rows:
        state.job.rows_read += 1
        row = parse_row(source)
        number = row.number
        if number != current and size >= CHUNK_ROWS:
            yield groups
            groups, size = {}, 0
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
    if groups:
        yield groups


def household_import(
    *,
    actor,
    path: Path,
    mode: str = ImportMode.VALID,
    progress: Callable[[ImportJob], None] | None = None,
    file_name: str = "",
) -> ImportResult:
    """Import a households-and-members file (see layouts.HOUSEHOLD_COLUMNS).

    Modes: VALIDATE runs everything and rolls it back (the counts say what would happen);
    VALID writes each chunk's good households and reports the rest; ALL rolls back on any
    problem. Not one transaction as a whole on purpose: the ImportJob row must outlive a
    rollback, and in VALID mode each chunk commits on its own (`_write_chunk` is atomic).
    """
    require_any_write(actor)
    if mode not in ImportMode.values:
        raise InvalidInput(MODE_UNKNOWN.format(value=mode), field="mode")
    path = Path(path)
    rows = read_rows(path, required=REQUIRED_HEADERS, expected=HEADERS)
    job = ImportJob.objects.create(
        user=actor if getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        file_name=(file_name or path.name)[:255],
        kind=ImportKind.HOUSEHOLDS,
        mode=mode,
    )
    state = _State(actor=actor, job=job)
    try:
        if mode == ImportMode.VALID:
            for groups in _chunks(state, rows):
                _process_chunk(state, groups)
                if progress:
                    progress(job)
        else:
            with transaction.atomic():
                for groups in _chunks(state, rows):
                    _process_chunk(state, groups)
                    if progress:
                        progress(job)
                if mode == ImportMode.VALIDATE or state.problems:
                    transaction.set_rollback(True)
    except Exception as error:
        job.status = ImportStatus.FAILED
        job.message = str(error)[:500]
        job.finished_at = timezone.now()
        job.save()
        raise
    if mode == ImportMode.VALIDATE:
        job.status = ImportStatus.CHECKED
        job.rows_written = 0
    elif mode == ImportMode.ALL and state.problems:
        job.status = ImportStatus.REFUSED
        job.rows_written = 0
    else:
        job.status = ImportStatus.DONE
        _audit_import(actor, job)
    job.message = str(
        IMPORT_OUTCOME.format(
            created=job.created, updated=job.updated, unchanged=job.unchanged,
            rejected=job.rejected,
        )
    )[:500]  # fmt: skip
    job.finished_at = timezone.now()
    job.save()
    state.problems.sort(key=lambda problem: problem.row)
    return ImportResult(job=job, problems=state.problems)


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
