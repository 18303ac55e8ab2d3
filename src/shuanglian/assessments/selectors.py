"""Reads of assessment schemes, always through the user's scope.

Who sees what:
- administrators: every scheme;
- region officers and viewers: the schemes whose region is their region or under it (a 郭嘉镇
  officer sees 郭嘉镇's schemes, not 秦安县's: those would list the work of other towns);
- unit administrators: published schemes their unit is assessed in — the ranking, and their own
  unit's scores, evidence and adjustments;
- cadres and everyone else: nothing.
Who changes a scheme (create, edit, indicators, compute, adjust, freeze, publish): administrators,
and region officers of the county level or above whose region holds the scheme's region.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.assessments import rules
from shuanglian.assessments.models import (
    Adjustment,
    Indicator,
    Scheme,
    SchemeStatus,
    Score,
    UnitResult,
)
from shuanglian.core.access import prefix_q, region_prefix, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page

SCHEME_NOT_FOUND = _("No assessment scheme with id {id}.")
RESULT_NOT_FOUND = _("No assessment result with id {id}.")
SCORE_NOT_FOUND = _("No score with id {id}.")
INDICATOR_NOT_FOUND = _("No indicator with id {id}.")
ADJUSTMENT_NOT_FOUND = _("No adjustment with id {id}.")
INDICATOR_NOT_IN_SCHEME = _("No indicator with id {id} in this scheme.")

# Region code prefixes of the county level or above (province 2, city 4, county 6 digits).
COUNTY_PREFIX_LENGTH = 6


def may_manage_region(user, region_code: str) -> bool:
    scope = user_scope(user)
    if scope.everything:
        return True
    if not (scope.writable and scope.region_code):
        return False
    if len(region_prefix(scope.region_code)) > COUNTY_PREFIX_LENGTH:
        return False
    return scope.covers_region(region_code)


def may_manage(user, scheme: Scheme) -> bool:
    return may_manage_region(user, scheme.region_id)


def may_create_schemes(user) -> bool:
    scope = user_scope(user)
    if scope.everything:
        return True
    return bool(
        scope.writable
        and scope.region_code
        and len(region_prefix(scope.region_code)) <= COUNTY_PREFIX_LENGTH
    )


def visible_schemes(user) -> QuerySet[Scheme]:
    scope = user_scope(user)
    if scope.everything:
        return Scheme.objects.all()
    if scope.region_code:
        return Scheme.objects.filter(prefix_q("region_id", region_prefix(scope.region_code)))
    if scope.unit_id:
        return Scheme.objects.filter(
            status=SchemeStatus.PUBLISHED,
            pk__in=UnitResult.objects.filter(unit_id=scope.unit_id).values("scheme_id"),
        )
    return Scheme.objects.none()


def own_unit_only(user) -> int | None:
    """The unit a user is limited to within a visible scheme (unit administrators)."""
    scope = user_scope(user)
    if scope.everything or scope.region_code:
        return None
    return scope.unit_id


def scheme_list(*, user, cursor: str | None = None, limit: int | None = None) -> Page[Scheme]:
    return keyset_page(visible_schemes(user).select_related("region"), cursor=cursor, limit=limit)


def scheme_get(*, user, pk) -> Scheme:
    scheme = visible_schemes(user).select_related("region", "created_by").filter(pk=pk).first()
    if scheme is None:
        raise NotFound(SCHEME_NOT_FOUND.format(id=pk), field="id")
    return scheme


def scheme_indicators(*, scheme: Scheme) -> list[Indicator]:
    return list(scheme.indicators.all())


def indicator_get(*, user, pk) -> Indicator:
    indicator = (
        Indicator.objects.filter(scheme__in=visible_schemes(user), pk=pk)
        .select_related("scheme", "scheme__region")
        .first()
    )
    if indicator is None:
        raise NotFound(INDICATOR_NOT_FOUND.format(id=pk), field="id")
    return indicator


def visible_results(user) -> QuerySet[UnitResult]:
    results = UnitResult.objects.filter(scheme__in=visible_schemes(user))
    if (unit_id := own_unit_only(user)) is not None:
        results = results.filter(unit_id=unit_id)
    return results


def result_get(*, user, pk) -> UnitResult:
    result = (
        visible_results(user)
        .select_related("scheme", "scheme__region", "unit")
        .filter(pk=pk)
        .first()
    )
    if result is None:
        raise NotFound(RESULT_NOT_FOUND.format(id=pk), field="id")
    return result


def result_scores(*, result: UnitResult) -> list[Score]:
    return list(result.scores.select_related("indicator"))


def result_adjustments(*, result: UnitResult) -> list[Adjustment]:
    return list(result.adjustments.select_related("created_by"))


def score_get(*, user, pk) -> Score:
    score = (
        Score.objects.filter(result__in=visible_results(user), pk=pk)
        .select_related("indicator", "result", "result__unit", "scheme", "scheme__region")
        .first()
    )
    if score is None:
        raise NotFound(SCORE_NOT_FOUND.format(id=pk), field="id")
    return score


def adjustment_get(*, user, pk) -> Adjustment:
    adjustment = (
        Adjustment.objects.filter(result__in=visible_results(user), pk=pk)
        .select_related("result", "result__unit", "scheme")
        .first()
    )
    if adjustment is None:
        raise NotFound(ADJUSTMENT_NOT_FOUND.format(id=pk), field="id")
    return adjustment


def scheme_adjustments(*, user, scheme: Scheme) -> list[Adjustment]:
    adjustments = Adjustment.objects.filter(scheme=scheme, result__in=visible_results(user))
    return list(adjustments.select_related("result__unit", "created_by"))


# Evidence -------------------------------------------------------------------------------------

EVIDENCE_RELATED = {
    "visits": ("household", "cadre"),
    "satisfaction": ("household", "cadre"),
    "measures": ("plan__household",),
    "follow_ups": ("household", "meeting", "owner_cadre", "owner_unit"),
    "funds": ("project", "raised_by"),
    "projects": ("project", "changed_by"),
    "exits": ("household",),
    "income": ("household",),
}


def score_evidence(*, score: Score, cursor: str | None = None, limit: int | None = None) -> Page:
    """The records behind a score: the rule's selector restricted to the unit (keyset pages)."""
    rule = score.indicator.rule
    records = rules.records(score.scheme, rule, unit_id=score.result.unit_id)
    return keyset_page(records.select_related(*EVIDENCE_RELATED[rule]), cursor=cursor, limit=limit)


