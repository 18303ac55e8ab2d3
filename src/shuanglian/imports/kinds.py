"""The kinds of import besides households: units, cadres, village and household pairings, income
records. One row is one record, named by its natural key.

Each kind is a `KindSpec` for the one pipeline of services.run_import (reader → parse here →
write here); modes, checkpoints and the import event are the pipeline's. The small kinds (units,
cadres, pairings: thousands of rows) are written row by row through their apps' public services,
each in a savepoint, so every rule and message is the service's own; the services also leave
their usual audit row per record, besides the one import event. Income records (one per
household and year, millions) are checked and written a chunk at a time with set-based
statements, as households are.
"""

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.core import protected
from shuanglian.core.access import (
    WRITE_FORBIDDEN,
    can_write,
    may_write_pairing,
    may_write_unit,
    user_scope,
)
from shuanglian.core.errors import DomainError, InvalidInput
from shuanglian.core.idcard import parse_id
from shuanglian.core.phone import parse_phone
from shuanglian.dashboard import rollups
from shuanglian.households.models import Household, IncomeRecord, compute_net_per_capita
from shuanglian.households.services import (
    INCOME_FIELDS,
    INCOME_POPULATION_INVALID,
    INCOME_YEAR_INVALID,
    _amount,
)
from shuanglian.imports.layouts import LAYOUTS, Layout, accepted_values
from shuanglian.imports.models import ImportKind
from shuanglian.imports.readers import SourceRow
from shuanglian.imports.services import (
    BIRTH_DATE_INVALID,
    HOUSEHOLDS,
    ID_FLOAT_CELL,
    NUMBER_FLOAT_CELL,
    VALUE_REQUIRED,
    KindSpec,
    RecordRow,
    _bulk_insert,
    _bulk_save,
    _date_cell,
    _db_stamp,
    _State,
    record_chunks,
    run_import,
)
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.pairings.services import household_pairing_assign, village_pairing_create
from shuanglian.units.models import Cadre, Unit
from shuanglian.units.selectors import visible_cadres, visible_units
from shuanglian.units.services import cadre_create, cadre_update, unit_create, unit_update

UNIT_UNKNOWN = _("No unit named {name} is registered in region {code} within your area.")
CADRE_UNKNOWN = _("No cadre with ID number {masked} is registered within your area.")
HOUSEHOLD_UNKNOWN = _("No household numbered {number} within your area.")

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# ID number columns: a Number cell there gets the ID number's own hint (see `_id_index`).
_ID_FIELDS = ("id_number", "cadre")


# ---------------------------------------------------------------- parsing cells, any kind


def _parse(layout: Layout, source: SourceRow) -> RecordRow:
    """The row's cells by field name, required ones checked, labels turned into values.

    A label nobody knows stays as typed: the service refuses it with its own message.
    """
    row = RecordRow(source=source)
    for column in layout.columns:
        text = source.text(column.header)
        if column.required and not text:
            row.fail(column.header, VALUE_REQUIRED)
        if column.choices and text:
            text = accepted_values(column.choices).get(text.lower(), text)
        cell = source.cells.get(column.header)
        lossy = cell is not None and cell.was_float and not text.isdigit()
        if column.text and lossy and column.field not in _ID_FIELDS:
            row.fail(column.header, NUMBER_FLOAT_CELL)
        row.values[column.field] = text
    return row


def _date(row: RecordRow, layout: Layout, field: str) -> dt.date | None:
    text = row.values[field]
    try:
        return _date_cell(text)
    except ValueError:
        row.fail(layout.header_of[field], BIRTH_DATE_INVALID.format(value=text))
        return None


def _id_index(row: RecordRow, layout: Layout, field: str) -> str | None:
    """The blind index of the row's ID number (its masked form in `values[field + "_masked"]`);
    the float-cell trap and a bad number refused."""
    header = layout.header_of[field]
    cell = row.source.cells.get(header)
    if cell is not None and cell.was_float:
        row.fail(header, ID_FLOAT_CELL)
        return None
    if not row.values[field]:
        return None
    try:
        parsed = parse_id(row.values[field])
    except DomainError as error:
        row.fail(header, error.message)
        return None
    row.values[f"{field}_masked"] = parsed.masked
    return protected.blind_index("id", parsed.number)


