"""Writes of the assistance work: visits with requests and photos, follow-ups, plans, measures,
deeds. Everything is checked before the first row is written, so a refusal leaves nothing behind.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance import rules
from shuanglian.assistance.models import (
    Deed,
    DeedPhoto,
    DeedType,
    FollowUp,
    FollowUpStatus,
    HouseholdPlan,
    Measure,
    MeasureStatus,
    MeasureType,
    VillagePlan,
    Visit,
    VisitMode,
    VisitPhoto,
)
from shuanglian.core.access import can_write, may_write_unit, user_scope
from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.core.photos import PreparedPhoto, photo_prepare
from shuanglian.dashboard import rollups
from shuanglian.households.models import Household
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.regions.models import Level, Region
from shuanglian.units.models import Cadre, Unit

VISIT_NOT_PAIRED = _("You can log visits only to households paired with you now.")
VISIT_NO_CADRE = _("The household has no cadre paired with it now; pair one before logging visits.")
VISIT_CADRE_NOT_PAIRED = _("{cadre} is not the cadre paired with this household now.")
DATE_REQUIRED = _("The date is required.")
DATE_IN_FUTURE = _("The date cannot be in the future.")
CHOICE_INVALID = _("{value} is not an allowed value of {field}.")
SATISFACTION_INVALID = _("Satisfaction is a whole number from 1 to 5.")
REQUEST_TITLE_REQUIRED = _("Each request needs a description.")
REQUEST_DUE_REQUIRED = _("Each request needs a due date.")
REQUEST_DUE_BEFORE_VISIT = _("A request's due date cannot be before the visit.")
TOO_MANY_PHOTOS = _("At most {count} photos at a time.")
FOLLOW_UP_CLOSED = _("This follow-up is already closed.")
FOLLOW_UP_STATUS_INVALID = _("A follow-up can only be marked done or cancelled.")
FOLLOW_UP_RESULT_REQUIRED = _("Say what came of it (the result).")
FOLLOW_UP_NO_OWNER = _("A follow-up needs an owner: a cadre or a unit.")
YEAR_INVALID = _("{value} is not a year between 2000 and 2100.")
AMOUNT_INVALID = _("{value} is not an amount in yuan.")
AMOUNT_OUT_OF_RANGE = _("The amount must be between 0 and 100,000,000 yuan.")
DESCRIPTION_REQUIRED = _("The description is required.")
MEASURE_STATUS_STEP = _("A measure cannot go from {old} to {new}.")
MEASURE_DROP_REASON = _("Give the reason the measure is dropped.")
MEASURE_RESPONSIBLE_FOREIGN = _("{name} is not working for this household's village.")
VILLAGE_PLAN_NOT_VILLAGE = _("{name} is not a village: development plans are made for villages.")
DEED_VILLAGE_NOT_PAIRED = _("{unit} has never been paired with {village}.")
DEED_HOUSEHOLD_ELSEWHERE = _("Household {number} is not in {village}.")
DEED_CADRE_OTHER_UNIT = _("{cadre} is not a cadre of {unit}.")
VILLAGE_PLAN_PROJECT_ELSEWHERE = _(
    "Project {name} is not in {village}: a plan links only the village's own projects."
)
VILLAGE_PLAN_UNIT_NOT_PAIRED = _("{unit} is not paired with {village} now.")
VISIT_VOIDED = _("This visit is voided and can no longer be changed.")
DEED_VOIDED = _("This deed is voided and can no longer be changed.")
VOID_REASON_REQUIRED = _("Give the reason for voiding it.")
FOLLOW_UP_VISIT_VOIDED = _("Cancelled: the visit that recorded this request was voided ({reason}).")

MAX_PHOTOS = 10
MAX_AMOUNT = Decimal("100000000")
VISIT_FIELDS = ("household", "cadre", "visited_on", "mode", "discussion", "satisfaction")
FOLLOW_UP_FIELDS = (
    "title",
    "visit",
    "meeting",
    "household",
    "owner_cadre",
    "owner_unit",
    "due_date",
    "status",
    "done_on",
    "result",
)
PLAN_FIELDS = ("household", "year", "target_net_per_capita", "target_exit_year", "goals")
MEASURE_FIELDS = (
    "plan",
    "type",
    "description",
    "responsible_cadre",
    "responsible_unit",
    "planned_cost",
    "funding",
    "due_date",
    "status",
    "status_reason",
    "done_on",
    "outcome",
)
VILLAGE_PLAN_FIELDS = ("village", "year", "unit", "leading_industries", "targets")
VOID_FIELDS = ("voided_at", "voided_by", "void_reason")
DEED_FIELDS = ("unit", "cadre", "type", "description", "value", "done_on", "village")


def today() -> dt.date:
    return timezone.localdate()


def _audit_create(actor, obj, fields, region: str, **extra) -> None:
    changes = diff({}, snapshot(obj, fields))
    changes.update({key: [None, value] for key, value in extra.items()})
    audit(actor=actor, action=AuditAction.CREATE, obj=obj, changes=changes, region_code=region)


def _audit_update(actor, obj, before, fields, region: str) -> None:
    changes = diff(before, snapshot(obj, fields))
    if changes:
        audit(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=changes, region_code=region)


def _past_date(value: dt.date | None, field: str) -> dt.date:
    if value is None:
        raise InvalidInput(DATE_REQUIRED, field=field)
    if value > today():
        raise InvalidInput(DATE_IN_FUTURE, field=field)
    return value


def _choice(value: str, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise InvalidInput(CHOICE_INVALID.format(value=value, field=label), field=field)
    return value


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(AMOUNT_INVALID.format(value=value), field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise InvalidInput(AMOUNT_OUT_OF_RANGE, field=field)
    return amount


def _year(value, field: str = "year") -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(YEAR_INVALID.format(value=value), field=field) from None
    if not 2000 <= year <= 2100:
        raise InvalidInput(YEAR_INVALID.format(value=value), field=field)
    return year


def _photos(photos: Sequence[tuple[object, bool]]) -> list[PreparedPhoto]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(TOO_MANY_PHOTOS.format(count=MAX_PHOTOS), field="photos")
    return [photo_prepare(upload, keep_gps=keep_gps) for upload, keep_gps in photos]


def _store_photo(model, prepared: PreparedPhoto, *, actor, **owner):
    photo = model(
        width=prepared.width,
        height=prepared.height,
        gps_kept=prepared.gps_kept,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        **owner,
    )
    photo.image.save(prepared.image.name, prepared.image, save=False)
    photo.thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)
    photo.save()
    return photo


# Visits and follow-ups ----------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A household's request (诉求) made at a visit: becomes a follow-up of the cadre."""

    title: str
    due_date: dt.date | None


