"""Who may see and change what. Every selector asks here; nothing else decides scope.

A scope is everything (administrators), a region code prefix — a region and everything under it
(officers, viewers) —, the villages a unit is paired with now (unit administrators) or the
households paired with a cadre now (cadres). A user with no scope sees nothing: access fails
closed.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuanglian.core.errors import Forbidden

REGION_PREFIX_LENGTHS = (2, 4, 6, 9, 12)


def region_prefix(code: str) -> str:
    """The significant prefix of a 12-digit code: 620522104000 → 620522104."""
    for length in REGION_PREFIX_LENGTHS:
        if code[length:].strip("0") == "":
            return code[:length]
    return code


def prefix_q(field: str, prefix: str) -> Q:
    """Codes under a prefix as a range, which both SQLite and PostgreSQL answer from an index."""
    return Q(**{f"{field}__gte": prefix.ljust(12, "0"), f"{field}__lte": prefix.ljust(12, "9")})


def _model(label: str):
    # Scopes reach into the pairings app; looked up by name so core imports no app at load time.
    return apps.get_model(label)


def _current_villages_of_unit(unit_id: int):
    return (
        _model("pairings.VillagePairing")
        .objects.filter(unit_id=unit_id, end_date__isnull=True)
        .values("village_id")
    )


def _current_pairings_of_cadre_account(user_id: int):
    return _model("pairings.HouseholdPairing").objects.filter(
        cadre__user_id=user_id, cadre__is_active=True, end_date__isnull=True
    )


@dataclass(frozen=True)
class Scope:
    """What one user may see: everything, a region and below, a unit's villages, or a cadre's
    households. `writable` is about the registry of the region (households, members, units);
    unit administrators write their unit's cadres and pairings through `require_unit_write` and
    `require_pairing_write`.
    """

    everything: bool = False
    region_code: str | None = None
    unit_id: int | None = None
    cadre_account_id: int | None = None
    writable: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.region_code or self.unit_id or self.cadre_account_id)

    def region_q(self, field: str) -> Q:
        """Filter for rows whose region code (in `field`) the user may see.

        A unit administrator sees the villages the unit is paired with now; a cadre the villages
        of the households paired with them now.
        """
        if self.everything:
            return Q()
        if self.region_code:
            return prefix_q(field, region_prefix(self.region_code))
        if self.unit_id:
            return Q(**{f"{field}__in": _current_villages_of_unit(self.unit_id)})
        if self.cadre_account_id:
            villages = _current_pairings_of_cadre_account(self.cadre_account_id).values(
                "household__village_id"
            )
            return Q(**{f"{field}__in": villages})
        return Q(pk__in=[])

    def household_q(self, path: str = "") -> Q:
        """Filter for households (`path` ""), or rows pointing to one (`path` "household__").

        A cadre sees only the households paired with them now, not their whole villages.
        """
        if self.cadre_account_id:
            households = _current_pairings_of_cadre_account(self.cadre_account_id).values(
                "household_id"
            )
            return Q(**{f"{path}id__in" if path else "pk__in": households})
        return self.region_q(f"{path}village_id")

    def covers_region(self, code: str) -> bool:
        if self.everything:
            return True
        if self.region_code:
            return code.startswith(region_prefix(self.region_code))
        if self.nothing:
            return False
        return _model("regions.Region").objects.filter(self.region_q("code"), code=code).exists()


NO_SCOPE = Scope()


def user_scope(user) -> Scope:
    """The scope of a user's role. Anything incomplete (a role without its region, unit or cadre)
    is no scope at all: access fails closed.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser or user.role == "admin":
        return Scope(everything=True, writable=True)
    if user.role in ("region_officer", "viewer") and user.region_id:
        return Scope(region_code=user.region_id, writable=user.role == "region_officer")
    if user.role == "unit_admin" and user.unit_id:
        return Scope(unit_id=user.unit_id)
    if user.role == "cadre":
        return Scope(cadre_account_id=user.pk)
    return NO_SCOPE


WRITE_FORBIDDEN = _("You may read this record but not change it.")


def require_write(user, region_code: str) -> None:
    """Raise Forbidden unless `user` may write records of `region_code`.

    Callers have already fetched the object through a scoped selector, so an out-of-scope object
    never gets this far: it was a 404.
    """
    scope = user_scope(user)
    if not (scope.writable and scope.covers_region(region_code)):
        raise Forbidden(WRITE_FORBIDDEN)


def can_write(user, region_code: str) -> bool:
    """Whether `require_write` would let `user` write records of `region_code` (for buttons)."""
    scope = user_scope(user)
    return scope.writable and scope.covers_region(region_code)


def require_any_write(user) -> None:
    """Raise Forbidden unless `user` may write somewhere.

    For pages that create something before its region is chosen; the service then checks the
    region actually given.
    """
    if not user_scope(user).writable:
        raise Forbidden(WRITE_FORBIDDEN)


def may_write_unit(user, unit) -> bool:
    """Officers of the unit's home region, and the unit's own administrators."""
    scope = user_scope(user)
    if scope.writable and scope.covers_region(unit.home_region_id):
        return True
    return scope.unit_id is not None and scope.unit_id == unit.pk


def require_unit_write(user, unit) -> None:
    """Raise Forbidden unless `user` may change the unit, its cadres and their accounts."""
    if not may_write_unit(user, unit):
        raise Forbidden(WRITE_FORBIDDEN)


def may_write_pairing(user, *, unit_id: int | None, village_code: str) -> bool:
    """Officers of the village, and the administrators of the unit for a village it is paired
    with now (a unit administrator manages which of the unit's cadres helps which household).
    `unit_id` None: before the unit is known (a page offering the unit's own cadres).
    """
    scope = user_scope(user)
    if scope.writable and scope.covers_region(village_code):
        return True
    if scope.unit_id is None or unit_id not in (None, scope.unit_id):
        return False
    return scope.covers_region(village_code)


def require_pairing_write(user, *, unit_id: int | None, village_code: str) -> None:
    if not may_write_pairing(user, unit_id=unit_id, village_code=village_code):
        raise Forbidden(WRITE_FORBIDDEN)


def may_reveal(user) -> bool:
    """The separate permission to see one unmasked ID or phone at a time; administrators have it."""
    scope = user_scope(user)
    return scope.everything or (not scope.nothing and bool(getattr(user, "can_reveal", False)))
