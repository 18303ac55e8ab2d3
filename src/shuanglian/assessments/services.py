"""Writes of assessment schemes: schemes and indicators, the computation, adjustments, freezing
and publishing. Every write is checked (selectors.may_manage), refused on a scheme that is no
longer a draft (the database triggers of migration 0002 refuse it too) and audited.
"""

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shuanglian.assessments import rules
from shuanglian.assessments.models import (
    Adjustment,
    Coverage,
    Indicator,
    Rule,
    Scheme,
    SchemeStatus,
    Score,
    UnitResult,
)
from shuanglian.assessments.selectors import may_manage, may_manage_region
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import region_for_input

SCHEME_NAME_REQUIRED = _("The scheme needs a name.")
SCHEME_REGION_VILLAGE = _(
    "{name} ({code}) is a {level}: a scheme covers a township, county, city or province."
)
SCHEME_PERIOD_ORDER = _("The period ends before it starts.")
SCHEME_PERIOD_REQUIRED = _("Give the first and the last day of the period.")
SCHEME_NOT_DRAFT = _(
    "The scheme is frozen: its scores are final and can no longer be computed, adjusted or edited."
)
SCHEME_NOT_COMPUTED = _("Compute the scores before freezing the scheme.")
SCHEME_NOT_FROZEN = _("Only a frozen scheme can be published: freeze it first.")
SCHEME_ALREADY_PUBLISHED = _("The scheme is already published.")
SCHEME_NO_INDICATORS = _("The scheme has no indicators: add at least one.")
INDICATOR_RULE_INVALID = _("{value} is not a scoring rule.")
INDICATOR_RULE_TAKEN = _("The scheme already has an indicator with this rule.")
INDICATOR_WEIGHT_INVALID = _("The weight must be a number above 0 and at most 1000.")
INDICATOR_NUMBER_INVALID = _("{field} must be a number with at most 2 decimals.")
INDICATOR_TARGET_BELOW = _("The target must be above the floor.")
ADJUSTMENT_POINTS_INVALID = _(
    "The points must be a number from -100 to 100, not 0, with at most 2 decimals."
)
ADJUSTMENT_REASON_REQUIRED = _("Give the reason for the adjustment.")
DOCUMENT_TYPE_INVALID = _("The document must be a PDF, image, Word or Excel file.")
DOCUMENT_TOO_LARGE = _("The document is larger than {mb} MB.")

DOCUMENT_TYPES = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx")
DOCUMENT_MAX_MB = 10
BULK_BATCH = 1000

# The indicators a new scheme starts with: (rule, weight, target, floor). Targets are those of
# a year; the officer edits them while the scheme is a draft.
DEFAULT_INDICATORS = (
    (Rule.VISITS, "20", "3", "0"),
    (Rule.MEASURES, "15", "100", "0"),
    (Rule.FOLLOW_UPS, "10", "100", "0"),
    (Rule.FUNDS, "15", "50000", "0"),
    (Rule.PROJECTS, "10", "2", "0"),
    (Rule.EXITS, "10", "3", "0"),
    (Rule.INCOME, "10", "10", "0"),
    (Rule.SATISFACTION, "10", "5", "1"),
)
SCHEME_FIELDS = ("name", "region", "period_start", "period_end", "status")
INDICATOR_FIELDS = ("scheme", "rule", "name", "weight", "target", "floor")
# The fields the scores depend on: changing one discards the computation (names do not).
SCORED_SCHEME_FIELDS = {"region", "period_start", "period_end"}
SCORED_INDICATOR_FIELDS = {"weight", "target", "floor"}
CENT = Decimal("0.01")


def _require_manage(actor, scheme: Scheme) -> None:
    if not may_manage(actor, scheme):
        raise Forbidden(WRITE_FORBIDDEN)


def _require_draft(scheme: Scheme) -> None:
    if scheme.status != SchemeStatus.DRAFT:
        raise Conflict(SCHEME_NOT_DRAFT, field="status")


