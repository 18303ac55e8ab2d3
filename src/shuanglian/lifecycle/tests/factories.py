"""Factories that go through the services, so test data obeys the same rules as real data."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from shuanglian.households.services import income_record_save
from shuanglian.lifecycle import services
from shuanglian.lifecycle.models import AssuranceItem, IncomeLine, Procedure, ProcedureKind, Step
from shuanglian.lifecycle.services import CheckData, StepData

OBJECTIONS = "村委会办公室，电话 0938-6512345"


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def lines() -> None:
    """The shipped lines (a transactional test flushed the ones the migration loaded)."""
    if not IncomeLine.objects.exists():
        services.income_lines_load(actor=None)


def step_data(step: str, on: dt.date, **overrides) -> StepData:
    values = {"done_on": on}
    if step == Step.DELIBERATION:
        values.update(participants=30, votes_for=25, votes_against=2, minutes="同意")
    if step in services.NOTICE_STEPS:
        values.update(objection_channel=OBJECTIONS)
    values.update(overrides)
    return StepData(**values)


def identification(*, actor, household, on: dt.date | None = None) -> Procedure:
    on = on or days_ago(100)
    return services.procedure_start(
        actor=actor,
        household=household,
        kind=ProcedureKind.IDENTIFICATION,
        data=StepData(done_on=on, note="申请"),
    )


def advance(actor, procedure: Procedure, *, until: str = "", on: dt.date | None = None) -> dt.date:
    """Record steps up to (not including) `until` ("" = to the end), spacing notices correctly."""
    on = on or procedure.steps.order_by("-id").first().done_on
    while procedure.next_step and procedure.next_step != until:
        step = procedure.next_step
        services.step_record(actor=actor, procedure=procedure, step=step, data=step_data(step, on))
        procedure.refresh_from_db()
        on += dt.timedelta(days=settings.NOTICE_DAYS if step in services.NOTICE_STEPS else 1)
    return on


def ready_to_exit(*, actor, household, year: int = 2020, per_person=Decimal("5000")) -> None:
    lines()
    income_record_save(
        actor=actor,
        household=household,
        year=year,
        wage_income=per_person * household.member_count,
        population=household.member_count,
    )
    checks(actor=actor, household=household)


def checks(*, actor, household, failing=(), on: dt.date | None = None) -> None:
    services.assurance_record(
        actor=actor,
        household=household,
        checked_on=on or days_ago(120),
        checks=[CheckData(item.value, item.value not in failing, "核实") for item in AssuranceItem],
    )
