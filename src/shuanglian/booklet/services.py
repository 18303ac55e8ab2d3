"""The audited acts of the booklet: revealing its members' ID numbers, and downloading it."""

from django.db import transaction

from shuanglian.core.access import may_reveal
from shuanglian.core.audit import audit
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.models import AuditAction, AuditOutcome
from shuanglian.core.services import (
    REVEAL_NOT_ALLOWED,
    REVEAL_REASON_MAX,
    REVEAL_REASON_MIN,
    REVEAL_REASON_REQUIRED,
)
from shuanglian.households.models import Household

BOOKLET = "booklet"


def booklet_reveal(*, actor, household: Household, reason: str) -> dict[int, str]:
    """The ID numbers in full of the household's current members, for one showing of its booklet.

    One audit row for the whole booklet (with the reason and how many numbers were shown),
    refused attempts too; the numbers themselves are never logged. `household` was fetched
    through the scoped selector.
    """
    reason = (reason or "").strip()[:REVEAL_REASON_MAX]
    changes = {"field": "id_number", "document": BOOKLET, "reason": reason}
    if not may_reveal(actor):
        audit(
            actor=actor,
            action=AuditAction.REVEAL,
            obj=household,
            changes=changes,
            outcome=AuditOutcome.DENIED,
        )
        raise Forbidden(REVEAL_NOT_ALLOWED)
    if len(reason) < REVEAL_REASON_MIN:
        raise InvalidInput(REVEAL_REASON_REQUIRED.format(min=REVEAL_REASON_MIN), field="reason")
    members = household.members.filter(is_active=True, id_number_cipher__isnull=False)
    revealed = {member.pk: member.reveal_id_number() for member in members}
    audit(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=household,
        changes={**changes, "members": len(revealed)},
    )
    return revealed


@transaction.atomic
def booklet_export(*, actor, household: Household, fmt: str) -> None:
    """The audit row of a booklet download, filed like the other exports."""
    audit(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=household,
        changes={"document": BOOKLET, "format": fmt, "revealed": False},
    )
