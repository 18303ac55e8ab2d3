"""Reads of village projects and their fund ledger, always through the user's scope."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import can_write, prefix_q, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.projects.models import (
    Funding,
    FundingSource,
    Project,
    ProjectPhoto,
    ProjectStatus,
    ProjectStatusChange,
    ProjectType,
)
from shuanglian.regions.selectors import region_filter_prefix
from shuanglian.units.selectors import visible_cadres

PROJECT_NOT_FOUND = _("No project with id {id}.")
FUNDING_NOT_FOUND = _("No funding entry with id {id}.")
PHOTO_NOT_FOUND = _("No project photo with id {id}.")
PROJECT_TYPE_INVALID = _("{value} is not a project type.")
PROJECT_STATUS_INVALID = _("{value} is not a project status.")
PROJECT_YEAR_INVALID = _("{value} is not a year.")


CENT = Decimal("0.01")


def money(value) -> Decimal:
    """An amount in yuan to the cent: SQLite sums decimals without their scale."""
    return Decimal(value or 0).quantize(CENT)


def visible_projects(user) -> QuerySet[Project]:
    """Projects in the villages the user sees; a unit administrator also the projects the unit
    leads (it answers for them even where its pairing has ended).
    """
    scope = user_scope(user)
    if scope.everything:
        return Project.objects.all()
    if scope.nothing:
        return Project.objects.none()
    visible = scope.region_q("village_id")
    if scope.unit_id:
        visible |= Q(lead_unit_id=scope.unit_id)
    return Project.objects.filter(visible)


def may_write_project(user, project: Project) -> bool:
    """Officers who may write the village's registry, and the administrator of the lead unit.

    The lead unit answers for the project (its progress, its funds), so its own administrator
    keeps it up to date; officers of the unit's home region do not get the project through the
    unit (a city unit's project in a village of another county is that county's business).
    """
    if can_write(user, project.village_id):
        return True
    unit_id = user_scope(user).unit_id
    return unit_id is not None and unit_id == project.lead_unit_id


def may_create_projects(user) -> bool:
    """Officers anywhere, and unit administrators (for projects their unit leads)."""
    scope = user_scope(user)
    return scope.writable or scope.unit_id is not None


def project_list(
    *,
    user,
    region: str | None = None,
    type: str | None = None,
    status: str | None = None,
    year: int | str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Project]:
    projects = visible_projects(user).select_related("village", "village__parent", "lead_unit")
    if prefix := region_filter_prefix(user=user, value=region):
        projects = projects.filter(prefix_q("village_id", prefix))
    if type := (type or "").strip():
        if type not in ProjectType.values:
            raise InvalidInput(PROJECT_TYPE_INVALID.format(value=type), field="type")
        projects = projects.filter(type=type)
    if status := (status or "").strip():
        if status not in ProjectStatus.values:
            raise InvalidInput(PROJECT_STATUS_INVALID.format(value=status), field="status")
        projects = projects.filter(status=status)
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise InvalidInput(PROJECT_YEAR_INVALID.format(value=year), field="year") from None
        projects = projects.filter(year=year)
    projects = projects.annotate(funded=Sum("fundings__amount"))
    return keyset_page(projects, cursor=cursor, limit=limit)


def project_get(*, user, pk) -> Project:
    project = (
        visible_projects(user)
        .select_related("village", "village__parent", "lead_unit")
        .prefetch_related("contributing_units")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound(PROJECT_NOT_FOUND.format(id=pk), field="id")
    return project


def project_history(*, project: Project) -> list[ProjectStatusChange]:
    return list(project.status_changes.select_related("changed_by"))


def project_ledger(*, project: Project) -> list[Funding]:
    """The project's entries in date order, each with the entry reversing it (if any)."""
    fundings = project.fundings.select_related(
        "unit", "raised_by", "raised_by__unit", "created_by", "reverses", "reversed_by"
    )
    return list(fundings)


def project_photos(*, project: Project) -> list[ProjectPhoto]:
    return list(project.photos.order_by("-uploaded_at", "-id"))


def funding_raiser_choices(*, user, project: Project) -> list:
    """Cadres who may be named as having raised an entry's funds, for the funding form: active
    cadres of the project's lead and contributing units that the user sees (a whole region's
    cadres would make the list unusable).
    """
    unit_ids = {unit.pk for unit in project.contributing_units.all()}
    if project.lead_unit_id:
        unit_ids.add(project.lead_unit_id)
    cadres = visible_cadres(user).filter(unit_id__in=unit_ids, is_active=True)
    return list(cadres.select_related("unit").order_by("unit__name", "name", "id"))


def project_photo_get(*, user, pk) -> ProjectPhoto:
    """A photo, only for those who see the project."""
    photo = ProjectPhoto.objects.filter(project__in=visible_projects(user), pk=pk).first()
    if photo is None:
        raise NotFound(PHOTO_NOT_FOUND.format(id=pk), field="id")
    return photo


def visible_fundings(user) -> QuerySet[Funding]:
    return Funding.objects.filter(project__in=visible_projects(user))


def funding_get(*, user, pk) -> Funding:
    entry = (
        visible_fundings(user)
        .select_related("project", "project__village", "unit", "reverses")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise NotFound(FUNDING_NOT_FOUND.format(id=pk), field="id")
    return entry


@dataclass
class FundingTotals:
    """Sums of a ledger by source (reversals included, so a reversed entry counts nothing)."""

    by_source: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return money(sum(self.by_source.values(), Decimal("0")))

    def rows(self) -> list[tuple[str, str, Decimal]]:
        return [
            (value, label, self.by_source[value])
            for value, label in FundingSource.choices
            if value in self.by_source
        ]


def funding_totals(
    user, project: Project | None = None, unit=None, village: str | None = None
) -> FundingTotals:
    """Totals by source of the entries the user may see: of one project, of one contributing
    unit, and/or of a region (`village`: a village code or any region code prefix).
    """
    fundings = visible_fundings(user)
    if project is not None:
        fundings = fundings.filter(project=project)
    if unit is not None:
        fundings = fundings.filter(unit=unit)
    if prefix := region_filter_prefix(user=user, value=village, field="village"):
        fundings = fundings.filter(prefix_q("project__village_id", prefix))
    rows = fundings.values("source").annotate(total=Sum("amount")).order_by("source")
    return FundingTotals(by_source={row["source"]: money(row["total"]) for row in rows})
