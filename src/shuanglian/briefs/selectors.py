"""Reads of briefs and of the statistical tables, through the user's scope.

Briefs and tables are region documents: administrators, and officers and viewers of the region or
above, read them. Unit administrators and cadres have no region: for them they do not exist.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.briefs.models import Brief
from shuanglian.core.access import prefix_q, user_scope
from shuanglian.core.errors import NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.regions.models import Region
from shuanglian.regions.selectors import REGION_NOT_FOUND, region_filter_prefix, region_get

BRIEF_NOT_FOUND = _("No brief with id {id}.")


def reads_regions(user) -> bool:
    scope = user_scope(user)
    return scope.everything or bool(scope.region_code)


def visible_briefs(user) -> QuerySet[Brief]:
    scope = user_scope(user)
    if not reads_regions(user):
        return Brief.objects.none()
    return Brief.objects.filter(scope.region_q("region_id"))


def brief_list(
    *, user, region: str | None = None, cursor: str | None = None, limit: int | None = None
) -> Page[Brief]:
    briefs = visible_briefs(user).select_related("region")
    if prefix := region_filter_prefix(user=user, value=region):
        briefs = briefs.filter(prefix_q("region_id", prefix))
    return keyset_page(briefs, cursor=cursor, limit=limit)


def brief_get(*, user, pk) -> Brief:
    brief = (
        visible_briefs(user)
        .select_related("region", "previous", "created_by", "finalised_by")
        .filter(pk=pk)
        .first()
    )
    if brief is None:
        raise NotFound(BRIEF_NOT_FOUND.format(id=pk), field="id")
    return brief


def table_region(*, user, code: str) -> Region:
    """The region of a statistical table, for those who read region documents."""
    if not reads_regions(user):
        raise NotFound(REGION_NOT_FOUND.format(code=code), field="code")
    return region_get(user=user, code=code)