def _visit_cadre(actor, household: Household, cadre: Cadre | None) -> Cadre:
    """The cadre the visit is filed under; a cadre logs only their own, officers any."""
    paired_id = rules.current_cadre_id(household)
    own = rules.cadre_of(actor)
    if own is not None:
        if paired_id != own.pk or (cadre is not None and cadre.pk != own.pk):
            raise Forbidden(VISIT_NOT_PAIRED)
        return own
    rules.require(can_write(actor, household.village_id))
    if paired_id is None:
        raise InvalidInput(VISIT_NO_CADRE, field="cadre")
    if cadre is not None and cadre.pk != paired_id:
        raise InvalidInput(VISIT_CADRE_NOT_PAIRED.format(cadre=cadre.name), field="cadre")
    return Cadre.objects.get(pk=paired_id)


def _requests(requests: Iterable, visited_on: dt.date) -> list[Request]:
    cleaned = []
    for item in requests:
        title, due = item if isinstance(item, tuple) else (item.title, item.due_date)
        title = (title or "").strip()
        if not title and due is None:
            continue  # an empty row of the form
        if not title:
            raise InvalidInput(REQUEST_TITLE_REQUIRED, field="requests")
        if due is None:
            raise InvalidInput(REQUEST_DUE_REQUIRED, field="requests")
        if due < visited_on:
            raise InvalidInput(REQUEST_DUE_BEFORE_VISIT, field="requests")
        cleaned.append(Request(title=title[:300], due_date=due))
    return cleaned


