"""Writes of relapse monitoring: risk events, cases through their stages, reasons, income
checks, measures, and the risk screening. Every write checks access first and is audited.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.assistance import services as assistance_services
from shuanglian.assistance.models import HouseholdPlan, MeasureType, Visit
from shuanglian.core.access import prefix_q, region_prefix, require_write, user_scope
from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, InvalidInput, NotFound
from shuanglian.core.models import AuditAction
from shuanglian.dashboard import rollups
from shuanglian.households.models import Category, Household, IncomeRecord, Labour
from shuanglian.households.services import household_category_decide
from shuanglian.lifecycle.models import IncomeLine, LineKind
from shuanglian.lifecycle.selectors import current_assurance_bulk, income_lines_for
from shuanglian.monitoring import rules
from shuanglian.monitoring.models import (
    OPEN_STAGES,
    CaseMeasure,
    CaseReason,
    CaseSource,
    CaseStage,
    DeliberationResult,
    IncomeCheck,
    MonitoringCase,
    MonitoringCategory,
    ReasonCode,
    RiskEvent,
    RiskEventKind,
    ScreeningRun,
    ScreeningStatus,
)
from shuanglian.monitoring.reasons import reason_text
from shuanglian.regions.models import Region

DATE_REQUIRED = _("The date is required.")
DATE_IN_FUTURE = _("The date cannot be in the future.")
CHOICE_INVALID = _("{value} is not an allowed value of {field}.")
AMOUNT_INVALID = _("{value} is not an amount in yuan.")
AMOUNT_OUT_OF_RANGE = _("The amount must be between 0 and 100,000,000 yuan.")
NOTE_REQUIRED = _("Say what it is about (the note is required).")
REASON_REQUIRED = _("Give the reason.")
RESOLUTION_REQUIRED = _("Say how the problem was resolved.")
CASE_ALREADY_OPEN = _("Household {number} already has an open monitoring case.")
CASE_CLOSED = _("This case is closed ({stage}) and can no longer be changed.")
STAGE_ORDER = _("A case in stage “{stage}” cannot be {action}: it must be {needed} first.")
CONFIRMED_NOT_DISMISSED = _(
    "A confirmed case cannot be dismissed: it is closed through risk elimination."
)
# What a step does, for STAGE_ORDER ("cannot be {action}").
ACTION_ASSESS = pgettext_lazy("case action", "assessed")
ACTION_CONFIRM = pgettext_lazy("case action", "confirmed")
ACTION_CHECK = pgettext_lazy("case action", "given income checks")
ACTION_ELIMINATE = pgettext_lazy("case action", "closed as risk-eliminated")
DELIBERATION_DISAGREED = _(
    "The village deliberation did not agree to monitor this household: dismiss the case instead."
)
VISIT_OTHER_HOUSEHOLD = _("That visit was not to this household.")
VISIT_VOIDED = _("That visit was voided.")
VISIT_BEFORE_FLAG = _(
    "The assessment visit must be on or after the day the case was flagged ({date})."
)
DELIBERATION_BEFORE_VISIT = _("The deliberation cannot be before the assessment visit ({date}).")
PARTICIPANTS_INVALID = _("The number of participants is a whole number from 1 to 10,000.")
CONFIRMED_BEFORE_DELIBERATION = _("Confirmation cannot be before the deliberation ({date}).")
CHECK_BEFORE_FLAG = _("An income check cannot be before the case was flagged ({date}).")
REASON_ALREADY_RESOLVED = _("This reason is already resolved.")
MEASURE_NEEDS_CONFIRMED = _("Measures are planned for confirmed cases only.")
ELIMINATION_REFUSED = _("Risk elimination is refused: {problems}")
REGION_NOT_FOUND = _("No region with code {code}.")
SCREENING_FAILED = _("The screening stopped with an error: {error}")
SCREENING_USER_GONE = _("The account that started this screening no longer exists.")

# Risk elimination (risk_elimination_problems).
NOT_CONFIRMED = _("Only a confirmed case can be closed as risk-eliminated.")
NO_INCOME_LINE = _("There is no monitoring line for {year}: it must be entered first.")
INCOME_NOT_LONG_ENOUGH = _(
    "Income has not been checked over six months: a check on or before {date} is needed, and "
    "checks since then."
)
INCOME_CHECK_BELOW_LINE = _(
    "The income check of {date} ({income} yuan per person) is not above the line of {line} yuan."
)
REASONS_OPEN = _("Not every reason is resolved yet: {reasons}")
NO_LABOUR_CAPACITY = _(
    "Nobody in the household can work (no active member with labour capacity): a household "
    "without labour capacity is not closed as risk-eliminated; it stays monitored, with social "
    "protection measures."
)

MAX_AMOUNT = Decimal("100000000")
# Active members with one of these labour values count as able to work.
LABOUR_CAPABLE = (Labour.ORDINARY, Labour.SKILLED)
# Households already in the poverty registry (贫困户) are under the poverty procedures, not
# relapse monitoring: screening looks at every other category.
SCREENED_CATEGORIES = (
    Category.GENERAL,
    Category.DEMONSTRATION,
    Category.EXITED,
    Category.MONITORED,
)
SCREEN_BATCH = 2000
ELIMINATION_MONTHS = 6
# The goal of a plan made for a monitored household: data, kept in Chinese like the registry.
PLAN_GOALS = "防返贫监测帮扶"

EVENT_FIELDS = ("household", "kind", "occurred_on", "amount", "description")
CASE_FIELDS = (
    "household",
    "stage",
    "source",
    "category",
    "flagged_on",
    "reported_visit",
    "assessment_visit",
    "deliberated_on",
    "deliberation_participants",
    "deliberation_result",
    "assessment_notes",
    "assessed_on",
    "confirmed_on",
    "previous_category",
    "eliminated_on",
    "dismissed_on",
    "dismissal_reason",
)
REASON_FIELDS = ("code", "key", "params", "resolved_on", "resolution")
CHECK_FIELDS = ("case", "checked_on", "per_capita_income", "notes")

# How each measure type of the assistance app counts on a case: development support (开发式
# 帮扶, building the household's own income) or social protection (兜底保障).
DEVELOPMENT = "development"
PROTECTION = "protection"
MEASURE_GROUPS = {
    MeasureType.INDUSTRY: DEVELOPMENT,
    MeasureType.EMPLOYMENT: DEVELOPMENT,
    MeasureType.TRAINING: DEVELOPMENT,
    MeasureType.MICROCREDIT: DEVELOPMENT,
    MeasureType.PUBLIC_JOB: DEVELOPMENT,
    MeasureType.EDUCATION: PROTECTION,
    MeasureType.HEALTH: PROTECTION,
    MeasureType.HOUSING: PROTECTION,
    MeasureType.WATER: PROTECTION,
    MeasureType.SUBSISTENCE: PROTECTION,
    MeasureType.OTHER: PROTECTION,
}
MEASURE_GROUP_LABELS = {DEVELOPMENT: _("development support"), PROTECTION: _("social protection")}


def today() -> dt.date:
    return timezone.localdate()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def expense_share() -> Decimal:
    return Decimal(str(settings.MONITORING_EXPENSE_SHARE))


def _region(case_or_household) -> str:
    household = getattr(case_or_household, "household", case_or_household)
    return household.village_id


def _audit_create(actor, obj, fields, region: str) -> None:
    changes = diff({}, snapshot(obj, fields))
    audit(actor=actor, action=AuditAction.CREATE, obj=obj, changes=changes, region_code=region)


def _audit_update(actor, obj, before, fields, region: str) -> None:
    changes = diff(before, snapshot(obj, fields))
    if changes:
        audit(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=changes, region_code=region)


def _past_date(value: dt.date | None, field: str) -> dt.date:
    if value is None:
        raise InvalidInput(DATE_REQUIRED, field=field)
    if value > today():
        raise InvalidInput(DATE_IN_FUTURE, field=field)
    return value


def _choice(value: str, choices, field: str, label) -> str:
    if value not in choices.values:
        raise InvalidInput(CHOICE_INVALID.format(value=value, field=label), field=field)
    return value


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "x")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(AMOUNT_INVALID.format(value=value), field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise InvalidInput(AMOUNT_OUT_OF_RANGE, field=field)
    return amount


def _locked(case: MonitoringCase) -> MonitoringCase:
    return MonitoringCase.objects.select_for_update().select_related("household").get(pk=case.pk)


def _require_stage(case: MonitoringCase, needed: CaseStage, action) -> None:
    if case.stage == needed:
        return
    if not case.is_open:
        raise Conflict(CASE_CLOSED.format(stage=case.get_stage_display()), field="stage")
    raise Conflict(
        STAGE_ORDER.format(stage=case.get_stage_display(), action=action, needed=needed.label),
        field="stage",
    )


def _visit_of(case: MonitoringCase, visit: Visit | None, field: str = "visit") -> Visit:
    if visit is None:
        raise InvalidInput(DATE_REQUIRED, field=field)
    if visit.household_id != case.household_id:
        raise InvalidInput(VISIT_OTHER_HOUSEHOLD, field=field)
    if visit.is_voided:
        raise InvalidInput(VISIT_VOIDED, field=field)
    return visit


# Risk events -------------------------------------------------------------------------------


@transaction.atomic
def risk_event_create(
    *,
    actor,
    household: Household,
    kind: str,
    occurred_on: dt.date | None,
    amount,
    description: str = "",
) -> RiskEvent:
    """A large unavoidable expense (illness, disaster, accident) of the household."""
    rules.require(rules.may_report(actor, household))
    event = RiskEvent.objects.create(
        household=household,
        kind=_choice(kind, RiskEventKind, "kind", _("kind of event")),
        occurred_on=_past_date(occurred_on, "occurred_on"),
        amount=_amount(amount, "amount"),
        description=(description or "").strip()[:300],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit_create(actor, event, EVENT_FIELDS, household.village_id)
    return event


# Cases -------------------------------------------------------------------------------------


def _new_case(actor, household, *, source: str, flagged_on: dt.date, **extra) -> MonitoringCase:
    if MonitoringCase.objects.filter(household=household, stage__in=OPEN_STAGES).exists():
        raise Conflict(CASE_ALREADY_OPEN.format(number=household.number), field="household")
    try:
        with transaction.atomic():
            case = MonitoringCase.objects.create(
                household=household,
                source=source,
                flagged_on=flagged_on,
                flagged_by=actor if getattr(actor, "pk", None) else None,
                **extra,
            )
    except IntegrityError:
        # Another request opened one in between: the partial unique constraint said no.
        raise Conflict(
            CASE_ALREADY_OPEN.format(number=household.number), field="household"
        ) from None
    _audit_create(actor, case, CASE_FIELDS, household.village_id)
    rollups.refresh(regions=[household.village_id])
    return case


def _stage_changed(actor, case: MonitoringCase, before: dict) -> None:
    """Audited, and counted again in the dashboards (cases by category and stage)."""
    _audit_update(actor, case, before, CASE_FIELDS, _region(case))
    rollups.refresh(regions=[case.household.village_id])


def _add_reason(actor, case, *, code: str, key: str, params: dict, on: dt.date) -> CaseReason:
    reason, created = CaseReason.objects.get_or_create(
        case=case, key=key, defaults={"code": code, "params": params, "detected_on": on}
    )
    if created:
        _audit_create(actor, reason, REASON_FIELDS, case.household.village_id)
        return reason
    before = snapshot(reason, REASON_FIELDS)
    reason.params, reason.detected_on = params, on
    reason.save(update_fields=["params", "detected_on", "updated_at"])
    _audit_update(actor, reason, before, REASON_FIELDS, case.household.village_id)
    return reason


@transaction.atomic
def case_flag(
    *, actor, household: Household, note: str, flagged_on: dt.date | None = None
) -> MonitoringCase:
    """An officer flags a household by hand, saying why (on a past day, when entering a flag
    first recorded on paper)."""
    rules.require(rules.may_manage(actor, household))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(NOTE_REQUIRED, field="note")
    on = _past_date(flagged_on or today(), "flagged_on")
    case = _new_case(actor, household, source=CaseSource.MANUAL, flagged_on=on)
    _add_reason(
        actor, case, code=ReasonCode.OFFICER_NOTE, key="officer", params={"note": note[:300]}, on=on
    )
    return case


@transaction.atomic
def case_report(*, actor, household: Household, visit: Visit | None, note: str) -> MonitoringCase:
    """A cadre paired with the household (or an officer) reports it from a visit.

    An open case gets the report as one more reason; otherwise a case is opened.
    """
    rules.require(rules.may_report(actor, household))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(NOTE_REQUIRED, field="note")
    if visit is None:
        raise InvalidInput(_("Choose the visit it was seen at."), field="visit")
    if visit.household_id != household.pk:
        raise InvalidInput(VISIT_OTHER_HOUSEHOLD, field="visit")
    if visit.is_voided:
        raise InvalidInput(VISIT_VOIDED, field="visit")
    on = today()
    case = (
        MonitoringCase.objects.select_for_update()
        .filter(household=household, stage__in=OPEN_STAGES)
        .first()
    )
    if case is None:
        case = _new_case(
            actor, household, source=CaseSource.VISIT, flagged_on=on, reported_visit=visit
        )
    params = {
        "cadre": visit.cadre.name,
        "visit_id": visit.pk,
        "visited_on": visit.visited_on.isoformat(),
        "note": note[:300],
    }
    _add_reason(
        actor, case, code=ReasonCode.CADRE_REPORT, key=f"report:{visit.pk}", params=params, on=on
    )
    return case


@transaction.atomic
def case_assess(
    *,
    actor,
    case: MonitoringCase,
    visit: Visit | None,
    deliberated_on: dt.date | None,
    participants,
    result: str,
    notes: str = "",
) -> MonitoringCase:
    """Record the household visit and the village deliberation (民主评议): flagged → assessed."""
    case = _locked(case)
    rules.require(rules.may_manage(actor, case.household))
    _require_stage(case, CaseStage.FLAGGED, ACTION_ASSESS)
    visit = _visit_of(case, visit)
    if visit.visited_on < case.flagged_on:
        raise InvalidInput(VISIT_BEFORE_FLAG.format(date=case.flagged_on), field="visit")
    deliberated_on = _past_date(deliberated_on, "deliberated_on")
    if deliberated_on < visit.visited_on:
        raise InvalidInput(
            DELIBERATION_BEFORE_VISIT.format(date=visit.visited_on), field="deliberated_on"
        )
    try:
        participants = int(participants)
    except (TypeError, ValueError):
        raise InvalidInput(PARTICIPANTS_INVALID, field="participants") from None
    if not 1 <= participants <= 10_000:
        raise InvalidInput(PARTICIPANTS_INVALID, field="participants")
    _choice(result, DeliberationResult, "result", _("deliberation result"))
    before = snapshot(case, CASE_FIELDS)
    case.assessment_visit = visit
    case.deliberated_on = deliberated_on
    case.deliberation_participants = participants
    case.deliberation_result = result
    case.assessment_notes = (notes or "").strip()
    case.assessed_on = deliberated_on
    case.stage = CaseStage.ASSESSED
    case.save()
    _stage_changed(actor, case, before)
    return case


def _set_category(actor, case: MonitoringCase, category: str) -> None:
    household_category_decide(
        actor=actor, household=case.household, category=category, decided_by={"case": case.pk}
    )


@transaction.atomic
def case_confirm(
    *, actor, case: MonitoringCase, category: str, confirmed_on: dt.date | None = None
) -> MonitoringCase:
    """Confirm the household as monitored in a category: assessed → confirmed.

    The household becomes 监测户; its category before is kept on the case.
    """
    case = _locked(case)
    rules.require(rules.may_manage(actor, case.household))
    _require_stage(case, CaseStage.ASSESSED, ACTION_CONFIRM)
    if case.deliberation_result != DeliberationResult.AGREED:
        raise Conflict(DELIBERATION_DISAGREED, field="stage")
    _choice(category, MonitoringCategory, "category", _("monitoring category"))
    confirmed_on = _past_date(confirmed_on or today(), "confirmed_on")
    if case.deliberated_on and confirmed_on < case.deliberated_on:
        raise InvalidInput(
            CONFIRMED_BEFORE_DELIBERATION.format(date=case.deliberated_on), field="confirmed_on"
        )
    before = snapshot(case, CASE_FIELDS)
    household = case.household
    case.category = category
    case.confirmed_on = confirmed_on
    case.previous_category = household.category
    case.stage = CaseStage.CONFIRMED
    case.save()
    _stage_changed(actor, case, before)
    _set_category(actor, case, Category.MONITORED)
    return case


@transaction.atomic
def case_dismiss(*, actor, case: MonitoringCase, reason: str) -> MonitoringCase:
    """Close a flagged or assessed case without monitoring, with the reason."""
    case = _locked(case)
    rules.require(rules.may_manage(actor, case.household))
    if case.stage not in (CaseStage.FLAGGED, CaseStage.ASSESSED):
        if case.stage == CaseStage.CONFIRMED:
            raise Conflict(CONFIRMED_NOT_DISMISSED, field="stage")
        raise Conflict(CASE_CLOSED.format(stage=case.get_stage_display()), field="stage")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(REASON_REQUIRED, field="reason")
    before = snapshot(case, CASE_FIELDS)
    case.stage = CaseStage.DISMISSED
    case.dismissed_on = today()
    case.dismissal_reason = reason[:300]
    case.save()
    _stage_changed(actor, case, before)
    return case


@transaction.atomic
def case_reason_resolve(
    *, actor, reason: CaseReason, note: str, resolved_on: dt.date | None = None
) -> CaseReason:
    """Mark one reason of an open case resolved, saying how."""
    reason = (
        CaseReason.objects.select_for_update().select_related("case__household").get(pk=reason.pk)
    )
    case = reason.case
    rules.require(rules.may_manage(actor, case.household))
    if not case.is_open:
        raise Conflict(CASE_CLOSED.format(stage=case.get_stage_display()), field="stage")
    if reason.resolved_on is not None:
        raise Conflict(REASON_ALREADY_RESOLVED, field="note")
    note = (note or "").strip()
    if not note:
        raise InvalidInput(RESOLUTION_REQUIRED, field="note")
    before = snapshot(reason, REASON_FIELDS)
    reason.resolved_on = _past_date(resolved_on or today(), "resolved_on")
    reason.resolution = note[:300]
    reason.resolved_by = actor if getattr(actor, "pk", None) else None
    reason.save()
    _audit_update(actor, reason, before, REASON_FIELDS, _region(case))
    return reason


@transaction.atomic
def income_check_add(
    *, actor, case: MonitoringCase, checked_on: dt.date | None, per_capita_income, notes: str = ""
) -> IncomeCheck:
    """Income per person found at a follow-up visit of a confirmed case."""
    case = _locked(case)
    rules.require(rules.may_report(actor, case.household))
    _require_stage(case, CaseStage.CONFIRMED, ACTION_CHECK)
    checked_on = _past_date(checked_on, "checked_on")
    if checked_on < case.flagged_on:
        raise InvalidInput(CHECK_BEFORE_FLAG.format(date=case.flagged_on), field="checked_on")
    check = IncomeCheck.objects.create(
        case=case,
        checked_on=checked_on,
        per_capita_income=_amount(per_capita_income, "per_capita_income"),
        notes=(notes or "").strip()[:300],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit_create(actor, check, CHECK_FIELDS, _region(case))
    return check


@transaction.atomic
def case_measure_add(
    *,
    actor,
    case: MonitoringCase,
    type: str,
    description: str,
    due_date: dt.date | None = None,
    planned_cost=0,
    responsible_cadre=None,
    responsible_unit=None,
):
    """A measure for a confirmed case, in the household's plan of this year (made if missing)."""
    case = _locked(case)
    rules.require(rules.may_plan(actor, case.household))
    if case.stage != CaseStage.CONFIRMED:
        raise Conflict(MEASURE_NEEDS_CONFIRMED, field="stage")
    year = today().year
    plan = HouseholdPlan.objects.filter(household=case.household, year=year).first()
    if plan is None:
        plan = assistance_services.household_plan_save(
            actor=actor, household=case.household, year=year, goals=PLAN_GOALS
        )
    measure = assistance_services.measure_add(
        actor=actor,
        plan=plan,
        type=type,
        description=description,
        due_date=due_date,
        planned_cost=planned_cost,
        responsible_cadre=responsible_cadre,
        responsible_unit=responsible_unit,
    )
    link = CaseMeasure.objects.create(case=case, measure=measure)
    _audit_create(actor, link, ("case", "measure"), _region(case))
    return measure