# ---------------------------------------------------------------- the small kinds, by service


def _process_by_service(write: Callable, default_field: str, state: _State, chunk) -> None:
    """Each good row through `write` (which calls the services) in its own savepoint: a refused
    row leaves nothing behind; its message goes to the column the service names."""
    layout = state.spec.layout
    job = state.job
    for row in chunk:
        if not row.problems:
            try:
                with transaction.atomic():
                    outcome = write(state, row)
            except DomainError as error:
                header = layout.header_of.get(error.field or "", layout.header_of[default_field])
                row.fail(header, error.message)
            else:
                setattr(job, outcome, getattr(job, outcome) + 1)
                job.rows_written += 1
        if row.problems:
            state.problems.extend(row.problems)
            job.rejected += 1
    job.rows_validated += len(chunk)


def _service_kind(kind: str, parse: Callable, write: Callable, default_field: str) -> KindSpec:
    layout = LAYOUTS[kind]
    return KindSpec(
        layout=layout,
        parse=partial(parse, layout),
        process=partial(_process_by_service, write, default_field),
        chunks=record_chunks,
    )


def _unit_of(state: _State, name: str, code: str) -> Unit:
    """A unit the importing user can see, by its natural key (looked up once per run)."""
    key = ("unit", name, code)
    if key not in state.found:
        state.found[key] = visible_units(state.actor).filter(name=name, home_region_id=code).first()
    if state.found[key] is None:
        raise InvalidInput(UNIT_UNKNOWN.format(name=name, code=code), field="unit_name")
    return state.found[key]


def _parse_unit(layout: Layout, source: SourceRow) -> RecordRow:
    row = _parse(layout, source)
    if row.values["name"] and row.values["home_region"]:
        row.key = (row.values["name"], row.values["home_region"])
        row.key_text = " ".join(row.key)
    return row


def _write_unit(state: _State, row: RecordRow) -> str:
    values = dict(row.values)
    code = values.pop("home_region")
    unit = visible_units(state.actor).filter(name=values["name"], home_region_id=code).first()
    if unit is None:
        unit_create(actor=state.actor, home_region_code=code, **values)
        return CREATED
    same = all(getattr(unit, name) == value for name, value in values.items())
    if same and may_write_unit(state.actor, unit):
        return UNCHANGED
    unit_update(actor=state.actor, unit=unit, home_region_code=code, **values)
    return UPDATED


def _parse_cadre(layout: Layout, source: SourceRow) -> RecordRow:
    row = _parse(layout, source)
    index = _id_index(row, layout, "id_number")
    row.values["id_index"] = index
    if index:
        row.key, row.key_text = (index,), row.values["id_number_masked"]
        row.key_column = layout.header_of["id_number"]
    if row.values["phone"]:
        try:
            row.values["phone_index"] = protected.blind_index(
                "phone", parse_phone(row.values["phone"])
            )
        except DomainError as error:
            row.fail(layout.header_of["phone"], error.message)
    return row


def _write_cadre(state: _State, row: RecordRow) -> str:
    values = row.values
    unit = _unit_of(state, values["unit_name"], values["unit_region"])
    fields = {"name": values["name"], "position": values["position"], "rank": values["rank"]}
    cadre = Cadre.objects.filter(id_number_index=values["id_index"]).first()
    if cadre is None or cadre.unit_id != unit.pk:
        # Held by a cadre of another unit: the service refuses it with its own message.
        cadre_create(
            actor=state.actor,
            unit=unit,
            phone=values["phone"],
            id_number=values["id_number"],
            **fields,
        )
        return CREATED
    same = all(getattr(cadre, name) == value for name, value in fields.items())
    same = same and cadre.phone_index == values.get("phone_index")
    if same and may_write_unit(state.actor, unit):
        return UNCHANGED
    cadre_update(
        actor=state.actor, cadre=cadre, is_active=cadre.is_active, phone=values["phone"], **fields
    )
    return UPDATED


