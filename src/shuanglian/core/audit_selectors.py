"""Reads of the audit trail: who may search it, the search filters, and rows ready to show.

Administrators search the whole trail; a region officer searches the rows filed under their
region or below it (AuditEvent.region_code, the region of the audited object — for accounts,
the account's region — see core.audit.REGION_OF). Rows with no region (failed logins with an
unknown username, region imports) are the administrators' only. Everyone else is refused.
"""

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.access import prefix_q, region_prefix, user_scope
from shuanglian.core.audit import scrub
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.models import AuditAction, AuditEvent, AuditOutcome
from shuanglian.core.pagination import Page, decode_cursor, encode_cursor

AUDIT_FORBIDDEN = _("Only administrators and region officers may search the audit trail.")
DATE_INVALID = _(
    "{field}: enter a date between 2000-01-01 and 2100-12-31, written like 2024-03-01."
)
DATE_ORDER = _("{later} is before {earlier}.")
CHOICE_UNKNOWN = _("{field}: choose one of the listed values.")
TEXT_TOO_LONG = _("{field}: at most {limit} characters.")

FIELD_LABELS = {
    "user": pgettext_lazy("audit filter", "User"),
    "object_type": pgettext_lazy("audit filter", "Record type"),
    "object_id": pgettext_lazy("audit filter", "Record ID"),
    "action": pgettext_lazy("audit filter", "Action"),
    "date_from": pgettext_lazy("audit filter", "From date"),
    "date_to": pgettext_lazy("audit filter", "To date"),
}
TEXT_LIMITS = {"user": 150, "object_id": 64}

# The kinds of record the trail holds, as the filter offers them.
OBJECT_TYPES = {
    "households.Household": pgettext_lazy("audit record", "Household"),
    "households.Member": pgettext_lazy("audit record", "Household member"),
    "households.IncomeRecord": pgettext_lazy("audit record", "Household income"),
    "units.Unit": pgettext_lazy("audit record", "Unit"),
    "units.Cadre": pgettext_lazy("audit record", "Cadre"),
    "pairings.VillagePairing": pgettext_lazy("audit record", "Unit–village pairing"),
    "pairings.HouseholdPairing": pgettext_lazy("audit record", "Cadre–household pairing"),
    "regions.Region": pgettext_lazy("audit record", "Region"),
    "accounts.User": pgettext_lazy("audit record", "User account"),
    "accounts.ApiToken": pgettext_lazy("audit record", "API token"),
    "core.AuditEvent": pgettext_lazy("audit record", "Audit trail"),
}

# Pages that show one record, for the object column's link; the page checks scope itself.
OBJECT_PAGES = {
    "households.Household": "households:detail",
    "units.Unit": "units:detail",
    "units.Cadre": "units:cadre_detail",
    "regions.Region": "regions:detail",
}

# Keys of `changes` that are no model field: an export's record, a region import's counts.
CHANGE_LABELS = {
    "format": pgettext_lazy("audit change", "format"),
    "rows": pgettext_lazy("audit change", "rows"),
    "filters": pgettext_lazy("audit change", "filters"),
    "created": pgettext_lazy("audit change", "created"),
    "updated": pgettext_lazy("audit change", "updated"),
    "reason": pgettext_lazy("audit change", "reason"),
}
YES = pgettext_lazy("audit value", "yes")
NO = pgettext_lazy("audit value", "no")
EMPTY = "—"


def can_search_audit(user) -> bool:
    scope = user_scope(user)
    if scope.everything:
        return True
    # Viewers have a region scope too, but reading the trail is for those who answer for it.
    return bool(scope.region_code) and getattr(user, "role", "") == "region_officer"


def require_audit_search(user) -> None:
    if not can_search_audit(user):
        raise Forbidden(AUDIT_FORBIDDEN)