# Risk elimination ----------------------------------------------------------------------------


class LineTable:
    """Income lines for screening and elimination, loaded once per run.

    A year's monitoring line is used; before the first monitoring line (2021) the poverty line
    of that year; after the last one entered, the latest monitoring line before the year.
    """

    def __init__(self) -> None:
        self.monitoring_years = sorted(
            set(IncomeLine.objects.filter(kind=LineKind.MONITORING).values_list("year", flat=True))
        )
        self._cache: dict[tuple[int, str], tuple[IncomeLine | None, str]] = {}

    def _year_for(self, year: int) -> tuple[str, int]:
        years = self.monitoring_years
        if year in years or not years:
            return (LineKind.MONITORING if year in years else LineKind.POVERTY), year
        if year < years[0]:
            return LineKind.POVERTY, year
        return LineKind.MONITORING, max(y for y in years if y < year)

    def load(self, pairs) -> None:
        """Fetch the lines for many (year, region code) pairs at once."""
        asked = {(year, code[:2]) for year, code in pairs} - set(self._cache)
        by_kind: dict[str, list[tuple[int, str, int]]] = {}
        for year, province in asked:
            kind, line_year = self._year_for(year)
            by_kind.setdefault(kind, []).append((year, province, line_year))
        for kind, items in by_kind.items():
            found = income_lines_for(
                kind, [(line_year, province.ljust(12, "0")) for _y, province, line_year in items]
            )
            for year, province, line_year in items:
                self._cache[(year, province)] = (found[(line_year, province.ljust(12, "0"))], kind)

    def line(self, year: int, code: str) -> tuple[IncomeLine | None, str]:
        if (year, code[:2]) not in self._cache:
            self.load([(year, code)])
        return self._cache[(year, code[:2])]