def _locked(scheme: Scheme) -> Scheme:
    """The scheme's row, locked for the transaction: a freeze waits for a running computation."""
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    _require_draft(locked)
    return locked


def _decimal(value, message, field, *, low=None, high=None, open_low=False) -> Decimal:
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number.as_tuple().exponent < -2:
        raise InvalidInput(message, field=field)
    if low is not None and (number < low or (open_low and number == low)):
        raise InvalidInput(message, field=field)
    if high is not None and number > high:
        raise InvalidInput(message, field=field)
    return number


def _discard_computation(scheme: Scheme) -> dict:
    """Forget the scores of `scheme` after a change they depend on (region, period, indicators):
    they would otherwise stay on the ranking and could be frozen as if current. A unit keeps its
    result row only while it carries adjustments (they point to it), reduced to those.

    Returns the audit entry of what was discarded, {} when nothing had been computed.
    """
    computed_at = scheme.computed_at
    Score.objects.filter(scheme=scheme).delete()
    Coverage.objects.filter(scheme=scheme).delete()
    results = UnitResult.objects.filter(scheme=scheme)
    results.filter(adjustments__isnull=True).delete()
    results.update(villages=0, households=0, computed=0, total=F("adjustment"))
    if computed_at is None:
        return {}
    scheme.computed_at = None
    scheme.save(update_fields=["computed_at", "updated_at"])
    return {"computed_at": [computed_at.isoformat(), None]}


def _audit(actor, action, obj, scheme: Scheme, changes=None):
    return audit(
        actor=actor, action=action, obj=obj, changes=changes or {}, region_code=scheme.region_id
    )


# Schemes --------------------------------------------------------------------------------------


def _rule_name(rule: str) -> str:
    # Stored text, not a label: always in the records' language, whatever the page's.
    with translation.override(settings.LANGUAGE_CODE):
        return str(Rule(rule).label)


def _scheme_values(actor, *, name, region_code, period_start, period_end) -> dict:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(SCHEME_NAME_REQUIRED, field="name")
    region = region_for_input(user=actor, code=region_code, field="region")
    if region.level == Level.VILLAGE:
        raise InvalidInput(
            SCHEME_REGION_VILLAGE.format(
                name=region.name, code=region.code, level=region.get_level_display()
            ),
            field="region",
        )
    if not may_manage_region(actor, region.code):
        raise Forbidden(WRITE_FORBIDDEN)
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        raise InvalidInput(SCHEME_PERIOD_REQUIRED, field="period_start")
    if period_end < period_start:
        raise InvalidInput(SCHEME_PERIOD_ORDER, field="period_end")
    return {
        "name": name[:200],
        "region": region,
        "period_start": period_start,
        "period_end": period_end,
    }


@transaction.atomic
def scheme_create(
    *, actor, name: str, region_code: str, period_start, period_end, default_indicators=True
) -> Scheme:
    """A draft scheme for a region and period, with the standard indicators unless told not."""
    values = _scheme_values(
        actor,
        name=name,
        region_code=region_code,
        period_start=period_start,
        period_end=period_end,
    )
    scheme = Scheme.objects.create(**values, created_by=actor if actor.pk else None)
    changes = diff({}, snapshot(scheme, SCHEME_FIELDS))
    if default_indicators:
        indicators = Indicator.objects.bulk_create(
            Indicator(
                scheme=scheme,
                rule=rule,
                name=_rule_name(rule),
                weight=Decimal(weight),
                target=Decimal(target),
                floor=Decimal(floor),
                position=position,
            )
            for position, (rule, weight, target, floor) in enumerate(DEFAULT_INDICATORS)
        )
        # The standard indicators are part of what was created: one row tells the whole scheme.
        fields = [name for name in INDICATOR_FIELDS if name != "scheme"]
        changes["indicators"] = [None, [snapshot(ind, fields) for ind in indicators]]
    _audit(actor, AuditAction.CREATE, scheme, scheme, changes)
    return scheme


