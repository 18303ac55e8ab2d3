"""Who may record which step of a procedure: the one place the level rules live, used by the
services, the pages and the API. Read scope is in selectors (through core.access).

- Village steps (criteria check, application, deliberation, first public notice) and
  withdrawing a procedure: region officers whose region is the household's village or its
  township. A cadre paired with the household now may also file the application.
- Township steps (township review, second public notice): officers of the household's township.
- County steps (county approval, announcement): officers of the household's county.
- Administrators: every step.
- The 两不愁三保障 checklist: whoever may write the village's registry, and the paired cadre.
- Income lines: administrators only.

An officer of a higher level does not stand in for a lower one (a county officer does not hold
the village's deliberation), nor the reverse.
"""

from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import can_write, region_prefix, user_scope
from shuanglian.core.errors import Forbidden
from shuanglian.lifecycle.models import Step
from shuanglian.pairings.models import HouseholdPairing
from shuanglian.regions.models import Level

VILLAGE, TOWNSHIP, COUNTY = Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY

STEP_LEVEL = {
    Step.CRITERIA_CHECK: VILLAGE,
    Step.APPLICATION: VILLAGE,
    Step.DELIBERATION: VILLAGE,
    Step.FIRST_NOTICE: VILLAGE,
    Step.TOWNSHIP_REVIEW: TOWNSHIP,
    Step.SECOND_NOTICE: TOWNSHIP,
    Step.COUNTY_APPROVAL: COUNTY,
    Step.ANNOUNCEMENT: COUNTY,
}
# The officer levels that act on a step of each level (their region must cover the village).
ACTING_LEVELS = {
    VILLAGE: (Level.VILLAGE, Level.TOWNSHIP),
    TOWNSHIP: (Level.TOWNSHIP,),
    COUNTY: (Level.COUNTY,),
}
# A code prefix's length says its level.
LEVEL_OF_PREFIX = {
    12: Level.VILLAGE,
    9: Level.TOWNSHIP,
    6: Level.COUNTY,
    4: Level.CITY,
    2: Level.PROVINCE,
}

STEP_LEVEL_FORBIDDEN = {
    VILLAGE: _("Only officers of the household's village or township may record this step."),
    TOWNSHIP: _("Only officers of the household's township may record this step."),
    COUNTY: _("Only officers of the household's county may record this step."),
}
LINES_FORBIDDEN = _("Only administrators may change income lines.")
CHECKLIST_FORBIDDEN = _(
    "Only officers of the household's area and its paired cadre may record the checklist."
)


def is_paired_cadre(user, household) -> bool:
    """Whether the user is the account of the cadre paired with the household now."""
    scope = user_scope(user)
    if not scope.cadre_account_id:
        return False
    return HouseholdPairing.objects.filter(
        household=household,
        end_date__isnull=True,
        cadre__user_id=scope.cadre_account_id,
        cadre__is_active=True,
    ).exists()


def officer_level(user) -> str | None:
    """The level of a writing officer's region; None for anyone else (administrators too)."""
    scope = user_scope(user)
    if not (scope.writable and scope.region_code) or scope.everything:
        return None
    return LEVEL_OF_PREFIX.get(len(region_prefix(scope.region_code)))


def may_record(user, household, step: str) -> bool:
    scope = user_scope(user)
    if scope.everything:
        return True
    level = STEP_LEVEL[step]
    if step == Step.APPLICATION and is_paired_cadre(user, household):
        return True
    return officer_level(user) in ACTING_LEVELS[level] and can_write(user, household.village_id)


def require_record(user, household, step: str) -> None:
    if not may_record(user, household, step):
        raise Forbidden(STEP_LEVEL_FORBIDDEN[STEP_LEVEL[step]])


def may_withdraw(user, procedure) -> bool:
    scope = user_scope(user)
    if scope.everything:
        return True
    return officer_level(user) in ACTING_LEVELS[VILLAGE] and can_write(
        user, procedure.household.village_id
    )


def require_withdraw(user, procedure) -> None:
    if not may_withdraw(user, procedure):
        raise Forbidden(STEP_LEVEL_FORBIDDEN[VILLAGE])


def may_check(user, household) -> bool:
    return can_write(user, household.village_id) or is_paired_cadre(user, household)


def require_check(user, household) -> None:
    if not may_check(user, household):
        raise Forbidden(CHECKLIST_FORBIDDEN)


def may_edit_lines(user) -> bool:
    return user_scope(user).everything


def require_edit_lines(user) -> None:
    if not may_edit_lines(user):
        raise Forbidden(LINES_FORBIDDEN)
