"""Monitored households for the demo: each category at a different stage, one case closed as
risk-eliminated, and one household whose risk elimination is refused because nobody in it can
work. Built through the services; running it again adds nothing.

The demo calls `seed(actor=..., today=...)` after its villages, units and cadres exist.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from shuanglian.assistance import services as assistance_services
from shuanglian.core.errors import Conflict
from shuanglian.core.idcard import build_id
from shuanglian.households import services as household_services
from shuanglian.households.models import Household, Labour, Relation
from shuanglian.monitoring import services
from shuanglian.monitoring.models import CaseStage, MonitoringCase
from shuanglian.pairings import services as pairing_services
from shuanglian.pairings.models import VillagePairing
from shuanglian.units import services as unit_services
from shuanglian.units.models import Cadre

VILLAGE = "620522104200"  # 暖泉村, 郭嘉镇
ADDRESS = "暖泉村（防返贫监测示例）"
DEMO_UNIT = "秦安县乡村振兴局"


@dataclass(frozen=True)
class Example:
    head: str
    category: str  # the household's category before monitoring
    stage: str
    monitoring: str = ""  # the monitoring category, once confirmed
    can_work: bool = True
    note: str = ""


EXAMPLES = (
    Example("王志军", "exited", CaseStage.RISK_ELIMINATED, "unstable_exited", note="苹果受冻减产"),
    Example("李桂兰", "exited", CaseStage.CONFIRMED, "unstable_exited", note="务工收入中断"),
    Example("张建国", "general", CaseStage.CONFIRMED, "marginal", note="人均纯收入接近监测线"),
    Example("赵小红", "general", CaseStage.CONFIRMED, "sudden_hardship", note="户主突发重病"),
    Example(
        "孙有福",
        "exited",
        CaseStage.CONFIRMED,
        "sudden_hardship",
        can_work=False,
        note="老两口年迈多病，无劳动能力",
    ),
    Example("马文斌", "general", CaseStage.ASSESSED, note="房屋因暴雨受损"),
    Example("杨春花", "general", CaseStage.FLAGGED, note="子女上学支出大"),
    Example("周宝山", "exited", CaseStage.DISMISSED, note="核实后收入稳定"),
)


def months_ago(today: dt.date, months: int) -> dt.date:
    return services.months_before(today, months)


def _cadre(actor, today: dt.date) -> Cadre:
    """A cadre of a unit paired with the village now; the demo's own unit when there is none."""
    pairing = (
        VillagePairing.objects.filter(village_id=VILLAGE, end_date__isnull=True)
        .select_related("unit")
        .first()
    )
    if pairing is not None:
        cadre = Cadre.objects.filter(unit=pairing.unit, is_active=True).order_by("id").first()
        if cadre is not None:
            return cadre
        unit = pairing.unit
    else:
        unit = unit_services.unit_create(
            actor=actor,
            name=DEMO_UNIT,
            short_name="县乡村振兴局",
            kind="party_government",
            level="county",
            home_region_code="620522000000",
            leader_name="",
            leader_post="",
        )
        pairing_services.village_pairing_create(
            actor=actor,
            unit=unit,
            village_code=VILLAGE,
            role="member",
            start_date=months_ago(today, 24),
        )
    return unit_services.cadre_create(actor=actor, unit=unit, name="刘振华", position="驻村干部")


def _person(name: str, birth: dt.date, serial: int, **kw) -> household_services.MemberData:
    return household_services.MemberData(
        name=name, id_number=build_id("620522", birth, serial), **kw
    )


