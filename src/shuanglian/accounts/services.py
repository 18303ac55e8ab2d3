"""Account writes: signing in and out (audited), creating users."""

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.db import transaction

from shuanglian.core.audit import audit
from shuanglian.core.models import AuditAction, AuditOutcome


def user_login(*, request, username: str, password: str):
    """Authenticate and start a session; every attempt, good or bad, leaves an audit row."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        audit(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            object_type="accounts.User",
            username=username[:150],
            outcome=AuditOutcome.FAILURE,
        )
        return None
    login(request, user)
    audit(actor=user, action=AuditAction.LOGIN, obj=user)
    return user


def user_logout(*, request) -> None:
    if request.user.is_authenticated:
        audit(actor=request.user, action=AuditAction.LOGOUT, obj=request.user)
    logout(request)


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
