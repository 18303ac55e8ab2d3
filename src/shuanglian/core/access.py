"""Who may see and change what. Every selector asks here; nothing else decides scope.

A scope is a region code prefix (a region and everything under it) or everything. A user with
no scope sees nothing: access fails closed.
"""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_code: str | None = None
    writable: bool = False

    @property
    def nothing(self) -> bool:
        return not self.everything and not self.region_code

    def region_q(self, field: str) -> Q:
        """Filter for rows whose region code (in `field`) lies in this scope."""
        if self.everything:
            return Q()
        if self.region_code:
            return prefix_q(field, region_prefix(self.region_code))
        return Q(pk__in=[])

    def covers_region(self, code: str) -> bool:
        if self.everything:
            return True
        return bool(self.region_code) and code.startswith(region_prefix(self.region_code))


NO_SCOPE = Scope()


def user_scope(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser or user.role == "admin":
        return Scope(everything=True, writable=True)
    if user.role in ("region_officer", "viewer") and user.region_id:
        return Scope(region_code=user.region_id, writable=user.role == "region_officer")
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
