"""Writes to households, their members and income records."""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import require_write
from shuanglian.core.audit import audit, audit_create, audit_update, diff, snapshot
from shuanglian.core.chinese import pinyin_keys
from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.idcard import IdNumber
from shuanglian.core.models import AuditAction
from shuanglian.core.personal import apply_id_number, apply_phone, seal_id_number, seal_phone
from shuanglian.dashboard import rollups
from shuanglian.households.models import (
    ETHNIC_GROUPS,
    Category,
    Education,
    Health,
    Household,
    HouseholdSearchKey,
    IncomeRecord,
    Labour,
    Member,
    MemberEndReason,
    PovertyCause,
    Relation,
    SchoolStatus,
    Sex,
    WorkStatus,
    compute_net_per_capita,
)
from shuanglian.regions.models import Level, Region
from shuanglian.regions.selectors import region_for_input

HOUSEHOLD_VILLAGE_LEVEL = _(
    "{name} ({code}) is a {level}, not a village: households belong to villages."
)
HOUSEHOLD_NUMBER_TAKEN = _("Household number {number} is already in use.")
HOUSEHOLD_NUMBER_INVALID = _("A household number has letters, digits and dashes only.")
CHOICE_INVALID = _("{value} is not an allowed value of {field}.")
NAME_REQUIRED = _("The name is required.")
ETHNICITY_INVALID = _("{value} is not one of the 56 ethnic groups.")
MEMBER_DUPLICATE = _(
    "The person with ID number {masked} is already an active member of household {number} "
    "({village})."
)
MEMBER_SEX_MISMATCH = _("The sex entered ({given}) does not match the ID number ({derived}).")
MEMBER_BIRTH_MISMATCH = _(
    "The birth date entered ({given}) does not match the ID number ({derived})."
)
MEMBER_HEAD_EXISTS = _("The household already has a head ({name}).")
MEMBER_HEAD_CANNOT_LEAVE = _(
    "The head of household cannot leave; make another member the head first."
)
MEMBER_ALREADY_ENDED = _("This member has already left the household.")
MEMBER_END_IN_FUTURE = _("The leaving date cannot be in the future.")
INCOME_AMOUNT_INVALID = _("{value} is not an amount in yuan.")
INCOME_AMOUNT_NEGATIVE = _("Amounts cannot be negative.")
INCOME_YEAR_INVALID = _("{value} is not a year between 2000 and 2100.")
INCOME_POPULATION_INVALID = _("The number of people must be at least 1.")

HOUSEHOLD_FIELDS = (
    "number",
    "village",
    "head_name",
    "address",
    "category",
    "poverty_cause_main",
    "poverty_cause_secondary",
    "phone_index",
    "phone_masked",
)
MEMBER_FIELDS = (
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
    "id_number_index",
    "id_number_masked",
)
INCOME_FIELDS = (
    "year",
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "production_cost",
    "population",
    "net_per_capita",
)


@dataclass
class MemberData:
    """What a form, the API or an import row gives for one member."""

    name: str
    id_number: str
    relation: str = Relation.OTHER
    sex: str = ""
    birth_date: dt.date | None = None
    ethnicity: str = "汉族"
    education: str = ""
    school_status: str = ""
    health: str = Health.HEALTHY
    labour: str = ""
    work_status: str = ""


def _choice(value: str, choices, field: str, *, blank: bool = True) -> str:
    value = (value or "").strip()
    if (blank and value == "") or value in choices.values:
        return value
    model = Household if field in HOUSEHOLD_FIELDS else Member
    label = model._meta.get_field(field).verbose_name
    raise InvalidInput(CHOICE_INVALID.format(value=value, field=label), field=field)


def _village(actor, code: str) -> Region:
    return region_for_input(
        user=actor,
        code=code,
        field="village",
        level=Level.VILLAGE,
        level_message=HOUSEHOLD_VILLAGE_LEVEL,
    )


def _next_number(village: Region) -> str:
    """Village code + a four-digit serial: the form 建档立卡 numbers take."""
    last = (
        Household.objects.filter(number__startswith=village.code, number__regex=r"^[0-9]{16}$")
        .aggregate(top=Max("number"))
        .get("top")
    )
    serial = int(last[12:]) + 1 if last else 1
    return f"{village.code}{serial:04d}"


