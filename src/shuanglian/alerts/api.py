"""The alerts part of the API under /api/v1/alerts: the inbox, the digest, dismissing."""

import datetime as dt

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from shuanglian.alerts import selectors, services
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import InvalidInput
from shuanglian.regions.api import REGION_PATTERN, RegionRef, region_ref

router = Router(tags=["alerts"])

BODY_FIELD_WRONG = _("{field}: missing or of the wrong type.")
ERRORS = {401: ErrorOut, 422: ErrorOut}


class InboxQuery(Schema):
    kind: str | None = Field(None, description="Only alerts of this kind.")
    region: str | None = Field(
        None,
        description="Region code or its prefix: alerts there.",
        json_schema_extra={"pattern": REGION_PATTERN},
    )
    dismissed: bool = Field(False, description="The alerts I dismissed instead of the others.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    region: RegionRef
    household_id: int | None
    object_id: int
    link: str = Field(description="Address of the page of the record the alert is about.")
    reference_date: dt.date | None = Field(description="Due date, last visit or last step.")
    opened_at: dt.datetime
    dismissed: bool


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class DigestQuery(Schema):
    region: str | None = Field(
        None,
        description="12-digit code of the region whose children are counted.",
        json_schema_extra={"pattern": REGION_PATTERN},
    )


class KindOut(Schema):
    kind: str
    label: str


class DigestRowOut(Schema):
    region: RegionRef
    counts: dict[str, int]
    total: int


class DigestOut(Schema):
    region: RegionRef | None
    kinds: list[KindOut]
    rows: list[DigestRowOut]
    totals: dict[str, int]
    total: int


class DismissIn(Schema):
    reason: str = Field(description="Why nothing needs to be done (required).")


class DismissOut(Schema):
    alert_id: int
    reason: str
    created_at: dt.datetime


def _alert(item: selectors.InboxItem) -> dict:
    alert = item.alert
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": item.label,
        "title": alert.title,
        "region": region_ref(alert.region),
        "household_id": alert.household_id,
        "object_id": alert.object_id,
        "link": item.link,
        "reference_date": alert.reference_date,
        "opened_at": alert.opened_at,
        "dismissed": item.dismissed,
    }


@router.get(
    "",
    response={200: AlertPage, 400: ErrorOut, **ERRORS},
    summary="My open alerts (in scope), oldest first",
    operation_id="alert_inbox",
)
def alerts_inbox(request: HttpRequest, filters: Query[InboxQuery]):
    page = selectors.inbox(user=request.user, **filters.dict())
    return {"items": [_alert(item) for item in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/digest",
    response={200: DigestOut, 400: ErrorOut, 404: ErrorOut, **ERRORS},
    summary="Open alerts by kind and by child region",
    operation_id="alert_digest",
)
def alerts_digest(request: HttpRequest, filters: Query[DigestQuery]):
    result = selectors.digest(user=request.user, region=filters.region or None)
    return {
        "region": region_ref(result.region),
        "kinds": [{"kind": kind, "label": label} for kind, label in result.kinds],
        "rows": [
            {"region": region_ref(row.region), "counts": row.counts, "total": row.total}
            for row in result.rows
        ],
        "totals": result.totals,
        "total": result.total,
    }


@router.post(
    "/{alert_id}/dismiss",
    response={201: DismissOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Dismiss an alert for me, with the reason (audited)",
    operation_id="alert_dismiss",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": DismissIn.model_json_schema()}},
        }
    },
)
def alerts_dismiss(request: HttpRequest, alert_id: int):
    alert = selectors.alert_get(user=request.user, pk=alert_id)
    try:
        payload = DismissIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError:
        raise InvalidInput(BODY_FIELD_WRONG.format(field="reason"), field="reason") from None
    dismissal = services.alert_dismiss(actor=request.user, alert=alert, reason=payload.reason)
    return Status(
        201,
        {"alert_id": alert.pk, "reason": dismissal.reason, "created_at": dismissal.created_at},
    )