@transaction.atomic
def visit_create(
    *,
    actor,
    household: Household,
    cadre: Cadre | None = None,
    visited_on: dt.date | None,
    mode: str,
    discussion: str = "",
    satisfaction: int | None = None,
    requests: Iterable = (),
    photos: Sequence[tuple[object, bool]] = (),
) -> Visit:
    """Log a visit; each request becomes an open follow-up of the cadre, photos are stored
    stripped of their location unless kept.
    """
    cadre = _visit_cadre(actor, household, cadre)
    visited_on = _past_date(visited_on, "visited_on")
    mode = _choice(mode, VisitMode, "mode", _("mode"))
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise InvalidInput(SATISFACTION_INVALID, field="satisfaction")
    wanted = _requests(requests, visited_on)
    prepared = _photos(photos)
    visit = Visit.objects.create(
        household=household,
        cadre=cadre,
        visited_on=visited_on,
        mode=mode,
        discussion=(discussion or "").strip(),
        satisfaction=satisfaction,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    region = household.village_id
    _audit_create(actor, visit, VISIT_FIELDS, region, photo_count=len(prepared))
    for request in wanted:
        follow_up = FollowUp.objects.create(
            title=request.title,
            visit=visit,
            household=household,
            owner_cadre=cadre,
            due_date=request.due_date,
        )
        _audit_create(actor, follow_up, FOLLOW_UP_FIELDS, region)
    for item in prepared:
        _store_photo(VisitPhoto, item, actor=actor, visit=visit)
    rollups.refresh(regions=[household.village_id], cadres=[cadre.pk])
    return visit


_UNSET = object()


def _void(actor, record, reason: str, *, already: str, region: str):
    """Mark a visit or deed voided (locked by the caller), with the reason, audited."""
    if record.is_voided:
        raise Conflict(already)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(VOID_REASON_REQUIRED, field="reason")
    before = snapshot(record, VOID_FIELDS)
    record.voided_at = timezone.now()
    record.voided_by = actor if getattr(actor, "pk", None) else None
    record.void_reason = reason[:300]
    record.save(update_fields=[*VOID_FIELDS, "updated_at"])
    _audit_update(actor, record, before, VOID_FIELDS, region)
    return record


@transaction.atomic
def visit_update(
    *,
    actor,
    visit: Visit,
    visited_on: dt.date | None = None,
    mode: str | None = None,
    discussion: str | None = None,
    satisfaction=_UNSET,
    photos: Sequence[tuple[object, bool]] = (),
) -> Visit:
    """Correct a visit (None: unchanged; satisfaction None clears it) and add photos.
    A voided visit is not changed.
    """
    visit = Visit.objects.select_for_update().select_related("household").get(pk=visit.pk)
    rules.require(rules.may_edit_visit(actor, visit))
    if visit.is_voided:
        raise Conflict(VISIT_VOIDED)
    before = snapshot(visit, VISIT_FIELDS)
    if visited_on is not None:
        visit.visited_on = _past_date(visited_on, "visited_on")
    if mode is not None:
        visit.mode = _choice(mode, VisitMode, "mode", _("mode"))
    if discussion is not None:
        visit.discussion = discussion.strip()
    if satisfaction is not _UNSET:
        if satisfaction is not None and not 1 <= satisfaction <= 5:
            raise InvalidInput(SATISFACTION_INVALID, field="satisfaction")
        visit.satisfaction = satisfaction
    if visit.follow_ups.filter(due_date__lt=visit.visited_on).exists():
        raise InvalidInput(REQUEST_DUE_BEFORE_VISIT, field="visited_on")
    prepared = _photos(photos)
    visit.save()
    changes = diff(before, snapshot(visit, VISIT_FIELDS))
    if prepared:
        changes["photos_added"] = [0, len(prepared)]
    if changes:
        audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=visit,
            changes=changes,
            region_code=visit.household.village_id,
        )
    for item in prepared:
        _store_photo(VisitPhoto, item, actor=actor, visit=visit)
    rollups.refresh(regions=[visit.household.village_id], cadres=[visit.cadre_id])
    return visit