def _check_number(number: str, *, exclude_pk=None) -> str:
    number = (number or "").strip()
    if not number.replace("-", "").isalnum() or not number.isascii():
        raise InvalidInput(HOUSEHOLD_NUMBER_INVALID, field="number")
    if Household.objects.filter(number=number).exclude(pk=exclude_pk).exists():
        raise Conflict(HOUSEHOLD_NUMBER_TAKEN.format(number=number), field="number")
    return number


def household_search_keys(household: Household) -> set[str]:
    keys = {household.head_name, household.number, *pinyin_keys(household.head_name)}
    return {key[:64] for key in keys if key}


def _refresh_search_keys(household: Household) -> None:
    wanted = household_search_keys(household)
    existing = set(household.search_keys.values_list("key", flat=True))
    household.search_keys.filter(key__in=existing - wanted).delete()
    HouseholdSearchKey.objects.bulk_create(
        [HouseholdSearchKey(household=household, key=key) for key in wanted - existing]
    )


@dataclass(frozen=True)
class _KeptId:
    """A member's stored ID number left as it is: sex and birth date were derived from it."""

    sex: str
    birth_date: dt.date


def _check_member(data: MemberData, *, exclude_pk=None, kept: Member | None = None):
    """Validate a member's fields; returns the parsed ID and its sealed form.

    With `kept`, a blank ID number keeps that member's stored one (sealed is then None), so a
    form never needs the plaintext number to save other corrections.
    """
    name = (data.name or "").strip()
    if not name:
        raise InvalidInput(NAME_REQUIRED, field="name")
    if kept is not None and not (data.id_number or "").strip():
        parsed, sealed = _KeptId(sex=kept.sex, birth_date=kept.birth_date), None
    else:
        parsed, sealed = seal_id_number(data.id_number)
    _cross_check(data, parsed)
    if data.ethnicity and data.ethnicity not in ETHNIC_GROUPS:
        raise InvalidInput(ETHNICITY_INVALID.format(value=data.ethnicity), field="ethnicity")
    _choice(data.relation, Relation, "relation", blank=False)
    _choice(data.education, Education, "education")
    _choice(data.school_status, SchoolStatus, "school_status")
    _choice(data.health, Health, "health", blank=False)
    _choice(data.labour, Labour, "labour")
    _choice(data.work_status, WorkStatus, "work_status")
    if sealed is None:
        return parsed, sealed
    existing = (
        Member.objects.select_related("household__village")
        .filter(id_number_index=sealed.index, is_active=True)
        .exclude(pk=exclude_pk)
        .first()
    )
    if existing is not None:
        raise _duplicate(sealed, existing)
    return parsed, sealed


def _duplicate(sealed, existing: Member) -> Conflict:
    return Conflict(
        MEMBER_DUPLICATE.format(
            masked=sealed.masked,
            number=existing.household.number,
            village=existing.household.village,
        ),
        field="id_number",
        household=existing.household.number,
    )


def _cross_check(data: MemberData, parsed: IdNumber | _KeptId) -> None:
    if data.sex and data.sex != parsed.sex:
        raise InvalidInput(
            MEMBER_SEX_MISMATCH.format(given=Sex(data.sex).label, derived=Sex(parsed.sex).label),
            field="sex",
        )
    if data.birth_date and data.birth_date != parsed.birth_date:
        raise InvalidInput(
            MEMBER_BIRTH_MISMATCH.format(given=data.birth_date, derived=parsed.birth_date),
            field="birth_date",
        )


def _fill_member(member: Member, data: MemberData, parsed: IdNumber | _KeptId, sealed) -> None:
    member.name = data.name.strip()
    member.relation = data.relation
    member.sex = parsed.sex
    member.birth_date = parsed.birth_date
    member.ethnicity = data.ethnicity or "汉族"
    member.education = data.education or ""
    member.school_status = data.school_status or ""
    member.health = data.health or Health.HEALTHY
    member.labour = data.labour or ""
    member.work_status = data.work_status or ""
    if sealed is not None:
        apply_id_number(member, sealed)


def _save_member(member: Member, sealed) -> None:
    """Save, turning a lost race on the active-ID constraint into the same Conflict."""
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        if sealed is None:
            raise
        existing = (
            Member.objects.filter(id_number_index=sealed.index, is_active=True)
            .exclude(pk=member.pk)
            .select_related("household__village")
            .first()
        )
        if existing is None:
            raise
        raise _duplicate(sealed, existing) from None


