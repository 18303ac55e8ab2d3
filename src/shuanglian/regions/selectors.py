"""Reads of the region tree, always through the user's scope."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import prefix_q, region_prefix, user_scope
from shuanglian.core.chinese import short_region_name
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.households.models import Category, Household
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.regions.models import PREFIX_LENGTH, Level, Region

REGION_NOT_FOUND = _("No region with code {code}.")
REGION_CODE_INVALID = _("{value} is not a region code (2 to 12 digits).")


@dataclass
class RegionCounts:
    region: Region
    units: int = 0
    cadres: int = 0
    households: dict[str, int] = field(default_factory=dict)

    @property
    def households_total(self) -> int:
        return sum(self.households.values())

    def by_category(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.households.get(value, 0)) for value, label in Category.choices]


def visible_regions(user):
    return Region.objects.filter(user_scope(user).region_q("code"))


def region_get(*, user, code: str) -> Region:
    """A region in the user's scope; anything else, existing or not, is the same NotFound."""
    code = (code or "").strip()
    if len(code) < 12 and code.isdigit():
        code = code.ljust(12, "0")
    region = visible_regions(user).select_related("parent").filter(code=code).first()
    if region is None:
        raise NotFound(REGION_NOT_FOUND.format(code=code), field="code")
    return region


def region_for_input(
    *, user, code: str, field: str, level: str | None = None, level_message=None
) -> Region:
    """A region code a user typed (a household's village, a unit's home region), as they may see it.

    Unknown and out of scope give the same message, so a form cannot be used to probe for regions
    outside one's area. With `level`, a region of another level is refused with `level_message`
    ({name}, {code}, {level}).
    """
    try:
        region = region_get(user=user, code=code)
    except NotFound:
        raise InvalidInput(
            REGION_NOT_FOUND.format(code=(code or "").strip()), field=field
        ) from None
    if level is not None and region.level != level:
        raise InvalidInput(
            level_message.format(
                name=region.name, code=region.code, level=region.get_level_display()
            ),
            field=field,
        )
    return region


def region_filter_prefix(*, user, value: str | None, field: str = "region") -> str | None:
    """The code prefix a list's `region` filter stands for (2 to 12 digits, any level).

    The filter narrows what the user may see anyway, so a region outside their scope simply
    lists nothing; the region tree itself is public (NBS codes), so an unknown code can be told
    apart and is refused. Blank means no filter (None).
    """
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isdigit() and 2 <= len(value) <= 12):
        raise InvalidInput(REGION_CODE_INVALID.format(value=value), field=field)
    code = value.ljust(12, "0")
    if not Region.objects.filter(code=code).exists():
        raise InvalidInput(REGION_NOT_FOUND.format(code=value), field=field)
    return region_prefix(code)


def region_roots(*, user) -> list[Region]:
    """Where the user's drill-down starts: all provinces, or the region of their scope."""
    scope = user_scope(user)
    if scope.everything:
        return list(Region.objects.filter(level=Level.PROVINCE))
    if scope.region_code:
        return list(Region.objects.filter(code=scope.region_code))
    # Unit administrators and cadres start from the villages they work in.
    return list(Region.objects.filter(scope.region_q("code")).order_by("code"))


def region_ancestors(*, user, region: Region) -> list[tuple[Region, bool]]:
    """Province down to the parent, for breadcrumbs, each with whether the user may open it.

    Ancestors above the user's own region are named (names are not personal data) but not theirs.
    """
    codes = [
        region.code[:length].ljust(12, "0")
        for level, length in PREFIX_LENGTH.items()
        if length < PREFIX_LENGTH[region.level]
    ]
    scope = user_scope(user)
    ancestors = Region.objects.filter(code__in=codes).order_by("code")
    return [(ancestor, scope.covers_region(ancestor.code)) for ancestor in ancestors]


def region_children(*, user, region: Region) -> list[RegionCounts]:
    """The children of a region, each with its units, cadres and households by category.

    Counts group by the code prefix of the child level, so each is one indexed range query.
    """
    child_level = region.child_level
    if child_level is None:
        return []
    children = list(visible_regions(user).filter(parent=region).order_by("code"))
    rows = {child.code: RegionCounts(region=child) for child in children}
    if not rows:
        return []
    width = PREFIX_LENGTH[child_level]

    def child_code(prefix: str) -> str:
        return prefix.ljust(12, "0")

    inside = region.prefix
    scope = user_scope(user)
    units = (
        VillagePairing.objects.filter(
            prefix_q("village_id", inside), scope.region_q("village_id"), end_date__isnull=True
        )
        .annotate(child=Substr("village_id", 1, width))
        .values("child")
        .annotate(n=Count("unit_id", distinct=True))
    )
    for row in units:
        if (target := rows.get(child_code(row["child"]))) is not None:
            target.units = row["n"]
    cadres = (
        HouseholdPairing.objects.filter(
            prefix_q("household__village_id", inside),
            scope.household_q("household__"),
            end_date__isnull=True,
        )
        .annotate(child=Substr("household__village_id", 1, width))
        .values("child")
        .annotate(n=Count("cadre_id", distinct=True))
    )
    for row in cadres:
        if (target := rows.get(child_code(row["child"]))) is not None:
            target.cadres = row["n"]
    households = (
        Household.objects.filter(prefix_q("village_id", inside), scope.household_q())
        .annotate(child=Substr("village_id", 1, width))
        .values("child", "category")
        .annotate(n=Count("id"))
    )
    for row in households:
        if (target := rows.get(child_code(row["child"]))) is not None:
            target.households[row["category"]] = row["n"]
    return list(rows.values())


def region_totals(*, user, region: Region) -> RegionCounts:
    """The same counts for the region itself."""
    inside = region.prefix
    scope = user_scope(user)
    totals = RegionCounts(region=region)
    totals.units = (
        VillagePairing.objects.filter(
            prefix_q("village_id", inside), scope.region_q("village_id"), end_date__isnull=True
        )
        .values("unit_id")
        .distinct()
        .count()
    )
    totals.cadres = (
        HouseholdPairing.objects.filter(
            prefix_q("household__village_id", inside),
            scope.household_q("household__"),
            end_date__isnull=True,
        )
        .values("cadre_id")
        .distinct()
        .count()
    )
    for row in (
        Household.objects.filter(prefix_q("village_id", inside), scope.household_q())
        .values("category")
        .annotate(n=Count("id"))
    ):
        totals.households[row["category"]] = row["n"]
    return totals


def region_search(*, user, q: str, limit: int = 20) -> list[Region]:
    """Regions whose short or official name starts with `q`, or whose code does."""
    q = (q or "").strip()
    if not q:
        return []
    query = Q(short_name__startswith=q) | Q(name__startswith=q)
    if q.isdigit():
        query |= Q(code__startswith=q)
    if short_region_name(q) != q:
        query |= Q(short_name__startswith=short_region_name(q))
    # The parent and grandparent tell apart the many villages that share a name.
    regions = visible_regions(user).select_related("parent", "parent__parent")
    return list(regions.filter(query).order_by("code")[:limit])