def has_labour_capacity(household: Household) -> bool:
    return household.members.filter(is_active=True, labour__in=LABOUR_CAPABLE).exists()


def risk_elimination_problems(case: MonitoringCase, *, on: dt.date | None = None) -> list[str]:
    """Why `case` cannot (yet) be closed as risk-eliminated; empty when it can.

    Income: the latest check on or before six months ago and every check since are above the
    line of their year. Every reason resolved. Somebody in the household able to work.
    """
    on = on or today()
    if case.stage != CaseStage.CONFIRMED:
        return [str(NOT_CONFIRMED)]
    problems: list[str] = []
    cutoff = months_before(on, ELIMINATION_MONTHS)
    checks = list(case.income_checks.filter(checked_on__lte=on).order_by("checked_on", "id"))
    anchor = [c for c in checks if c.checked_on <= cutoff]
    if not anchor:
        problems.append(str(INCOME_NOT_LONG_ENOUGH.format(date=cutoff)))
    else:
        start = anchor[-1].checked_on
        lines = LineTable()
        code = case.household.village_id
        for check in (c for c in checks if c.checked_on >= start):
            line, _kind = lines.line(check.checked_on.year, code)
            if line is None:
                problems.append(str(NO_INCOME_LINE.format(year=check.checked_on.year)))
                break
            if check.per_capita_income <= line.amount:
                problems.append(
                    str(
                        INCOME_CHECK_BELOW_LINE.format(
                            date=check.checked_on,
                            income=f"{check.per_capita_income:,.2f}",
                            line=f"{line.amount:,.2f}",
                        )
                    )
                )
    open_reasons = [r for r in case.reasons.all() if r.resolved_on is None]
    if open_reasons:
        texts = "; ".join(reason_text(r.code, r.params) for r in open_reasons)
        problems.append(str(REASONS_OPEN.format(reasons=texts)))
    if not has_labour_capacity(case.household):
        problems.append(str(NO_LABOUR_CAPACITY))
    return problems


