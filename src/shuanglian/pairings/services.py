"""Writes to pairings: units with villages (联村), cadres with households (联户).

Pairings are ended, never deleted; the history is what the household and cadre pages show.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import require_pairing_write
from shuanglian.core.audit import audit, audit_create
from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.dashboard import rollups
from shuanglian.households.models import Household
from shuanglian.pairings.models import HouseholdPairing, VillagePairing, VillageRole
from shuanglian.regions.models import Level, Region
from shuanglian.regions.selectors import region_for_input
from shuanglian.units.models import Cadre, Unit

PAIRING_NOT_VILLAGE = _("{name} ({code}) is a {level}, not a village: units pair with villages.")
PAIRING_ROLE_INVALID = _("{value} is not a pairing role.")
VILLAGE_PAIRING_OVERLAP = _(
    "{unit} is already paired with {village} since {start}; end that pairing first."
)
VILLAGE_LEAD_TAKEN = _("{village} already has a lead unit: {unit}.")
PAIRING_END_BEFORE_START = _("The end date {end} is before the start date {start}.")
PAIRING_ALREADY_ENDED = _("This pairing has already ended.")
HOUSEHOLD_PAIRING_SAME = _("{cadre} is already the responsible cadre of this household.")
HOUSEHOLD_PAIRING_OVERLAP = _(
    "The household has been paired with {cadre} since {start}; a new pairing cannot start "
    "before that."
)
HOUSEHOLD_PAIRING_HISTORY = _(
    "The household was paired with {cadre} until {end}; a new pairing cannot start before that."
)
VILLAGE_PAIRING_HISTORY = _(
    "{unit} was paired with {village} until {end}; a new pairing cannot start before that."
)
CADRE_INACTIVE = _("{cadre} is no longer active and cannot take on households.")
CADRE_UNIT_NOT_PAIRED = _(
    "{unit} is not paired with {village}; its cadres can only pair with households there."
)


def _village(actor, code: str) -> Region:
    return region_for_input(
        user=actor,
        code=code,
        field="village",
        level=Level.VILLAGE,
        level_message=PAIRING_NOT_VILLAGE,
    )


def _check_end(pairing, end_date: dt.date) -> None:
    if pairing.end_date is not None:
        raise InvalidInput(PAIRING_ALREADY_ENDED, field="end_date")
    if end_date < pairing.start_date:
        raise InvalidInput(
            PAIRING_END_BEFORE_START.format(end=end_date, start=pairing.start_date),
            field="end_date",
        )


@transaction.atomic
def village_pairing_create(
    *, actor, unit: Unit, village_code: str, role: str, start_date: dt.date
) -> VillagePairing:
    village = _village(actor, village_code)
    require_pairing_write(actor, unit_id=unit.pk, village_code=village.code)
    if role not in VillageRole.values:
        raise InvalidInput(PAIRING_ROLE_INVALID.format(value=role), field="role")
    # Lock the village's active pairings so two concurrent requests cannot both pass the checks.
    active = list(
        VillagePairing.objects.select_for_update()
        .select_related("unit")
        .filter(village=village, end_date__isnull=True)
    )
    for other in active:
        if other.unit_id == unit.pk:
            raise Conflict(
                VILLAGE_PAIRING_OVERLAP.format(unit=unit, village=village, start=other.start_date),
                field="village",
            )
        if role == VillageRole.LEAD and other.role == VillageRole.LEAD:
            raise Conflict(
                VILLAGE_LEAD_TAKEN.format(village=village, unit=other.unit), field="role"
            )
    # History is a record of who helped when: a new period may not reach back into an old one.
    last = (
        VillagePairing.objects.filter(unit=unit, village=village, end_date__isnull=False)
        .order_by("-end_date")
        .first()
    )
    if last is not None and start_date < last.end_date:
        raise Conflict(
            VILLAGE_PAIRING_HISTORY.format(unit=unit, village=village, end=last.end_date),
            field="start_date",
        )
    pairing = VillagePairing(unit=unit, village=village, role=role, start_date=start_date)
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise Conflict(
            VILLAGE_PAIRING_OVERLAP.format(unit=unit, village=village, start=start_date),
            field="village",
        ) from None
    audit_create(actor=actor, obj=pairing, fields=("unit", "village", "role", "start_date"))
    rollups.refresh(regions=[village.code], units=[unit.pk])
    return pairing


@transaction.atomic
def village_pairing_end(*, actor, pairing: VillagePairing, end_date: dt.date) -> VillagePairing:
    """End a unit's pairing with a village, and its cadres' pairings with households there."""
    require_pairing_write(actor, unit_id=pairing.unit_id, village_code=pairing.village_id)
    _check_end(pairing, end_date)
    pairing.end_date = end_date
    pairing.save(update_fields=["end_date", "updated_at"])
    audit(
        actor=actor,
        action=AuditAction.END,
        obj=pairing,
        changes={"end_date": [None, str(end_date)]},
    )
    for household_pairing in HouseholdPairing.objects.filter(
        cadre__unit_id=pairing.unit_id,
        household__village_id=pairing.village_id,
        end_date__isnull=True,
    ):
        _end_household_pairing(
            actor, household_pairing, max(end_date, household_pairing.start_date)
        )
    rollups.refresh(regions=[pairing.village_id], units=[pairing.unit_id])
    return pairing


def _end_household_pairing(actor, pairing: HouseholdPairing, end_date: dt.date) -> None:
    pairing.end_date = end_date
    pairing.save(update_fields=["end_date", "updated_at"])
    audit(
        actor=actor,
        action=AuditAction.END,
        obj=pairing,
        changes={"end_date": [None, str(end_date)]},
    )
    rollups.refresh(regions=[pairing.household.village_id], cadres=[pairing.cadre_id])


@transaction.atomic
def household_pairing_assign(
    *, actor, household: Household, cadre: Cadre, start_date: dt.date
) -> HouseholdPairing:
    """Make `cadre` the household's responsible cadre from `start_date`.

    A household has at most one active cadre: the current pairing, if any, ends the day the new
    one starts. A start before the current pairing's start would overlap it and is refused.
    """
    require_pairing_write(actor, unit_id=cadre.unit_id, village_code=household.village_id)
    if not cadre.is_active:
        raise InvalidInput(CADRE_INACTIVE.format(cadre=cadre), field="cadre")
    unit_paired = VillagePairing.objects.filter(
        unit_id=cadre.unit_id, village_id=household.village_id, end_date__isnull=True
    ).exists()
    if not unit_paired:
        raise InvalidInput(
            CADRE_UNIT_NOT_PAIRED.format(unit=cadre.unit, village=household.village), field="cadre"
        )
    current = (
        HouseholdPairing.objects.select_for_update()
        .select_related("cadre")
        .filter(household=household, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if current.cadre_id == cadre.pk:
            raise Conflict(HOUSEHOLD_PAIRING_SAME.format(cadre=cadre), field="cadre")
        if start_date < current.start_date:
            raise Conflict(
                HOUSEHOLD_PAIRING_OVERLAP.format(cadre=current.cadre, start=current.start_date),
                field="start_date",
            )
        _end_household_pairing(actor, current, start_date)
    else:
        last = (
            HouseholdPairing.objects.select_related("cadre")
            .filter(household=household, end_date__isnull=False)
            .order_by("-end_date")
            .first()
        )
        if last is not None and start_date < last.end_date:
            raise Conflict(
                HOUSEHOLD_PAIRING_HISTORY.format(cadre=last.cadre, end=last.end_date),
                field="start_date",
            )
    pairing = HouseholdPairing(cadre=cadre, household=household, start_date=start_date)
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise Conflict(
            HOUSEHOLD_PAIRING_OVERLAP.format(cadre=cadre, start=start_date), field="cadre"
        ) from None
    audit_create(actor=actor, obj=pairing, fields=("cadre", "household", "start_date"))
    rollups.refresh(regions=[household.village_id], cadres=[cadre.pk])
    return pairing


@transaction.atomic
def household_pairing_end(
    *, actor, pairing: HouseholdPairing, end_date: dt.date
) -> HouseholdPairing:
    require_pairing_write(
        actor, unit_id=pairing.cadre.unit_id, village_code=pairing.household.village_id
    )
    _check_end(pairing, end_date)
    _end_household_pairing(actor, pairing, end_date)
    return pairing