def _parse_village_pairing(layout: Layout, source: SourceRow) -> RecordRow:
    row = _parse(layout, source)
    row.values["start_date"] = _date(row, layout, "start_date")
    values = row.values
    if values["unit_name"] and values["unit_region"] and values["village"]:
        row.key = (values["unit_name"], values["unit_region"], values["village"])
        row.key_text = " ".join(row.key)
    return row


def _write_village_pairing(state: _State, row: RecordRow) -> str:
    values = row.values
    unit = _unit_of(state, values["unit_name"], values["unit_region"])
    active = VillagePairing.objects.filter(
        unit=unit, village_id=values["village"], end_date__isnull=True
    ).first()
    if (
        active is not None
        and (active.role, active.start_date) == (values["role"], values["start_date"])
        and may_write_pairing(state.actor, unit_id=unit.pk, village_code=values["village"])
    ):
        return UNCHANGED
    # A different role or start date is refused by the service (the pairing is still active):
    # pairings are ended on their page, never rewritten by a file.
    village_pairing_create(
        actor=state.actor,
        unit=unit,
        village_code=values["village"],
        role=values["role"],
        start_date=values["start_date"],
    )
    return CREATED


def _parse_household_pairing(layout: Layout, source: SourceRow) -> RecordRow:
    row = _parse(layout, source)
    row.values["start_date"] = _date(row, layout, "start_date")
    row.values["cadre_index"] = _id_index(row, layout, "cadre")
    if row.values["household"]:
        # A household has one active cadre: two rows for it in one file contradict each other.
        row.key = (row.values["household"],)
        row.key_text = row.values["household"]
        row.key_column = layout.header_of["household"]
    return row


def _visible_household(state: _State, number: str) -> Household:
    household = (
        Household.objects.filter(user_scope(state.actor).household_q(), number=number)
        .select_related("village")
        .first()
    )
    if household is None:
        raise InvalidInput(HOUSEHOLD_UNKNOWN.format(number=number), field="household")
    return household


def _write_household_pairing(state: _State, row: RecordRow) -> str:
    values = row.values
    household = _visible_household(state, values["household"])
    cadre = (
        visible_cadres(state.actor)
        .select_related("unit")
        .filter(id_number_index=values["cadre_index"])
        .first()
    )
    if cadre is None:
        raise InvalidInput(CADRE_UNKNOWN.format(masked=values["cadre_masked"]), field="cadre")
    current = HouseholdPairing.objects.filter(household=household, end_date__isnull=True).first()
    if (
        current is not None
        and (current.cadre_id, current.start_date) == (cadre.pk, values["start_date"])
        and may_write_pairing(state.actor, unit_id=cadre.unit_id, village_code=household.village_id)
    ):
        return UNCHANGED
    household_pairing_assign(
        actor=state.actor, household=household, cadre=cadre, start_date=values["start_date"]
    )
    # Handing a household over to another cadre ends the earlier pairing: an update.
    return CREATED if current is None else UPDATED


# ---------------------------------------------------------------- income records, set-based

_AMOUNTS = ("wage_income", "business_income", "property_income", "transfer_income",
            "production_cost")  # fmt: skip
_INCOME_INSERT = ("household", "year", *_AMOUNTS, "population", "net_per_capita",
                  "created_at", "updated_at")  # fmt: skip


def _parse_income(layout: Layout, source: SourceRow) -> RecordRow:
    """Amounts through the households rule `_amount`. The year and population checks of
    `income_record_save` are inline in it; until households.services offers them as a helper,
    they are repeated here with its messages (test_kinds checks both agree)."""
    row = _parse(layout, source)
    values = row.values
    for name in _AMOUNTS:
        try:
            values[name] = _amount(values[name], name)
        except DomainError as error:
            row.fail(layout.header_of[name], error.message)
    text = values["year"]
    year = int(text) if text.isdigit() else None
    if text and (year is None or not 2000 <= year <= 2100):
        row.fail(layout.header_of["year"], INCOME_YEAR_INVALID.format(value=text))
    values["year"] = year
    if values["population"]:
        population = int(values["population"]) if values["population"].isdigit() else 0
        if population < 1:
            row.fail(layout.header_of["population"], INCOME_POPULATION_INVALID)
        values["population"] = population
    else:
        values["population"] = None
    if values["household"] and year:
        row.key = (values["household"], year)
        row.key_text = f"{values['household']} {year}"
    return row


