"""Writing the audit trail. Services call `audit()` inside their transaction."""

import contextvars
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from shuanglian.core.models import AuditAction, AuditEvent, AuditOutcome

# The request's client address, set by RequestContextMiddleware, so services need no request.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)

# Blind-index fields stand for personal data: a change is logged under the plain name with the
# masked values (the masked twin in the same snapshot), never the index or the value itself.
PROTECTED_INDEXES = {
    "id_number_index": ("id_number", "id_number_masked"),
    "phone_index": ("phone", "phone_masked"),
}


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
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    real_actor = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=real_actor,
        actor_username=username or getattr(actor, "username", "") or "",
        ip=current_ip.get(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=dict(changes or {}),
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
