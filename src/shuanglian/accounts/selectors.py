"""Account reads: what "my account" shows (a user sees only their own tokens), and the accounts
an administrator or a region officer manages."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.accounts.models import ApiToken, Role, User
from shuanglian.core.access import prefix_q, region_prefix, user_scope
from shuanglian.core.errors import Forbidden, InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.pairings.models import HouseholdPairing
from shuanglian.regions.selectors import region_filter_prefix
from shuanglian.units.models import Cadre, Unit

TOKEN_NOT_FOUND = _("The API token does not exist.")


@dataclass(frozen=True)
class AccountSummary:
    user: object
    role_label: str
    region: object | None
    unit: object | None
    cadre: Cadre | None


def account_summary(*, user) -> AccountSummary:
    """The user's role and where it reaches: a region, a unit, or (a cadre) their unit."""
    cadre = (
        Cadre.objects.select_related("unit").filter(user=user).first()
        if user.role == Role.CADRE
        else None
    )
    return AccountSummary(
        user=user,
        role_label=user.get_role_display(),
        region=user.region,
        unit=user.unit if user.unit_id else (cadre.unit if cadre else None),
        cadre=cadre,
    )


def api_token_list(*, user) -> list[ApiToken]:
    """The user's own tokens, newest first, live and ended alike."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


def api_token_get(*, user, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise NotFound(TOKEN_NOT_FOUND)
    return token


# --- User management: administrators everywhere, region officers within their region. ---

USER_MANAGE_FORBIDDEN = _(
    "Only system administrators, region officers and unit administrators may manage user accounts."
)
USER_NOT_FOUND = _("The user does not exist, or is outside your area of work.")
ROLE_FILTER_INVALID = _("Role: {value} is not a role.")


def may_manage_users(user) -> bool:
    """Administrators; region officers (read-write in a region); unit administrators, for the
    accounts of their unit's cadres. Not viewers or cadres."""
    scope = user_scope(user)
    return (
        scope.everything
        or (scope.writable and scope.region_code is not None)
        or scope.unit_id is not None
    )


def require_user_management(user) -> None:
    if not may_manage_users(user):
        raise Forbidden(USER_MANAGE_FORBIDDEN)


def area_q(prefix: str, path: str = "") -> Q:
    """Accounts whose area lies under a region prefix: officers and viewers by their region,
    unit administrators by their unit's home region, cadres by their cadre's unit's."""
    return (
        (
            Q(**{f"{path}role__in": [Role.REGION_OFFICER, Role.VIEWER]})
            & prefix_q(f"{path}region_id", prefix)
        )
        | (Q(**{f"{path}role": Role.UNIT_ADMIN}) & prefix_q(f"{path}unit__home_region_id", prefix))
        | (
            Q(**{f"{path}role": Role.CADRE})
            & prefix_q(f"{path}cadre__unit__home_region_id", prefix)
        )
    )


def manageable_users(user) -> QuerySet[User]:
    """The accounts `user` may manage: every account for an administrator; for a region officer
    the officers, viewers, unit administrators and cadres of their region and below (their own
    account included, though not its role or area — see services). Nothing for anyone else.
    """
    scope = user_scope(user)
    if scope.everything:
        return User.objects.all()
    if not may_manage_users(user):
        return User.objects.none()
    if scope.unit_id is not None:
        return User.objects.filter(
            role=Role.CADRE, cadre__unit_id=scope.unit_id, is_superuser=False
        )
    # A superuser sees everything whatever its role: never within an officer's reach.
    return User.objects.filter(area_q(region_prefix(scope.region_code)), is_superuser=False)


def _with_scope(users: QuerySet[User]) -> QuerySet[User]:
    return users.select_related("region", "unit", "unit__home_region", "cadre", "cadre__unit")


def user_list(
    *,
    user,
    role: str | None = None,
    region: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[User]:
    """One page of the accounts the user manages; a fixed number of queries whatever the rows."""
    require_user_management(user)
    users = _with_scope(manageable_users(user))
    if role := (role or "").strip():
        if role not in Role.values:
            raise InvalidInput(ROLE_FILTER_INVALID.format(value=role), field="role")
        users = users.filter(role=role)
    if prefix := region_filter_prefix(user=user, value=region):
        users = users.filter(area_q(prefix))
    if q := (q or "").strip():
        users = users.filter(Q(username__icontains=q) | Q(display_name__contains=q))
    return keyset_page(users, cursor=cursor, limit=limit)


def user_get(*, user, pk) -> User:
    """One account the user manages; out of reach reads exactly like nonexistent."""
    require_user_management(user)
    found = _with_scope(manageable_users(user)).filter(pk=pk).first()
    if found is None:
        raise NotFound(USER_NOT_FOUND)
    return found


def cadre_of(account) -> Cadre | None:
    """The cadre an account is linked to (cadre accounts), or None."""
    try:
        return account.cadre
    except Cadre.DoesNotExist:
        return None


def account_households(*, user, account) -> list[HouseholdPairing]:
    """The household set of a cadre account: the current pairings of its cadre, as far as
    `user` may see them (a cadre's households may lie outside an officer's region)."""
    if account.role != Role.CADRE:
        return []
    pairings = HouseholdPairing.objects.filter(
        user_scope(user).household_q("household__"),
        cadre__user=account,
        end_date__isnull=True,
    )
    return list(
        pairings.select_related("household", "household__village").order_by(
            "household__number", "id"
        )
    )


def home_region_q(user, field: str) -> Q:
    """Rows whose `field` (a region code) lies in the region of a user who manages users."""
    scope = user_scope(user)
    if scope.everything:
        return Q()
    if not may_manage_users(user) or scope.region_code is None:
        # Unit administrators reach no region, only their unit's cadres (cadre_reach_q).
        return Q(pk__in=[])
    return prefix_q(field, region_prefix(scope.region_code))


def cadre_reach_q(user, path: str = "") -> Q:
    """Cadres whose accounts `user` may manage: of units based in their region, or (a unit
    administrator) of their own unit."""
    scope = user_scope(user)
    if scope.unit_id is not None:
        return Q(**{f"{path}unit_id": scope.unit_id})
    return home_region_q(user, f"{path}unit__home_region_id")


def assignable_units(user) -> QuerySet[Unit]:
    """Units whose administrator accounts `user` may create: based in their region."""
    return (
        Unit.objects.filter(home_region_q(user, "home_region_id"))
        .select_related("home_region")
        .order_by("name", "id")
    )


def assignable_cadres(user, *, account=None) -> QuerySet[Cadre]:
    """Active cadres of units based in the user's region with no account yet (or linked to
    `account`, being edited), with how many households each helps now."""
    free = Q(user__isnull=True)
    if account is not None and account.pk:
        free |= Q(user=account)
    current = Count(
        "household_pairings",
        filter=Q(household_pairings__end_date__isnull=True),
        distinct=True,
    )
    return (
        Cadre.objects.filter(cadre_reach_q(user), free, is_active=True)
        .select_related("unit")
        .annotate(household_count=current)
        .order_by("unit__name", "name", "id")
    )