@transaction.atomic
def case_risk_eliminate(*, actor, case: MonitoringCase) -> MonitoringCase:
    """Close a confirmed case as risk-eliminated (the last approval of the procedure).

    The household goes back to 脱贫户 if it was one before monitoring, otherwise to 一般户.
    """
    case = _locked(case)
    if actor is not None:
        require_write(actor, case.household.village_id)
    _require_stage(case, CaseStage.CONFIRMED, ACTION_ELIMINATE)
    problems = risk_elimination_problems(case)
    if problems:
        raise Conflict(ELIMINATION_REFUSED.format(problems=" ".join(problems)), field="stage")
    before = snapshot(case, CASE_FIELDS)
    case.stage = CaseStage.RISK_ELIMINATED
    case.eliminated_on = today()
    case.save()
    _stage_changed(actor, case, before)
    back = Category.EXITED if case.previous_category == Category.EXITED else Category.GENERAL
    _set_category(actor, case, back)
    return case


# Risk screening ------------------------------------------------------------------------------


@dataclass
class Finding:
    """One rule met by one household in a screening: a reason's key, code and figures."""

    key: str
    code: str
    params: dict = field(default_factory=dict)


def _year_ago(day: dt.date) -> dt.date:
    return months_before(day, 12)


def screen_households(rows: list[tuple], *, on: dt.date, lines: LineTable) -> dict[int, list]:
    """The findings for a batch of households, `rows` = (id, village code, member count).

    A fixed number of queries per batch, whatever its size: incomes, expenses, checklist.
    """
    ids = [row[0] for row in rows]
    latest: dict[int, tuple[int, Decimal]] = {}
    incomes = (
        IncomeRecord.objects.filter(household_id__in=ids)
        .order_by("household_id", "-year")
        .values_list("household_id", "year", "net_per_capita")
    )
    for household_id, year, net in incomes:
        latest.setdefault(household_id, (year, net))
    since = _year_ago(on)
    expenses = dict(
        RiskEvent.objects.filter(household_id__in=ids, occurred_on__gt=since, occurred_on__lte=on)
        .values("household_id")
        .annotate(total=Sum("amount"))
        .values_list("household_id", "total")
    )
    assurance = current_assurance_bulk(ids)
    lines.load((year, code) for (hid, code, _n) in rows if (year := latest.get(hid, (None,))[0]))
    share = expense_share()
    findings: dict[int, list[Finding]] = {}
    for household_id, code, members in rows:
        found: list[Finding] = []
        income = latest.get(household_id)
        if income is not None:
            year, net = income
            line, kind = lines.line(year, code)
            if line is not None and net < line.amount:
                params = {
                    "year": year,
                    "income": str(net),
                    "line": str(line.amount),
                    "line_kind": kind,
                }
                found.append(Finding("income", ReasonCode.INCOME_BELOW_LINE, params))
        spent = expenses.get(household_id)
        if spent and income is not None:
            yearly = income[1] * members
            if spent > share * max(yearly, Decimal(0)):
                params = {
                    "expenses": str(spent),
                    "income": str(yearly.quantize(Decimal("0.01"))),
                    "share": str(share),
                    "since": since.isoformat(),
                }
                found.append(Finding("expense", ReasonCode.LARGE_EXPENSE, params))
        for item, check in sorted(assurance.get(household_id, {}).items()):
            if not check.met:
                params = {"item": item, "checked_on": check.checked_on.isoformat()}
                found.append(Finding(f"assurance:{item}", ReasonCode.ASSURANCE_FAILED, params))
        if found:
            findings[household_id] = found
    return findings