def visible_audit_events(user) -> QuerySet[AuditEvent]:
    """The rows `user` may read: all, their region's, or none (fails closed)."""
    if not can_search_audit(user):
        return AuditEvent.objects.none()
    scope = user_scope(user)
    if scope.everything:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(prefix_q("region_code", region_prefix(scope.region_code)))


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_dict(self) -> dict[str, str]:
        """The filters given, as text: what an export's audit row records."""
        values = {
            "user": self.user,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


def _text(data: Mapping[str, Any], name: str) -> str:
    value = unicodedata.normalize("NFKC", str(data.get(name) or "")).strip()
    limit = TEXT_LIMITS.get(name)
    if limit and len(value) > limit:
        raise InvalidInput(TEXT_TOO_LONG.format(field=FIELD_LABELS[name], limit=limit), field=name)
    return value


def _choice(data: Mapping[str, Any], name: str, allowed) -> str:
    value = _text(data, name)
    if value and value not in allowed:
        raise InvalidInput(CHOICE_UNKNOWN.format(field=FIELD_LABELS[name]), field=name)
    return value


def _date(data: Mapping[str, Any], name: str) -> dt.date | None:
    text = _text(data, name).replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        year, month, day = (int(part) for part in text.split("-"))
        value = dt.date(year, month, day)
    except ValueError:
        value = None
    if value is None or not 2000 <= value.year <= 2100:
        raise InvalidInput(DATE_INVALID.format(field=FIELD_LABELS[name]), field=name)
    return value


def audit_filters(data: Mapping[str, Any]) -> AuditFilters:
    """The search filters from a query string; a bad one raises InvalidInput naming its field."""
    filters = AuditFilters(
        user=_text(data, "user"),
        object_type=_choice(data, "object_type", OBJECT_TYPES),
        object_id=_text(data, "object_id"),
        action=_choice(data, "action", AuditAction.values),
        date_from=_date(data, "date_from"),
        date_to=_date(data, "date_to"),
    )
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        message = DATE_ORDER.format(
            later=FIELD_LABELS["date_to"], earlier=FIELD_LABELS["date_from"]
        )
        raise InvalidInput(message, field="date_to")
    return filters


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight starting `day` in the system's time zone (Asia/Shanghai): users count days there."""
    midnight = dt.datetime.combine(day, dt.time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def audit_events(*, user, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The rows in scope that match `filters`, each with its region's name, in one query."""
    require_audit_search(user)
    events = visible_audit_events(user)
    if filters.user:
        # A typed name that was no account is stored scrubbed: scrubbing the filter finds it.
        events = events.filter(actor_username__in={filters.user, scrub(filters.user)})
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=scrub(filters.object_id))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    region_model = apps.get_model("regions", "Region")
    names = region_model.objects.filter(code=OuterRef("region_code")).values("short_name")
    return events.annotate(region_name=Subquery(names[:1]))


def audit_search(
    *, user, filters: AuditFilters, cursor: str | None = None, limit: int | None = None
) -> Page[AuditEvent]:
    """One page of matching rows, newest first, by keyset on id (no COUNT, no OFFSET).

    core.pagination.keyset_page walks ascending ids; a trail is read from the latest row back,
    so this walks descending ids with the same cursor format.
    """
    events = audit_events(user=user, filters=filters)
    limit = min(limit or settings.PAGE_SIZE, 500)
    if cursor:
        events = events.filter(pk__lt=decode_cursor(cursor))
    rows = list(events.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].pk) if more else None)


# --- rows as the page and the exports show them ------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str = ""
    is_pair: bool = True

    def __str__(self) -> str:
        if self.is_pair:
            return f"{self.label}: {self.old} → {self.new}"
        return f"{self.label}: {self.old}"


@dataclass(frozen=True)
class AuditRow:
    pk: int
    at: dt.datetime
    username: str
    ip: str
    action: str
    action_code: str
    object_type: str
    object_id: str
    object_repr: str
    object_url: str
    region_code: str
    region_name: str
    outcome: str
    outcome_code: str
    changes: list[Change] = field(default_factory=list)

    @property
    def changes_text(self) -> str:
        return "; ".join(str(change) for change in self.changes)


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def object_type_label(label: str) -> str:
    if label in OBJECT_TYPES:
        return str(OBJECT_TYPES[label])
    model = _model(label)
    return str(model._meta.verbose_name) if model else label


def _field(model, name: str):
    if model is None:
        return None
    for candidate in (name, f"{name}_masked"):
        try:
            found = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        # A reverse relation (a meeting's "speakers") has no label or choices of its own: the
        # change is shown under its key, as for any other name that is not a field.
        if not found.auto_created or found.concrete:
            return found
    return None


def _value(value: Any, model_field=None) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, Mapping):
        parts = (f"{_change_label(None, k)}={_filter_value(k, v)}" for k, v in value.items())
        return ", ".join(parts)
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _filter_value(name: str, value: Any) -> str:
    """A recorded search filter as the filter form showed it."""
    if name == "object_type" and isinstance(value, str):
        return object_type_label(value)
    if name == "action" and isinstance(value, str):
        return str(dict(AuditAction.choices).get(value, value))
    return _value(value)


def _change_label(model, name: str) -> str:
    model_field = _field(model, name)
    if model_field is not None:
        return str(model_field.verbose_name)
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    return str(CHANGE_LABELS.get(name, name))


def _changes(object_type: str, changes: Any) -> list[Change]:
    if not isinstance(changes, Mapping):
        return []
    model = _model(object_type)
    shown = []
    for name, value in changes.items():
        label = _change_label(model, name)
        model_field = _field(model, name)
        if isinstance(value, list) and len(value) == 2:
            old, new = (_value(v, model_field) for v in value)
            if old == new == EMPTY:
                continue  # a blank field of a new record: nothing to read
            shown.append(Change(label=label, old=old, new=new))
        else:
            shown.append(Change(label=label, old=_value(value, model_field), is_pair=False))
    return shown


def _object_url(event: AuditEvent) -> str:
    name = OBJECT_PAGES.get(event.object_type)
    if not name or not event.object_id:
        return ""
    try:
        return reverse(name, args=[event.object_id])
    except NoReverseMatch:
        return ""


def present(event: AuditEvent) -> AuditRow:
    """An audit row in the reader's language and time zone; needs no query."""
    return AuditRow(
        pk=event.pk,
        at=timezone.localtime(event.at, timezone.get_default_timezone()),
        username=event.actor_username,
        ip=event.ip or "",
        action=str(dict(AuditAction.choices).get(event.action, event.action)),
        action_code=event.action,
        object_type=object_type_label(event.object_type) if event.object_type else "",
        object_id=event.object_id,
        object_repr=event.object_repr,
        object_url=_object_url(event),
        region_code=event.region_code,
        region_name=getattr(event, "region_name", None) or "",
        outcome=str(dict(AuditOutcome.choices).get(event.outcome, event.outcome)),
        outcome_code=event.outcome,
        changes=_changes(event.object_type, event.changes),
    )
