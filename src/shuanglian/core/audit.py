"""Writing the audit trail. Services call `audit()` inside their transaction."""

import contextvars
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from shuanglian.core.idcard import mask_id
from shuanglian.core.models import AuditAction, AuditEvent, AuditOutcome
from shuanglian.core.phone import mask_phone_text

# The request's client address, set by RequestContextMiddleware, so services need no request.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)

# Blind-index fields stand for personal data: a change is logged under the plain name with the
# masked values (the masked twin in the same snapshot), never the index or the value itself.
PROTECTED_INDEXES = {
    "id_number_index": ("id_number", "id_number_masked"),
    "phone_index": ("phone", "phone_masked"),
}

# Free text that reaches the trail (a username typed at a failed login, an object's name, a
# search filter) could hold an ID or mobile number; such numbers are masked before storing.
# Lookarounds keep 12-digit region codes and 16-digit household numbers intact.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])")


def scrub(text: str) -> str:
    """`text` with any ID number or mobile number in it masked."""
    text = _ID_NUMBER.sub(lambda m: mask_id(m.group().upper()), text)
    return _MOBILE.sub(lambda m: mask_phone_text(m.group()[-11:]), text)


def _username(actor, username: str) -> str:
    """The name to file the row under; typed text that is no account name gets scrubbed.

    An account's own name stays as it is, even one that looks like a phone number: it names the
    account, not a person's data, and the lockout counts failed logins by that name.
    """
    name = (username or getattr(actor, "username", "") or "")[:150]
    if name == scrub(name) or name == getattr(actor, "username", None):
        return name
    if get_user_model().objects.filter(username=name).exists():
        return name
    return scrub(name)


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(item) for item in value]
    return value


def _path(*names: str) -> Callable[[models.Model], Any]:
    """Follow attributes from the instance (`household`, `village_id`) to a region code."""

    def follow(instance: models.Model) -> Any:
        value: Any = instance
        for name in names:
            value = getattr(value, name, None)
            if value is None:
                return None
        return value

    return follow


def region_of_user(user) -> str:
    """An account's area: its region, or its unit's home region (unit admins, cadres)."""
    if getattr(user, "region_id", None):
        return user.region_id
    if getattr(user, "unit_id", None):
        return user.unit.home_region_id
    # A cadre's account is reached from the cadre (units.Cadre.user); no cadre raises
    # RelatedObjectDoesNotExist, an AttributeError, which getattr turns into None.
    is_cadre = getattr(user, "pk", None) and getattr(user, "role", "") == "cadre"
    cadre = getattr(user, "cadre", None) if is_cadre else None
    return cadre.unit.home_region_id if cadre is not None else ""


# Model label → where the audited object lives. Keyed by label and read through attributes so
# that core imports no app's models (the apps import core).
REGION_OF: dict[str, Callable[[models.Model], Any]] = {
    "households.Household": _path("village_id"),
    "households.Member": _path("household", "village_id"),
    "households.IncomeRecord": _path("household", "village_id"),
    "pairings.VillagePairing": _path("village_id"),
    "pairings.HouseholdPairing": _path("household", "village_id"),
    "units.Unit": _path("home_region_id"),
    "units.Cadre": _path("unit", "home_region_id"),
    "accounts.User": region_of_user,
    "accounts.ApiToken": lambda token: region_of_user(token.user),
    "regions.Region": _path("code"),
}


def region_of(obj: models.Model | None) -> str:
    """The region code the audit row of `obj` is filed under ("" when it has none)."""
    if obj is None:
        return ""
    find = REGION_OF.get(obj._meta.label)
    code = find(obj) if find else None
    return str(code or "")


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed; protected values only masked."""
    changes: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in PROTECTED_INDEXES:
            label, masked = PROTECTED_INDEXES[name]
            changes[label] = [before.get(masked) or None, after.get(masked) or None]
        elif not name.endswith("_masked"):
            changes[name] = [old, new]
    return changes


def audit(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    outcome: str = AuditOutcome.SUCCESS,
    username: str = "",
    region_code: str | None = None,
) -> AuditEvent:
    """Append one row. The region is the object's (REGION_OF) unless `region_code` is given."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if region_code is None:
        region_code = region_of(obj)
    real_actor = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=real_actor,
        actor_username=_username(actor, username),
        ip=current_ip.get(),
        action=action,
        object_type=object_type,
        object_id=scrub(str(object_id))[:64],
        object_repr=scrub(object_repr)[:200],
        region_code=region_code[:12],
        changes=_scrubbed(dict(changes or {})),
        outcome=outcome,
    )


def audit_create(*, actor, obj: models.Model, fields: Iterable[str]) -> AuditEvent:
    return audit(
        actor=actor, action=AuditAction.CREATE, obj=obj, changes=diff({}, snapshot(obj, fields))
    )


def audit_update(*, actor, obj: models.Model, before: Mapping[str, Any], fields: Iterable[str]):
    changes = diff(before, snapshot(obj, fields))
    if changes:
        return audit(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=changes)
    return None
