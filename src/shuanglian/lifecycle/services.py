"""Writes of the lifecycle: starting procedures, recording their steps in order (with notices),
withdrawing, the 两不愁三保障 checklist, income lines.

The order rules live here: a step is recorded only when it is the procedure's next step, on a
date not before the previous step, and after the previous notice's period ended; a rejection
(with a reason) at any step ends the procedure; the last step approves it and runs the kind's
completion. Who may record a step is in `rules`. Procedures and steps are never deleted.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.households.models import Household
from shuanglian.households.services import household_category_decide
from shuanglian.lifecycle import lines as line_data
from shuanglian.lifecycle import registry, rules
from shuanglian.lifecycle.models import (
    AssuranceCheck,
    AssuranceItem,
    IncomeLine,
    LineKind,
    Notice,
    NoticeKind,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    ProcedureStep,
    Step,
    StepDocument,
    StepOutcome,
)
from shuanglian.regions.models import Level, Region

KIND_NOT_AVAILABLE = _("{kind} procedures cannot be started here yet.")
PRECONDITIONS_FAILED = _("The household does not meet the conditions: {failures}")
ALREADY_OPEN = _("This household already has a {kind} procedure in progress.")
PROCEDURE_CLOSED = _("This procedure has ended; no more steps can be recorded.")
CONDITIONS_NO_LONGER_MET = _(
    "{step} cannot pass: {household} no longer meets the conditions: {failures}"
)
STEP_OUT_OF_ORDER = _("{step} cannot be recorded yet: the next step is {expected}.")
STEP_NOT_IN_PROCEDURE = _("{step} is not a step of this procedure.")
NOTICE_NOT_ENDED = _(
    "The public notice runs until {ends_on}; the next step can be recorded from the day after."
)
DATE_REQUIRED = _("The date is required.")
DATE_IN_FUTURE = _("The date cannot be in the future.")
DATE_BEFORE_PREVIOUS = _("The date cannot be before the previous step ({date}).")
REASON_REQUIRED = _("Give the reason for the rejection.")
OUTCOME_INVALID = _("{value} is not an outcome (passed or rejected).")
STEP_INVALID = _("{value} is not a step.")
KIND_INVALID = _("{value} is not a kind of procedure.")
PARTICIPANTS_REQUIRED = _("Give the number of participants of the deliberation.")
VOTES_REQUIRED = _("Give the votes for and against.")
VOTES_EXCEED = _("More votes than participants.")
VOTE_NOT_CARRIED = _("The deliberation did not carry (votes for not more than against): reject it.")
NOT_A_NOTICE_STEP = _("{step} is not a public notice.")
OBJECTION_REQUIRED = _("Say where and how to object (a place, a telephone, an office).")
NOTICE_NO_PROCEDURES = _("Choose at least one procedure for the notice.")
NOTICE_MIXED_KINDS = _("A notice lists procedures of one kind only.")
NOTICE_MIXED_REGIONS = _("The households of one notice must all be in {region}.")
NOTICE_DAYS_INVALID = _("A notice runs from 1 to 60 days.")
WITHDRAW_REASON_REQUIRED = _("Give the reason for withdrawing.")
ITEM_INVALID = _("{value} is not a checklist item.")
LINE_AMOUNT_INVALID = _("{value} is not an amount in yuan above zero.")
LINE_YEAR_INVALID = _("{value} is not a year between 2000 and 2100.")
LINE_SOURCE_REQUIRED = _("Say where the number comes from (a document or an address).")
LINE_PROVINCE_INVALID = _("{code} is not a province.")
LINE_TAKEN = _("There is already a {kind} line for {year} there; edit it instead.")
DOCUMENT_TOO_LARGE = _("{name} is larger than {mb} MB.")
DOCUMENT_TYPE = _("{name} is not a PDF, JPEG or PNG file.")
TOO_MANY_DOCUMENTS = _("At most {count} documents at a time.")

NOTICE_STEPS = {
    Step.FIRST_NOTICE: NoticeKind.FIRST_NOTICE,
    Step.SECOND_NOTICE: NoticeKind.SECOND_NOTICE,
    Step.ANNOUNCEMENT: NoticeKind.ANNOUNCEMENT,
}
# Where each notice is posted: the household's village, township or county.
NOTICE_LEVEL = {
    Step.FIRST_NOTICE: Level.VILLAGE,
    Step.SECOND_NOTICE: Level.TOWNSHIP,
    Step.ANNOUNCEMENT: Level.COUNTY,
}
PREFIX_OF_LEVEL = {Level.VILLAGE: 12, Level.TOWNSHIP: 9, Level.COUNTY: 6}
MAX_DOCUMENTS = 10
# Magic numbers of the accepted document types.
DOCUMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
PROCEDURE_FIELDS = ("kind", "household", "status", "next_step", "started_on", "ended_on")
STEP_FIELDS = (
    "procedure",
    "step",
    "done_on",
    "outcome",
    "reason",
    "participants",
    "votes_for",
    "votes_against",
    "notice",
)
NOTICE_FIELDS = ("kind", "procedure_kind", "region", "starts_on", "ends_on", "objection_channel")
LINE_FIELDS = ("kind", "year", "province", "amount", "source")
CHECK_FIELDS = ("household", "item", "met", "checked_on", "evidence")


def today() -> dt.date:
    return timezone.localdate()


def _audit(actor, action, obj, changes, region: str) -> None:
    audit(actor=actor, action=action, obj=obj, changes=changes, region_code=region)


def _date(value: dt.date | None, field: str) -> dt.date:
    if value is None:
        raise InvalidInput(DATE_REQUIRED, field=field)
    if value > today():
        raise InvalidInput(DATE_IN_FUTURE, field=field)
    return value


def _choice(value, choices, message, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(message.format(value=value), field=field)
    return value


def _spec(kind: str) -> registry.KindSpec:
    _choice(kind, ProcedureKind, KIND_INVALID, "kind")
    spec = registry.spec_of(kind)
    if spec is None:
        raise InvalidInput(KIND_NOT_AVAILABLE.format(kind=ProcedureKind(kind).label), field="kind")
    return spec


# Documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedDocument:
    upload: object
    name: str
    content_type: str
    size: int


def documents_prepare(uploads: Sequence) -> list[PreparedDocument]:
    """Check uploads before anything is written: count, size and type (by content, not name)."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > MAX_DOCUMENTS:
        raise InvalidInput(TOO_MANY_DOCUMENTS.format(count=MAX_DOCUMENTS), field="documents")
    limit_mb = settings.LIFECYCLE_DOCUMENT_MAX_MB
    prepared = []
    for upload in uploads:
        name = getattr(upload, "name", "document")[:200]
        size = getattr(upload, "size", 0) or 0
        if size > limit_mb * 1024 * 1024:
            raise InvalidInput(DOCUMENT_TOO_LARGE.format(name=name, mb=limit_mb), field="documents")
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        content_type = next(
            (t for magic, t in DOCUMENT_TYPES.items() if head.startswith(magic)), None
        )
        if content_type is None:
            raise InvalidInput(DOCUMENT_TYPE.format(name=name), field="documents")
        prepared.append(PreparedDocument(upload, name, content_type, size))
    return prepared