def _household(actor, example: Example, n: int, cadre: Cadre, today: dt.date) -> Household:
    labour = Labour.ORDINARY if example.can_work else Labour.LOST
    birth = dt.date(1948 if not example.can_work else 1975, 3, 1) + dt.timedelta(days=37 * n)
    for attempt in range(50):
        try:
            household = household_services.household_create(
                actor=actor,
                village_code=VILLAGE,
                # Numbers of their own, outside the serials the demo generates for the village
                # (a larger demo build must not find its next household already taken).
                number=f"{VILLAGE}-J{n + 1:02d}",
                head=_person(
                    example.head, birth, 801 + 2 * attempt, relation=Relation.HEAD, labour=labour
                ),
                address=ADDRESS,
                category=example.category,
            )
            break
        except Conflict:
            continue
    else:
        raise Conflict(f"No free ID number for {example.head}")
    for attempt in range(50):
        try:
            household_services.member_add(
                actor=actor,
                household=household,
                data=_person(
                    example.head[0] + "某",
                    birth + dt.timedelta(days=400),
                    600 + 2 * attempt,
                    relation=Relation.SPOUSE,
                    labour=Labour.NONE if not example.can_work else Labour.ORDINARY,
                ),
            )
            break
        except Conflict:
            continue
    pairing_services.household_pairing_assign(
        actor=actor, household=household, cadre=cadre, start_date=months_ago(today, 12)
    )
    return household


def _advance(actor, household: Household, example: Example, today: dt.date) -> MonitoringCase:
    start = months_ago(
        today, 8 if example.stage in (CaseStage.CONFIRMED, CaseStage.RISK_ELIMINATED) else 0
    )
    if example.stage == CaseStage.FLAGGED:
        start = today - dt.timedelta(days=20)  # overdue, and not visited since
    household_services.income_record_save(
        actor=actor, household=household, year=today.year - 1, wage_income="10400", population=2
    )
    case = services.case_flag(actor=actor, household=household, note=example.note, flagged_on=start)
    if example.monitoring == "sudden_hardship":
        services.risk_event_create(
            actor=actor,
            household=household,
            kind="medical",
            occurred_on=start,
            amount="46000",
            description="住院手术费用",
        )
    if example.stage == CaseStage.FLAGGED:
        return case
    visit = assistance_services.visit_create(
        actor=actor,
        household=household,
        visited_on=start,
        mode="home",
        discussion=f"入户核实：{example.note}",
    )
    if example.stage == CaseStage.DISMISSED:
        return services.case_dismiss(actor=actor, case=case, reason=example.note)
    case = services.case_assess(
        actor=actor,
        case=case,
        visit=visit,
        deliberated_on=start,
        participants=27,
        result="agreed",
        notes="村民代表会议评议同意纳入监测",
    )
    if example.stage == CaseStage.ASSESSED:
        return case
    case = services.case_confirm(
        actor=actor, case=case, category=example.monitoring, confirmed_on=start
    )
    services.case_measure_add(
        actor=actor,
        case=case,
        type="industry",
        description="发展花椒种植 3 亩",
        planned_cost="3000",
    )
    services.case_measure_add(
        actor=actor,
        case=case,
        type="subsistence" if not example.can_work else "public_job",
        description="纳入农村低保" if not example.can_work else "安排村级公益岗位",
    )
    for months in (8, 5, 2, 0):
        services.income_check_add(
            actor=actor,
            case=case,
            checked_on=months_ago(today, months),
            per_capita_income="7000" if example.head != "李桂兰" else "5600",
        )
    if example.stage == CaseStage.RISK_ELIMINATED or not example.can_work:
        for reason in case.reasons.all():
            services.case_reason_resolve(
                actor=actor, reason=reason, note="帮扶措施落实，收入已稳定在监测线以上"
            )
    if example.stage == CaseStage.RISK_ELIMINATED:
        # The demo closes this one directly; in use the county's approval in the lifecycle
        # procedure does it (monitoring.elimination.on_approved).
        case = services.case_risk_eliminate(actor=actor, case=case)
    return case


@transaction.atomic
def seed(*, actor, today: dt.date) -> list[MonitoringCase]:
    """The monitoring examples in 暖泉村; nothing when they are there already."""
    if Household.objects.filter(village_id=VILLAGE, address=ADDRESS).exists():
        return list(MonitoringCase.objects.filter(household__address=ADDRESS).order_by("id"))
    cadre = _cadre(actor, today)
    cases = []
    for n, example in enumerate(EXAMPLES):
        household = _household(actor, example, n, cadre, today)
        cases.append(_advance(actor, household, example, today))
    return cases


def refused_household() -> Household | None:
    """The example whose risk elimination is refused: nobody in it can work."""
    return Household.objects.filter(village_id=VILLAGE, address=ADDRESS, head_name="孙有福").first()