def _sync_household(household: Household) -> None:
    """Head name, member count and search keys follow the members."""
    head = household.members.filter(is_active=True, relation=Relation.HEAD).first()
    household.head_name = head.name if head else household.head_name
    household.member_count = household.members.filter(is_active=True).count()
    household.save(update_fields=["head_name", "member_count", "updated_at"])
    _refresh_search_keys(household)
    rollups.refresh(regions=[household.village_id])


@transaction.atomic
def household_create(
    *,
    actor,
    village_code: str,
    head: MemberData,
    number: str = "",
    address: str = "",
    phone: str = "",
    category: str = Category.GENERAL,
    poverty_cause_main: str = "",
    poverty_cause_secondary: str = "",
) -> Household:
    """A household with its head in one step: a household never exists without a head."""
    village = _village(actor, village_code)
    require_write(actor, village.code)
    head = dataclasses.replace(head, relation=Relation.HEAD)
    parsed, sealed = _check_member(head)
    household = Household(
        number=_check_number(number) if (number or "").strip() else _next_number(village),
        village=village,
        head_name=head.name.strip(),
        address=(address or "").strip(),
        category=_choice(category, Category, "category", blank=False),
        poverty_cause_main=_choice(poverty_cause_main, PovertyCause, "poverty_cause_main"),
        poverty_cause_secondary=_choice(
            poverty_cause_secondary, PovertyCause, "poverty_cause_secondary"
        ),
    )
    apply_phone(household, seal_phone(phone) if (phone or "").strip() else None)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        raise Conflict(
            HOUSEHOLD_NUMBER_TAKEN.format(number=household.number), field="number"
        ) from None
    audit_create(actor=actor, obj=household, fields=HOUSEHOLD_FIELDS)
    member = Member(household=household)
    _fill_member(member, head, parsed, sealed)
    _save_member(member, sealed)
    audit_create(actor=actor, obj=member, fields=MEMBER_FIELDS)
    _sync_household(household)
    return household


_UNCHANGED = object()


@transaction.atomic
def household_update(
    *,
    actor,
    household: Household,
    address: str,
    category: str,
    poverty_cause_main: str = "",
    poverty_cause_secondary: str = "",
    phone=_UNCHANGED,
) -> Household:
    """Change a household's details. Its village and number are its identity and stay."""
    require_write(actor, household.village_id)
    before = snapshot(household, HOUSEHOLD_FIELDS)
    household.address = (address or "").strip()
    household.category = _choice(category, Category, "category", blank=False)
    household.poverty_cause_main = _choice(poverty_cause_main, PovertyCause, "poverty_cause_main")
    household.poverty_cause_secondary = _choice(
        poverty_cause_secondary, PovertyCause, "poverty_cause_secondary"
    )
    if phone is not _UNCHANGED:
        apply_phone(household, seal_phone(phone) if (phone or "").strip() else None)
    household.save()
    audit_update(actor=actor, obj=household, before=before, fields=HOUSEHOLD_FIELDS)
    rollups.refresh(regions=[household.village_id])
    return household