@dataclass
class BatchResult:
    flagged: int = 0
    created: int = 0
    updated: int = 0


def _apply_findings(findings: dict[int, list[Finding]], *, actor, on: dt.date) -> BatchResult:
    """Open a case for each flagged household without one; update the reasons of open cases.

    Set-based: one read of the open cases and their reasons, bulk inserts and updates.
    Resolved reasons are left as the officer closed them.
    """
    result = BatchResult(flagged=len(findings))
    if not findings:
        return result
    open_cases = {
        case.household_id: case
        for case in MonitoringCase.objects.filter(
            household_id__in=list(findings), stage__in=OPEN_STAGES
        )
    }
    reasons: dict[tuple[int, str], CaseReason] = {
        (reason.case_id, reason.key): reason
        for reason in CaseReason.objects.filter(case__in=list(open_cases.values()))
    }
    flagged_by = actor if getattr(actor, "pk", None) else None
    new_cases = [
        MonitoringCase(
            household_id=household_id,
            source=CaseSource.SCREENING,
            flagged_on=on,
            flagged_by=flagged_by,
        )
        for household_id in findings
        if household_id not in open_cases
    ]
    MonitoringCase.objects.bulk_create(new_cases)
    if new_cases and new_cases[0].pk is None:
        # Backends without RETURNING on bulk inserts: read the new ids back.
        new_cases = list(
            MonitoringCase.objects.filter(
                household_id__in=[c.household_id for c in new_cases], stage__in=OPEN_STAGES
            )
        )
    result.created = len(new_cases)
    if new_cases:
        rollups.refresh(
            regions=sorted(
                set(
                    Household.objects.filter(
                        pk__in=[case.household_id for case in new_cases]
                    ).values_list("village_id", flat=True)
                )
            )
        )
    to_insert: list[CaseReason] = []
    to_update: list[CaseReason] = []
    touched_cases: set[int] = set()
    for case in new_cases:
        for finding in findings[case.household_id]:
            to_insert.append(
                CaseReason(
                    case=case,
                    code=finding.code,
                    key=finding.key,
                    params=finding.params,
                    detected_on=on,
                )
            )
    for household_id, case in open_cases.items():
        for finding in findings[household_id]:
            reason = reasons.get((case.pk, finding.key))
            if reason is None:
                to_insert.append(
                    CaseReason(
                        case=case,
                        code=finding.code,
                        key=finding.key,
                        params=finding.params,
                        detected_on=on,
                    )
                )
                touched_cases.add(case.pk)
            elif reason.resolved_on is None and (
                reason.params != finding.params or reason.detected_on != on
            ):
                reason.params, reason.detected_on = finding.params, on
                reason.updated_at = timezone.now()
                to_update.append(reason)
                touched_cases.add(case.pk)
    CaseReason.objects.bulk_create(to_insert)
    CaseReason.objects.bulk_update(to_update, ["params", "detected_on", "updated_at"])
    result.updated = len(touched_cases)
    return result


