"""Writes to village projects, their status history and their append-only fund ledger.

Who writes a project: officers who may write the village's registry, and the administrator of
the project's lead unit (see selectors.may_write_project). A unit administrator creates projects
only with the unit as lead unit and only in villages the unit is paired with.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import WRITE_FORBIDDEN, can_write, user_scope
from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.core.photos import photo_prepare
from shuanglian.dashboard import rollups
from shuanglian.projects.models import (
    QUANTITY_UNITS,
    Funding,
    FundingSource,
    Project,
    ProjectPhoto,
    ProjectStatus,
    ProjectStatusChange,
    ProjectType,
)
from shuanglian.projects.selectors import (
    PROJECT_TYPE_INVALID,
    may_create_projects,
    may_write_project,
)
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import region_for_input
from shuanglian.units.selectors import visible_cadres, visible_units

PROJECT_NAME_REQUIRED = _("The project needs a name.")
PROJECT_NOT_A_VILLAGE = _("{name} ({code}) is a {level}: a project belongs to a village.")
PROJECT_QUANTITY_INVALID = _("The quantity must be a number, 0 or more.")
PROJECT_BUDGET_INVALID = _("The budget must be an amount in yuan from 0 to 10,000,000,000.")
PROJECT_YEAR_OUT_OF_RANGE = _("The year must be between {low} and {high}.")
PROJECT_PROGRESS_INVALID = _("Progress is a percentage from 0 to 100.")
PROJECT_UNIT_NOT_FOUND = _("No unit with id {id}.")
PROJECT_LEAD_UNIT_REQUIRED = _(
    "A unit administrator records projects that the unit leads: choose your unit as lead unit."
)
PROJECT_STATUS_STEP = _(
    "The project is {current}: the next step is {next}. A status cannot skip a step or go back."
)
PROJECT_STATUS_FINAL = _("The project is already accepted: there is no further step.")
PROJECT_STATUS_DATE_FUTURE = _("The date of a status change cannot be in the future.")
PROJECT_STATUS_DATE_EARLY = _("The date cannot be before the previous step ({date}).")
FUNDING_AMOUNT_INVALID = _(
    "The amount must be more than 0 and at most 10,000,000,000 yuan, with at most 2 decimals."
)
FUNDING_SOURCE_INVALID = _("{value} is not a source of funds.")
FUNDING_DATE_FUTURE = _("The date funds were received cannot be in the future.")
FUNDING_ALREADY_REVERSED = _("This entry has already been reversed.")
FUNDING_REVERSAL_FINAL = _("A reversing entry cannot itself be reversed; add a new entry instead.")
FUNDING_REASON_REQUIRED = _("Give the reason for the reversal.")
FUNDING_RAISER_NOT_FOUND = _("No cadre with id {id}.")
FUNDING_RAISER_NOT_OF_UNIT = _(
    "{name} is not a cadre of the contributing unit: the funds are credited to the unit whose "
    "cadre raised them."
)
PROJECT_STATUS_NOT_EDITED = _(
    "The status is not changed by editing the project: it moves one dated step at a time "
    "(planned, under construction, completed, accepted)."
)

MAX_AMOUNT = Decimal("10000000000")
FIRST_YEAR = 2000
YEARS_AHEAD = 5
STATUS_ORDER = list(ProjectStatus.values)
PROJECT_FIELDS = (
    "village",
    "name",
    "type",
    "quantity",
    "quantity_unit",
    "budget",
    "lead_unit",
    "status",
    "progress",
    "year",
    "description",
)
FUNDING_FIELDS = (
    "project",
    "source",
    "amount",
    "received_on",
    "unit",
    "raised_by",
    "note",
    "reverses",
)


def _decimal(value, message, field: str, *, low: Decimal, high: Decimal, low_open=False):
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number.as_tuple().exponent < -2:
        raise InvalidInput(message, field=field)
    if number < low or (low_open and number == low) or number > high:
        raise InvalidInput(message, field=field)
    return number


def _units(actor, ids, field: str):
    ids = [int(pk) for pk in ids or [] if pk not in (None, "")]
    found = {unit.pk: unit for unit in visible_units(actor).filter(pk__in=ids)}
    for pk in ids:
        if pk not in found:
            raise InvalidInput(PROJECT_UNIT_NOT_FOUND.format(id=pk), field=field)
    return [found[pk] for pk in dict.fromkeys(ids)]


def _project_values(
    actor,
    *,
    village_code,
    name,
    type,
    quantity,
    quantity_unit,
    budget,
    lead_unit_id,
    year,
    description,
    current: Project | None = None,
):
    name = (name or "").strip()
    if not name:
        raise InvalidInput(PROJECT_NAME_REQUIRED, field="name")
    if type not in ProjectType.values:
        raise InvalidInput(PROJECT_TYPE_INVALID.format(value=type), field="type")
    if current is not None and (village_code or "").strip() == current.village_id:
        # Staying where it is: the lead unit's administrator keeps its project up to date even
        # after the unit's pairing with the village has ended.
        village = current.village
    else:
        village = region_for_input(
            user=actor,
            code=village_code,
            field="village",
            level=Level.VILLAGE,
            level_message=PROJECT_NOT_A_VILLAGE,
        )
    lead = _units(actor, [lead_unit_id], "lead_unit")
    high_year = timezone.localdate().year + YEARS_AHEAD
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= high_year:
        raise InvalidInput(
            PROJECT_YEAR_OUT_OF_RANGE.format(low=FIRST_YEAR, high=high_year), field="year"
        )
    unit_text = (quantity_unit or "").strip()
    if not unit_text:
        # Stored text, not a label: always in the records' language, whatever the page's.
        with translation.override(settings.LANGUAGE_CODE):
            unit_text = str(QUANTITY_UNITS.get(type, ""))
    return {
        "village": village,
        "name": name,
        "type": type,
        "quantity": _decimal(
            quantity or 0, PROJECT_QUANTITY_INVALID, "quantity", low=Decimal(0), high=MAX_AMOUNT
        ),
        "quantity_unit": unit_text[:20],
        "budget": _decimal(
            budget or 0, PROJECT_BUDGET_INVALID, "budget", low=Decimal(0), high=MAX_AMOUNT
        ),
        "lead_unit": lead[0] if lead else None,
        "year": year,
        "description": (description or "").strip(),
    }


def _require_project_write(actor, project: Project) -> None:
    if not may_write_project(actor, project):
        raise Forbidden(WRITE_FORBIDDEN)


def _require_may_hold(actor, project: Project) -> None:
    """After a create or edit the actor must still be one who may write the project: an officer
    cannot place a project outside their area, a unit administrator must keep the unit as lead.
    """
    if can_write(actor, project.village_id):
        return
    if user_scope(actor).unit_id is not None and project.lead_unit_id != user_scope(actor).unit_id:
        raise InvalidInput(PROJECT_LEAD_UNIT_REQUIRED, field="lead_unit")
    _require_project_write(actor, project)


def _audit_project(actor, project: Project, action: str, changes) -> None:
    # core.audit files rows by region only for the models it knows; the village is given here.
    audit(
        actor=actor,
        action=action,
        obj=project,
        changes=changes,
        region_code=project.village_id,
    )
    rollups.refresh_project(project, changes)


@transaction.atomic
def project_create(
    *,
    actor,
    village_code: str,
    name: str,
    type: str,
    year: int,
    quantity=0,
    quantity_unit: str = "",
    budget=0,
    lead_unit_id: int | None = None,
    contributing_unit_ids=(),
    description: str = "",
    planned_on: dt.date | None = None,
) -> Project:
    """A new project, planned (规划) on `planned_on` (today if not given): projects are often
    recorded after the fact, and later steps cannot be dated before this one.
    """
    if not may_create_projects(actor):
        raise Forbidden(WRITE_FORBIDDEN)
    planned_on = planned_on or timezone.localdate()
    if not isinstance(planned_on, dt.date) or planned_on > timezone.localdate():
        raise InvalidInput(PROJECT_STATUS_DATE_FUTURE, field="planned_on")
    values = _project_values(
        actor,
        village_code=village_code,
        name=name,
        type=type,
        quantity=quantity,
        quantity_unit=quantity_unit,
        budget=budget,
        lead_unit_id=lead_unit_id,
        year=year,
        description=description,
    )
    contributing = _units(actor, contributing_unit_ids, "contributing_units")
    project = Project(**values, status=ProjectStatus.PLANNED, progress=0)
    _require_may_hold(actor, project)
    project.save()
    project.contributing_units.set(contributing)
    ProjectStatusChange.objects.create(
        project=project,
        from_status="",
        to_status=ProjectStatus.PLANNED,
        changed_on=planned_on,
        changed_by=actor if getattr(actor, "pk", None) else None,
    )
    changes = diff({}, snapshot(project, PROJECT_FIELDS))
    changes["contributing_units"] = [None, sorted(unit.pk for unit in contributing)]
    _audit_project(actor, project, AuditAction.CREATE, changes)
    return project


@transaction.atomic
def project_update(
    *,
    actor,
    project: Project,
    village_code: str,
    name: str,
    type: str,
    year: int,
    quantity=0,
    quantity_unit: str = "",
    budget=0,
    lead_unit_id: int | None = None,
    contributing_unit_ids=(),
    description: str = "",
    progress=None,
    status: str | None = None,
) -> Project:
    """Change a project's particulars and progress; its status moves only by advancing.

    `status`, when a client sends it along, must be the current one: an edit never moves it.
    """
    _require_project_write(actor, project)
    if status not in (None, "", project.status):
        raise InvalidInput(PROJECT_STATUS_NOT_EDITED, field="status")
    values = _project_values(
        actor,
        village_code=village_code,
        name=name,
        type=type,
        quantity=quantity,
        quantity_unit=quantity_unit,
        budget=budget,
        lead_unit_id=lead_unit_id,
        year=year,
        description=description,
        current=project,
    )
    contributing = _units(actor, contributing_unit_ids, "contributing_units")
    if progress is not None:
        try:
            progress = int(progress)
        except (TypeError, ValueError):
            progress = -1
        if not 0 <= progress <= 100:
            raise InvalidInput(PROJECT_PROGRESS_INVALID, field="progress")
        values["progress"] = progress
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED):
        # A completed project is complete: its progress stays at 100.
        values["progress"] = 100
    before = snapshot(project, PROJECT_FIELDS)
    units_before = sorted(project.contributing_units.values_list("pk", flat=True))
    for key, value in values.items():
        setattr(project, key, value)
    _require_may_hold(actor, project)
    project.save()
    project.contributing_units.set(contributing)
    changes = diff(before, snapshot(project, PROJECT_FIELDS))
    units_after = sorted(unit.pk for unit in contributing)
    if units_after != units_before:
        changes["contributing_units"] = [units_before, units_after]
    if changes:
        _audit_project(actor, project, AuditAction.UPDATE, changes)
    return project


def next_status(status: str) -> str | None:
    index = STATUS_ORDER.index(status)
    return STATUS_ORDER[index + 1] if index + 1 < len(STATUS_ORDER) else None


@transaction.atomic
def project_status_advance(
    *, actor, project: Project, to_status: str, changed_on: dt.date, note: str = ""
) -> ProjectStatusChange:
    """Move the project one step on (规划 → 在建 → 完工 → 验收), dated and signed."""
    _require_project_write(actor, project)
    # Read again under a lock so two advances at once cannot both take the same step.
    project = Project.objects.select_for_update().get(pk=project.pk)
    following = next_status(project.status)
    if following is None:
        raise Conflict(PROJECT_STATUS_FINAL, field="to_status")
    if to_status != following:
        raise InvalidInput(
            PROJECT_STATUS_STEP.format(
                current=ProjectStatus(project.status).label,
                next=ProjectStatus(following).label,
            ),
            field="to_status",
        )
    if not isinstance(changed_on, dt.date) or changed_on > timezone.localdate():
        raise InvalidInput(PROJECT_STATUS_DATE_FUTURE, field="changed_on")
    last = project.status_changes.order_by("-changed_on", "-id").first()
    if last is not None and changed_on < last.changed_on:
        raise InvalidInput(
            PROJECT_STATUS_DATE_EARLY.format(date=last.changed_on.isoformat()), field="changed_on"
        )
    before = snapshot(project, ("status", "progress"))
    change = ProjectStatusChange.objects.create(
        project=project,
        from_status=project.status,
        to_status=to_status,
        changed_on=changed_on,
        changed_by=actor if getattr(actor, "pk", None) else None,
        note=(note or "").strip()[:200],
    )
    project.status = to_status
    if to_status in (ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED):
        project.progress = 100
    project.save(update_fields=["status", "progress", "updated_at"])
    changes = diff(before, snapshot(project, ("status", "progress")))
    changes["changed_on"] = [None, changed_on.isoformat()]
    _audit_project(actor, project, AuditAction.UPDATE, changes)
    return change


def _audit_funding(actor, entry: Funding) -> None:
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        changes=diff({}, snapshot(entry, FUNDING_FIELDS)),
        region_code=entry.project.village_id,
    )
    rollups.refresh(regions=[entry.project.village_id], units=[entry.unit_id])


def _raiser(actor, cadre_id, unit):
    if cadre_id in (None, ""):
        return None
    try:
        cadre = visible_cadres(actor).filter(pk=int(cadre_id)).first()
    except (TypeError, ValueError):
        cadre = None
    if cadre is None:
        raise InvalidInput(FUNDING_RAISER_NOT_FOUND.format(id=cadre_id), field="raised_by")
    if unit is None or cadre.unit_id != unit.pk:
        raise InvalidInput(FUNDING_RAISER_NOT_OF_UNIT.format(name=cadre.name), field="raised_by")
    return cadre


@transaction.atomic
def funding_add(
    *,
    actor,
    project: Project,
    source: str,
    amount,
    received_on: dt.date,
    unit_id: int | None = None,
    raised_by_id: int | None = None,
    note: str = "",
) -> Funding:
    """A new entry; `raised_by_id` is the cadre who raised the money, of the contributing unit
    (their work log counts the funds they raised).
    """
    _require_project_write(actor, project)
    if source not in FundingSource.values:
        raise InvalidInput(FUNDING_SOURCE_INVALID.format(value=source), field="source")
    amount = _decimal(
        amount, FUNDING_AMOUNT_INVALID, "amount", low=Decimal(0), high=MAX_AMOUNT, low_open=True
    )
    if not isinstance(received_on, dt.date) or received_on > timezone.localdate():
        raise InvalidInput(FUNDING_DATE_FUTURE, field="received_on")
    units = _units(actor, [unit_id], "unit")
    unit = units[0] if units else None
    raiser = _raiser(actor, raised_by_id, unit)
    entry = Funding.objects.create(
        project=project,
        source=source,
        amount=amount,
        received_on=received_on,
        unit=unit,
        raised_by=raiser,
        note=(note or "").strip()[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit_funding(actor, entry)
    return entry


@transaction.atomic
def funding_reverse(*, actor, entry: Funding, reason: str) -> Funding:
    """Cancel an entry by a negative one pointing at it; the entry itself stays as it was."""
    _require_project_write(actor, entry.project)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(FUNDING_REASON_REQUIRED, field="reason")
    if entry.reverses_id is not None:
        raise Conflict(FUNDING_REVERSAL_FINAL, field="id")
    if Funding.objects.filter(reverses=entry).exists():
        raise Conflict(FUNDING_ALREADY_REVERSED, field="id")
    try:
        with transaction.atomic():
            reversal = Funding.objects.create(
                project=entry.project,
                source=entry.source,
                amount=-entry.amount,
                received_on=timezone.localdate(),
                unit=entry.unit,
                # The reversal cancels the raiser's credit too, so their work log sums right.
                raised_by_id=entry.raised_by_id,
                note=reason[:200],
                reverses=entry,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # Two reversals at once: the one-to-one link lets only the first in.
        raise Conflict(FUNDING_ALREADY_REVERSED, field="id") from None
    _audit_funding(actor, reversal)
    return reversal


@transaction.atomic
def project_photo_add(
    *, actor, project: Project, upload, keep_gps: bool = False, caption: str = ""
) -> ProjectPhoto:
    """Store a photo of the project's site; checked and stripped of its location (unless kept)
    before anything is written.
    """
    _require_project_write(actor, project)
    prepared = photo_prepare(upload, keep_gps=keep_gps)
    photo = ProjectPhoto(
        project=project,
        width=prepared.width,
        height=prepared.height,
        gps_kept=prepared.gps_kept,
        caption=(caption or "").strip()[:200],
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    photo.image.save(prepared.image.name, prepared.image, save=False)
    photo.thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)
    photo.save()
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=photo,
        object_repr=f"{project} #{photo.pk}",
        changes={"project": [None, str(project.pk)], "gps_kept": [None, photo.gps_kept]},
        region_code=project.village_id,
    )
    return photo
