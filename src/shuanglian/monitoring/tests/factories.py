"""Test data for the monitoring app, made through the services."""

import datetime as dt

from django.utils import timezone

from shuanglian.assistance.tests import factories as af
from shuanglian.households import services as household_services
from shuanglian.households.models import Labour
from shuanglian.households.tests import factories as hf
from shuanglian.lifecycle import services as lifecycle_services
from shuanglian.monitoring import services


def today() -> dt.date:
    return timezone.localdate()


def income(*, actor, household, year, net, population=1):
    """An income record whose 人均纯收入 is exactly `net`."""
    return household_services.income_record_save(
        actor=actor,
        household=household,
        year=year,
        wage_income=str(net * population),
        population=population,
    )


def assurance(*, actor, household, item, met, checked_on=None):
    return lifecycle_services.assurance_record(
        actor=actor,
        household=household,
        checked_on=checked_on or today(),
        checks=[lifecycle_services.CheckData(item=item, met=met, evidence="入户核实")],
    )


def worker(*, actor, household, labour=Labour.ORDINARY, **kw):
    return hf.member(actor=actor, household=household, labour=labour, **kw)


def event(*, actor, household, amount, occurred_on=None, kind="medical"):
    return services.risk_event_create(
        actor=actor,
        household=household,
        kind=kind,
        occurred_on=occurred_on or today() - dt.timedelta(days=30),
        amount=amount,
        description="住院治疗",
    )


def visit(*, actor, household, visited_on=None):
    return af.visit(actor=actor, household=household, visited_on=visited_on or today())


def flagged(*, actor, household, note="家中老人重病，收入骤降", on=None):
    return services.case_flag(actor=actor, household=household, note=note, flagged_on=on)


def assessed(*, actor, household, on=None, **kw):
    case = flagged(actor=actor, household=household, on=on, **kw)
    return services.case_assess(
        actor=actor,
        case=case,
        visit=visit(actor=actor, household=household, visited_on=on),
        deliberated_on=on or today(),
        participants=23,
        result="agreed",
        notes="村民代表一致同意纳入监测",
    )


def confirmed(*, actor, household, category="marginal", on=None, **kw):
    case = assessed(actor=actor, household=household, on=on, **kw)
    return services.case_confirm(actor=actor, case=case, category=category, confirmed_on=on)


def ready_for_elimination(*, actor, household, months=7):
    """A confirmed case flagged `months` ago, income checked above the line since, reasons
    resolved: only the household's labour capacity is left to decide."""
    from shuanglian.monitoring.services import months_before

    start = months_before(today(), months)
    case = confirmed(actor=actor, household=household, on=start)
    for checked_on in (start, months_before(today(), 3), today()):
        services.income_check_add(
            actor=actor, case=case, checked_on=checked_on, per_capita_income="7200"
        )
    for reason in case.reasons.all():
        services.case_reason_resolve(actor=actor, reason=reason, note="已落实医疗救助和公益岗位")
    return case