@transaction.atomic
def visit_void(*, actor, visit: Visit, reason: str) -> Visit:
    """Void (作废) a visit logged by mistake: it stays, marked, and no longer counts; the
    requests it recorded were never made, so their open follow-ups are cancelled with it."""
    visit = Visit.objects.select_for_update().select_related("household").get(pk=visit.pk)
    rules.require(rules.may_edit_visit(actor, visit))
    region = visit.household.village_id
    _void(actor, visit, reason, already=VISIT_VOIDED, region=region)
    for follow_up in visit.follow_ups.select_for_update().filter(status=FollowUpStatus.OPEN):
        before = snapshot(follow_up, FOLLOW_UP_FIELDS)
        follow_up.status = FollowUpStatus.CANCELLED
        follow_up.result = str(FOLLOW_UP_VISIT_VOIDED.format(reason=visit.void_reason))
        follow_up.done_on = today()
        follow_up.save(update_fields=["status", "result", "done_on", "updated_at"])
        _audit_update(actor, follow_up, before, FOLLOW_UP_FIELDS, region)
    rollups.refresh(regions=[region], cadres=[visit.cadre_id])
    return visit


@transaction.atomic
def follow_up_create(
    *,
    actor,
    title: str,
    due_date: dt.date | None,
    owner_cadre: Cadre | None = None,
    owner_unit: Unit | None = None,
    household: Household | None = None,
    meeting=None,
) -> FollowUp:
    """A follow-up not born from a visit: officers of the household's village, the owning
    unit's administrators (or the owning cadre's unit's) and a cadre for themselves may add one.
    """
    if owner_cadre is None and owner_unit is None:
        raise InvalidInput(FOLLOW_UP_NO_OWNER, field="owner")
    rules.require(
        rules.may_follow_up(
            actor, FollowUp(household=household, owner_cadre=owner_cadre, owner_unit=owner_unit)
        )
    )
    title = (title or "").strip()
    if not title:
        raise InvalidInput(DESCRIPTION_REQUIRED, field="title")
    if due_date is None:
        raise InvalidInput(DATE_REQUIRED, field="due_date")
    follow_up = FollowUp.objects.create(
        title=title[:300],
        meeting=meeting,
        household=household,
        owner_cadre=owner_cadre,
        owner_unit=owner_unit,
        due_date=due_date,
    )
    region = household.village_id if household else ""
    if not region and meeting is not None:
        region = getattr(meeting, "place_id", "") or ""
    _audit_create(actor, follow_up, FOLLOW_UP_FIELDS, region)
    return follow_up


@transaction.atomic
def follow_up_update(
    *, actor, follow_up: FollowUp, status: str, result: str, done_on: dt.date | None = None
) -> FollowUp:
    """Close a follow-up: done or cancelled, with what came of it. Closed ones stay closed."""
    rules.require(rules.may_follow_up(actor, follow_up))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.OPEN:
        raise Conflict(FOLLOW_UP_CLOSED, field="status")
    if status not in (FollowUpStatus.DONE, FollowUpStatus.CANCELLED):
        raise InvalidInput(FOLLOW_UP_STATUS_INVALID, field="status")
    result = (result or "").strip()
    if not result:
        raise InvalidInput(FOLLOW_UP_RESULT_REQUIRED, field="result")
    done_on = _past_date(done_on or today(), "done_on")
    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    follow_up.status = status
    follow_up.result = result
    follow_up.done_on = done_on
    follow_up.save(update_fields=["status", "result", "done_on", "updated_at"])
    region = follow_up.household.village_id if follow_up.household_id else ""
    _audit_update(actor, follow_up, before, FOLLOW_UP_FIELDS, region)
    return follow_up


# Plans and measures -------------------------------------------------------------------------


@transaction.atomic
def household_plan_save(
    *,
    actor,
    household: Household,
    year,
    target_net_per_capita=None,
    target_exit_year=None,
    goals: str = "",
) -> HouseholdPlan:
    """Create the household's plan for `year`, or update it: one plan a year."""
    rules.require(rules.may_plan(actor, household))
    year = _year(year)
    target = (
        None
        if target_net_per_capita in (None, "")
        else _amount(target_net_per_capita, "target_net_per_capita")
    )
    exit_year = (
        None if target_exit_year in (None, "") else _year(target_exit_year, "target_exit_year")
    )
    plan = HouseholdPlan.objects.select_for_update().filter(household=household, year=year).first()
    values = {"target_net_per_capita": target, "target_exit_year": exit_year, "goals": goals or ""}
    if plan is None:
        plan = HouseholdPlan.objects.create(household=household, year=year, **values)
        _audit_create(actor, plan, PLAN_FIELDS, household.village_id)
        return plan
    before = snapshot(plan, PLAN_FIELDS)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save()
    _audit_update(actor, plan, before, PLAN_FIELDS, household.village_id)
    return plan


