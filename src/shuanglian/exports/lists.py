"""The lists that can be exported: for each, its scoped rows given the list page's filters, and
its columns.

Scope comes from each app's own `visible_*` selector, so a row out of the user's scope never
reaches a file; the filters are those of the list page, checked the same way and refused with
the same messages (the list selectors return one keyset page, not a queryset, so the filtering
is repeated here from the same parts: region_filter_prefix, the apps' choice constants).
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.assistance.models import Visit
from shuanglian.assistance.selectors import visible_visits
from shuanglian.core.access import prefix_q
from shuanglian.core.errors import InvalidInput
from shuanglian.core.phone import national
from shuanglian.households.models import Category, Household, HouseholdSearchKey, Member
from shuanglian.households.selectors import (
    CATEGORY_UNKNOWN,
    household_get,
    visible_households,
)
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.pairings.selectors import visible_household_pairings, visible_village_pairings
from shuanglian.projects.models import Funding, Project, ProjectStatus, ProjectType
from shuanglian.projects.selectors import (
    PROJECT_STATUS_INVALID,
    PROJECT_TYPE_INVALID,
    PROJECT_YEAR_INVALID,
    project_get,
    visible_fundings,
    visible_projects,
)
from shuanglian.regions.selectors import region_filter_prefix
from shuanglian.units.models import Cadre, Unit, UnitKind, UnitLevel
from shuanglian.units.selectors import UNIT_KIND_INVALID, UNIT_LEVEL_INVALID, visible_cadres

FILTER_NOT_A_NUMBER = _("{field}: enter the number of a record.")

# Kinds of cell: how the workbook writes them. IDs and phones are text so that Excel neither
# rounds an 18-digit number nor drops a leading zero.
TEXT, NUMBER, DATE, PERSONAL = "text", "number", "date", "personal"


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], Any]
    kind: str = TEXT
    # For personal data: the masked field shown by default and the reader that decrypts it.
    masked: str = ""
    reader: str = ""


@dataclass(frozen=True)
class ExportList:
    key: str
    title: Any
    model: type
    filters: tuple[str, ...]
    rows: Callable[[Any, Mapping[str, Any]], QuerySet]  # scoped and filtered, for counting
    shaped: Callable[[QuerySet], QuerySet]  # the same with what the columns read
    columns: tuple[Column, ...]
    list_url: str  # where the export page leads back to

    @property
    def object_type(self) -> str:
        return self.model._meta.label

    @property
    def personal_fields(self) -> tuple[str, ...]:
        return tuple(c.reader.removeprefix("reveal_") for c in self.columns if c.reader)

    def given_filters(self, params: Mapping[str, Any]) -> dict[str, str]:
        """The list filters present in a query string, as the audit row records them."""
        given = {name: str(params.get(name) or "").strip() for name in self.filters}
        return {name: value for name, value in given.items() if value}


def verbose(model, name: str):
    return model._meta.get_field(name).verbose_name


def attr(path: str) -> Callable[[Any], Any]:
    names = path.split("__")

    def read(obj):
        for name in names:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj

    return read


def display(name: str, path: str = "") -> Callable[[Any], Any]:
    """The label of a choice field (of `obj` or of the object at `path`)."""
    owner = attr(path) if path else (lambda obj: obj)

    def read(obj):
        target = owner(obj)
        return getattr(target, f"get_{name}_display")() if target is not None else None

    return read


def yes_no(path: str) -> Callable[[Any], Any]:
    read = attr(path)
    return lambda obj: pgettext_lazy("export value", "yes") if read(obj) else ""


def personal(model, field: str) -> Column:
    return Column(
        verbose(model, f"{field}_masked"),
        attr(f"{field}_masked"),
        PERSONAL,
        masked=f"{field}_masked",
        reader=f"reveal_{field}",
    )


def reveal_value(column: Column, obj) -> str:
    value = getattr(obj, column.reader)() or ""
    return national(value) if value and column.reader == "reveal_phone" else value


# --- filters shared by several lists ---------------------------------------------------------


def _region(queryset, user, params, field: str):
    if prefix := region_filter_prefix(user=user, value=params.get("region")):
        queryset = queryset.filter(prefix_q(field, prefix))
    return queryset


def _choice(params, name: str, allowed, message) -> str:
    value = str(params.get(name) or "").strip()
    if value and value not in allowed:
        raise InvalidInput(message.format(value=value), field=name)
    return value


def _pk(params, name: str, label) -> int | None:
    value = str(params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(FILTER_NOT_A_NUMBER.format(field=label), field=name)
    return int(value)


# --- households and members (households:list: region, category, q) ---------------------------


def households(user, params) -> QuerySet[Household]:
    rows = _region(visible_households(user), user, params, "village_id")
    if category := _choice(params, "category", Category.values, CATEGORY_UNKNOWN):
        rows = rows.filter(category=category)
    if q := str(params.get("q") or "").strip():
        key = q.lower() if q.isascii() else q
        matching = HouseholdSearchKey.objects.filter(key__gte=key, key__lt=key + "\uffff")
        rows = rows.filter(pk__in=matching.values("household_id"))
    return rows


def _with_cadre(rows: QuerySet[Household]) -> QuerySet[Household]:
    current = HouseholdPairing.objects.filter(household=OuterRef("pk"), end_date__isnull=True)
    return rows.select_related("village").annotate(
        cadre_name=Subquery(current.values("cadre__name")[:1]),
        cadre_unit=Subquery(current.values("cadre__unit__name")[:1]),
    )


def members(user, params) -> QuerySet[Member]:
    return Member.objects.filter(household__in=households(user, params).values("pk"))


VILLAGE_CODE = pgettext_lazy("export column", "Village code")
VILLAGE = pgettext_lazy("export column", "Village")
HOUSEHOLD_NUMBER = pgettext_lazy("export column", "Household number")
HEAD = pgettext_lazy("export column", "Head of household")
CADRE = pgettext_lazy("export column", "Cadre")
UNIT = pgettext_lazy("export column", "Unit")
PROJECT = pgettext_lazy("export column", "Project")
VOIDED = pgettext_lazy("export column", "Voided")
FUNDED = pgettext_lazy("export column", "Funds received (yuan)")

HOUSEHOLD_COLUMNS = (
    Column(HOUSEHOLD_NUMBER, attr("number")),
    Column(HEAD, attr("head_name")),
    personal(Household, "phone"),
    Column(VILLAGE_CODE, attr("village_id")),
    Column(VILLAGE, attr("village__short_name")),
    Column(verbose(Household, "address"), attr("address")),
    Column(verbose(Household, "category"), display("category")),
    Column(verbose(Household, "poverty_cause_main"), display("poverty_cause_main")),
    Column(verbose(Household, "member_count"), attr("member_count"), NUMBER),
    Column(CADRE, attr("cadre_name")),
    Column(UNIT, attr("cadre_unit")),
)

MEMBER_COLUMNS = (
    Column(HOUSEHOLD_NUMBER, attr("household__number")),
    Column(VILLAGE, attr("household__village__short_name")),
    Column(verbose(Member, "name"), attr("name")),
    personal(Member, "id_number"),
    Column(verbose(Member, "relation"), display("relation")),
    Column(verbose(Member, "sex"), display("sex")),
    Column(verbose(Member, "birth_date"), attr("birth_date"), DATE),
    Column(verbose(Member, "ethnicity"), attr("ethnicity")),
    Column(verbose(Member, "education"), display("education")),
    Column(verbose(Member, "health"), display("health")),
    Column(verbose(Member, "labour"), display("labour")),
    Column(verbose(Member, "work_status"), display("work_status")),
    Column(verbose(Member, "is_active"), yes_no("is_active")),
)


# --- cadres (units:list: region, kind, level, q) ----------------------------------------------


def cadres(user, params) -> QuerySet[Cadre]:
    rows = visible_cadres(user)
    units = Unit.objects.all()
    narrowed = False
    if prefix := region_filter_prefix(user=user, value=params.get("region")):
        paired = VillagePairing.objects.filter(prefix_q("village_id", prefix)).values("unit_id")
        units = units.filter(prefix_q("home_region_id", prefix) | Q(pk__in=paired))
        narrowed = True
    if kind := _choice(params, "kind", UnitKind.values, UNIT_KIND_INVALID):
        units, narrowed = units.filter(kind=kind), True
    if level := _choice(params, "level", UnitLevel.values, UNIT_LEVEL_INVALID):
        units, narrowed = units.filter(level=level), True
    if q := str(params.get("q") or "").strip():
        units, narrowed = units.filter(Q(name__contains=q) | Q(short_name__contains=q)), True
    return rows.filter(unit__in=units.values("pk")) if narrowed else rows


CADRE_COLUMNS = (
    Column(UNIT, attr("unit__name")),
    Column(verbose(Cadre, "name"), attr("name")),
    Column(verbose(Cadre, "position"), attr("position")),
    Column(verbose(Cadre, "rank"), display("rank")),
    personal(Cadre, "id_number"),
    personal(Cadre, "phone"),
    Column(verbose(Cadre, "is_active"), yes_no("is_active")),
)


# --- pairings (region) ------------------------------------------------------------------------


def village_pairings(user, params) -> QuerySet[VillagePairing]:
    return _region(visible_village_pairings(user), user, params, "village_id")


def household_pairings(user, params) -> QuerySet[HouseholdPairing]:
    return _region(visible_household_pairings(user), user, params, "household__village_id")


VILLAGE_PAIRING_COLUMNS = (
    Column(UNIT, attr("unit__name")),
    Column(VILLAGE_CODE, attr("village_id")),
    Column(VILLAGE, attr("village__short_name")),
    Column(verbose(VillagePairing, "role"), display("role")),
    Column(verbose(VillagePairing, "start_date"), attr("start_date"), DATE),
    Column(verbose(VillagePairing, "end_date"), attr("end_date"), DATE),
)

HOUSEHOLD_PAIRING_COLUMNS = (
    Column(HOUSEHOLD_NUMBER, attr("household__number")),
    Column(HEAD, attr("household__head_name")),
    Column(VILLAGE, attr("household__village__short_name")),
    Column(CADRE, attr("cadre__name")),
    Column(UNIT, attr("cadre__unit__name")),
    Column(verbose(HouseholdPairing, "start_date"), attr("start_date"), DATE),
    Column(verbose(HouseholdPairing, "end_date"), attr("end_date"), DATE),
)


# --- visits (assistance:household_visits: the household; also region) -------------------------

HOUSEHOLD_FILTER = pgettext_lazy("export filter", "Household")
PROJECT_FILTER = pgettext_lazy("export filter", "Project")


def visits(user, params) -> QuerySet[Visit]:
    rows = _region(visible_visits(user), user, params, "household__village_id")
    if (pk := _pk(params, "household", HOUSEHOLD_FILTER)) is not None:
        # The visits page of a household out of scope is a 404: so is its export.
        rows = rows.filter(household=household_get(user=user, pk=pk))
    return rows


VISIT_COLUMNS = (
    Column(verbose(Visit, "visited_on"), attr("visited_on"), DATE),
    Column(HOUSEHOLD_NUMBER, attr("household__number")),
    Column(HEAD, attr("household__head_name")),
    Column(VILLAGE, attr("household__village__short_name")),
    Column(CADRE, attr("cadre__name")),
    Column(verbose(Visit, "mode"), display("mode")),
    Column(verbose(Visit, "discussion"), attr("discussion")),
    Column(verbose(Visit, "satisfaction"), attr("satisfaction"), NUMBER),
    Column(VOIDED, yes_no("voided_at")),
)


# --- projects and the fund ledger (projects:list: region, type, status, year) -----------------


def projects(user, params) -> QuerySet[Project]:
    rows = _region(visible_projects(user), user, params, "village_id")
    if kind := _choice(params, "type", ProjectType.values, PROJECT_TYPE_INVALID):
        rows = rows.filter(type=kind)
    if status := _choice(params, "status", ProjectStatus.values, PROJECT_STATUS_INVALID):
        rows = rows.filter(status=status)
    if year := str(params.get("year") or "").strip():
        if not year.isdigit():
            raise InvalidInput(PROJECT_YEAR_INVALID.format(value=year), field="year")
        rows = rows.filter(year=int(year))
    return rows


def fundings(user, params) -> QuerySet[Funding]:
    rows = _region(visible_fundings(user), user, params, "project__village_id")
    if (pk := _pk(params, "project", PROJECT_FILTER)) is not None:
        rows = rows.filter(project=project_get(user=user, pk=pk))
    return rows


PROJECT_COLUMNS = (
    Column(VILLAGE_CODE, attr("village_id")),
    Column(VILLAGE, attr("village__short_name")),
    Column(verbose(Project, "name"), attr("name")),
    Column(verbose(Project, "type"), display("type")),
    Column(verbose(Project, "year"), attr("year"), NUMBER),
    Column(verbose(Project, "quantity"), attr("quantity"), NUMBER),
    Column(verbose(Project, "quantity_unit"), attr("quantity_unit")),
    Column(verbose(Project, "budget"), attr("budget"), NUMBER),
    Column(FUNDED, lambda p: Decimal(p.funded or 0).quantize(Decimal("0.01")), NUMBER),
    Column(UNIT, attr("lead_unit__name")),
    Column(verbose(Project, "status"), display("status")),
    Column(verbose(Project, "progress"), attr("progress"), NUMBER),
)

FUNDING_COLUMNS = (
    Column(verbose(Funding, "received_on"), attr("received_on"), DATE),
    Column(PROJECT, attr("project__name")),
    Column(VILLAGE, attr("project__village__short_name")),
    Column(verbose(Funding, "source"), display("source")),
    Column(verbose(Funding, "amount"), attr("amount"), NUMBER),
    Column(UNIT, attr("unit__name")),
    Column(CADRE, attr("raised_by__name")),
    Column(verbose(Funding, "note"), attr("note")),
)


LISTS: dict[str, ExportList] = {
    spec.key: spec
    for spec in (
        ExportList(
            "households",
            pgettext_lazy("export list", "Households"),
            Household,
            ("region", "category", "q"),
            households,
            _with_cadre,
            HOUSEHOLD_COLUMNS,
            "households:list",
        ),
        ExportList(
            "members",
            pgettext_lazy("export list", "Household members"),
            Member,
            ("region", "category", "q"),
            members,
            lambda rows: rows.select_related("household", "household__village"),
            MEMBER_COLUMNS,
            "households:list",
        ),
        ExportList(
            "cadres",
            pgettext_lazy("export list", "Cadres"),
            Cadre,
            ("region", "kind", "level", "q"),
            cadres,
            lambda rows: rows.select_related("unit"),
            CADRE_COLUMNS,
            "units:list",
        ),
        ExportList(
            "village-pairings",
            pgettext_lazy("export list", "Unit–village pairings"),
            VillagePairing,
            ("region",),
            village_pairings,
            lambda rows: rows.select_related("unit", "village"),
            VILLAGE_PAIRING_COLUMNS,
            "units:list",
        ),
        ExportList(
            "household-pairings",
            pgettext_lazy("export list", "Cadre–household pairings"),
            HouseholdPairing,
            ("region",),
            household_pairings,
            lambda rows: rows.select_related(
                "household", "household__village", "cadre", "cadre__unit"
            ),
            HOUSEHOLD_PAIRING_COLUMNS,
            "units:list",
        ),
        ExportList(
            "visits",
            pgettext_lazy("export list", "Visits"),
            Visit,
            ("region", "household"),
            visits,
            lambda rows: rows.select_related("household", "household__village", "cadre"),
            VISIT_COLUMNS,
            "households:list",
        ),
        ExportList(
            "projects",
            pgettext_lazy("export list", "Projects"),
            Project,
            ("region", "type", "status", "year"),
            projects,
            lambda rows: rows.select_related("village", "lead_unit").annotate(
                funded=Sum("fundings__amount")
            ),
            PROJECT_COLUMNS,
            "projects:list",
        ),
        ExportList(
            "fundings",
            pgettext_lazy("export list", "Fund ledger"),
            Funding,
            ("region", "project"),
            fundings,
            lambda rows: rows.select_related("project", "project__village", "unit", "raised_by"),
            FUNDING_COLUMNS,
            "projects:list",
        ),
    )
}


def cell_values(spec: ExportList, obj, *, reveal: bool) -> list[Any]:
    values = []
    for column in spec.columns:
        if column.kind == PERSONAL and reveal:
            values.append(reveal_value(column, obj))
        else:
            value = column.value(obj)
            values.append(str(value) if value is not None and column.kind == TEXT else value)
    return values


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