def _store_documents(actor, step: ProcedureStep, documents: Sequence[PreparedDocument]) -> None:
    for document in documents:
        stored = StepDocument(
            step=step,
            name=document.name,
            content_type=document.content_type,
            size=document.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        stored.file.save(document.name, document.upload, save=False)
        stored.save()


# Procedures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepData:
    """What a step records. Deliberations need participants and votes; notices the objection
    channel (and optionally their length in days)."""

    done_on: dt.date | None
    outcome: str = StepOutcome.PASSED
    reason: str = ""
    note: str = ""
    participants: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    minutes: str = ""
    objection_channel: str = ""
    notice_days: int | None = None


@transaction.atomic
def procedure_start(
    *,
    actor,
    household: Household,
    kind: str,
    data: StepData | None = None,
    documents: Sequence = (),
) -> Procedure:
    """Open a procedure and record its first step: the criteria check (done by the system,
    refused with every failed criterion) or the application (with `data`)."""
    spec = _spec(kind)
    first = spec.steps[0]
    rules.require_record(actor, household, first)
    household = Household.objects.select_for_update().get(pk=household.pk)
    failures = spec.failures(household)
    if failures:
        raise InvalidInput(
            PRECONDITIONS_FAILED.format(failures="；".join(failures)),
            field="kind",
            failures=failures,
        )
    if first == Step.CRITERIA_CHECK:
        # The system checks today's data; the date may be given (a check held earlier).
        on = data.done_on if data and data.done_on else today()
        data = StepData(done_on=on, note=str(_("All criteria met.")))
    data = data or StepData(done_on=today())
    if data.outcome != StepOutcome.PASSED:
        raise InvalidInput(OUTCOME_INVALID.format(value=data.outcome), field="outcome")
    prepared = documents_prepare(documents)
    procedure = Procedure(
        kind=kind,
        household=household,
        next_step=first,
        started_by=actor if getattr(actor, "pk", None) else None,
        started_on=_date(data.done_on, "done_on"),
    )
    try:
        with transaction.atomic():
            procedure.save()
    except IntegrityError:
        raise Conflict(
            ALREADY_OPEN.format(kind=procedure.get_kind_display()), field="kind"
        ) from None
    _audit(
        actor,
        AuditAction.CREATE,
        procedure,
        diff({}, snapshot(procedure, PROCEDURE_FIELDS)),
        household.village_id,
    )
    _record(actor, procedure, spec, first, data, prepared, notice=None)
    return procedure


def _lock(procedure: Procedure) -> Procedure:
    return Procedure.objects.select_for_update().select_related("household").get(pk=procedure.pk)


def _check_next(procedure: Procedure, spec: registry.KindSpec, step: str, done_on) -> dt.date:
    """The order rules; returns the checked date."""
    _choice(step, Step, STEP_INVALID, "step")
    if not procedure.is_open:
        raise Conflict(PROCEDURE_CLOSED)
    if step not in spec.steps:
        raise InvalidInput(STEP_NOT_IN_PROCEDURE.format(step=Step(step).label), field="step")
    if step != procedure.next_step:
        raise InvalidInput(
            STEP_OUT_OF_ORDER.format(
                step=Step(step).label, expected=Step(procedure.next_step).label
            ),
            field="step",
        )
    done_on = _date(done_on, "done_on")
    previous = procedure.steps.select_related("notice").order_by("-id").first()
    if previous is not None:
        if previous.notice_id and done_on <= previous.notice.ends_on:
            raise InvalidInput(
                NOTICE_NOT_ENDED.format(ends_on=previous.notice.ends_on.isoformat()),
                field="done_on",
            )
        if done_on < previous.done_on:
            raise InvalidInput(
                DATE_BEFORE_PREVIOUS.format(date=previous.done_on.isoformat()), field="done_on"
            )
    return done_on


def _check_data(step: str, data: StepData) -> None:
    _choice(data.outcome, StepOutcome, OUTCOME_INVALID, "outcome")
    if data.outcome == StepOutcome.REJECTED and not (data.reason or "").strip():
        raise InvalidInput(REASON_REQUIRED, field="reason")
    if step == Step.DELIBERATION:
        if data.participants is None or data.participants < 1:
            raise InvalidInput(PARTICIPANTS_REQUIRED, field="participants")
        if data.votes_for is None or data.votes_against is None:
            raise InvalidInput(VOTES_REQUIRED, field="votes_for")
        if data.votes_for + data.votes_against > data.participants:
            raise InvalidInput(VOTES_EXCEED, field="votes_for")
        if data.outcome == StepOutcome.PASSED and data.votes_for <= data.votes_against:
            raise InvalidInput(VOTE_NOT_CARRIED, field="outcome")


def _require_conditions_still_met(procedure: Procedure, spec: registry.KindSpec, step: str) -> None:
    """The kind's preconditions are checked when the procedure starts, but the household's data
    may change during the weeks of the chain (a house found unsafe, an income check below the
    line): they are checked again before the county approves and before the procedure ends."""
    if step != Step.COUNTY_APPROVAL and spec.after(step):
        return
    # Locked like at the start, so the household cannot change between the check and approval.
    household = Household.objects.select_for_update().get(pk=procedure.household_id)
    failures = spec.failures(household)
    if failures:
        raise Conflict(
            CONDITIONS_NO_LONGER_MET.format(
                step=Step(step).label, household=household, failures="；".join(failures)
            ),
            field="outcome",
            failures=failures,
        )


def _record(actor, procedure, spec, step, data: StepData, documents, *, notice) -> ProcedureStep:
    """Store a checked step and move the procedure on (or end it)."""
    if data.outcome == StepOutcome.PASSED:
        _require_conditions_still_met(procedure, spec, step)
    recorded = ProcedureStep.objects.create(
        procedure=procedure,
        step=step,
        done_on=data.done_on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        outcome=data.outcome,
        reason=(data.reason or "").strip(),
        note=(data.note or "").strip(),
        participants=data.participants if step == Step.DELIBERATION else None,
        votes_for=data.votes_for if step == Step.DELIBERATION else None,
        votes_against=data.votes_against if step == Step.DELIBERATION else None,
        minutes=(data.minutes or "").strip() if step == Step.DELIBERATION else "",
        notice=notice,
    )
    _store_documents(actor, recorded, documents)
    region = procedure.household.village_id
    _audit(actor, AuditAction.CREATE, recorded, diff({}, snapshot(recorded, STEP_FIELDS)), region)
    before = snapshot(procedure, PROCEDURE_FIELDS)
    if data.outcome == StepOutcome.REJECTED:
        procedure.status = ProcedureStatus.REJECTED
        procedure.rejection_reason = recorded.reason
        procedure.ended_on = recorded.done_on
        procedure.next_step = ""
    else:
        procedure.next_step = spec.after(step)
        if not procedure.next_step:
            procedure.status = ProcedureStatus.APPROVED
            procedure.ended_on = recorded.done_on
    procedure.save()
    _audit(
        actor,
        AuditAction.UPDATE if procedure.is_open else AuditAction.END,
        procedure,
        diff(before, snapshot(procedure, PROCEDURE_FIELDS)),
        region,
    )
    if procedure.status == ProcedureStatus.APPROVED and spec.on_approved:
        spec.on_approved(actor, procedure)
    return recorded


@transaction.atomic
def step_record(
    *, actor, procedure: Procedure, step: str, data: StepData, documents: Sequence = ()
) -> ProcedureStep:
    """Record the procedure's next step. A notice step posts a notice for this household alone;
    `notice_publish` posts one for several."""
    _choice(step, Step, STEP_INVALID, "step")
    rules.require_record(actor, procedure.household, step)
    if step in NOTICE_STEPS and data.outcome == StepOutcome.PASSED:
        notice = notice_publish(
            actor=actor,
            procedures=[procedure],
            step=step,
            starts_on=data.done_on,
            objection_channel=data.objection_channel,
            days=data.notice_days,
            note=data.note,
            documents=documents,
        )
        return notice.steps.get(procedure=procedure)
    procedure = _lock(procedure)
    spec = _spec(procedure.kind)
    done_on = _check_next(procedure, spec, step, data.done_on)
    _check_data(step, data)
    prepared = documents_prepare(documents)
    data = StepData(**{**data.__dict__, "done_on": done_on})
    return _record(actor, procedure, spec, step, data, prepared, notice=None)


def _notice_region(household: Household, step: str) -> str:
    length = PREFIX_OF_LEVEL[NOTICE_LEVEL[step]]
    return household.village_id[:length].ljust(12, "0")


@transaction.atomic
def notice_publish(
    *,
    actor,
    procedures: Sequence[Procedure],
    step: str,
    starts_on: dt.date | None,
    objection_channel: str,
    days: int | None = None,
    note: str = "",
    documents: Sequence = (),
) -> Notice:
    """Post one notice listing several households: records the notice step of each procedure.

    The procedures must be of one kind, all waiting for this notice, and in the region the
    notice is posted in (the village for the first, the township for the second, the county for
    the announcement). The period runs `days` days (NOTICE_DAYS by default) from `starts_on`.
    """
    _choice(step, Step, STEP_INVALID, "step")
    if step not in NOTICE_STEPS:
        raise InvalidInput(NOT_A_NOTICE_STEP.format(step=Step(step).label), field="step")
    if not procedures:
        raise InvalidInput(NOTICE_NO_PROCEDURES, field="procedures")
    for procedure in procedures:
        rules.require_record(actor, procedure.household, step)
    locked = [_lock(p) for p in sorted(procedures, key=lambda p: p.pk)]
    if len({p.kind for p in locked}) > 1:
        raise InvalidInput(NOTICE_MIXED_KINDS, field="procedures")
    region_code = _notice_region(locked[0].household, step)
    region = Region.objects.get(code=region_code)
    if any(_notice_region(p.household, step) != region_code for p in locked):
        raise InvalidInput(NOTICE_MIXED_REGIONS.format(region=region.name), field="procedures")
    spec = _spec(locked[0].kind)
    checked = [_check_next(p, spec, step, starts_on) for p in locked]
    if not (objection_channel or "").strip():
        raise InvalidInput(OBJECTION_REQUIRED, field="objection_channel")
    days = settings.NOTICE_DAYS if days is None else days
    if not 1 <= int(days) <= 60:
        raise InvalidInput(NOTICE_DAYS_INVALID, field="notice_days")
    prepared = documents_prepare(documents)
    notice = Notice.objects.create(
        kind=NOTICE_STEPS[step],
        procedure_kind=locked[0].kind,
        region=region,
        starts_on=checked[0],
        ends_on=checked[0] + dt.timedelta(days=int(days) - 1),
        objection_channel=objection_channel.strip(),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit(
        actor,
        AuditAction.CREATE,
        notice,
        {**diff({}, snapshot(notice, NOTICE_FIELDS)), "procedures": [None, [p.pk for p in locked]]},
        region_code,
    )
    data = StepData(done_on=checked[0], note=note)
    for index, procedure in enumerate(locked):
        # The documents (the posted notice's photo) belong to the notice: kept with the first.
        _record(actor, procedure, spec, step, data, prepared if index == 0 else [], notice=notice)
    return notice


@transaction.atomic
def procedure_withdraw(*, actor, procedure: Procedure, reason: str) -> Procedure:
    """End an open procedure without a decision (the household withdrew, moved away...)."""
    rules.require_withdraw(actor, procedure)
    procedure = _lock(procedure)
    if not procedure.is_open:
        raise Conflict(PROCEDURE_CLOSED)
    if not (reason or "").strip():
        raise InvalidInput(WITHDRAW_REASON_REQUIRED, field="reason")
    before = snapshot(procedure, PROCEDURE_FIELDS)
    procedure.status = ProcedureStatus.WITHDRAWN
    procedure.rejection_reason = reason.strip()
    procedure.ended_on = today()
    procedure.next_step = ""
    procedure.save()
    changes = diff(before, snapshot(procedure, PROCEDURE_FIELDS))
    changes["reason"] = [None, procedure.rejection_reason]
    _audit(actor, AuditAction.END, procedure, changes, procedure.household.village_id)
    return procedure


def household_category_set(*, actor, procedure: Procedure, category: str) -> None:
    """A procedure's completion: the household's category follows the decision, audited with
    the procedure that decided it. Called inside the last step's transaction."""
    household_category_decide(
        actor=actor,
        household=procedure.household,
        category=category,
        decided_by={"procedure": procedure.pk},
    )


# The checklist -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckData:
    item: str
    met: bool
    evidence: str = ""


@transaction.atomic
def assurance_record(
    *, actor, household: Household, checked_on: dt.date | None, checks: Sequence[CheckData]
) -> list[AssuranceCheck]:
    """Record checks of checklist items on a date; each becomes the item's current state."""
    rules.require_check(actor, household)
    checked_on = _date(checked_on, "checked_on")
    for check in checks:
        _choice(check.item, AssuranceItem, ITEM_INVALID, "item")
    stored = []
    for check in checks:
        row = AssuranceCheck.objects.create(
            household=household,
            item=check.item,
            met=bool(check.met),
            checked_on=checked_on,
            evidence=(check.evidence or "").strip(),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(
            actor,
            AuditAction.CREATE,
            row,
            diff({}, snapshot(row, CHECK_FIELDS)),
            household.village_id,
        )
        stored.append(row)
    return stored


# Income lines ------------------------------------------------------------------------------


def _line_values(kind, year, province_code, amount, source):
    _choice(kind, LineKind, KIND_INVALID, "kind")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InvalidInput(LINE_YEAR_INVALID.format(value=year), field="year") from None
    if not 2000 <= year <= 2100:
        raise InvalidInput(LINE_YEAR_INVALID.format(value=year), field="year")
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(LINE_AMOUNT_INVALID.format(value=amount), field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("100000000"):
        raise InvalidInput(LINE_AMOUNT_INVALID.format(value=amount), field="amount")
    province = None
    if province_code:
        province = Region.objects.filter(code=province_code, level=Level.PROVINCE).first()
        if province is None:
            raise InvalidInput(
                LINE_PROVINCE_INVALID.format(code=province_code), field="province_code"
            )
    source = (source or "").strip()
    if not source:
        raise InvalidInput(LINE_SOURCE_REQUIRED, field="source")
    return kind, year, province, amount, source[:300]


@transaction.atomic
def income_line_save(
    *,
    actor,
    line: IncomeLine | None = None,
    kind: str,
    year,
    province_code: str = "",
    amount,
    source: str,
) -> IncomeLine:
    """Add a line, or correct one (`line`); administrators only."""
    rules.require_edit_lines(actor)
    kind, year, province, amount, source = _line_values(kind, year, province_code, amount, source)
    before = snapshot(line, LINE_FIELDS) if line else {}
    line = line or IncomeLine()
    line.kind, line.year, line.province, line.amount, line.source = (
        kind,
        year,
        province,
        amount,
        source,
    )
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        raise Conflict(
            LINE_TAKEN.format(kind=LineKind(kind).label, year=year), field="year"
        ) from None
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    _audit(
        actor,
        action,
        line,
        diff(before, snapshot(line, LINE_FIELDS)),
        province.code if province else "",
    )
    return line


@transaction.atomic
def income_lines_load(*, actor, path=line_data.DATA_FILE) -> line_data.LoadResult:
    """Load the shipped lines (or another file of the same columns); idempotent, audited."""
    result = line_data.load_lines(IncomeLine, Region, line_data.read_lines(path))
    audit(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="lifecycle.IncomeLine",
        object_repr=str(path.name if hasattr(path, "name") else path),
        changes={
            "created": [None, result.created],
            "updated": [None, result.updated],
            "skipped": [None, result.skipped],
        },
        region_code="",
    )
    return result
