"""Who may write monitoring records; read scope is in selectors, through core.access.

- Screening, flagging by hand, assessment, confirmation, dismissal, resolving reasons and asking
  for risk elimination: officers of the household's region (and administrators).
- Reporting a household from a visit, recording a risk event or an income check: the same, and
  the cadre paired with the household now.
- Measures of a confirmed case: whoever may plan for the household in the assistance app
  (officers, administrators of a unit paired with the village now, the household's cadre).
- Unit administrators and viewers read.
"""

from shuanglian.assistance import rules as assistance_rules
from shuanglian.core.access import WRITE_FORBIDDEN, can_write, user_scope
from shuanglian.core.errors import Forbidden
from shuanglian.pairings.models import HouseholdPairing


def is_paired_cadre(user, household) -> bool:
    scope = user_scope(user)
    if not scope.cadre_account_id:
        return False
    return HouseholdPairing.objects.filter(
        household=household,
        end_date__isnull=True,
        cadre__user_id=scope.cadre_account_id,
        cadre__is_active=True,
    ).exists()


def may_manage(user, household) -> bool:
    return can_write(user, household.village_id)


def may_report(user, household) -> bool:
    return may_manage(user, household) or is_paired_cadre(user, household)


def may_plan(user, household) -> bool:
    return assistance_rules.may_plan(user, household)


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(WRITE_FORBIDDEN)
