"""API: reveal one protected field of one record, with a reason (audited)."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import InvalidInput
from shuanglian.core.reveal import KINDS
from shuanglian.core.services import REVEAL_FIELD_INVALID, personal_data_reveal

router = Router(tags=["personal data"])


class RevealIn(Schema):
    kind: Literal["household", "member", "cadre"]
    id: int
    field: Literal["id_number", "phone"]
    reason: str


class RevealOut(Schema):
    value: str


@router.post(
    "/reveal",
    response={
        200: RevealOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Reveal one ID or phone number in full",
)
def reveal(request: HttpRequest, payload: RevealIn):
    """Needs the reveal permission and a reason of at least 4 characters; each call is audited.

    Households have a phone, members an ID number, cadres both.
    """
    spec = KINDS[payload.kind]
    if payload.field not in spec.fields:
        raise InvalidInput(REVEAL_FIELD_INVALID.format(field=payload.field), field="field")
    obj = spec.get(user=request.user, pk=payload.id)
    value = personal_data_reveal(
        actor=request.user, obj=obj, field=payload.field, reason=payload.reason
    )
    return {"value": value}
