"""Who may write the assistance work; read scope is in selectors, through core.access.

- Visits: officers of the household's village (on behalf of the responsible cadre) and the cadre
  paired with the household now.
- Household plans and measures: officers of the village, administrators of a unit paired with
  the village now, and the household's cadre.
- Village plans: officers of the village and administrators of a unit paired with it now.
- Deeds: officers of the unit's home region or of the village, the unit's administrators, and
  the unit's own active cadres (for their own deeds).
- Follow-ups: officers of the household's village (of the meeting's place, for a meeting's
  decision: they supervise it), the owning cadre, and the administrators of the owning unit (or
  of the owning cadre's unit); the same may add one on its own.
- Editing or voiding a visit: officers of the village and its cadre while still paired; a deed:
  as recording it, a cadre only their own.
"""

from shuanglian.core.access import (
    WRITE_FORBIDDEN,
    can_write,
    may_write_pairing,
    may_write_unit,
    user_scope,
)
from shuanglian.core.errors import Forbidden
from shuanglian.pairings.models import HouseholdPairing
from shuanglian.units.models import Cadre


def cadre_of(user) -> Cadre | None:
    """The active cadre record behind a cadre's account."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != "cadre":
        return None
    return Cadre.objects.select_related("unit").filter(user=user, is_active=True).first()


def current_cadre_id(household) -> int | None:
    pairing = HouseholdPairing.objects.filter(household=household, end_date__isnull=True).first()
    return pairing.cadre_id if pairing else None


def _is_paired_cadre(user, household) -> bool:
    scope = user_scope(user)
    if not scope.cadre_account_id:
        return False
    return HouseholdPairing.objects.filter(
        household=household,
        end_date__isnull=True,
        cadre__user_id=scope.cadre_account_id,
        cadre__is_active=True,
    ).exists()


def may_visit(user, household) -> bool:
    return can_write(user, household.village_id) or _is_paired_cadre(user, household)


def may_edit_visit(user, visit) -> bool:
    """Officers of the village, and the visit's own cadre while still paired with the household."""
    if can_write(user, visit.household.village_id):
        return True
    cadre = cadre_of(user)
    return (
        cadre is not None and cadre.pk == visit.cadre_id and _is_paired_cadre(user, visit.household)
    )


def may_plan(user, household) -> bool:
    if may_write_pairing(user, unit_id=None, village_code=household.village_id):
        return True
    return _is_paired_cadre(user, household)


def may_village_plan(user, village_code: str) -> bool:
    return may_write_pairing(user, unit_id=None, village_code=village_code)


def may_deed(user, unit) -> bool:
    if may_write_unit(user, unit) or user_scope(user).writable:
        # Officers elsewhere are checked against the village when the deed is recorded.
        return True
    cadre = cadre_of(user)
    return cadre is not None and cadre.unit_id == unit.pk


def may_edit_deed(user, deed) -> bool:
    """Officers of the unit's home region or of the village, the unit's administrators, and the
    cadre who delivered it (still of the unit)."""
    if may_write_unit(user, deed.unit) or can_write(user, deed.village_id):
        return True
    cadre = cadre_of(user)
    return cadre is not None and deed.cadre_id == cadre.pk and cadre.unit_id == deed.unit_id


def may_follow_up(user, follow_up) -> bool:
    if follow_up.household_id and can_write(user, follow_up.household.village_id):
        return True
    if follow_up.meeting_id and can_write(user, follow_up.meeting.place_id):
        return True
    cadre = cadre_of(user)
    if cadre is not None and follow_up.owner_cadre_id == cadre.pk:
        return True
    unit = follow_up.owner_unit or (follow_up.owner_cadre.unit if follow_up.owner_cadre else None)
    return unit is not None and may_write_unit(user, unit)


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(WRITE_FORBIDDEN)