@transaction.atomic
def scheme_update(
    *, actor, scheme: Scheme, name: str, region_code: str, period_start, period_end
) -> Scheme:
    _require_manage(actor, scheme)
    scheme = _locked(scheme)
    values = _scheme_values(
        actor,
        name=name,
        region_code=region_code,
        period_start=period_start,
        period_end=period_end,
    )
    before = snapshot(scheme, SCHEME_FIELDS)
    for key, value in values.items():
        setattr(scheme, key, value)
    scheme.save()
    changes = diff(before, snapshot(scheme, SCHEME_FIELDS))
    if changes.keys() & SCORED_SCHEME_FIELDS:
        changes.update(_discard_computation(scheme))
    if changes:
        _audit(actor, AuditAction.UPDATE, scheme, scheme, changes)
    return scheme


# Indicators -----------------------------------------------------------------------------------


def _indicator_values(*, name, weight, target, floor) -> dict:
    weight = _decimal(
        weight,
        INDICATOR_WEIGHT_INVALID,
        "weight",
        low=Decimal(0),
        high=Decimal(1000),
        open_low=True,
    )
    target = _decimal(
        target, INDICATOR_NUMBER_INVALID.format(field=_("target")), "target", high=Decimal(10**12)
    )
    floor = _decimal(
        floor if floor not in (None, "") else 0,
        INDICATOR_NUMBER_INVALID.format(field=_("floor")),
        "floor",
        low=Decimal(-(10**12)),
    )
    if target <= floor:
        raise InvalidInput(INDICATOR_TARGET_BELOW, field="target")
    return {"name": (name or "").strip()[:200], "weight": weight, "target": target, "floor": floor}


@transaction.atomic
def indicator_add(
    *, actor, scheme: Scheme, rule: str, weight, target, floor=0, name: str = ""
) -> Indicator:
    _require_manage(actor, scheme)
    scheme = _locked(scheme)
    if rule not in Rule.values:
        raise InvalidInput(INDICATOR_RULE_INVALID.format(value=rule), field="rule")
    if scheme.indicators.filter(rule=rule).exists():
        raise Conflict(INDICATOR_RULE_TAKEN, field="rule")
    values = _indicator_values(name=name, weight=weight, target=target, floor=floor)
    values["name"] = values["name"] or _rule_name(rule)
    position = scheme.indicators.count()
    indicator = Indicator.objects.create(scheme=scheme, rule=rule, position=position, **values)
    changes = diff({}, snapshot(indicator, INDICATOR_FIELDS))
    changes.update(_discard_computation(scheme))
    _audit(actor, AuditAction.CREATE, indicator, scheme, changes)
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, weight, target, floor=0, name: str = ""):
    _require_manage(actor, indicator.scheme)
    scheme = _locked(indicator.scheme)
    values = _indicator_values(name=name, weight=weight, target=target, floor=floor)
    values["name"] = values["name"] or _rule_name(indicator.rule)
    before = snapshot(indicator, INDICATOR_FIELDS)
    for key, value in values.items():
        setattr(indicator, key, value)
    indicator.save()
    changes = diff(before, snapshot(indicator, INDICATOR_FIELDS))
    if changes.keys() & SCORED_INDICATOR_FIELDS:
        changes.update(_discard_computation(scheme))
    if changes:
        _audit(actor, AuditAction.UPDATE, indicator, scheme, changes)
    return indicator


@transaction.atomic
def indicator_remove(*, actor, indicator: Indicator) -> None:
    """Removing an indicator discards the computation: the totals weighed it in."""
    _require_manage(actor, indicator.scheme)
    scheme = _locked(indicator.scheme)
    changes = diff(snapshot(indicator, INDICATOR_FIELDS), {})
    changes.update(_discard_computation(scheme))
    _audit(actor, AuditAction.END, indicator, scheme, changes)
    indicator.delete()


# Computation ----------------------------------------------------------------------------------


def _weighted(scores: list[tuple[Decimal, Decimal]]) -> Decimal:
    weights = sum((weight for weight, _score in scores), Decimal(0))
    if not weights:
        return Decimal("0.00")
    total = sum((weight * score for weight, score in scores), Decimal(0))
    return (total / weights).quantize(CENT)