@transaction.atomic
def household_category_decide(
    *, actor, household: Household, category: str, decided_by: dict
) -> Household:
    """The category a procedure decided (identification, exit, monitoring, risk elimination).

    The procedure has checked who may decide; this is the one place the change is written,
    audited with what decided it (`decided_by`, e.g. {"procedure": 12}) and counted in the
    dashboards.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    before = snapshot(household, ("category",))
    household.category = _choice(category, Category, "category", blank=False)
    household.save(update_fields=["category", "updated_at"])
    changes = diff(before, snapshot(household, ("category",)))
    if changes:
        changes.update({key: [None, value] for key, value in decided_by.items()})
        audit(actor=actor, action=AuditAction.UPDATE, obj=household, changes=changes)
        rollups.refresh(regions=[household.village_id])
    return household


@transaction.atomic
def member_add(*, actor, household: Household, data: MemberData) -> Member:
    require_write(actor, household.village_id)
    if data.relation == Relation.HEAD:
        head = household.members.filter(is_active=True, relation=Relation.HEAD).first()
        if head is not None:
            raise Conflict(MEMBER_HEAD_EXISTS.format(name=head.name), field="relation")
    parsed, sealed = _check_member(data)
    member = Member(household=household)
    _fill_member(member, data, parsed, sealed)
    _save_member(member, sealed)
    audit_create(actor=actor, obj=member, fields=MEMBER_FIELDS)
    _sync_household(household)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, data: MemberData) -> Member:
    """Correct a member's details. Making a member the head makes the old head 'other'.

    A blank ID number keeps the stored one.
    """
    household = member.household
    require_write(actor, household.village_id)
    if not member.is_active:
        raise InvalidInput(MEMBER_ALREADY_ENDED, field="id")
    parsed, sealed = _check_member(data, exclude_pk=member.pk, kept=member)
    if data.relation == Relation.HEAD and member.relation != Relation.HEAD:
        for old_head in household.members.filter(is_active=True, relation=Relation.HEAD):
            old_before = snapshot(old_head, MEMBER_FIELDS)
            old_head.relation = Relation.OTHER
            old_head.save(update_fields=["relation", "updated_at"])
            audit_update(actor=actor, obj=old_head, before=old_before, fields=MEMBER_FIELDS)
    elif member.relation == Relation.HEAD and data.relation != Relation.HEAD:
        raise InvalidInput(MEMBER_HEAD_CANNOT_LEAVE, field="relation")
    before = snapshot(member, MEMBER_FIELDS)
    _fill_member(member, data, parsed, sealed)
    _save_member(member, sealed)
    audit_update(actor=actor, obj=member, before=before, fields=MEMBER_FIELDS)
    _sync_household(household)
    return member


@transaction.atomic
def member_end(*, actor, member: Member, ended_on: dt.date, reason: str) -> Member:
    """A member leaves the household (death, moving out...). The row stays as history."""
    household = member.household
    require_write(actor, household.village_id)
    if not member.is_active:
        raise InvalidInput(MEMBER_ALREADY_ENDED, field="id")
    if member.relation == Relation.HEAD:
        raise InvalidInput(MEMBER_HEAD_CANNOT_LEAVE, field="relation")
    if ended_on > dt.date.today():
        raise InvalidInput(MEMBER_END_IN_FUTURE, field="ended_on")
    before = snapshot(member, MEMBER_FIELDS)
    member.is_active = False
    member.ended_on = ended_on
    member.end_reason = _choice(reason, MemberEndReason, "end_reason", blank=False)
    member.save()
    audit(
        actor=actor,
        action=AuditAction.END,
        obj=member,
        changes=diff(before, snapshot(member, MEMBER_FIELDS)),
    )
    _sync_household(household)
    return member


def _amount(value, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    text = str(value).strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(INCOME_AMOUNT_INVALID.format(value=value), field=field) from None
    if not amount.is_finite():
        raise InvalidInput(INCOME_AMOUNT_INVALID.format(value=value), field=field)
    if amount < 0:
        raise InvalidInput(INCOME_AMOUNT_NEGATIVE, field=field)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def income_record_save(
    *,
    actor,
    household: Household,
    year: int,
    wage_income=0,
    business_income=0,
    property_income=0,
    transfer_income=0,
    production_cost=0,
    population: int | None = None,
) -> IncomeRecord:
    """Create or correct the household's income for a year; 人均纯收入 is computed here."""
    require_write(actor, household.village_id)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InvalidInput(INCOME_YEAR_INVALID.format(value=year), field="year") from None
    if not 2000 <= year <= 2100:
        raise InvalidInput(INCOME_YEAR_INVALID.format(value=year), field="year")
    try:
        population = household.member_count if population in (None, "") else int(population)
    except (TypeError, ValueError):
        raise InvalidInput(INCOME_POPULATION_INVALID, field="population") from None
    if population < 1:
        raise InvalidInput(INCOME_POPULATION_INVALID, field="population")
    amounts = {
        "wage_income": _amount(wage_income, "wage_income"),
        "business_income": _amount(business_income, "business_income"),
        "property_income": _amount(property_income, "property_income"),
        "transfer_income": _amount(transfer_income, "transfer_income"),
        "production_cost": _amount(production_cost, "production_cost"),
    }
    record = IncomeRecord.objects.filter(household=household, year=year).first()
    before = snapshot(record, INCOME_FIELDS) if record else None
    record = record or IncomeRecord(household=household, year=year)
    for key, value in amounts.items():
        setattr(record, key, value)
    record.population = population
    record.net_per_capita = compute_net_per_capita(population=population, **amounts)
    record.save()
    if before is None:
        audit_create(actor=actor, obj=record, fields=INCOME_FIELDS)
    else:
        audit_update(actor=actor, obj=record, before=before, fields=INCOME_FIELDS)
    rollups.refresh(regions=[household.village_id])
    return record
