"""Account writes: signing in and out, lockout, passwords, API tokens, managing users.

Every attempt to sign in, good or bad, leaves an audit row; the failures in those rows are what
the lockout counts, so there is no second counter to keep in step.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.accounts.models import ApiToken, Role
from shuanglian.accounts.selectors import (
    USER_NOT_FOUND,
    assignable_units,
    cadre_reach_q,
    manageable_users,
    require_user_management,
)
from shuanglian.core.access import may_reveal, user_scope
from shuanglian.core.audit import audit
from shuanglian.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from shuanglian.core.models import AuditAction, AuditEvent, AuditOutcome
from shuanglian.regions.selectors import visible_regions
from shuanglian.units.models import Cadre

# One message for an unknown username, a wrong password and a locked account alike: telling
# them apart would let anyone find out which accounts exist.
LOGIN_FAILED = _(
    "The username or password is wrong, or the account is locked for a while after too many "
    "failed attempts."
)
PASSWORD_CHANGE_REQUIRED = _("You must change your password before you go on.")
OLD_PASSWORD_WRONG = _("The current password is wrong.")
NEW_PASSWORD_SAME = _("The new password must differ from the current one.")
TOKEN_INVALID = _("The API token is unknown, expired or revoked.")
USER_CHANGE_FORBIDDEN = _("You may not change this user's account.")

# How often a token's last use is written down: every request would be one write per call.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
TOKEN_PREFIX_LENGTH = 8


class LoginFailed(DomainError):
    """Wrong credentials or a locked account (the API answers 401)."""

    status = 401


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _failures_since(username: str, now: dt.datetime, unlocked_at: dt.datetime | None) -> int:
    """Failed logins of `username` that still count: within the window, after the last success
    and after the end of the last lock."""
    window = dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    starts = [now - window]
    last_success = AuditEvent.objects.filter(
        actor_username=username, action=AuditAction.LOGIN, outcome=AuditOutcome.SUCCESS
    ).aggregate(at=Max("at"))["at"]
    if last_success:
        starts.append(last_success)
    if unlocked_at and unlocked_at <= now:
        starts.append(unlocked_at)
    return AuditEvent.objects.filter(
        actor_username=username, action=AuditAction.LOGIN_FAILED, at__gt=max(starts)
    ).count()


@transaction.atomic
def _check_credentials(*, request, username: str, password: str, channel: str):
    """The active, unlocked user with these credentials, or None; a failure is audited and may
    lock the account.

    The password is checked even for a locked account, so that the answer takes as long as for
    any other.
    """
    username = username[:150]
    user = authenticate(request, username=username, password=password)
    now = timezone.now()
    # The row lock makes concurrent failures of one account count one after the other, so the
    # account is locked (and the lock audited) once.
    account = get_user_model().objects.select_for_update().filter(username=username).first()
    locked = account is not None and account.locked_until is not None and account.locked_until > now
    if user is not None and not locked:
        return user
    audit(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        object_type="accounts.User",
        object_id=str(account.pk) if account else "",
        username=username,
        outcome=AuditOutcome.FAILURE,
        changes={"channel": channel, **({"locked": True} if locked else {})},
    )
    if account is None or locked:
        return None
    if _failures_since(username, now, account.locked_until) >= settings.LOGIN_MAX_FAILURES:
        account.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        account.save(update_fields=["locked_until"])
        audit(
            actor=None,
            action=AuditAction.LOCKOUT,
            obj=account,
            username=username,
            outcome=AuditOutcome.DENIED,
            changes={"locked_until": [None, account.locked_until.isoformat()]},
        )
    return None


def user_login(*, request, username: str, password: str):
    """Check the credentials and start a session; raise LoginFailed (one message for all)."""
    user = _check_credentials(request=request, username=username, password=password, channel="page")
    if user is None:
        raise LoginFailed(LOGIN_FAILED)
    login(request, user)
    audit(actor=user, action=AuditAction.LOGIN, obj=user)
    return user


def user_logout(*, request) -> None:
    if request.user.is_authenticated:
        audit(actor=request.user, action=AuditAction.LOGOUT, obj=request.user)
    logout(request)


def _revoke_tokens(user, now: dt.datetime) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


@transaction.atomic
def user_password_change(*, actor, user, old_password: str, new_password: str):
    """Change one's own password: the rules apply, the forced change is done, every API token is
    revoked, and every session whose hash was the old one ends (the caller keeps its own with
    update_session_auth_hash)."""
    if actor.pk != user.pk:
        raise Forbidden(USER_CHANGE_FORBIDDEN)
    if not user.check_password(old_password):
        raise InvalidInput(OLD_PASSWORD_WRONG, field="old_password")
    if new_password == old_password:
        raise InvalidInput(NEW_PASSWORD_SAME, field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as err:
        raise InvalidInput(" ".join(err.messages), field="new_password") from None
    was_forced = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_tokens(user, timezone.now())
    changes = {"api_tokens_revoked": revoked}
    if was_forced:
        changes["must_change_password"] = [True, False]
    audit(actor=actor, action=AuditAction.PASSWORD, obj=user, changes=changes)
    return user


# --- Managing accounts: administrators everywhere, region officers within their region. ---

USERNAME_REQUIRED = _("Username: enter a username.")
USERNAME_INVALID = _("Username: use at most 150 letters, digits and the characters @ . + - _ only.")
USERNAME_TAKEN = _("Username: {username} is already taken; choose another.")
DISPLAY_NAME_TOO_LONG = _("Full name: at most 100 characters.")
ROLE_INVALID = _("Role: choose one of the listed roles.")
ROLE_ADMIN_FORBIDDEN = _("Role: only system administrators may create or appoint administrators.")
ROLE_CADRE_ONLY = _("Role: a unit administrator can create cadre accounts only.")
REGION_REQUIRED = _("Region: a region officer or a viewer needs the region they work in.")
REGION_OUT_OF_REACH = _(
    "Region: {code} is no region code, or the region is outside your area of work."
)
UNIT_REQUIRED = _("Unit: a unit administrator needs the unit they administer.")
UNIT_OUT_OF_REACH = _("Unit: the unit does not exist, or is not based in your area of work.")
CADRE_REQUIRED = _("Cadre: a cadre account must be linked to a cadre.")
CADRE_OUT_OF_REACH = _(
    "Cadre: the cadre does not exist, or their unit is outside your area of work."
)
CADRE_INACTIVE = _("Cadre: {name} is no longer active and cannot get an account.")
CADRE_HAS_ACCOUNT = _("Cadre: {name} already has an account ({username}).")
REVEAL_NOT_GRANTABLE = _(
    "May reveal personal data: you may not grant a permission you do not have yourself."
)
PASSWORD_INVALID = _("Initial password: {problems}")
OWN_SCOPE_FORBIDDEN = _(
    "Role: you may not change your own role, area of work or permissions; ask another "
    "administrator or an officer above you."
)
DEACTIVATE_SELF = _("You may not deactivate your own account.")

# The account's role and where it reaches: what a PERMISSION audit row records, old → new.
PERMISSION_FIELDS = ("role", "region", "unit", "cadre", "can_reveal")
SCOPED_ROLES = {
    Role.REGION_OFFICER: "region",
    Role.VIEWER: "region",
    Role.UNIT_ADMIN: "unit",
    Role.CADRE: "cadre",
}


def _require_manageable(actor, user) -> None:
    """Administrators manage everyone; a region officer the accounts of their region.

    Anyone else is refused outright (403); an account out of reach reads like a nonexistent one.
    """
    require_user_management(actor)
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise NotFound(USER_NOT_FOUND)


def _permissions(user, cadre) -> dict:
    return {
        "role": user.role,
        "region": user.region_id,
        "unit": str(user.unit_id) if user.unit_id else None,
        "cadre": str(cadre.pk) if cadre else None,
        "can_reveal": user.can_reveal,
    }


def _scope_target(actor, *, role, region_code, unit_id, cadre_id, account=None):
    """The region, unit or cadre the role reaches, checked against what `actor` may grant.

    Only the one the role needs is looked at; the others are left empty. Out of reach and
    nonexistent give one message, so the form cannot be used to probe other areas.
    """
    if role not in Role.values:
        raise InvalidInput(ROLE_INVALID, field="role")
    if role == Role.ADMIN and not user_scope(actor).everything:
        raise InvalidInput(ROLE_ADMIN_FORBIDDEN, field="role")
    if user_scope(actor).unit_id is not None and role != Role.CADRE:
        # A unit administrator gives accounts to the unit's cadres, nothing more.
        raise InvalidInput(ROLE_CADRE_ONLY, field="role")
    region = unit = cadre = None
    needs = SCOPED_ROLES.get(role)
    if needs == "region":
        code = (region_code or "").strip()
        if not code:
            raise InvalidInput(REGION_REQUIRED, field="region")
        region = visible_regions(actor).filter(code=code).first()
        if region is None:
            raise InvalidInput(REGION_OUT_OF_REACH.format(code=code), field="region")
    elif needs == "unit":
        if not unit_id:
            raise InvalidInput(UNIT_REQUIRED, field="unit")
        unit = assignable_units(actor).filter(pk=_int(unit_id)).first()
        if unit is None:
            raise InvalidInput(UNIT_OUT_OF_REACH, field="unit")
    elif needs == "cadre":
        if not cadre_id:
            raise InvalidInput(CADRE_REQUIRED, field="cadre")
        # Locked, so two accounts cannot be linked to one cadre at the same moment.
        cadre = (
            Cadre.objects.select_for_update(of=("self",))
            .filter(cadre_reach_q(actor), pk=_int(cadre_id))
            .select_related("unit", "user")
            .first()
        )
        if cadre is None:
            raise InvalidInput(CADRE_OUT_OF_REACH, field="cadre")
        linked_elsewhere = cadre.user_id and (account is None or cadre.user_id != account.pk)
        if linked_elsewhere:
            raise Conflict(
                CADRE_HAS_ACCOUNT.format(name=cadre.name, username=cadre.user.username),
                field="cadre",
            )
        if not cadre.is_active and (account is None or cadre.user_id != account.pk):
            raise InvalidInput(CADRE_INACTIVE.format(name=cadre.name), field="cadre")
    return region, unit, cadre


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _check_reveal(actor, *, granting: bool) -> None:
    if granting and not may_reveal(actor):
        raise InvalidInput(REVEAL_NOT_GRANTABLE, field="can_reveal")


def _display_name(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 100:
        raise InvalidInput(DISPLAY_NAME_TOO_LONG, field="display_name")
    return value


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    display_name: str,
    role: str,
    password: str,
    region_code: str | None = None,
    unit_id: int | None = None,
    cadre_id: int | None = None,
    can_reveal: bool = False,
    must_change_password: bool = True,
):
    """A new account within what the actor may grant; a cadre account is linked to its cadre.

    Audited twice: the account (CREATE) and what it was granted (PERMISSION, from nothing).
    """
    require_user_management(actor)
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise InvalidInput(USERNAME_REQUIRED, field="username")
    try:
        User.username_validator(username)
        if len(username) > 150:
            raise ValidationError("too long")
    except ValidationError:
        raise InvalidInput(USERNAME_INVALID, field="username") from None
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(USERNAME_TAKEN.format(username=username), field="username")
    display_name = _display_name(display_name)
    region, unit, cadre = _scope_target(
        actor, role=role, region_code=region_code, unit_id=unit_id, cadre_id=cadre_id
    )
    _check_reveal(actor, granting=bool(can_reveal))
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        region=region,
        unit=unit,
        can_reveal=bool(can_reveal),
        must_change_password=bool(must_change_password),
    )
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise InvalidInput(
            PASSWORD_INVALID.format(problems=" ".join(err.messages)), field="password"
        ) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone took the name between the check and the save.
        raise Conflict(USERNAME_TAKEN.format(username=username), field="username") from None
    if cadre is not None:
        cadre.user = user
        cadre.save(update_fields=["user", "updated_at"])
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        changes={
            "username": [None, username],
            "display_name": [None, display_name],
            "must_change_password": [None, user.must_change_password],
        },
    )
    granted = {name: [None, value] for name, value in _permissions(user, cadre).items() if value}
    audit(actor=actor, action=AuditAction.PERMISSION, obj=user, changes=granted)
    return user


@transaction.atomic
def user_update(
    *,
    actor,
    user,
    display_name: str,
    role: str,
    region_code: str | None = None,
    unit_id: int | None = None,
    cadre_id: int | None = None,
    can_reveal: bool = False,
):
    """Change an account's name, role and reach within what the actor may grant.

    No one changes their own role, area or permissions. A cadre account moved to another cadre
    (or to another role) lets go of the cadre it had. The name change is an UPDATE row, the rest
    a PERMISSION row, each old → new.
    """
    _require_manageable(actor, user)
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    old_cadre = Cadre.objects.select_for_update().filter(user=user).first()
    before = _permissions(user, old_cadre)
    display_name = _display_name(display_name)
    region, unit, cadre = _scope_target(
        actor, role=role, region_code=region_code, unit_id=unit_id, cadre_id=cadre_id, account=user
    )
    after_values = {
        "role": role,
        "region": region.code if region else None,
        "unit": str(unit.pk) if unit else None,
        "cadre": str(cadre.pk) if cadre else None,
        "can_reveal": bool(can_reveal),
    }
    permission_changes = {
        name: [before[name], after_values[name]]
        for name in PERMISSION_FIELDS
        if before[name] != after_values[name]
    }
    if permission_changes and actor.pk == user.pk:
        raise InvalidInput(OWN_SCOPE_FORBIDDEN, field="role")
    _check_reveal(actor, granting=bool(can_reveal) and not user.can_reveal)
    old_name = user.display_name
    user.display_name = display_name
    user.role = role
    user.region = region
    user.unit = unit
    user.can_reveal = bool(can_reveal)
    user.save(update_fields=["display_name", "role", "region", "unit", "can_reveal"])
    if old_cadre is not None and (cadre is None or old_cadre.pk != cadre.pk):
        old_cadre.user = None
        old_cadre.save(update_fields=["user", "updated_at"])
    if cadre is not None and cadre.user_id != user.pk:
        cadre.user = user
        cadre.save(update_fields=["user", "updated_at"])
    # The reverse accessor may hold the cadre as it was; the audit row reads the new one.
    user._state.fields_cache.pop("cadre", None)
    if old_name != display_name:
        audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            changes={"display_name": [old_name, display_name]},
        )
    if permission_changes:
        audit(actor=actor, action=AuditAction.PERMISSION, obj=user, changes=permission_changes)
    return user


@transaction.atomic
def user_deactivate(*, actor, user):
    """Close an account (never deleted: its audit trail keeps pointing at it); its sessions stop
    working at once and its API tokens are revoked."""
    _require_manageable(actor, user)
    if actor.pk == user.pk:
        raise Conflict(DEACTIVATE_SELF)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = _revoke_tokens(user, timezone.now())
    audit(
        actor=actor,
        action=AuditAction.PERMISSION,
        obj=user,
        changes={"is_active": [True, False], "api_tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def user_activate(*, actor, user):
    """Open a closed account again, with the role and reach it had."""
    _require_manageable(actor, user)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit(
        actor=actor, action=AuditAction.PERMISSION, obj=user, changes={"is_active": [False, True]}
    )
    return user


@transaction.atomic
def user_force_password_change(*, actor, user):
    """Make the user choose a new password at their next request; their API tokens stop."""
    _require_manageable(actor, user)
    before = user.must_change_password
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    revoked = _revoke_tokens(user, timezone.now())
    audit(
        actor=actor,
        action=AuditAction.PERMISSION,
        obj=user,
        changes={"must_change_password": [before, True], "api_tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def user_unlock(*, actor, user):
    """End a lockout now; the failures before it no longer count."""
    _require_manageable(actor, user)
    now = timezone.now()
    before = user.locked_until
    # A past locked_until marks when the last lock ended: failures are counted after it.
    user.locked_until = now
    user.save(update_fields=["locked_until"])
    audit(
        actor=actor,
        action=AuditAction.PERMISSION,
        obj=user,
        changes={"locked_until": [before.isoformat() if before else None, now.isoformat()]},
    )
    return user


def api_token_create(*, request, username: str, password: str) -> tuple[ApiToken, str]:
    """Sign in for the API: a new token (only its hash is kept) and the token itself.

    The lockout and its single message apply as on the login page.
    """
    user = _check_credentials(request=request, username=username, password=password, channel="api")
    if user is None:
        raise LoginFailed(LOGIN_FAILED)
    if user.must_change_password:
        audit(actor=user, action=AuditAction.LOGIN, obj=user, outcome=AuditOutcome.DENIED)
        raise Forbidden(PASSWORD_CHANGE_REQUIRED)
    return _issue_token(user)


@transaction.atomic
def _issue_token(user) -> tuple[ApiToken, str]:
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(raw),
        prefix=raw[:TOKEN_PREFIX_LENGTH],
        expires_at=timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS),
    )
    audit(actor=user, action=AuditAction.LOGIN, obj=token)
    return token, raw


def api_token_authenticate(*, raw: str) -> ApiToken:
    """The live token for a bearer value, its last use noted; LoginFailed otherwise.

    Noting the use is bookkeeping, not an audited write: the API calls themselves are what the
    trail records where it matters (reveals, exports, writes).
    """
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        raise LoginFailed(TOKEN_INVALID)
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens; revoking a revoked token changes nothing."""
    if token.user_id != actor.pk:
        raise NotFound(TOKEN_INVALID)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(
        actor=actor,
        action=AuditAction.END,
        obj=token,
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token


@transaction.atomic
def user_ensure(*, actor, username: str, password: str, role: str, region=None, **extra):
    """Create the account if missing (the demo and set-up scripts call this idempotently)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, role=role, region=region, **extra)
    user.set_password(password)
    user.save()
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        changes={"username": [None, username], "role": [None, role]},
    )
    return user, True