def _store_coverage(scheme: Scheme) -> dict[int, int]:
    Coverage.objects.filter(scheme=scheme).delete()
    households: dict[int, int] = {}
    batch = []
    for unit_id, household_id in rules.coverage_pairs(scheme).iterator(chunk_size=BULK_BATCH):
        households[unit_id] = households.get(unit_id, 0) + 1
        batch.append(Coverage(scheme=scheme, unit_id=unit_id, household_id=household_id))
    Coverage.objects.bulk_create(batch, batch_size=BULK_BATCH)
    return households


@transaction.atomic
def scheme_compute(*, actor, scheme: Scheme) -> list[UnitResult]:
    """Compute every unit's values and scores, set-based: a fixed number of queries per
    indicator whatever the number of units (plus one per 1,000 rows written).

    Result and score rows keep their ids from one computation to the next, so links to a unit's
    result or to a score's evidence stay valid.
    """
    _require_manage(actor, scheme)
    scheme = _locked(scheme)
    indicators = list(scheme.indicators.all())
    if not indicators:
        raise Conflict(SCHEME_NO_INDICATORS, field="indicators")
    villages = {
        row["unit_id"]: row["n"]
        for row in rules.village_pairings(scheme)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("village_id", distinct=True))
    }
    households = _store_coverage(scheme)
    counts = {unit: (n, households.get(unit, 0)) for unit, n in villages.items()}
    per_rule = {ind.rule: rules.values(scheme, ind.rule, counts) for ind in indicators}

    existing = {result.unit_id: result for result in scheme.results.all()}
    adjustments = _adjustment_totals(scheme)
    # A unit no longer in the scheme keeps its result only when it carries an adjustment.
    unit_ids = sorted(set(counts) | {unit for unit in existing if adjustments.get(unit)})
    old_scores = {(s.result_id, s.indicator_id): s for s in Score.objects.filter(scheme=scheme)}
    results, scores = [], []
    for unit_id in unit_ids:
        result = existing.get(unit_id) or UnitResult(scheme=scheme, unit_id=unit_id)
        result.villages, result.households = counts.get(unit_id, (0, 0))
        result.adjustment = adjustments.get(unit_id, Decimal(0))
        weighted = []
        for indicator in indicators:
            value = per_rule[indicator.rule].get(unit_id) or rules.Value(None, 0, None)
            points = rules.score_of(value.value, target=indicator.target, floor=indicator.floor)
            weighted.append((indicator.weight, points))
            score = old_scores.get((result.pk, indicator.pk)) or Score(
                scheme=scheme, result=result, indicator=indicator
            )
            score.value = _rounded(value.value, "0.0001")
            score.basis = value.basis
            score.denominator = _rounded(value.denominator, "0.0001")
            score.score = points
            scores.append(score)
        result.computed = _weighted(weighted)
        result.total = result.computed + result.adjustment
        results.append(result)
    kept_scores = {score.pk for score in scores if score.pk}
    kept_results = {result.pk for result in results if result.pk}
    Score.objects.filter(scheme=scheme).exclude(pk__in=kept_scores).delete()
    UnitResult.objects.filter(scheme=scheme).exclude(pk__in=kept_results).delete()
    UnitResult.objects.bulk_update(
        [result for result in results if result.pk],
        ["villages", "households", "computed", "adjustment", "total"],
        batch_size=BULK_BATCH,
    )
    UnitResult.objects.bulk_create(
        [result for result in results if not result.pk], batch_size=BULK_BATCH
    )
    Score.objects.bulk_update(
        [score for score in scores if score.pk],
        ["value", "basis", "denominator", "score"],
        batch_size=BULK_BATCH,
    )
    Score.objects.bulk_create([score for score in scores if not score.pk], batch_size=BULK_BATCH)
    scheme.computed_at = timezone.now()
    scheme.save(update_fields=["computed_at", "updated_at"])
    _audit(
        actor,
        AuditAction.UPDATE,
        scheme,
        scheme,
        {"computed": [None, f"{len(results)} units × {len(indicators)} indicators"]},
    )
    return results