def screening_prepare(*, actor, region_code: str) -> ScreeningRun:
    """Check the user may screen the region and record a run (not yet started)."""
    code = (region_code or "").strip()
    if code.isdigit() and len(code) < 12:
        code = code.ljust(12, "0")
    region = Region.objects.filter(code=code).first()
    if region is None or (actor is not None and not user_scope(actor).covers_region(code)):
        raise NotFound(REGION_NOT_FOUND.format(code=region_code), field="region")
    if actor is not None:
        require_write(actor, region.code)
    return ScreeningRun.objects.create(
        region=region,
        user=actor if getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "system",
    )


def screening_run(
    *,
    actor,
    region_code: str,
    progress: Callable[[ScreeningRun], None] | None = None,
    run: ScreeningRun | None = None,
    batch_size: int = SCREEN_BATCH,
    on: dt.date | None = None,
) -> ScreeningRun:
    """Screen every household of a region in the actor's scope (`actor` None: the command line,
    everything) and flag those at risk.

    Households are read in keyset batches by id; each batch costs a fixed number of queries and
    commits on its own with the run's counts, so progress is visible and memory stays flat
    however large the region. Running it again changes nothing that has not changed.
    """
    run = run or screening_prepare(actor=actor, region_code=region_code)
    on = on or today()
    region = run.region
    households = Household.objects.filter(
        prefix_q("village_id", region_prefix(region.code)), category__in=SCREENED_CATEGORIES
    )
    if actor is not None:
        households = households.filter(user_scope(actor).household_q())
    run.status = ScreeningStatus.RUNNING
    run.started_at = run.updated_at = timezone.now()
    run.total = households.count()
    run.save()
    if progress:
        progress(run)
    lines = LineTable()
    last_id = 0
    while True:
        rows = list(
            households.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "village_id", "member_count")[:batch_size]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        with transaction.atomic():
            findings = screen_households(rows, on=on, lines=lines)
            outcome = _apply_findings(findings, actor=actor, on=on)
            run.screened += len(rows)
            run.flagged += outcome.flagged
            run.created_cases += outcome.created
            run.updated_cases += outcome.updated
            run.updated_at = timezone.now()
            run.save(
                update_fields=[
                    "status",
                    "screened",
                    "flagged",
                    "created_cases",
                    "updated_cases",
                    "updated_at",
                ]
            )
        if progress:
            progress(run)
    run.status = ScreeningStatus.DONE
    run.finished_at = run.updated_at = timezone.now()
    run.save()
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=run,
        region_code=region.code,
        changes={
            "screened": [None, run.screened],
            "flagged": [None, run.flagged],
            "created_cases": [None, run.created_cases],
            "updated_cases": [None, run.updated_cases],
        },
    )
    return run


def screening_fail(run: ScreeningRun, error) -> None:
    ScreeningRun.objects.filter(pk=run.pk).exclude(status=ScreeningStatus.DONE).update(
        status=ScreeningStatus.FAILED, message=str(error)[:500], finished_at=timezone.now()
    )
