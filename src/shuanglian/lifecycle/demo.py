"""The demo's identification and exit work, built through the services on the demo's households:
two households mid-way through the first public notice (one notice lists both), one identified
(贫困户), one refused at the village deliberation, two exited (脱贫户) with complete checklists and
a recent income above the line, and one exit waiting for the township review.

Called by the demo after its households exist; households that already have a procedure are
left alone, so running it twice adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from shuanglian.households.models import Category, Household
from shuanglian.households.services import income_record_save
from shuanglian.lifecycle import services
from shuanglian.lifecycle.models import AssuranceItem, LineKind, Procedure, ProcedureKind, Step
from shuanglian.lifecycle.selectors import income_line
from shuanglian.lifecycle.services import CheckData, StepData

OBJECTIONS = (
    "对公示内容有异议的，请于公示期内向村民委员会或郭嘉镇人民政府扶贫工作站反映，"
    "电话 0938-6512345。"
)
EVIDENCE = {
    AssuranceItem.FOOD: "口粮充足，入户查看粮仓",
    AssuranceItem.CLOTHING: "四季衣被齐全",
    AssuranceItem.EDUCATION: "适龄子女均在校就读，无辍学",
    AssuranceItem.MEDICAL: "全家参加城乡居民基本医疗保险",
    AssuranceItem.HOUSING: "住房经鉴定为安全住房",
    AssuranceItem.WATER: "自来水入户，水质达标",
}


@dataclass
class SeedResult:
    procedures: list[Procedure] = field(default_factory=list)
    notices: int = 0


def _step_data(step: str, on: dt.date) -> StepData:
    if step == Step.DELIBERATION:
        return StepData(
            done_on=on,
            participants=32,
            votes_for=29,
            votes_against=1,
            minutes="村民代表会议民主评议，同意。",
        )
    if step in services.NOTICE_STEPS:
        return StepData(done_on=on, objection_channel=OBJECTIONS)
    if step == Step.APPLICATION:
        return StepData(done_on=on, note="本户申请")
    return StepData(done_on=on, note="审核通过")


def _advance(actor, procedure: Procedure, *, until: str, on: dt.date) -> dt.date:
    """Record the procedure's steps up to (not including) `until`; returns the next free date."""
    while procedure.next_step and procedure.next_step != until:
        step = procedure.next_step
        services.step_record(actor=actor, procedure=procedure, step=step, data=_step_data(step, on))
        procedure.refresh_from_db()
        on += dt.timedelta(days=settings.NOTICE_DAYS if step in services.NOTICE_STEPS else 2)
    return on


def _ready_to_exit(actor, household: Household, today: dt.date, checked_on: dt.date) -> None:
    """An income above the latest poverty line and all six items met."""
    year = min(today.year - 1, 2020)
    line = income_line(LineKind.POVERTY, year, household.village_id)
    if line is None:
        year = 2020
        line = income_line(LineKind.POVERTY, year, household.village_id)
    people = max(household.member_count, 1)
    income_record_save(
        actor=actor,
        household=household,
        year=year,
        wage_income=(line.amount + Decimal("1500")) * people,
        population=people,
    )
    services.assurance_record(
        actor=actor,
        household=household,
        checked_on=checked_on,
        checks=[CheckData(item.value, True, EVIDENCE[item]) for item in AssuranceItem],
    )


def _free(category: str, village_id: str):
    return Household.objects.filter(
        category=category, village_id=village_id, procedures__isnull=True
    ).order_by("id")


@transaction.atomic
def seed(*, actor, today: dt.date) -> SeedResult:
    result = SeedResult()
    services.income_lines_load(actor=actor)
    village_id = None
    for candidate in (
        Household.objects.order_by("village_id").values_list("village_id", flat=True).distinct()
    ):
        if (
            _free(Category.GENERAL, candidate).count() >= 4
            and _free(Category.POOR, candidate).count() >= 3
        ):
            village_id = candidate
            break
    if village_id is None:
        return result
    general = list(_free(Category.GENERAL, village_id)[:4])
    poor = list(_free(Category.POOR, village_id)[:3])
    start = today - dt.timedelta(days=120)

    def start_procedure(household, kind, on):
        data = StepData(done_on=on, note="本户申请")
        procedure = services.procedure_start(actor=actor, household=household, kind=kind, data=data)
        result.procedures.append(procedure)
        return procedure

    # Identified: the whole chain, months ago.
    done = start_procedure(general[0], ProcedureKind.IDENTIFICATION, start)
    _advance(actor, done, until="", on=start + dt.timedelta(days=2))
    # Refused at the village deliberation.
    refused = start_procedure(general[1], ProcedureKind.IDENTIFICATION, start)
    services.step_record(
        actor=actor,
        procedure=refused,
        step=Step.DELIBERATION,
        data=StepData(
            done_on=start + dt.timedelta(days=3),
            outcome="rejected",
            reason="家庭人均纯收入高于识别标准，评议未通过",
            participants=30,
            votes_for=4,
            votes_against=24,
        ),
    )
    # Two households on one first public notice that is still running.
    posted_on = today - dt.timedelta(days=2)
    waiting = []
    for household in general[2:4]:
        procedure = start_procedure(
            household, ProcedureKind.IDENTIFICATION, today - dt.timedelta(days=10)
        )
        _advance(actor, procedure, until=Step.FIRST_NOTICE, on=today - dt.timedelta(days=6))
        waiting.append(procedure)
    services.notice_publish(
        actor=actor,
        procedures=waiting,
        step=Step.FIRST_NOTICE,
        starts_on=posted_on,
        objection_channel=OBJECTIONS,
    )
    # Exited: an income above the line, all six items met, the whole chain.
    checked_on = start - dt.timedelta(days=5)
    for household in poor[:2]:
        _ready_to_exit(actor, household, today, checked_on)
    for household in poor[:2]:
        procedure = start_procedure(household, ProcedureKind.EXIT, start)
        _advance(actor, procedure, until="", on=start + dt.timedelta(days=1))
    # An exit waiting for the township review (its first notice has ended).
    _ready_to_exit(actor, poor[2], today, checked_on)
    pending = start_procedure(poor[2], ProcedureKind.EXIT, start)
    _advance(actor, pending, until=Step.TOWNSHIP_REVIEW, on=start + dt.timedelta(days=1))
    result.notices = len(
        {s.notice_id for p in result.procedures for s in p.steps.all() if s.notice_id}
    )
    return result
