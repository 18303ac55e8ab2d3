"""Reads of alerts, always through the user's scope.

Officers and viewers see the alerts of their region; unit administrators those of the villages
their unit is paired with now and, among those about no household, the ones the unit is
responsible for; cadres those of the households paired with them now. Out of scope reads like
nonexistent.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from shuanglian.alerts.models import Alert, AlertDismissal, AlertRun
from shuanglian.alerts.sources import SOURCES, kind_label, link_of
from shuanglian.core.access import prefix_q, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.regions.models import PREFIX_LENGTH, Region
from shuanglian.regions.selectors import region_filter_prefix, region_get, region_roots

ALERT_NOT_FOUND = _("No alert with id {id}.")
ALERT_KIND_INVALID = _("{value} is not a kind of alert.")


def scope_q(user) -> Q:
    scope = user_scope(user)
    if scope.everything:
        return Q()
    if scope.region_code:
        return scope.region_q("region_id")
    if scope.unit_id:
        # An alert about a household follows the household's scope (the unit's villages now),
        # whichever unit it is tagged with: else its title would show a household that reads
        # as nonexistent. The unit's own alerts about no household stay visible anywhere.
        no_household = Q(household__isnull=True)
        return (~no_household & scope.household_q("household__")) | (
            no_household & (scope.region_q("region_id") | Q(unit_id=scope.unit_id))
        )
    if scope.cadre_account_id:
        return scope.household_q("household__")
    return Q(pk__in=[])


def visible_alerts(user) -> QuerySet[Alert]:
    return Alert.objects.filter(scope_q(user))


def _kind(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value not in SOURCES:
        raise InvalidInput(ALERT_KIND_INVALID.format(value=value), field="kind")
    return value


@dataclass
class InboxItem:
    alert: Alert
    label: str
    link: str
    dismissed: bool


def inbox(
    *,
    user,
    kind: str | None = None,
    region: str | None = None,
    dismissed: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[InboxItem]:
    """The user's open alerts, oldest first; `dismissed`: the ones they dismissed instead.

    One query a page, whatever the kinds: labels and links come from the registry and the row.
    """
    mine = AlertDismissal.objects.filter(alert=OuterRef("pk"), user=user)
    alerts = (
        visible_alerts(user)
        .filter(closed_at__isnull=True)
        .annotate(is_dismissed=Exists(mine))
        .filter(is_dismissed=dismissed)
        .select_related("region")
    )
    if kind := _kind(kind):
        alerts = alerts.filter(kind=kind)
    if prefix := region_filter_prefix(user=user, value=region):
        alerts = alerts.filter(prefix_q("region_id", prefix))
    page = keyset_page(alerts, cursor=cursor, limit=limit)
    items = [
        InboxItem(alert, kind_label(alert.kind), link_of(alert), alert.is_dismissed)
        for alert in page.items
    ]
    return Page(items=items, next_cursor=page.next_cursor)


def alert_get(*, user, pk) -> Alert:
    alert = visible_alerts(user).select_related("region").filter(pk=pk).first()
    if alert is None:
        raise NotFound(ALERT_NOT_FOUND.format(id=pk), field="id")
    return alert


@dataclass
class DigestRow:
    region: Region
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Digest:
    region: Region | None
    kinds: list[tuple[str, str]]
    rows: list[DigestRow]
    totals: dict[str, int]
    last_run: AlertRun | None

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def digest(*, user, region: str | None = None) -> Digest:
    """Open alerts in scope by kind and by child region of `region` (or of where the user's
    view starts), for drilling down. One grouped query over the alerts."""
    parent = region_get(user=user, code=region) if region else None
    scope = user_scope(user)
    if parent is None and scope.region_code:
        parent = region_get(user=user, code=scope.region_code)
    if parent is not None:
        children = list(
            Region.objects.filter(scope.region_q("code"), parent=parent).order_by("code")
        )
        inside = Q(prefix_q("region_id", parent.prefix))
    else:
        children = region_roots(user=user)
        inside = Q()
    rows = {child.code: DigestRow(child) for child in children}
    width = PREFIX_LENGTH[children[0].level] if children else 12
    grouped = (
        visible_alerts(user)
        .filter(inside, closed_at__isnull=True)
        .annotate(child=Substr("region_id", 1, width))
        .values("child", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    totals: dict[str, int] = {}
    for item in grouped:
        totals[item["kind"]] = totals.get(item["kind"], 0) + item["n"]
        target = rows.get(item["child"].ljust(12, "0"))
        if target is not None:
            target.counts[item["kind"]] = target.counts.get(item["kind"], 0) + item["n"]
    kinds = [(kind, str(source.label)) for kind, source in SOURCES.items()]
    return Digest(
        region=parent,
        kinds=kinds,
        rows=list(rows.values()),
        totals=totals,
        last_run=AlertRun.objects.order_by("-id").first(),
    )
