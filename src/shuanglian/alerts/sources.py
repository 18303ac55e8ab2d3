"""Where alerts come from: a registry of sources, one per kind.

A source says, as one queryset, which records are in the alert's condition *now*; the refresh
(services.alerts_refresh) turns that into set-based SQL that opens and closes alerts. Each row of
a source's queryset carries exactly the columns in `COLUMNS` (annotations, see `row()`).

Extension point: another app adds a kind from its AppConfig.ready():

    from shuanglian.alerts.sources import AlertSource, register, row

    register(AlertSource(kind="monitoring_overdue", label=_("monitoring step overdue"),
                         candidates=lambda today: row(MonitoringStep.objects.filter(...), ...),
                         link=lambda alert: reverse("monitoring:case", args=[alert.link_id])))
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Substr
from django.urls import reverse
from django.utils.functional import Promise

from shuanglian.alerts.models import AlertKind

# The columns every source's queryset yields, as annotation names (prefixed so they cannot
# clash with a model's own fields).
COLUMNS = ("a_object", "a_region", "a_household", "a_unit", "a_link", "a_ref", "a_title")


def _null(field):
    # A typed NULL: PostgreSQL cannot insert an untyped NULL from a derived table into a bigint
    # or date column.
    return Cast(Value(None), field)


def row(
    queryset: QuerySet, *, object, region, title, household=None, unit=None, link=None, ref=None
):
    """The queryset reduced to the alert columns. Arguments are expressions or field names;
    None becomes a typed NULL."""

    def expr(value, field):
        if value is None:
            return _null(field)
        return F(value) if isinstance(value, str) else value

    return queryset.annotate(
        a_object=expr(object, BigIntegerField()),
        a_region=expr(region, CharField()),
        a_household=expr(household, BigIntegerField()),
        a_unit=expr(unit, BigIntegerField()),
        a_link=expr(link if link is not None else object, BigIntegerField()),
        a_ref=expr(ref, DateField()),
        a_title=Substr(expr(title, CharField()), 1, 200),
    ).values(*COLUMNS)


@dataclass(frozen=True)
class AlertSource:
    kind: str
    label: str | Promise
    # today → a queryset of COLUMNS rows: the records in the condition on that day.
    candidates: Callable[[dt.date], QuerySet]
    # An alert → the address of the record it is about.
    link: Callable[[object], str]


SOURCES: dict[str, AlertSource] = {}


def register(source: AlertSource) -> None:
    SOURCES[source.kind] = source


def kind_label(kind: str) -> str:
    source = SOURCES.get(kind)
    return str(source.label) if source else kind


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(source.label)) for kind, source in SOURCES.items()]


def link_of(alert) -> str:
    source = SOURCES.get(alert.kind)
    return source.link(alert) if source else ""


# The built-in sources ------------------------------------------------------------------------


def _current_pairing(household_ref="pk"):
    from shuanglian.pairings.models import HouseholdPairing

    return HouseholdPairing.objects.filter(household=OuterRef(household_ref), end_date__isnull=True)


def poor_without_cadre(today: dt.date) -> QuerySet:
    from shuanglian.households.models import Category, Household

    households = Household.objects.filter(category=Category.POOR).filter(
        ~Exists(_current_pairing())
    )
    return row(households, object="pk", region="village_id", household="pk", title="head_name")


def not_visited(today: dt.date) -> QuerySet:
    """Households with a responsible cadre, neither visited (voided visits do not count) nor
    newly paired within the last ALERT_VISIT_DAYS days."""
    from shuanglian.assistance.models import Visit
    from shuanglian.households.models import Household

    since = today - dt.timedelta(days=settings.ALERT_VISIT_DAYS)
    pairing = _current_pairing()
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk"), voided_at__isnull=True)
        .order_by()
        .values("household")
        .annotate(last=Max("visited_on"))
        .values("last")
    )
    start = Subquery(pairing.values("start_date")[:1])
    households = (
        Household.objects.filter(Exists(pairing))
        .annotate(
            a_start=start,
            a_seen=Greatest(Coalesce(Subquery(last_visit), start), start),
            a_cadre_unit=Subquery(pairing.values("cadre__unit_id")[:1]),
        )
        .filter(a_seen__lt=since)
    )
    return row(
        households,
        object="pk",
        region="village_id",
        household="pk",
        unit="a_cadre_unit",
        ref="a_seen",
        title="head_name",
    )


def measure_overdue(today: dt.date) -> QuerySet:
    from shuanglian.assistance.models import Measure, MeasureStatus

    measures = Measure.objects.filter(
        status__in=(MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS), due_date__lt=today
    )
    return row(
        measures,
        object="pk",
        region="plan__household__village_id",
        household="plan__household_id",
        unit=Coalesce("responsible_unit_id", "responsible_cadre__unit_id"),
        link="plan__household_id",
        ref="due_date",
        title="description",
    )


def follow_up_overdue(today: dt.date) -> QuerySet:
    from shuanglian.assistance.models import FollowUp, FollowUpStatus

    follow_ups = FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_date__lt=today)
    return row(
        follow_ups,
        object="pk",
        # A household's request lives in its village, a meeting's decision at the meeting's
        # place; one with neither is filed under its owner's home region.
        region=Coalesce(
            "household__village_id",
            "meeting__place_id",
            "owner_unit__home_region_id",
            "owner_cadre__unit__home_region_id",
        ),
        household="household_id",
        unit=Coalesce("owner_unit_id", "owner_cadre__unit_id"),
        link=Coalesce("household_id", "meeting_id"),
        ref="due_date",
        title="title",
    )


def project_stalled(today: dt.date) -> QuerySet:
    """Projects not yet accepted whose last step is older than ALERT_PROJECT_STALL_DAYS."""
    from shuanglian.projects.models import Project, ProjectStatus, ProjectStatusChange

    since = today - dt.timedelta(days=settings.ALERT_PROJECT_STALL_DAYS)
    last_step = (
        ProjectStatusChange.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(last=Max("changed_on"))
        .values("last")
    )
    projects = (
        Project.objects.exclude(status=ProjectStatus.ACCEPTED)
        .annotate(a_last=Subquery(last_step))
        .filter(a_last__lt=since)
    )
    return row(
        projects, object="pk", region="village_id", unit="lead_unit_id", ref="a_last", title="name"
    )


def _household_link(alert) -> str:
    return reverse("households:detail", args=[alert.household_id])


def _follow_up_link(alert) -> str:
    if alert.household_id:
        return _household_link(alert)
    if alert.link_id:
        return reverse("meetings:detail", args=[alert.link_id])
    return reverse("assistance:follow_up_list")


register(
    AlertSource(
        AlertKind.POOR_WITHOUT_CADRE,
        AlertKind.POOR_WITHOUT_CADRE.label,
        poor_without_cadre,
        _household_link,
    )
)
register(
    AlertSource(AlertKind.NOT_VISITED, AlertKind.NOT_VISITED.label, not_visited, _household_link)
)
register(
    AlertSource(
        AlertKind.MEASURE_OVERDUE,
        AlertKind.MEASURE_OVERDUE.label,
        measure_overdue,
        lambda alert: reverse("assistance:household_plans", args=[alert.household_id]),
    )
)
register(
    AlertSource(
        AlertKind.FOLLOW_UP_OVERDUE,
        AlertKind.FOLLOW_UP_OVERDUE.label,
        follow_up_overdue,
        _follow_up_link,
    )
)
register(
    AlertSource(
        AlertKind.PROJECT_STALLED,
        AlertKind.PROJECT_STALLED.label,
        project_stalled,
        lambda alert: reverse("projects:detail", args=[alert.object_id]),
    )
)
