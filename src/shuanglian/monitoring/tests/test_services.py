"""Cases through their stages, in order; reports from visits; measures; risk elimination and its
refusals; the lifecycle engine's risk-elimination kind."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from shuanglian.assistance.models import MeasureType
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.households.models import Category, Labour
from shuanglian.lifecycle import services as lifecycle_services
from shuanglian.lifecycle.models import ProcedureKind
from shuanglian.lifecycle.registry import spec_of
from shuanglian.monitoring import elimination, services
from shuanglian.monitoring.models import CaseStage, MonitoringCase, ReasonCode
from shuanglian.monitoring.tests import factories as mf

pytestmark = pytest.mark.django_db


def test_a_case_goes_through_its_stages_in_order(mw, town_officer):
    h = mw.household_g
    case = mf.flagged(actor=town_officer, household=h)
    with pytest.raises(Conflict) as error:
        services.case_confirm(actor=town_officer, case=case, category="marginal")
    assert str(error.value.message) == str(
        services.STAGE_ORDER.format(
            stage=CaseStage.FLAGGED.label,
            action=services.ACTION_CONFIRM,
            needed=CaseStage.ASSESSED.label,
        )
    )
    with pytest.raises(Conflict):
        services.income_check_add(
            actor=town_officer, case=case, checked_on=mf.today(), per_capita_income="7000"
        )
    visit = mf.visit(actor=town_officer, household=h)
    case = services.case_assess(
        actor=town_officer,
        case=case,
        visit=visit,
        deliberated_on=mf.today(),
        participants=19,
        result="agreed",
    )
    assert case.stage == CaseStage.ASSESSED
    with pytest.raises(Conflict):
        services.case_assess(
            actor=town_officer,
            case=case,
            visit=visit,
            deliberated_on=mf.today(),
            participants=19,
            result="agreed",
        )
    with pytest.raises(InvalidInput) as error:
        services.case_confirm(actor=town_officer, case=case, category="rich")
    assert error.value.field == "category"
    case = services.case_confirm(actor=town_officer, case=case, category="unstable_exited")
    h.refresh_from_db()
    assert (case.stage, case.category, case.previous_category) == (
        CaseStage.CONFIRMED,
        "unstable_exited",
        Category.EXITED,
    )
    assert h.category == Category.MONITORED
    assert AuditEvent.objects.filter(
        object_type="households.Household",
        object_id=str(h.pk),
        changes__category=[Category.EXITED, Category.MONITORED],
    ).exists()
    with pytest.raises(Conflict) as error:
        services.case_dismiss(actor=town_officer, case=case, reason="误报")
    assert error.value.message == services.CONFIRMED_NOT_DISMISSED


def test_the_assessment_checks_its_visit_and_dates(mw, town_officer, admin_user):
    case = mf.flagged(actor=town_officer, household=mw.household_g)
    other = mf.visit(actor=admin_user, household=mw.household_l)
    common = {"actor": town_officer, "case": case, "participants": 10, "result": "agreed"}
    with pytest.raises(InvalidInput) as error:
        services.case_assess(visit=other, deliberated_on=mf.today(), **common)
    assert error.value.message == services.VISIT_OTHER_HOUSEHOLD
    early = mf.visit(actor=town_officer, household=mw.household_g, visited_on=dt.date(2020, 1, 1))
    with pytest.raises(InvalidInput) as error:
        services.case_assess(visit=early, deliberated_on=mf.today(), **common)
    assert error.value.field == "visit"
    visit = mf.visit(actor=town_officer, household=mw.household_g)
    with pytest.raises(InvalidInput) as error:
        services.case_assess(
            visit=visit, deliberated_on=mf.today() + dt.timedelta(days=1), **common
        )
    assert error.value.message == services.DATE_IN_FUTURE
    with pytest.raises(InvalidInput) as error:
        services.case_assess(
            **{**common, "participants": 0}, visit=visit, deliberated_on=mf.today()
        )
    assert error.value.field == "participants"


def test_a_deliberation_that_disagrees_leads_to_dismissal_not_confirmation(mw, town_officer):
    case = mf.flagged(actor=town_officer, household=mw.household_g)
    case = services.case_assess(
        actor=town_officer,
        case=case,
        visit=mf.visit(actor=town_officer, household=mw.household_g),
        deliberated_on=mf.today(),
        participants=15,
        result="rejected",
    )
    with pytest.raises(Conflict) as error:
        services.case_confirm(actor=town_officer, case=case, category="marginal")
    assert error.value.message == services.DELIBERATION_DISAGREED
    with pytest.raises(InvalidInput) as error:
        services.case_dismiss(actor=town_officer, case=case, reason=" ")
    assert error.value.message == services.REASON_REQUIRED
    case = services.case_dismiss(actor=town_officer, case=case, reason="收入核实后高于监测线")
    assert case.stage == CaseStage.DISMISSED
    with pytest.raises(Conflict):
        services.case_dismiss(actor=town_officer, case=case, reason="again")
    # Closed: a new case may be opened.
    assert mf.flagged(actor=town_officer, household=mw.household_g).pk != case.pk


def test_one_open_case_per_household(mw, town_officer):
    mf.flagged(actor=town_officer, household=mw.household_g)
    with pytest.raises(Conflict) as error:
        mf.flagged(actor=town_officer, household=mw.household_g)
    assert mw.household_g.number in str(error.value.message)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringCase.objects.create(
            household=mw.household_g, source="manual", flagged_on=mf.today()
        )


def test_who_may_manage_a_case(mw, town_officer, other_town_officer, viewer, cadre_user):
    case = mf.flagged(actor=town_officer, household=mw.household_g)
    for user in (viewer, cadre_user, other_town_officer):
        with pytest.raises(Forbidden):
            services.case_dismiss(actor=user, case=case, reason="x")
        with pytest.raises(Forbidden):
            services.case_flag(actor=user, household=mw.household_g2, note="x")


def test_the_paired_cadre_reports_a_household_from_a_visit(mw, cadre_user, town_officer):
    visit = mf.visit(actor=cadre_user, household=mw.household_g)
    case = services.case_report(
        actor=cadre_user, household=mw.household_g, visit=visit, note="户主务工受伤，无收入"
    )
    assert (case.source, case.reported_visit_id, case.stage) == ("visit", visit.pk, "flagged")
    reason = case.reasons.get()
    assert reason.code == ReasonCode.CADRE_REPORT
    assert "马秀英" in str(reason) and "户主务工受伤" in str(reason)
    # A second report joins the open case.
    again = services.case_report(
        actor=cadre_user,
        household=mw.household_g,
        visit=mf.visit(actor=cadre_user, household=mw.household_g),
        note="医药费又增加",
    )
    assert again.pk == case.pk and case.reasons.count() == 2
    with pytest.raises(InvalidInput) as error:
        services.case_report(actor=cadre_user, household=mw.household_g, visit=visit, note="")
    assert error.value.message == services.NOTE_REQUIRED
    # Not her household (paired with another cadre): refused.
    with pytest.raises(Forbidden):
        services.case_report(actor=cadre_user, household=mw.household_l, visit=None, note="x")


def test_risk_events_are_checked_and_audited(mw, cadre_user, viewer):
    event = mf.event(actor=cadre_user, household=mw.household_g, amount="12000.5")
    assert str(event.amount) == "12000.50"
    assert AuditEvent.objects.filter(object_type="monitoring.RiskEvent", object_id=str(event.pk))
    with pytest.raises(InvalidInput) as error:
        mf.event(actor=cadre_user, household=mw.household_g, amount="-1")
    assert error.value.field == "amount"
    with pytest.raises(InvalidInput) as error:
        services.risk_event_create(
            actor=cadre_user,
            household=mw.household_g,
            kind="flood",
            occurred_on=mf.today(),
            amount=1,
        )
    assert error.value.field == "kind"
    with pytest.raises(Forbidden):
        mf.event(actor=viewer, household=mw.household_g, amount="100")


def test_measures_of_a_confirmed_case_in_two_groups(mw, town_officer, cadre_user):
    case = mf.flagged(actor=town_officer, household=mw.household_g)
    with pytest.raises(Conflict) as error:
        services.case_measure_add(actor=town_officer, case=case, type="industry", description="x")
    assert error.value.message == services.MEASURE_NEEDS_CONFIRMED
    case.delete()
    case = mf.confirmed(actor=town_officer, household=mw.household_g)
    services.case_measure_add(
        actor=cadre_user, case=case, type="public_job", description="安排村保洁公益岗位"
    )
    services.case_measure_add(
        actor=town_officer, case=case, type="subsistence", description="纳入农村低保"
    )
    from shuanglian.monitoring.selectors import case_detail

    groups = {
        g.group: [m.description for m in g.measures]
        for g in case_detail(user=town_officer, pk=case.pk).measure_groups
    }
    assert groups == {"development": ["安排村保洁公益岗位"], "protection": ["纳入农村低保"]}
    assert case.household.plans.get().measures.count() == 2


def test_every_measure_type_is_classified():
    assert set(services.MEASURE_GROUPS) == set(MeasureType.values)
    assert set(services.MEASURE_GROUPS.values()) == {services.DEVELOPMENT, services.PROTECTION}


def test_risk_elimination_needs_six_months_above_the_line(mw, town_officer, admin_user):
    mf.worker(actor=admin_user, household=mw.household_g, name="孙强")
    start = services.months_before(mf.today(), 7)
    case = mf.confirmed(actor=town_officer, household=mw.household_g, on=start)
    problems = services.risk_elimination_problems(case)
    cutoff = services.months_before(mf.today(), 6)
    assert str(services.INCOME_NOT_LONG_ENOUGH.format(date=cutoff)) in problems
    assert any("家中老人重病" in p for p in problems)  # the reason is still open
    services.income_check_add(
        actor=town_officer, case=case, checked_on=start, per_capita_income="6500"
    )
    low = services.income_check_add(
        actor=town_officer,
        case=case,
        checked_on=services.months_before(mf.today(), 2),
        per_capita_income="6000",
    )
    problems = services.risk_elimination_problems(case)
    assert problems[0] == str(
        services.INCOME_CHECK_BELOW_LINE.format(
            date=low.checked_on, income="6,000.00", line="6,000.00"
        )
    )
    low.delete()
    for reason in case.reasons.all():
        services.case_reason_resolve(actor=town_officer, reason=reason, note="已纳入医保大病报销")
    assert services.risk_elimination_problems(case) == []
    with pytest.raises(Conflict):
        services.case_reason_resolve(actor=town_officer, reason=case.reasons.first(), note="x")


def test_households_without_labour_capacity_are_not_closed(mw, town_officer, admin_user):
    mf.worker(actor=admin_user, household=mw.household_g, labour=Labour.LOST, name="孙老汉")
    case = mf.ready_for_elimination(actor=town_officer, household=mw.household_g)
    assert services.risk_elimination_problems(case) == [str(services.NO_LABOUR_CAPACITY)]
    with pytest.raises(Conflict) as error:
        services.case_risk_eliminate(actor=town_officer, case=case)
    assert str(services.NO_LABOUR_CAPACITY) in str(error.value.message)
    # The lifecycle engine refuses to start the procedure, saying why.
    with pytest.raises(InvalidInput) as error:
        lifecycle_services.procedure_start(
            actor=town_officer, household=mw.household_g, kind=ProcedureKind.RISK_ELIMINATION
        )
    assert str(services.NO_LABOUR_CAPACITY) in str(error.value.message)
    case.refresh_from_db()
    assert case.stage == CaseStage.CONFIRMED


def test_approval_of_the_procedure_closes_the_case(mw, town_officer, admin_user):
    assert spec_of(ProcedureKind.RISK_ELIMINATION).on_approved is elimination.on_approved
    mf.worker(actor=admin_user, household=mw.household_g, name="孙强")
    case = mf.ready_for_elimination(actor=town_officer, household=mw.household_g)
    procedure = lifecycle_services.procedure_start(
        actor=town_officer, household=mw.household_g, kind=ProcedureKind.RISK_ELIMINATION
    )
    # The engine calls this in the transaction of the chain's last step (the county's notice).
    elimination.on_approved(admin_user, procedure)
    case.refresh_from_db()
    mw.household_g.refresh_from_db()
    assert case.stage == CaseStage.RISK_ELIMINATED and case.eliminated_on == mf.today()
    assert mw.household_g.category == Category.EXITED  # it was 脱贫户 before monitoring


def test_a_general_household_goes_back_to_general(mw, town_officer, admin_user):
    mf.worker(actor=admin_user, household=mw.household_g2, name="邵强")
    from shuanglian.pairings.tests import factories as pf

    pf.household_pairing(actor=admin_user, household=mw.household_g2, cadre=mw.cadre_p)
    case = mf.ready_for_elimination(actor=town_officer, household=mw.household_g2)
    services.case_risk_eliminate(actor=town_officer, case=case)
    mw.household_g2.refresh_from_db()
    assert mw.household_g2.category == Category.GENERAL
    assert elimination.preconditions(mw.household_g2) == [str(elimination.NO_CONFIRMED_CASE)]


def test_months_before_keeps_the_day_or_the_months_end():
    assert services.months_before(dt.date(2024, 8, 31), 6) == dt.date(2024, 2, 29)
    assert services.months_before(dt.date(2024, 3, 15), 12) == dt.date(2023, 3, 15)
    assert services.months_before(dt.date(2024, 1, 10), 1) == dt.date(2023, 12, 10)
