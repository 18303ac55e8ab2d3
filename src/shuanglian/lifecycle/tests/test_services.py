import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.households.models import Category
from shuanglian.households.services import income_record_save
from shuanglian.lifecycle import criteria, kinds, registry, services
from shuanglian.lifecycle.models import (
    AssuranceItem,
    IncomeLine,
    LineKind,
    Notice,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    ProcedureStep,
    Step,
)
from shuanglian.lifecycle.selectors import (
    current_assurance,
    current_assurance_bulk,
    income_line,
    income_lines_for,
)
from shuanglian.lifecycle.services import StepData
from shuanglian.lifecycle.tests import factories as lf

pytestmark = pytest.mark.django_db

GANSU = "620000000000"


# Income lines ------------------------------------------------------------------------------


def test_shipped_lines_are_loaded_by_the_migration_with_sources():
    lf.lines()
    line = income_line(LineKind.POVERTY, 2014, "620522104200")
    assert line.amount == Decimal("2800") and line.province_id is None
    assert "2800" in line.source
    assert income_line(LineKind.MONITORING, 2021, None).amount == Decimal("6000")
    assert income_line(LineKind.POVERTY, 1999, None) is None
    assert all(row.source for row in IncomeLine.objects.all())


def test_a_province_line_overrides_the_national_one(admin_user):
    lf.lines()
    services.income_line_save(
        actor=admin_user,
        kind=LineKind.POVERTY,
        year=2019,
        province_code=GANSU,
        amount="3300",
        source="测试文件",
    )
    assert income_line(LineKind.POVERTY, 2019, "620522104200").amount == Decimal("3300")
    assert income_line(LineKind.POVERTY, 2019, "110101001001").amount == Decimal("3218")
    both = income_lines_for(LineKind.POVERTY, [(2019, "620522104200"), (2019, "110000000000")])
    assert both[(2019, "620522104200")].amount == Decimal("3300")
    assert both[(2019, "110000000000")].amount == Decimal("3218")


def test_only_one_national_line_per_kind_and_year():
    lf.lines()
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeLine.objects.create(kind=LineKind.POVERTY, year=2014, amount=1, source="x")


def test_lines_are_edited_by_administrators_only_and_audited(admin_user, county_officer):
    with pytest.raises(Forbidden):
        services.income_line_save(
            actor=county_officer, kind="poverty", year=2016, amount="2952", source="x"
        )
    line = services.income_line_save(
        actor=admin_user, kind="poverty", year=2016, amount="2952", source="文件"
    )
    services.income_line_save(
        actor=admin_user, line=line, kind="poverty", year=2016, amount="2953", source="文件"
    )
    event = AuditEvent.objects.filter(object_type="lifecycle.IncomeLine").first()
    assert event.changes["amount"] == ["2952.00", "2953.00"]
    with pytest.raises(InvalidInput) as error:
        services.income_line_save(
            actor=admin_user, kind="poverty", year=2016, amount="0", source="x"
        )
    assert error.value.field == "amount"


def test_the_loader_is_idempotent():
    lf.lines()
    result = services.income_lines_load(actor=None)
    assert result.created == 0 and result.unchanged == IncomeLine.objects.count()


# The checklist -----------------------------------------------------------------------------


def test_the_latest_check_of_an_item_is_current(admin_user, lw):
    lf.checks(actor=admin_user, household=lw.g, on=lf.days_ago(30))
    lf.checks(actor=admin_user, household=lw.g, failing={"water"}, on=lf.days_ago(10))
    # An older check recorded later does not replace the newer one.
    lf.checks(actor=admin_user, household=lw.g, on=lf.days_ago(20))
    current = current_assurance(lw.g)
    assert current["water"].met is False and current["food"].met is True
    bulk = current_assurance_bulk([lw.g, lw.g2])
    assert bulk[lw.g2.pk] == {} and bulk[lw.g.pk]["water"].met is False


def test_the_paired_cadre_may_record_the_checklist_a_viewer_not(cadre_user, viewer, lw):
    lf.checks(actor=cadre_user, household=lw.g)
    with pytest.raises(Forbidden):
        lf.checks(actor=viewer, household=lw.g)