def _responsible(household: Household, cadre: Cadre | None, unit: Unit | None) -> None:
    """A measure's cadre or unit must work for the household's village now."""
    paired = VillagePairing.objects.filter(village_id=household.village_id, end_date__isnull=True)
    if unit is not None and not paired.filter(unit=unit).exists():
        raise InvalidInput(
            MEASURE_RESPONSIBLE_FOREIGN.format(name=unit.name), field="responsible_unit"
        )
    if cadre is not None and not paired.filter(unit_id=cadre.unit_id).exists():
        raise InvalidInput(
            MEASURE_RESPONSIBLE_FOREIGN.format(name=cadre.name), field="responsible_cadre"
        )


@transaction.atomic
def measure_add(
    *,
    actor,
    plan: HouseholdPlan,
    type: str,
    description: str,
    responsible_cadre: Cadre | None = None,
    responsible_unit: Unit | None = None,
    planned_cost=0,
    funding: str = "",
    due_date: dt.date | None = None,
) -> Measure:
    household = plan.household
    rules.require(rules.may_plan(actor, household))
    _choice(type, MeasureType, "type", _("measure type"))
    description = (description or "").strip()
    if not description:
        raise InvalidInput(DESCRIPTION_REQUIRED, field="description")
    _responsible(household, responsible_cadre, responsible_unit)
    measure = Measure.objects.create(
        plan=plan,
        type=type,
        description=description[:300],
        responsible_cadre=responsible_cadre,
        responsible_unit=responsible_unit,
        planned_cost=_amount(planned_cost, "planned_cost"),
        funding=(funding or "").strip()[:200],
        due_date=due_date,
    )
    _audit_create(actor, measure, MEASURE_FIELDS, household.village_id)
    rollups.refresh_measure(measure)
    return measure


# Forward steps only; done and dropped are final.
MEASURE_STEPS = {
    MeasureStatus.PLANNED: {MeasureStatus.IN_PROGRESS, MeasureStatus.DROPPED},
    MeasureStatus.IN_PROGRESS: {MeasureStatus.DONE, MeasureStatus.DROPPED},
    MeasureStatus.DONE: set(),
    MeasureStatus.DROPPED: set(),
}


@transaction.atomic
def measure_update(
    *,
    actor,
    measure: Measure,
    status: str | None = None,
    reason: str = "",
    done_on: dt.date | None = None,
    outcome: str | None = None,
    due_date: dt.date | None = None,
    planned_cost=None,
    description: str | None = None,
) -> Measure:
    """Move a measure on (planned → in progress → done; dropped, with a reason, from either
    open state) and/or edit its details. A step skipped or taken back is refused.
    """
    measure = (
        Measure.objects.select_for_update().select_related("plan__household").get(pk=measure.pk)
    )
    household = measure.plan.household
    rules.require(rules.may_plan(actor, household))
    before = snapshot(measure, MEASURE_FIELDS)
    if status and status != measure.status:
        _choice(status, MeasureStatus, "status", _("status"))
        if status not in MEASURE_STEPS[MeasureStatus(measure.status)]:
            raise InvalidInput(
                MEASURE_STATUS_STEP.format(
                    old=MeasureStatus(measure.status).label, new=MeasureStatus(status).label
                ),
                field="status",
            )
        if status == MeasureStatus.DROPPED:
            reason = (reason or "").strip()
            if not reason:
                raise InvalidInput(MEASURE_DROP_REASON, field="reason")
            measure.status_reason = reason[:200]
        if status == MeasureStatus.DONE:
            measure.done_on = _past_date(done_on or today(), "done_on")
        measure.status = status
    if outcome is not None:
        measure.outcome = outcome.strip()
    if due_date is not None:
        measure.due_date = due_date
    if planned_cost not in (None, ""):
        measure.planned_cost = _amount(planned_cost, "planned_cost")
    if description is not None:
        if not description.strip():
            raise InvalidInput(DESCRIPTION_REQUIRED, field="description")
        measure.description = description.strip()[:300]
    measure.save()
    _audit_update(actor, measure, before, MEASURE_FIELDS, household.village_id)
    rollups.refresh_measure(measure)
    return measure