def _process_incomes(state: _State, chunk: list[RecordRow]) -> None:
    """A chunk of income rows: households looked up in the user's scope at once, the records
    compared with what is stored, new ones inserted and changed ones updated set-based."""
    layout = state.spec.layout
    header = layout.header_of["household"]
    job = state.job
    rows = [row for row in chunk if not row.problems]
    households = {
        household.number: household
        for household in Household.objects.filter(
            user_scope(state.actor).household_q(),
            number__in={row.values["household"] for row in rows},
        ).only("pk", "number", "village_id", "member_count")
    }
    writable: dict[str, bool] = {}
    for row in rows:
        household = households.get(row.values["household"])
        if household is None:
            row.fail(header, HOUSEHOLD_UNKNOWN.format(number=row.values["household"]))
            continue
        village = household.village_id
        if village not in writable:
            writable[village] = can_write(state.actor, village)
        if not writable[village]:
            row.fail(header, WRITE_FORBIDDEN)
            continue
        row.values["household_id"] = household.pk
        if row.values["population"] is None:
            row.values["population"] = household.member_count
            if household.member_count < 1:
                row.fail(layout.header_of["population"], INCOME_POPULATION_INVALID)
    good = [row for row in rows if not row.problems]
    existing = {
        (record.household_id, record.year): record
        for record in IncomeRecord.objects.filter(
            household_id__in={row.values["household_id"] for row in good},
            year__in={row.values["year"] for row in good},
        )
    }
    now = timezone.now()
    stamp = _db_stamp(now)
    new, changed = [], []
    for row in good:
        values = row.values
        amounts = {name: values[name] for name in _AMOUNTS}
        net = compute_net_per_capita(population=values["population"], **amounts)
        record = existing.get((values["household_id"], values["year"]))
        if record is None:
            new.append((values["household_id"], values["year"], *amounts.values(),
                        values["population"], net, stamp, stamp))  # fmt: skip
            job.created += 1
            continue
        wanted = {**amounts, "population": values["population"], "net_per_capita": net}
        if all(getattr(record, name) == value for name, value in wanted.items()):
            job.unchanged += 1
            continue
        for name, value in wanted.items():
            setattr(record, name, value)
        record.updated_at = now
        changed.append(record)
        job.updated += 1
    _bulk_insert(IncomeRecord, _INCOME_INSERT, new)
    _bulk_save(IncomeRecord, changed, [name for name in INCOME_FIELDS if name != "year"]
               + ["updated_at"])  # fmt: skip
    if new or changed:
        rollups.refresh(regions={household.village_id for household in households.values()})
    job.rows_written += len(good)
    job.rows_validated += len(chunk)
    for row in chunk:
        if row.problems:
            state.problems.extend(row.problems)
            job.rejected += 1


SPECS = {
    spec.layout.kind: spec
    for spec in (
        HOUSEHOLDS,
        _service_kind(ImportKind.UNITS, _parse_unit, _write_unit, "home_region"),
        _service_kind(ImportKind.CADRES, _parse_cadre, _write_cadre, "unit_name"),
        _service_kind(
            ImportKind.VILLAGE_PAIRINGS, _parse_village_pairing, _write_village_pairing, "village"
        ),
        _service_kind(
            ImportKind.HOUSEHOLD_PAIRINGS,
            _parse_household_pairing,
            _write_household_pairing,
            "household",
        ),
        KindSpec(
            layout=LAYOUTS[ImportKind.INCOMES],
            parse=partial(_parse_income, LAYOUTS[ImportKind.INCOMES]),
            process=_process_incomes,
            chunks=record_chunks,
            tables=(IncomeRecord,),
        ),
    )
}


def import_records(*, kind: str, **options):
    """Import a file of any kind (see services.run_import for the options and the modes)."""
    return run_import(SPECS[kind], **options)