# Order rules -------------------------------------------------------------------------------


def test_identification_runs_through_every_step_and_makes_the_household_poor(admin_user, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    lf.advance(admin_user, procedure)
    procedure.refresh_from_db()
    lw.g.refresh_from_db()
    assert procedure.status == ProcedureStatus.APPROVED and procedure.ended_on
    assert lw.g.category == Category.POOR
    assert [s.step for s in procedure.steps.order_by("id")] == list(
        registry.spec_of(ProcedureKind.IDENTIFICATION).steps
    )
    event = AuditEvent.objects.filter(
        object_type="households.Household", object_id=str(lw.g.pk), action="update"
    ).first()
    assert event.changes["category"] == [Category.GENERAL, Category.POOR]
    assert event.changes["procedure"] == [None, procedure.pk]


def test_cannot_approve_before_the_previous_step(admin_user, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    lf.advance(admin_user, procedure, until=Step.TOWNSHIP_REVIEW)
    with pytest.raises(InvalidInput) as error:
        services.step_record(
            actor=admin_user,
            procedure=procedure,
            step=Step.COUNTY_APPROVAL,
            data=StepData(done_on=lf.days_ago(1)),
        )
    assert str(error.value) == str(
        services.STEP_OUT_OF_ORDER.format(
            step=Step.COUNTY_APPROVAL.label, expected=Step.TOWNSHIP_REVIEW.label
        )
    )
    assert not procedure.steps.filter(step=Step.COUNTY_APPROVAL).exists()


def test_cannot_record_the_next_step_before_the_notice_period_ended(admin_user, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g, on=lf.days_ago(30))
    lf.advance(admin_user, procedure, until=Step.FIRST_NOTICE)
    posted = lf.days_ago(20)
    services.step_record(
        actor=admin_user,
        procedure=procedure,
        step=Step.FIRST_NOTICE,
        data=lf.step_data(Step.FIRST_NOTICE, posted),
    )
    notice = Notice.objects.get()
    assert notice.ends_on == posted + dt.timedelta(days=6)
    procedure.refresh_from_db()
    with pytest.raises(InvalidInput) as error:
        services.step_record(
            actor=admin_user,
            procedure=procedure,
            step=Step.TOWNSHIP_REVIEW,
            data=StepData(done_on=notice.ends_on),
        )
    assert error.value.field == "done_on"
    assert str(error.value) == str(
        services.NOTICE_NOT_ENDED.format(ends_on=notice.ends_on.isoformat())
    )
    services.step_record(
        actor=admin_user,
        procedure=procedure,
        step=Step.TOWNSHIP_REVIEW,
        data=StepData(done_on=notice.ends_on + dt.timedelta(days=1)),
    )


def test_the_notice_length_follows_the_setting(admin_user, lw, settings):
    settings.NOTICE_DAYS = 5
    procedure = lf.identification(actor=admin_user, household=lw.g)
    lf.advance(admin_user, procedure, until=Step.FIRST_NOTICE)
    lf.advance(admin_user, procedure, until=Step.TOWNSHIP_REVIEW)
    notice = Notice.objects.get()
    assert (notice.ends_on - notice.starts_on).days == 4


def test_a_step_cannot_be_dated_before_the_previous_one_or_in_the_future(admin_user, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g, on=lf.days_ago(10))
    before = services.DATE_BEFORE_PREVIOUS.format(date=lf.days_ago(10).isoformat())
    for on, message in (
        (lf.days_ago(11), before),
        (lf.days_ago(-1), services.DATE_IN_FUTURE),
    ):
        with pytest.raises(InvalidInput) as error:
            services.step_record(
                actor=admin_user,
                procedure=procedure,
                step=Step.DELIBERATION,
                data=lf.step_data(Step.DELIBERATION, on),
            )
        assert str(error.value) == str(message)


def test_deliberation_needs_its_numbers_and_a_majority(admin_user, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    on = lf.days_ago(50)
    for overrides, message in (
        ({"participants": None}, services.PARTICIPANTS_REQUIRED),
        ({"votes_for": None}, services.VOTES_REQUIRED),
        ({"votes_for": 30, "votes_against": 5}, services.VOTES_EXCEED),
        ({"votes_for": 10, "votes_against": 10}, services.VOTE_NOT_CARRIED),
    ):
        with pytest.raises(InvalidInput) as error:
            services.step_record(
                actor=admin_user,
                procedure=procedure,
                step=Step.DELIBERATION,
                data=lf.step_data(Step.DELIBERATION, on, **overrides),
            )
        assert error.value.message == message


def test_a_rejection_with_a_reason_ends_the_procedure(admin_user, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    lf.advance(admin_user, procedure, until=Step.TOWNSHIP_REVIEW)
    on = procedure.steps.order_by("-id").first().notice.ends_on + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as error:
        services.step_record(
            actor=admin_user,
            procedure=procedure,
            step=Step.TOWNSHIP_REVIEW,
            data=StepData(done_on=on, outcome="rejected"),
        )
    assert error.value.message == services.REASON_REQUIRED
    services.step_record(
        actor=admin_user,
        procedure=procedure,
        step=Step.TOWNSHIP_REVIEW,
        data=StepData(done_on=on, outcome="rejected", reason="收入核查不实"),
    )
    procedure.refresh_from_db()
    lw.g.refresh_from_db()
    assert procedure.status == ProcedureStatus.REJECTED
    assert procedure.rejection_reason == "收入核查不实" and procedure.next_step == ""
    assert lw.g.category == Category.GENERAL
    with pytest.raises(Conflict):
        services.step_record(
            actor=admin_user,
            procedure=procedure,
            step=Step.SECOND_NOTICE,
            data=lf.step_data(Step.SECOND_NOTICE, on),
        )
    # The history stays, and a new procedure may start.
    assert procedure.steps.count() == 4
    lf.identification(actor=admin_user, household=lw.g, on=on)


def test_at_most_one_open_procedure_of_a_kind(admin_user, lw):
    lf.identification(actor=admin_user, household=lw.g)
    with pytest.raises(Conflict):
        lf.identification(actor=admin_user, household=lw.g)
    with pytest.raises(IntegrityError), transaction.atomic():
        Procedure.objects.create(kind="identification", household=lw.g, started_on=lf.days_ago(1))


def test_withdrawing_ends_it_and_keeps_it(admin_user, town_officer, county_officer, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    with pytest.raises(Forbidden):
        services.procedure_withdraw(actor=county_officer, procedure=procedure, reason="迁出")
    services.procedure_withdraw(actor=town_officer, procedure=procedure, reason="迁出")
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.WITHDRAWN and procedure.steps.count() == 1


# Level and scope rules ---------------------------------------------------------------------


def test_the_town_officer_holds_the_village_steps(town_officer, lw):
    procedure = lf.identification(actor=town_officer, household=lw.g)
    lf.advance(town_officer, procedure, until=Step.TOWNSHIP_REVIEW)
    assert procedure.next_step == Step.TOWNSHIP_REVIEW


def test_a_county_officer_cannot_do_the_village_or_township_steps(admin_user, county_officer, lw):
    with pytest.raises(Forbidden) as error:
        lf.identification(actor=county_officer, household=lw.g)
    assert error.value.message == services.rules.STEP_LEVEL_FORBIDDEN["village"]
    procedure = lf.identification(actor=admin_user, household=lw.g)
    on = lf.advance(admin_user, procedure, until=Step.TOWNSHIP_REVIEW)
    with pytest.raises(Forbidden) as error:
        services.step_record(
            actor=county_officer,
            procedure=procedure,
            step=Step.TOWNSHIP_REVIEW,
            data=StepData(done_on=on),
        )
    assert error.value.message == services.rules.STEP_LEVEL_FORBIDDEN["township"]


def test_only_a_county_officer_approves(admin_user, town_officer, county_officer, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    on = lf.advance(admin_user, procedure, until=Step.COUNTY_APPROVAL)
    with pytest.raises(Forbidden):
        services.step_record(
            actor=town_officer,
            procedure=procedure,
            step=Step.COUNTY_APPROVAL,
            data=StepData(done_on=on),
        )
    services.step_record(
        actor=county_officer,
        procedure=procedure,
        step=Step.COUNTY_APPROVAL,
        data=StepData(done_on=on),
    )
    services.step_record(
        actor=county_officer,
        procedure=procedure,
        step=Step.ANNOUNCEMENT,
        data=lf.step_data(Step.ANNOUNCEMENT, on),
    )
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.APPROVED


def test_an_officer_of_another_town_acts_on_nothing_here(other_town_officer, lw):
    with pytest.raises(Forbidden):
        lf.identification(actor=other_town_officer, household=lw.g)


def test_a_cadre_applies_only_for_the_paired_household(admin_user, cadre_user, lw):
    procedure = lf.identification(actor=cadre_user, household=lw.g)
    assert procedure.started_by == cadre_user
    with pytest.raises(Forbidden):
        lf.identification(actor=cadre_user, household=lw.g2)
    with pytest.raises(Forbidden):
        services.step_record(
            actor=cadre_user,
            procedure=procedure,
            step=Step.DELIBERATION,
            data=lf.step_data(Step.DELIBERATION, lf.days_ago(50)),
        )


def test_viewers_and_unit_administrators_record_nothing(viewer, unit_admin, lw):
    for user in (viewer, unit_admin):
        with pytest.raises(Forbidden):
            lf.identification(actor=user, household=lw.g)


# Exit --------------------------------------------------------------------------------------


def _poor(admin_user, household):
    household.category = Category.POOR
    household.save()
    return household


def test_exit_refused_with_each_failed_criterion(admin_user, lw):
    lf.lines()
    household = _poor(admin_user, lw.g)
    with pytest.raises(InvalidInput) as error:
        services.procedure_start(actor=admin_user, household=household, kind="exit")
    failures = error.value.extra["failures"]
    assert str(criteria.NO_INCOME) in failures
    assert len(failures) == 7  # no income, six items never checked


def test_exit_refused_when_income_is_not_above_the_line(admin_user, lw):
    household = _poor(admin_user, lw.g)
    lf.ready_to_exit(actor=admin_user, household=household, year=2019, per_person=Decimal("3218"))
    with pytest.raises(InvalidInput) as error:
        services.procedure_start(actor=admin_user, household=household, kind="exit")
    assert error.value.extra["failures"] == [
        str(criteria.INCOME_BELOW_LINE.format(year=2019, income="3,218.00", line="3,218.00"))
    ]


def test_exit_refused_when_one_item_fails(admin_user, lw):
    household = _poor(admin_user, lw.g)
    lf.ready_to_exit(actor=admin_user, household=household)
    lf.checks(actor=admin_user, household=household, failing={"housing"}, on=lf.days_ago(60))
    with pytest.raises(InvalidInput) as error:
        services.procedure_start(actor=admin_user, household=household, kind="exit")
    assert error.value.extra["failures"] == [
        str(criteria.ITEM_NOT_MET.format(item=AssuranceItem.HOUSING.label))
    ]


def test_exit_refused_for_a_household_that_is_not_poor(admin_user, lw):
    lf.ready_to_exit(actor=admin_user, household=lw.g)
    with pytest.raises(InvalidInput) as error:
        services.procedure_start(actor=admin_user, household=lw.g, kind="exit")
    assert error.value.extra["failures"][0].startswith(str(kinds.NOT_POOR)[:10])


def test_exit_with_the_criteria_met_makes_the_household_exited(admin_user, lw):
    household = _poor(admin_user, lw.g)
    lf.ready_to_exit(actor=admin_user, household=household)
    procedure = services.procedure_start(
        actor=admin_user, household=household, kind="exit", data=StepData(done_on=lf.days_ago(90))
    )
    first = procedure.steps.get()
    assert first.step == Step.CRITERIA_CHECK and procedure.next_step == Step.APPLICATION
    lf.advance(admin_user, procedure)
    household.refresh_from_db()
    assert household.category == Category.EXITED
    assert AuditEvent.objects.filter(
        object_type="households.Household", changes__category=[Category.POOR, Category.EXITED]
    ).exists()


def _exit_started(admin_user, household) -> Procedure:
    household = _poor(admin_user, household)
    lf.ready_to_exit(actor=admin_user, household=household)
    return services.procedure_start(
        actor=admin_user, household=household, kind="exit", data=StepData(done_on=lf.days_ago(90))
    )


def test_exit_refused_at_county_approval_when_a_criterion_fails_during_the_procedure(
    admin_user, lw
):
    procedure = _exit_started(admin_user, lw.g)
    # Weeks into the procedure the village finds the house unsafe.
    lf.checks(actor=admin_user, household=lw.g, failing={"housing"}, on=lf.days_ago(85))
    with pytest.raises(Conflict) as error:
        lf.advance(admin_user, procedure)
    housing = str(criteria.ITEM_NOT_MET.format(item=AssuranceItem.HOUSING.label))
    assert error.value.extra["failures"] == [housing]
    assert str(error.value) == str(
        services.CONDITIONS_NO_LONGER_MET.format(
            step=Step.COUNTY_APPROVAL.label, household=lw.g, failures=housing
        )
    )
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.IN_PROGRESS
    assert procedure.next_step == Step.COUNTY_APPROVAL
    assert not procedure.steps.filter(step=Step.COUNTY_APPROVAL).exists()
    lw.g.refresh_from_db()
    assert lw.g.category == Category.POOR


def test_the_county_may_still_reject_when_a_criterion_fails(admin_user, lw):
    procedure = _exit_started(admin_user, lw.g)
    lf.checks(actor=admin_user, household=lw.g, failing={"housing"}, on=lf.days_ago(85))
    on = lf.advance(admin_user, procedure, until=Step.COUNTY_APPROVAL)
    services.step_record(
        actor=admin_user,
        procedure=procedure,
        step=Step.COUNTY_APPROVAL,
        data=StepData(done_on=on, outcome="rejected", reason="住房不安全"),
    )
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.REJECTED


def test_exit_refused_at_the_announcement_when_a_criterion_fails_after_approval(admin_user, lw):
    procedure = _exit_started(admin_user, lw.g)
    on = lf.advance(admin_user, procedure, until=Step.ANNOUNCEMENT)
    lf.checks(actor=admin_user, household=lw.g, failing={"water"}, on=on)
    with pytest.raises(Conflict) as error:
        services.step_record(
            actor=admin_user,
            procedure=procedure,
            step=Step.ANNOUNCEMENT,
            data=lf.step_data(Step.ANNOUNCEMENT, on),
        )
    assert error.value.extra["failures"] == [
        str(criteria.ITEM_NOT_MET.format(item=AssuranceItem.WATER.label))
    ]
    assert not Notice.objects.filter(kind="announcement").exists()
    procedure.refresh_from_db()
    assert procedure.next_step == Step.ANNOUNCEMENT
    lw.g.refresh_from_db()
    assert lw.g.category == Category.POOR


def test_income_with_no_line_for_its_year_is_a_failed_criterion(admin_user, lw):
    lf.lines()
    household = _poor(admin_user, lw.g)
    income_record_save(actor=admin_user, household=household, year=2011, wage_income=90000)
    failures = criteria.exit_failures(household)
    assert str(criteria.NO_LINE.format(year=2011)) in failures


# Notices and the registry ------------------------------------------------------------------


def test_one_notice_for_several_households_of_the_village(admin_user, lw):
    procedures = []
    for household in (lw.g, lw.g2):
        procedure = lf.identification(actor=admin_user, household=household)
        lf.advance(admin_user, procedure, until=Step.FIRST_NOTICE)
        procedures.append(procedure)
    notice = services.notice_publish(
        actor=admin_user,
        procedures=procedures,
        step=Step.FIRST_NOTICE,
        starts_on=lf.days_ago(60),
        objection_channel=lf.OBJECTIONS,
    )
    assert notice.region_id == lw.g.village_id
    assert set(notice.steps.values_list("procedure_id", flat=True)) == {p.pk for p in procedures}
    for procedure in procedures:
        procedure.refresh_from_db()
        assert procedure.next_step == Step.TOWNSHIP_REVIEW


def test_a_notice_cannot_mix_villages(admin_user, lw):
    procedures = []
    for household in (lw.g, lw.l):
        procedure = lf.identification(actor=admin_user, household=household)
        lf.advance(admin_user, procedure, until=Step.FIRST_NOTICE)
        procedures.append(procedure)
    with pytest.raises(InvalidInput) as error:
        services.notice_publish(
            actor=admin_user,
            procedures=procedures,
            step=Step.FIRST_NOTICE,
            starts_on=lf.days_ago(60),
            objection_channel=lf.OBJECTIONS,
        )
    assert str(error.value) == str(services.NOTICE_MIXED_REGIONS.format(region="暖泉村民委员会"))
    assert not Notice.objects.exists()
    assert not ProcedureStep.objects.filter(step=Step.FIRST_NOTICE).exists()


def test_a_notice_needs_where_to_object(admin_user, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    on = lf.advance(admin_user, procedure, until=Step.FIRST_NOTICE)
    with pytest.raises(InvalidInput) as error:
        services.step_record(
            actor=admin_user,
            procedure=procedure,
            step=Step.FIRST_NOTICE,
            data=StepData(done_on=on),
        )
    assert error.value.field == "objection_channel"


def test_another_app_registers_its_kind(admin_user, lw):
    approved = []
    failing = []
    saved = registry.spec_of(ProcedureKind.RISK_ELIMINATION)
    try:
        registry.register(
            ProcedureKind.RISK_ELIMINATION,
            preconditions=lambda household: (
                ["收入未稳定"] if household.pk == lw.g2.pk else list(failing)
            ),
            on_approved=lambda actor, procedure: approved.append(procedure.pk),
        )
        with pytest.raises(InvalidInput) as error:
            services.procedure_start(actor=admin_user, household=lw.g2, kind="risk_elimination")
        assert error.value.extra["failures"] == ["收入未稳定"]
        procedure = services.procedure_start(
            actor=admin_user,
            household=lw.g,
            kind="risk_elimination",
            data=StepData(done_on=lf.days_ago(90)),
        )
        lf.advance(admin_user, procedure)
        assert approved == [procedure.pk]
        approved.clear()
        # A kind registered by another app is checked again before the county approves too.
        procedure = services.procedure_start(
            actor=admin_user,
            household=lw.g,
            kind="risk_elimination",
            data=StepData(done_on=lf.days_ago(90)),
        )
        failing.append("收入下降")
        with pytest.raises(Conflict) as error:
            lf.advance(admin_user, procedure)
        assert error.value.extra["failures"] == ["收入下降"]
        procedure.refresh_from_db()
        assert procedure.next_step == Step.COUNTY_APPROVAL
        assert approved == []
    finally:
        if saved is None:
            registry._KINDS.pop(ProcedureKind.RISK_ELIMINATION, None)
        else:
            registry._KINDS[ProcedureKind.RISK_ELIMINATION] = saved


def test_an_unregistered_kind_cannot_start(admin_user, lw):
    saved = registry._KINDS.pop(ProcedureKind.RISK_ELIMINATION, None)
    try:
        with pytest.raises(InvalidInput) as error:
            services.procedure_start(actor=admin_user, household=lw.g, kind="risk_elimination")
        assert str(error.value) == str(
            services.KIND_NOT_AVAILABLE.format(kind=ProcedureKind.RISK_ELIMINATION.label)
        )
    finally:
        if saved is not None:
            registry._KINDS[ProcedureKind.RISK_ELIMINATION] = saved


def test_documents_are_checked_by_content_and_size(admin_user, lw, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(InvalidInput) as error:
        services.procedure_start(
            actor=admin_user,
            household=lw.g,
            kind="identification",
            data=StepData(done_on=lf.days_ago(5)),
            documents=[fake],
        )
    assert str(error.value) == str(services.DOCUMENT_TYPE.format(name="evil.pdf"))
    procedure = services.procedure_start(
        actor=admin_user,
        household=lw.g,
        kind="identification",
        data=StepData(done_on=lf.days_ago(5)),
        documents=[pdf],
    )
    document = procedure.steps.get().documents.get()
    assert document.content_type == "application/pdf" and document.name == "申请书.pdf"
    settings.LIFECYCLE_DOCUMENT_MAX_MB = 0
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 100)
    with pytest.raises(InvalidInput) as error:
        services.documents_prepare([big])
    assert str(error.value) == str(services.DOCUMENT_TOO_LARGE.format(name="big.pdf", mb=0))