def _planning_unit(actor, village: Region, unit: Unit | None) -> Unit | None:
    """A unit administrator plans for their own unit; officers choose among the paired units."""
    own_unit_id = user_scope(actor).unit_id
    if own_unit_id is not None:
        unit = Unit.objects.get(pk=own_unit_id)
    if (
        unit is not None
        and not VillagePairing.objects.filter(
            unit=unit, village=village, end_date__isnull=True
        ).exists()
    ):
        raise InvalidInput(
            VILLAGE_PLAN_UNIT_NOT_PAIRED.format(unit=unit.name, village=village.name), field="unit"
        )
    return unit


def _village_projects(village: Region, projects: Iterable) -> list:
    projects = list(dict.fromkeys(projects))
    for project in projects:
        if project.village_id != village.code:
            raise InvalidInput(
                VILLAGE_PLAN_PROJECT_ELSEWHERE.format(name=project.name, village=village.name),
                field="projects",
            )
    return projects


@transaction.atomic
def village_plan_save(
    *,
    actor,
    village: Region,
    year,
    leading_industries: str = "",
    targets: str = "",
    unit: Unit | None = None,
    projects: Iterable | None = None,
) -> VillagePlan:
    """Create or update the village's development plan for `year`, with the unit that made it
    and its linked projects (`projects` None: the links stay as they are).
    """
    rules.require(rules.may_village_plan(actor, village.code))
    if village.level != Level.VILLAGE:
        raise InvalidInput(VILLAGE_PLAN_NOT_VILLAGE.format(name=village.name), field="village")
    year = _year(year)
    unit = _planning_unit(actor, village, unit)
    wanted = None if projects is None else _village_projects(village, projects)
    plan = VillagePlan.objects.select_for_update().filter(village=village, year=year).first()
    values = {
        "leading_industries": (leading_industries or "").strip()[:200],
        "targets": targets or "",
        "unit": unit,
    }
    before_ids = [] if plan is None else sorted(plan.projects.values_list("pk", flat=True))
    after_ids = before_ids if wanted is None else sorted(p.pk for p in wanted)
    links = {"projects": [before_ids, after_ids]} if before_ids != after_ids else {}
    if plan is None:
        plan = VillagePlan.objects.create(village=village, year=year, **values)
        if wanted:
            plan.projects.set(wanted)
        changes = diff({}, snapshot(plan, VILLAGE_PLAN_FIELDS))
        changes.update(links)
        audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=plan,
            changes=changes,
            region_code=village.code,
        )
        return plan
    before = snapshot(plan, VILLAGE_PLAN_FIELDS)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save()
    if wanted is not None:
        plan.projects.set(wanted)
    changes = diff(before, snapshot(plan, VILLAGE_PLAN_FIELDS))
    changes.update(links)
    if changes:
        audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=plan,
            changes=changes,
            region_code=village.code,
        )
    return plan


# Deeds ---------------------------------------------------------------------------------------