def evidence_count(*, score: Score) -> int:
    """How many records the evidence lists now (one COUNT over one unit's records)."""
    rule = score.indicator.rule
    return rules.records(score.scheme, rule, unit_id=score.result.unit_id).count()


# Rankings -------------------------------------------------------------------------------------


def ranked(rows, key) -> list[tuple[int, object]]:
    """Competition ranking (1, 1, 3): equal values share a rank, the next rank skips."""
    out, rank, previous = [], 0, object()
    for position, row in enumerate(rows, start=1):
        value = key(row)
        if value != previous:
            rank, previous = position, value
        out.append((rank, row))
    return out


def scheme_ranking(*, scheme: Scheme, indicator: Indicator | None = None) -> list:
    """All units of the scheme by total (or by one indicator's score), ties sharing a rank.

    Two queries: the results, and (by indicator) the indicator's scores. Nothing while the
    scores are not computed (or were discarded by a change of the scheme): the rows left then
    are only the adjustments' units, without scores.
    """
    if scheme.computed_at is None:
        return []
    if indicator is None:
        results = scheme.results.select_related("unit").order_by("-total", "unit__name", "id")
        return ranked(list(results), key=lambda result: result.total)
    scores = (
        Score.objects.filter(indicator=indicator)
        .select_related("result", "result__unit")
        .order_by("-score", "result__unit__name", "id")
    )
    return ranked(list(scores), key=lambda score: score.score)


def ranking_indicator(*, scheme: Scheme, value) -> Indicator | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = None
    indicator = scheme.indicators.filter(pk=pk).first() if pk is not None else None
    if indicator is None:
        raise InvalidInput(INDICATOR_NOT_IN_SCHEME.format(id=value), field="indicator")
    return indicator