def _rounded(value: Decimal | None, places: str) -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places))


def _adjustment_totals(scheme: Scheme) -> dict[int, Decimal]:
    rows = (
        Adjustment.objects.filter(scheme=scheme)
        .order_by()
        .values("result__unit_id")
        .annotate(points=Sum("points"))
    )
    return {row["result__unit_id"]: Decimal(str(row["points"])).quantize(CENT) for row in rows}


# Adjustments ----------------------------------------------------------------------------------


def _document(upload) -> ContentFile | None:
    if upload is None:
        return None
    suffix = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if suffix not in DOCUMENT_TYPES:
        raise InvalidInput(DOCUMENT_TYPE_INVALID, field="document")
    if upload.size > DOCUMENT_MAX_MB * 1024 * 1024:
        raise InvalidInput(DOCUMENT_TOO_LARGE.format(mb=DOCUMENT_MAX_MB), field="document")
    # A random name: the uploader's file name may hold a person's name.
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.{suffix}")


@transaction.atomic
def adjustment_add(*, actor, result: UnitResult, points, reason: str, document=None) -> Adjustment:
    """A documented manual adjustment of a unit's total, shown next to its computed score."""
    scheme = result.scheme
    _require_manage(actor, scheme)
    scheme = _locked(scheme)
    points = _decimal(
        points, ADJUSTMENT_POINTS_INVALID, "points", low=Decimal(-100), high=Decimal(100)
    )
    if points == 0:
        raise InvalidInput(ADJUSTMENT_POINTS_INVALID, field="points")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(ADJUSTMENT_REASON_REQUIRED, field="reason")
    stored = _document(document)
    adjustment = Adjustment(
        scheme=scheme,
        result=result,
        points=points,
        reason=reason,
        created_by=actor if actor.pk else None,
    )
    if stored is not None:
        adjustment.document.save(stored.name, stored, save=False)
    adjustment.save()
    result = UnitResult.objects.select_for_update().get(pk=result.pk)
    result.adjustment += points
    result.total = result.computed + result.adjustment
    result.save(update_fields=["adjustment", "total"])
    _audit(
        actor,
        AuditAction.CREATE,
        adjustment,
        scheme,
        {
            "unit": [None, str(result.unit_id)],
            "points": [None, str(points)],
            "reason": [None, reason],
            "document": [None, bool(stored)],
        },
    )
    return adjustment


# Freezing and publishing ----------------------------------------------------------------------


@transaction.atomic
def scheme_freeze(*, actor, scheme: Scheme) -> Scheme:
    """The scores become final: no more computing, adjusting or editing."""
    _require_manage(actor, scheme)
    scheme = _locked(scheme)
    if scheme.computed_at is None:
        raise Conflict(SCHEME_NOT_COMPUTED, field="status")
    scheme.status = SchemeStatus.FROZEN
    scheme.frozen_at = timezone.now()
    scheme.save(update_fields=["status", "frozen_at", "updated_at"])
    _audit(actor, AuditAction.UPDATE, scheme, scheme, {"status": ["draft", "frozen"]})
    return scheme


@transaction.atomic
def scheme_publish(*, actor, scheme: Scheme) -> Scheme:
    """Published: the administrators of the assessed units see the ranking and their scores."""
    _require_manage(actor, scheme)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status == SchemeStatus.PUBLISHED:
        raise Conflict(SCHEME_ALREADY_PUBLISHED, field="status")
    if scheme.status != SchemeStatus.FROZEN:
        raise Conflict(SCHEME_NOT_FROZEN, field="status")
    scheme.status = SchemeStatus.PUBLISHED
    scheme.published_at = timezone.now()
    scheme.save(update_fields=["status", "published_at", "updated_at"])
    _audit(actor, AuditAction.UPDATE, scheme, scheme, {"status": ["frozen", "published"]})
    return scheme
