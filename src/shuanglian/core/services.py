"""Reading personal data in full: one field of one record at a time, with a reason, audited."""

from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import may_reveal
from shuanglian.core.audit import audit
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.models import AuditAction, AuditOutcome
from shuanglian.core.phone import national

REVEAL_NOT_ALLOWED = _(
    "You may not see personal data in full; an administrator can give you the permission."
)
REVEAL_REASON_REQUIRED = _("State why you need the full number (at least {min} characters).")
REVEAL_FIELD_INVALID = _("{field} is not personal data that can be revealed.")
REVEAL_NOTHING_STORED = _("Nothing is stored in this field.")
REVEAL_REASON_MIN = 4
REVEAL_REASON_MAX = 200
# The protected fields, how to read each (see core.models IdNumberFields, PhoneFields) and how
# people write it down (phones are stored in E.164, read as 138 1234 5678 or 0938 821 2345).
REVEALABLE = {"id_number": "reveal_id_number", "phone": "reveal_phone"}
SHOWN_AS = {"phone": national}


def personal_data_reveal(*, actor, obj, field: str, reason: str) -> str:
    """The plaintext of `field` of `obj`, which the caller fetched through a scoped selector.

    Every attempt leaves an audit row with the reason, refused ones too (outcome "denied"); the
    value itself is never logged.
    """
    reason = (reason or "").strip()[:REVEAL_REASON_MAX]
    reader = REVEALABLE.get(field)
    if reader is None or not hasattr(obj, reader):
        raise InvalidInput(REVEAL_FIELD_INVALID.format(field=field), field="field")
    if not may_reveal(actor):
        audit(
            actor=actor,
            action=AuditAction.REVEAL,
            obj=obj,
            changes={"field": field, "reason": reason},
            outcome=AuditOutcome.DENIED,
        )
        raise Forbidden(REVEAL_NOT_ALLOWED)
    if len(reason) < REVEAL_REASON_MIN:
        raise InvalidInput(REVEAL_REASON_REQUIRED.format(min=REVEAL_REASON_MIN), field="reason")
    value = getattr(obj, reader)()
    if not value:
        raise InvalidInput(REVEAL_NOTHING_STORED, field="field")
    audit(
        actor=actor, action=AuditAction.REVEAL, obj=obj, changes={"field": field, "reason": reason}
    )
    return SHOWN_AS.get(field, str)(value)
