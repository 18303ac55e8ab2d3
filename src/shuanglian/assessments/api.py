"""Unit assessment in the API: schemes, a unit's scores, the evidence of a score, the ranking,
adjustments (reading them, and adding one to a draft scheme)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from shuanglian.assessments import selectors, services
from shuanglian.assessments.evidence import evidence_row
from shuanglian.assessments.models import Rule, SchemeStatus
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import Forbidden
from shuanglian.projects.api import _body, _documented
from shuanglian.regions.api import RegionRef, region_ref
from shuanglian.units.api import UnitRef

router = Router(tags=["assessments"])

READ = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PageQuery(Schema):
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class SchemeItem(Schema):
    id: int
    name: str
    region: RegionRef
    period_start: dt.date
    period_end: dt.date
    status: SchemeStatus


class SchemePage(Schema):
    items: list[SchemeItem]
    next_cursor: str | None


class IndicatorOut(Schema):
    id: int
    rule: Rule
    name: str
    weight: Decimal
    target: Decimal
    floor: Decimal


class SchemeDetail(SchemeItem):
    computed_at: dt.datetime | None
    frozen_at: dt.datetime | None
    published_at: dt.datetime | None
    indicators: list[IndicatorOut]


class ScoreOut(Schema):
    id: int
    indicator: int
    value: Decimal | None
    basis: int = Field(description="Number of evidence records behind the value.")
    denominator: Decimal | None
    score: Decimal


class AdjustmentOut(Schema):
    id: int
    result: int
    unit: UnitRef
    points: Decimal
    reason: str
    document_url: str | None
    created_at: dt.datetime


class ResultOut(Schema):
    id: int
    scheme: int
    unit: UnitRef
    villages: int
    households: int
    computed: Decimal
    adjustment: Decimal
    total: Decimal
    scores: list[ScoreOut]
    adjustments: list[AdjustmentOut]


class RankingRow(Schema):
    rank: int
    result: int
    unit: UnitRef
    score: Decimal = Field(description="The total, or the indicator's score.")
    computed: Decimal
    adjustment: Decimal
    total: Decimal


class RankingQuery(Schema):
    indicator: str | None = Field(None, description="Rank by this indicator (its id).")


class EvidenceOut(Schema):
    id: int
    date: dt.date | None
    household_id: int | None
    household: str
    who: str
    detail: str
    figure: str


class EvidencePage(Schema):
    items: list[EvidenceOut]
    next_cursor: str | None


class AdjustmentIn(Schema):
    points: Decimal = Field(description="From -100 to 100, not 0.")
    reason: str


def _unit(unit) -> dict:
    return {"id": unit.pk, "name": unit.name}


def _item(scheme) -> dict:
    return {
        "id": scheme.pk,
        "name": scheme.name,
        "region": region_ref(scheme.region),
        "period_start": scheme.period_start,
        "period_end": scheme.period_end,
        "status": scheme.status,
    }


def _adjustment(adjustment) -> dict:
    url = f"/assessments/adjustments/{adjustment.pk}/document/" if adjustment.document else None
    return {
        "id": adjustment.pk,
        "result": adjustment.result_id,
        "unit": _unit(adjustment.result.unit),
        "points": adjustment.points,
        "reason": adjustment.reason,
        "document_url": url,
        "created_at": adjustment.created_at,
    }


@router.get(
    "",
    response={200: SchemePage, 400: ErrorOut, **READ},
    summary="Assessment schemes in scope",
    operation_id="assessment_scheme_list",
)
def schemes_list(request: HttpRequest, query: Query[PageQuery]):
    page = selectors.scheme_list(user=request.user, cursor=query.cursor, limit=query.limit)
    return {"items": [_item(scheme) for scheme in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/results/{result_id}",
    response={200: ResultOut, **READ},
    summary="A unit's result: its scores and adjustments",
    operation_id="assessment_result_get",
)
def result_get(request: HttpRequest, result_id: int):
    result = selectors.result_get(user=request.user, pk=result_id)
    adjustments = selectors.result_adjustments(result=result)
    for adjustment in adjustments:
        adjustment.result = result
    return {
        "id": result.pk,
        "scheme": result.scheme_id,
        "unit": _unit(result.unit),
        "villages": result.villages,
        "households": result.households,
        "computed": result.computed,
        "adjustment": result.adjustment,
        "total": result.total,
        "scores": [
            {
                "id": score.pk,
                "indicator": score.indicator_id,
                "value": score.value,
                "basis": score.basis,
                "denominator": score.denominator,
                "score": score.score,
            }
            for score in selectors.result_scores(result=result)
        ],
        "adjustments": [_adjustment(adjustment) for adjustment in adjustments],
    }


@router.post(
    "/results/{result_id}/adjustments",
    response={201: AdjustmentOut, **WRITE},
    summary="Add a manual adjustment to a unit's score (draft schemes)",
    operation_id="assessment_adjustment_add",
    openapi_extra=_documented(AdjustmentIn),
)
def adjustment_add(request: HttpRequest, result_id: int):
    """Officers of the county level or above over the scheme's region, and administrators. A
    supporting document is uploaded on the page."""
    result = selectors.result_get(user=request.user, pk=result_id)
    if not selectors.may_manage(request.user, result.scheme):
        raise Forbidden(WRITE_FORBIDDEN)
    payload = _body(request, AdjustmentIn)
    adjustment = services.adjustment_add(
        actor=request.user, result=result, points=payload.points, reason=payload.reason
    )
    return Status(201, _adjustment(adjustment))


@router.get(
    "/scores/{score_id}/evidence",
    response={200: EvidencePage, 400: ErrorOut, **READ},
    summary="The records behind a score",
    operation_id="assessment_score_evidence",
)
def score_evidence(request: HttpRequest, score_id: int, query: Query[PageQuery]):
    score = selectors.score_get(user=request.user, pk=score_id)
    page = selectors.score_evidence(score=score, cursor=query.cursor, limit=query.limit)
    rule = score.indicator.rule
    rows = [evidence_row(rule, record, score.scheme).__dict__ for record in page.items]
    return {"items": rows, "next_cursor": page.next_cursor}


@router.get(
    "/{scheme_id}",
    response={200: SchemeDetail, **READ},
    summary="A scheme with its indicators",
    operation_id="assessment_scheme_get",
)
def scheme_get(request: HttpRequest, scheme_id: int):
    scheme = selectors.scheme_get(user=request.user, pk=scheme_id)
    return {
        **_item(scheme),
        "computed_at": scheme.computed_at,
        "frozen_at": scheme.frozen_at,
        "published_at": scheme.published_at,
        "indicators": [
            {
                "id": ind.pk,
                "rule": ind.rule,
                "name": ind.name,
                "weight": ind.weight,
                "target": ind.target,
                "floor": ind.floor,
            }
            for ind in selectors.scheme_indicators(scheme=scheme)
        ],
    }


@router.get(
    "/{scheme_id}/ranking",
    response={200: list[RankingRow], 400: ErrorOut, **READ},
    summary="The units of a scheme ranked by total or by one indicator; ties share a rank",
    operation_id="assessment_ranking",
)
def ranking(request: HttpRequest, scheme_id: int, query: Query[RankingQuery]):
    scheme = selectors.scheme_get(user=request.user, pk=scheme_id)
    indicator = selectors.ranking_indicator(scheme=scheme, value=query.indicator)
    rows = []
    for rank, row in selectors.scheme_ranking(scheme=scheme, indicator=indicator):
        result = row if indicator is None else row.result
        rows.append(
            {
                "rank": rank,
                "result": result.pk,
                "unit": _unit(result.unit),
                "score": result.total if indicator is None else row.score,
                "computed": result.computed,
                "adjustment": result.adjustment,
                "total": result.total,
            }
        )
    return rows


@router.get(
    "/{scheme_id}/adjustments",
    response={200: list[AdjustmentOut], **READ},
    summary="A scheme's manual adjustments (a unit administrator: their unit's)",
    operation_id="assessment_adjustment_list",
)
def adjustments_list(request: HttpRequest, scheme_id: int):
    scheme = selectors.scheme_get(user=request.user, pk=scheme_id)
    return [_adjustment(a) for a in selectors.scheme_adjustments(user=request.user, scheme=scheme)]
