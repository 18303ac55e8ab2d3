"""Which dashboards a user may open, and their figures (read from the rollups only)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import prefix_q, region_prefix, user_scope
from shuanglian.core.errors import NotFound
from shuanglian.dashboard import figures
from shuanglian.dashboard.models import HolderKind
from shuanglian.pairings.models import VillagePairing
from shuanglian.regions.models import Region
from shuanglian.regions.selectors import REGION_NOT_FOUND, region_ancestors, region_get
from shuanglian.units.models import Cadre, Unit
from shuanglian.units.selectors import UNIT_NOT_FOUND, unit_get

NO_DASHBOARD = _("There is no dashboard for your account: it has no region, unit or cadre.")


@dataclass
class RegionDashboard:
    region: Region
    figures: figures.Figures
    ancestors: list[tuple[Region, bool]]
    children: list[tuple[Region, figures.Figures]] = field(default_factory=list)


def dashboard_region(*, user, code: str) -> RegionDashboard:
    """A region's dashboard: the region in the user's scope, its figures and its children's.

    Cadres see their own figures on their home page, not whole villages: for them every
    region dashboard is the same NotFound as a region that does not exist.
    """
    scope = user_scope(user)
    if scope.cadre_account_id:
        raise NotFound(REGION_NOT_FOUND.format(code=code), field="code")
    region = region_get(user=user, code=code)
    regions = []
    if region.child_level:
        regions = list(
            Region.objects.filter(scope.region_q("code"), parent=region).order_by("code")
        )
    own, summaries = figures.read(
        HolderKind.REGION, region.code, children=[child.code for child in regions]
    )
    return RegionDashboard(
        region=region,
        figures=own,
        ancestors=region_ancestors(user=user, region=region),
        children=[(child, summaries[child.code]) for child in regions],
    )


def may_see_unit_dashboard(user, unit: Unit) -> bool:
    """Whether `user` may see the unit's dashboard, whose figures count every village and cadre
    of the unit: administrators; officers and viewers whose region holds the unit's home region
    and every village it is paired with now; the unit's own administrator. Not cadres (their own
    figures are on their home page), nor the administrator of another unit sharing a village.
    """
    scope = user_scope(user)
    if scope.everything:
        return True
    if scope.region_code:
        prefix = region_prefix(scope.region_code)
        if not unit.home_region_id.startswith(prefix):
            return False
        elsewhere = VillagePairing.objects.filter(unit=unit, end_date__isnull=True).exclude(
            prefix_q("village_id", prefix)
        )
        return not elsewhere.exists()
    return scope.unit_id is not None and scope.unit_id == unit.pk


def dashboard_unit(*, user, pk: int) -> tuple[Unit, figures.Figures]:
    """A unit's dashboard, for those `may_see_unit_dashboard` lets in; for anyone else the
    same NotFound as a unit that does not exist."""
    unit = unit_get(user=user, pk=pk)
    if not may_see_unit_dashboard(user, unit):
        raise NotFound(UNIT_NOT_FOUND.format(id=pk), field="id")
    return unit, figures.read_one(HolderKind.UNIT, str(unit.pk))


def cadre_figures(cadre: Cadre) -> figures.Figures:
    """A cadre's own figures; the caller shows them only to that cadre (their home page)."""
    return figures.read_one(HolderKind.CADRE, str(cadre.pk))


def default_dashboard(user) -> tuple[str, object] | None:
    """Where /dashboard/ goes: ("region", code), ("unit", id), ("cadre", None) or None
    (an administrator chooses a province)."""
    scope = user_scope(user)
    if scope.region_code:
        return "region", scope.region_code
    if scope.unit_id:
        return "unit", scope.unit_id
    if scope.cadre_account_id:
        return "cadre", None
    if scope.everything:
        return None
    raise NotFound(NO_DASHBOARD)