@transaction.atomic
def deed_create(
    *,
    actor,
    unit: Unit,
    village: Region,
    type: str,
    description: str,
    value,
    done_on: dt.date | None,
    cadre: Cadre | None = None,
    households: Sequence[Household] = (),
    photos: Sequence[tuple[object, bool]] = (),
) -> Deed:
    """Record help a unit (or one of its cadres) delivered to a village or some of its
    households. A cadre records only their own deeds.
    """
    own = rules.cadre_of(actor)
    if own is not None and own.unit_id == unit.pk:
        if cadre is not None and cadre.pk != own.pk:
            raise Forbidden(rules.WRITE_FORBIDDEN)
        cadre = own
    else:
        rules.require(may_write_unit(actor, unit) or can_write(actor, village.code))
    if cadre is not None and cadre.unit_id != unit.pk:
        raise InvalidInput(
            DEED_CADRE_OTHER_UNIT.format(cadre=cadre.name, unit=unit.name), field="cadre"
        )
    if not VillagePairing.objects.filter(unit=unit, village=village).exists():
        raise InvalidInput(
            DEED_VILLAGE_NOT_PAIRED.format(unit=unit.name, village=village.name), field="village"
        )
    for household in households:
        if household.village_id != village.code:
            raise InvalidInput(
                DEED_HOUSEHOLD_ELSEWHERE.format(number=household.number, village=village.name),
                field="households",
            )
    _choice(type, DeedType, "type", _("type of help"))
    description = (description or "").strip()
    if not description:
        raise InvalidInput(DESCRIPTION_REQUIRED, field="description")
    amount = _amount(value, "value")
    done_on = _past_date(done_on, "done_on")
    prepared = _photos(photos)
    deed = Deed.objects.create(
        unit=unit,
        cadre=cadre,
        type=type,
        description=description[:300],
        value=amount,
        done_on=done_on,
        village=village,
    )
    if households:
        deed.households.set(households)
    _audit_create(
        actor,
        deed,
        DEED_FIELDS,
        village.code,
        households=[h.pk for h in households],
        photo_count=len(prepared),
    )
    for item in prepared:
        _store_photo(DeedPhoto, item, actor=actor, deed=deed)
    return deed


@transaction.atomic
def deed_update(
    *,
    actor,
    deed: Deed,
    type: str | None = None,
    description: str | None = None,
    value=None,
    done_on: dt.date | None = None,
    households: Sequence[Household] | None = None,
    photos: Sequence[tuple[object, bool]] = (),
) -> Deed:
    """Correct a deed and add photos. `households` replaces the beneficiaries the actor can see
    (None: unchanged); those outside the actor's scope stay, since the actor could neither see
    nor give them back. A voided deed is not changed.
    """
    deed = Deed.objects.select_for_update().select_related("unit", "village").get(pk=deed.pk)
    rules.require(rules.may_edit_deed(actor, deed))
    if deed.is_voided:
        raise Conflict(DEED_VOIDED)
    before = snapshot(deed, DEED_FIELDS)
    if type is not None:
        deed.type = _choice(type, DeedType, "type", _("type of help"))
    if description is not None:
        description = description.strip()
        if not description:
            raise InvalidInput(DESCRIPTION_REQUIRED, field="description")
        deed.description = description[:300]
    if value not in (None, ""):
        deed.value = _amount(value, "value")
    if done_on is not None:
        deed.done_on = _past_date(done_on, "done_on")
    for household in households or ():
        if household.village_id != deed.village_id:
            raise InvalidInput(
                DEED_HOUSEHOLD_ELSEWHERE.format(number=household.number, village=deed.village.name),
                field="households",
            )
    prepared = _photos(photos)
    deed.save()
    changes = diff(before, snapshot(deed, DEED_FIELDS))
    if households is not None:
        old_ids = sorted(deed.households.values_list("pk", flat=True))
        # Not exclude(): an administrator's scope is an empty Q, which exclude() ignores.
        seen = set(
            deed.households.filter(user_scope(actor).household_q()).values_list("pk", flat=True)
        )
        unseen = set(old_ids) - seen
        new_ids = sorted({h.pk for h in households} | unseen)
        if old_ids != new_ids:
            deed.households.set(new_ids)
            changes["households"] = [old_ids, new_ids]
    if prepared:
        changes["photos_added"] = [0, len(prepared)]
    if changes:
        audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=deed,
            changes=changes,
            region_code=deed.village_id,
        )
    for item in prepared:
        _store_photo(DeedPhoto, item, actor=actor, deed=deed)
    return deed


@transaction.atomic
def deed_void(*, actor, deed: Deed, reason: str) -> Deed:
    """Void (作废) a deed recorded by mistake: it stays, marked, and counts in no total."""
    deed = Deed.objects.select_for_update().select_related("unit").get(pk=deed.pk)
    rules.require(rules.may_edit_deed(actor, deed))
    return _void(actor, deed, reason, already=DEED_VOIDED, region=deed.village_id)


def household_is_paired_with(household: Household, cadre: Cadre) -> bool:
    return HouseholdPairing.objects.filter(
        household=household, cadre=cadre, end_date__isnull=True
    ).exists()
