"""Build the Guojia town demo through the same services the pages and the API use.

Idempotent: every step first looks for what a previous run made (units by name and home region,
cadres by unit and name, households by number, pairings by who and where; a village's 2012
project and plan, a household's plan and visits, a unit's deeds, the meeting by title and date)
and creates only what is missing. Each village is built in one transaction (its households, then
later its 2012 work), so an interrupted run leaves whole villages and the next run completes the
rest.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from shuanglian.accounts.models import Role, User
from shuanglian.accounts.services import user_create, user_ensure
from shuanglian.alerts.services import alerts_refresh
from shuanglian.assessments import demo as assessments_demo
from shuanglian.assistance.models import (
    Deed,
    DeedType,
    FollowUp,
    FollowUpStatus,
    HouseholdPlan,
    MeasureStatus,
    MeasureType,
    VillagePlan,
    Visit,
    VisitMode,
)
from shuanglian.assistance.services import (
    deed_create,
    follow_up_update,
    household_plan_save,
    measure_add,
    measure_update,
    village_plan_save,
    visit_create,
)
from shuanglian.core.errors import Conflict
from shuanglian.dashboard import demo as dashboard_demo
from shuanglian.demo import people
from shuanglian.demo.scenario import (
    ALL_UNITS,
    GUOJIA,
    LONGCHENG,
    LONGCHENG_UNITS,
    MEETING_2012,
    POSITIONS,
    QINAN,
    TOWNSHIP_POSITIONS,
    XUANCHUAN,
    UnitSpec,
    senior_rank,
)
from shuanglian.households.models import Category, Household
from shuanglian.households.services import (
    MemberData,
    household_create,
    income_record_save,
    member_add,
)
from shuanglian.lifecycle import demo as lifecycle_demo
from shuanglian.meetings.models import Meeting, MeetingType, ReportStatus
from shuanglian.meetings.services import (
    SpeakerData,
    StopData,
    meeting_create,
    meeting_decision_add,
    unit_report_generate_draft,
    unit_report_submit,
    unit_report_update,
)
from shuanglian.monitoring import demo as monitoring_demo
from shuanglian.pairings.models import HouseholdPairing, VillagePairing, VillageRole
from shuanglian.pairings.services import household_pairing_assign, village_pairing_create
from shuanglian.projects.models import FundingSource, Project, ProjectStatus, ProjectType
from shuanglian.projects.services import funding_add, project_create, project_status_advance
from shuanglian.ratings import demo as ratings_demo
from shuanglian.regions.loading import SHIPPED_FILE, read_shipped
from shuanglian.regions.models import Level, Region
from shuanglian.regions.services import region_load
from shuanglian.units.models import Cadre, CadreRank, Unit
from shuanglian.units.services import cadre_create, unit_create

DEFAULT_PASSWORD = "Shuanglian@2012"
DEFAULT_HOUSEHOLDS_PER_VILLAGE = 30
# The action began in February 2012; units went to their villages in March.
PAIRING_START = dt.date(2012, 3, 1)
HOUSEHOLD_PAIRING_START = dt.date(2012, 3, 20)
# Households of these categories get a responsible cadre (联系户).
PAIRED_CATEGORIES = (Category.POOR, Category.DEMONSTRATION)
ID_RETRIES = 5
# The demo's cadre account helps at least this many households of 郭嘉镇; those it takes over
# from colleagues change hands at the start of 2013.
CADRE_HOUSEHOLDS = 3
HANDOVER = dt.date(2013, 1, 1)

# Region officers who show how scope works: the county sees both towns, each town only itself.
OFFICERS = (
    ("qinan", QINAN, "秦安县双联办"),
    ("guojia", GUOJIA, "郭嘉镇双联办"),
    ("longcheng", LONGCHENG, "陇城镇双联办"),
)


class ScenarioMismatch(Exception):
    """The region data does not hold the villages the scenario names."""


@dataclass
class DemoResult:
    admin: object = None
    admin_created: bool = False
    admin_password_ok: bool = True
    officers: list = field(default_factory=list)
    users: list = field(default_factory=list)
    regions_created: int = 0
    units_created: int = 0
    cadres_created: int = 0
    village_pairings_created: int = 0
    households_created: int = 0
    members_created: int = 0
    household_pairings_created: int = 0
    projects_created: int = 0
    fundings_created: int = 0
    village_plans_created: int = 0
    household_plans_created: int = 0
    measures_created: int = 0
    visits_created: int = 0
    follow_ups_created: int = 0
    deeds_created: int = 0
    meetings_created: int = 0
    reports_created: int = 0
    reports_submitted: int = 0
    decisions_created: int = 0
    seconds: float = 0.0

    @property
    def created_anything(self) -> bool:
        return any(
            (
                self.admin_created,
                self.regions_created,
                self.units_created,
                self.cadres_created,
                self.village_pairings_created,
                self.households_created,
                self.household_pairings_created,
                self.projects_created,
                self.village_plans_created,
                self.household_plans_created,
                self.visits_created,
                self.deeds_created,
                self.meetings_created,
                self.reports_created,
                self.reports_submitted,
                self.decisions_created,
            )
        )


def _noop(message: str) -> None:
    pass


def demo_build(
    *,
    households_per_village: int = DEFAULT_HOUSEHOLDS_PER_VILLAGE,
    password: str = DEFAULT_PASSWORD,
    progress: Callable[[str], None] = _noop,
    today: dt.date | None = None,
) -> DemoResult:
    started = time.monotonic()
    today = today or dt.date.today()
    result = DemoResult()

    admin, result.admin_created = user_ensure(
        actor=None,
        username="admin",
        password=password,
        role=Role.ADMIN,
        is_superuser=True,
        is_staff=True,
        display_name="系统管理员",
    )
    result.admin = admin
    result.admin_password_ok = admin.check_password(password)

    progress("Regions: loading Gansu (甘肃省) from the shipped file")
    loaded = region_load(
        actor=admin, rows=read_shipped(SHIPPED_FILE), source=f"demo: {SHIPPED_FILE.name}"
    )
    result.regions_created = loaded.created
    progress(f"Regions: {loaded.created:,} created, {loaded.unchanged + loaded.updated:,} present")
    _check_villages()

    for username, region_code, display_name in OFFICERS:
        user, _created = user_ensure(
            actor=admin,
            username=username,
            password=password,
            role=Role.REGION_OFFICER,
            region=Region.objects.get(code=region_code),
            display_name=display_name,
        )
        result.officers.append(user)

    with transaction.atomic():
        units = {spec.short_name: _ensure_unit(admin, spec, result) for spec in ALL_UNITS}
    progress(
        f"Units: {len(units)} ({result.units_created} new), cadres: "
        f"{Cadre.objects.filter(unit__in=units.values()).count()} ({result.cadres_created} new), "
        f"village pairings: {result.village_pairings_created} new"
    )

    villages = _villages_with_households(households_per_village)
    ids = people.IdNumbers()
    for number, (village, count) in enumerate(villages, start=1):
        before = result.households_created
        with transaction.atomic():
            _build_village(admin, village, count, ids, today, result)
        progress(
            f"Village {number}/{len(villages)} {village.parent.name}{village.short_name}: "
            f"{count} households ({result.households_created - before} new)"
        )
    result.users = _ensure_role_users(admin, password, units[XUANCHUAN])
    progress(
        "Users: "
        + ", ".join(f"{user.username} ({user.get_role_display()})" for user in result.users)
    )
    _build_work(admin, units, progress, result)
    _build_programmes(admin, today, progress)
    result.seconds = time.monotonic() - started
    return result


def _build_programmes(admin, today: dt.date, progress: Callable[[str], None]) -> None:
    """The procedures, monitoring, ratings and assessment over the work above; then the alerts
    and the dashboards' rollups, last, because they count everything before them. Each seed is
    idempotent on its own, so a second demo build adds nothing here either.
    """
    identified = lifecycle_demo.seed(actor=admin, today=today)
    progress(f"Identification and exit: {len(identified.procedures)} procedures")
    cases = monitoring_demo.seed(actor=admin, today=today)
    progress(f"Relapse monitoring: {len(cases)} cases")
    rated = ratings_demo.seed(actor=admin, today=today)
    progress(f"Star ratings: {rated.villages} villages ({rated.created} new ratings)")
    scheme = assessments_demo.seed(actor=admin, today=today)
    progress(f"Unit assessment: {scheme.name}")
    run = alerts_refresh(actor=admin, today=today)
    opened = sum(counts["opened"] for counts in run.counts.values())
    progress(f"Alerts: {opened} open")
    rows = dashboard_demo.seed()
    progress(f"Dashboards: rollups rebuilt ({rows} village rows)")


def _give_households(admin, cadre: Cadre, *, at_least: int) -> None:
    """Hand the cadre households of the unit's villages until they help `at_least` of them, so
    that the cadre account has something to show however few households a village has.
    """
    mine = HouseholdPairing.objects.filter(cadre=cadre, end_date__isnull=True)
    missing = at_least - mine.count()
    if missing <= 0:
        return
    villages = VillagePairing.objects.filter(unit=cadre.unit, end_date__isnull=True).values(
        "village_id"
    )
    others = (
        Household.objects.filter(village_id__in=villages, category__in=PAIRED_CATEGORIES)
        .exclude(pk__in=mine.values("household_id"))
        .order_by("id")[:missing]
    )
    for household in others:
        household_pairing_assign(actor=admin, household=household, cadre=cadre, start_date=HANDOVER)


def _ensure_role_users(admin, password: str, xuanchuan: Unit) -> list:
    """One account of each role that shows scoping: the unit administrator of 县委宣传部, a cadre
    of it with 郭嘉镇 households, and a read-only viewer of 秦安县.
    """
    names = ("xuanchuan", "cadre", "viewer")
    existing = {user.username: user for user in User.objects.filter(username__in=names)}
    if "xuanchuan" not in existing:
        existing["xuanchuan"] = user_create(
            actor=admin,
            username="xuanchuan",
            display_name="县委宣传部管理员",
            role=Role.UNIT_ADMIN,
            password=password,
            unit_id=xuanchuan.pk,
            must_change_password=False,
        )
    if "cadre" not in existing:
        busiest = (
            Cadre.objects.filter(unit=xuanchuan, user__isnull=True, is_active=True)
            .annotate(
                paired=Count(
                    "household_pairings",
                    filter=Q(
                        household_pairings__end_date__isnull=True,
                        household_pairings__household__village__parent_id=GUOJIA,
                    ),
                )
            )
            .order_by("-paired", "id")
            .first()
        )
        _give_households(admin, busiest, at_least=CADRE_HOUSEHOLDS)
        existing["cadre"] = user_create(
            actor=admin,
            username="cadre",
            display_name=busiest.name,
            role=Role.CADRE,
            password=password,
            cadre_id=busiest.pk,
            must_change_password=False,
        )
    if "viewer" not in existing:
        existing["viewer"] = user_create(
            actor=admin,
            username="viewer",
            display_name="秦安县督查员",
            role=Role.VIEWER,
            password=password,
            region_code=QINAN,
            must_change_password=False,
        )
    return [existing[name] for name in names]


def _check_villages() -> None:
    wanted = {code: name for spec in ALL_UNITS for code, name in spec.villages}
    found = dict(Region.objects.filter(code__in=wanted).values_list("code", "short_name"))
    for code, name in wanted.items():
        if found.get(code) != name:
            raise ScenarioMismatch(
                f"Region {code} should be {name}, found {found.get(code) or 'nothing'}: "
                "the demo needs NBS 2023 codes (the shipped Gansu file)."
            )
    guojia_villages = Region.objects.filter(parent_id=GUOJIA, level=Level.VILLAGE).count()
    if guojia_villages != 35:
        raise ScenarioMismatch(f"郭嘉镇 should have 35 villages, found {guojia_villages}.")


def _ensure_unit(admin, spec: UnitSpec, result: DemoResult) -> Unit:
    leader = spec.leader
    unit = Unit.objects.filter(name=spec.name, home_region_id=spec.home_region).first()
    if unit is None:
        generated = _generated_cadres(spec)
        leader_name, leader_post = (
            (leader.name, leader.position) if leader else (generated[0][0], generated[0][1])
        )
        unit = unit_create(
            actor=admin,
            name=spec.name,
            short_name=spec.short_name,
            kind=spec.kind,
            level=spec.level,
            home_region_code=spec.home_region,
            leader_name=leader_name,
            leader_post=leader_post,
        )
        result.units_created += 1
    existing = set(unit.cadres.values_list("name", flat=True))
    wanted = [(p.name, p.position, p.rank, "") for p in spec.people]
    wanted += _generated_cadres(spec)
    for name, position, rank, phone in wanted:
        if name in existing:
            continue
        cadre_create(actor=admin, unit=unit, name=name, position=position, rank=rank, phone=phone)
        result.cadres_created += 1
    paired = set(
        VillagePairing.objects.filter(unit=unit, end_date__isnull=True).values_list(
            "village_id", flat=True
        )
    )
    for code, _name in spec.villages:
        if code in paired:
            continue
        village_pairing_create(
            actor=admin,
            unit=unit,
            village_code=code,
            role=VillageRole.LEAD,
            start_date=PAIRING_START,
        )
        result.village_pairings_created += 1
    return unit


def _generated_cadres(spec: UnitSpec) -> list[tuple[str, str, str, str]]:
    """3–6 cadres per paired village: a county bureau with two villages sends more people."""
    rng = random.Random(f"shuanglian-demo-unit:{spec.name}")
    count = sum(rng.randint(3, 6) for _ in spec.villages)
    positions = TOWNSHIP_POSITIONS if spec.short_name.endswith("镇政府") else POSITIONS[spec.kind]
    taken = {person.name for person in spec.people}
    cadres = []
    for index, (name, phone) in enumerate(people.cadre_names(spec.name, count, taken)):
        position = positions[min(index, len(positions) - 1)]
        rank = senior_rank(spec.level) if index == 0 else CadreRank.STAFF
        cadres.append((name, position, rank, phone))
    return cadres


def _villages_with_households(per_village: int) -> list[tuple[Region, int]]:
    """Every village of 郭嘉镇 gets `per_village` households; 陇城镇's paired villages a few."""
    guojia = Region.objects.filter(parent_id=GUOJIA, level=Level.VILLAGE).select_related("parent")
    longcheng_codes = [code for spec in LONGCHENG_UNITS for code, _name in spec.villages]
    longcheng = Region.objects.filter(code__in=longcheng_codes).select_related("parent")
    few = max(min(per_village, 2), per_village // 5)
    return [(village, per_village) for village in guojia] + [(v, few) for v in longcheng]


def _village_cadres(village: Region) -> list[Cadre]:
    units = VillagePairing.objects.filter(village=village, end_date__isnull=True).values("unit_id")
    return list(
        Cadre.objects.filter(unit_id__in=units, is_active=True)
        .select_related("unit")
        .order_by("unit_id", "id")
    )


def _build_village(admin, village: Region, count: int, ids, today, result: DemoResult) -> None:
    existing = {
        household.number: household
        for household in Household.objects.filter(village=village, number__startswith=village.code)
    }
    cadres = _village_cadres(village)
    paired_serial = 0
    for serial in range(1, count + 1):
        plan = people.plan_household(
            village=village.code,
            village_short_name=village.short_name,
            township_name=village.parent.name,
            serial=serial,
            ids=ids,
            today=today,
        )
        household = existing.get(plan.number)
        if household is None:
            household = _create_household(admin, plan, ids, result)
        if plan.category in PAIRED_CATEGORIES and cadres:
            cadre = cadres[paired_serial % len(cadres)]
            paired_serial += 1
            has_cadre = HouseholdPairing.objects.filter(
                household=household, end_date__isnull=True
            ).exists()
            if not has_cadre:
                household_pairing_assign(
                    actor=admin,
                    household=household,
                    cadre=cadre,
                    start_date=HOUSEHOLD_PAIRING_START + dt.timedelta(days=serial % 40),
                )
                result.household_pairings_created += 1


def _member_data(person: people.PersonPlan) -> MemberData:
    return MemberData(
        name=person.name,
        id_number=person.id_number,
        relation=person.relation,
        sex=person.sex,
        birth_date=person.birth_date,
        ethnicity=person.ethnicity,
        education=person.education,
        school_status=person.school_status,
        health=person.health,
        labour=person.labour,
        work_status=person.work_status,
    )


def _with_fresh_id(person: people.PersonPlan, ids, write):
    """Run `write`; if a person from an earlier run already holds the ID, take the next one.

    Plans are drawn per household, so a run with a different number of households per village
    can plan an ID that a household made by an earlier run already holds.
    """
    for attempt in range(ID_RETRIES):
        try:
            return write(_member_data(person))
        except Conflict as error:
            if error.field != "id_number" or attempt == ID_RETRIES - 1:
                raise
            rng = random.Random(f"{person.id_number}:{attempt}")
            person.id_number = ids.issue(rng, person.birth_date, person.sex)
    raise AssertionError("unreachable")


def _create_household(admin, plan: people.HouseholdPlan, ids, result: DemoResult) -> Household:
    household = _with_fresh_id(
        plan.head,
        ids,
        lambda head: household_create(
            actor=admin,
            village_code=plan.village,
            head=head,
            number=plan.number,
            address=plan.address,
            phone=plan.phone,
            category=plan.category,
            poverty_cause_main=plan.poverty_cause_main,
            poverty_cause_secondary=plan.poverty_cause_secondary,
        ),
    )
    result.households_created += 1
    result.members_created += 1
    for person in plan.members[1:]:
        _with_fresh_id(
            person, ids, lambda data: member_add(actor=admin, household=household, data=data)
        )
        result.members_created += 1
    for income in plan.incomes:
        income_record_save(
            actor=admin,
            household=household,
            year=income.year,
            wage_income=income.wage_income,
            business_income=income.business_income,
            property_income=income.property_income,
            transfer_income=income.transfer_income,
            production_cost=income.production_cost,
            population=len(plan.members),
        )
    return household


# The assistance work of 2012 ------------------------------------------------------------------

MEETING_DAY = dt.date(*MEETING_2012["held_on"])
# Visits and deeds recorded for the demo end a few days before the meeting.
WORK_UNTIL = dt.date(2012, 8, 10)
PLAN_YEAR = 2012
CULTURE_CENTRE_NAME = "村级综合文化活动中心"


@dataclass(frozen=True)
class CentreSpec:
    """A culture centre the meeting visited: built in 2012 with an outside unit's help."""

    lead: str
    area: int
    budget: int
    steps: tuple[dt.date, dt.date, dt.date]  # 规划, 在建, 完工
    funding: tuple[tuple[str, int, dt.date], ...]  # source, amount, date


CULTURE_CENTRES = {
    "620522104238": CentreSpec(  # 槐庙村
        "兰州城市学院",
        360,
        520_000,
        (dt.date(2012, 3, 26), dt.date(2012, 4, 20), dt.date(2012, 7, 30)),
        (
            (FundingSource.UNIT, 200_000, dt.date(2012, 4, 18)),
            (FundingSource.FISCAL, 250_000, dt.date(2012, 5, 10)),
            (FundingSource.VILLAGERS, 45_000, dt.date(2012, 6, 5)),
        ),
    ),
    "620522104200": CentreSpec(  # 暖泉村
        "天水市人大",
        300,
        430_000,
        (dt.date(2012, 3, 22), dt.date(2012, 4, 25), dt.date(2012, 8, 2)),
        (
            (FundingSource.UNIT, 150_000, dt.date(2012, 4, 20)),
            (FundingSource.FISCAL, 230_000, dt.date(2012, 5, 16)),
            (FundingSource.VILLAGERS, 35_000, dt.date(2012, 6, 12)),
        ),
    ),
}

# Generated projects: name, quantity range and yuan per unit of quantity (industry: whole budget).
PROJECT_KINDS = {
    ProjectType.ROAD: ("通村道路硬化工程", (2, 8), 300_000),
    ProjectType.WATER: ("人饮安全工程", (40, 160), 1_500),
    ProjectType.HOUSING: ("危旧房改造", (10, 30), 15_000),
    ProjectType.BIOGAS: ("户用沼气池建设", (20, 60), 3_000),
    ProjectType.ORCHARD: ("果椒经济林建园", (200, 800), 800),
    ProjectType.TERRACE: ("高标准梯田建设", (300, 1_000), 1_200),
    ProjectType.INDUSTRY: ("养殖小区建设", (1, 1), 300_000),
}
INDUSTRIES = ("苹果", "花椒", "核桃", "蔬菜", "劳务输转", "畜牧养殖")
MEASURES = (
    (MeasureType.INDUSTRY, "扶持栽植苹果3亩，协调苗木和技术指导", 3_000),
    (MeasureType.INDUSTRY, "扶持发展花椒2亩，落实修剪技术服务", 1_500),
    (MeasureType.EMPLOYMENT, "介绍家中劳动力赴天津务工", 0),
    (MeasureType.TRAINING, "推荐参加果树修剪技能培训", 300),
    (MeasureType.EDUCATION, "协调子女申请“两免一补”及助学金", 1_000),
    (MeasureType.HEALTH, "帮助办理新农合慢性病门诊补助", 800),
    (MeasureType.HOUSING, "申请危旧房改造补助", 15_000),
    (MeasureType.WATER, "接通自来水入户", 1_200),
    (MeasureType.MICROCREDIT, "协调双联惠农贷款5万元发展养殖", 0),
    (MeasureType.SUBSISTENCE, "按程序申请纳入农村低保", 0),
)
DISCUSSIONS = (
    "了解家庭收入和生产情况，宣传双联行动和惠农政策。",
    "查看果园管理情况，商量今年花椒、苹果的管护和销路。",
    "了解子女上学和老人看病情况，讲解新农合报销政策。",
    "商量外出务工和参加技能培训的打算。",
    "回访帮扶措施落实情况，听取对帮扶工作的意见。",
)
REQUESTS = (
    "希望协调果树修剪技术指导",
    "希望帮助联系外出务工",
    "反映入户道路雨天泥泞，希望硬化",
    "希望落实危房改造补助",
    "希望帮助申请小额贷款",
)
DEEDS = (
    (DeedType.FUNDS, "慰问困难群众，送去慰问金", (2_000, 8_000)),
    (DeedType.GOODS, "捐赠化肥、地膜等农资", (3_000, 12_000)),
    (DeedType.TECH, "邀请技术人员开展果树管理培训", (1_000, 4_000)),
    (DeedType.INFO, "发布务工和农产品销售信息", (500, 1_500)),
    (DeedType.INVESTMENT, "投资修建村级便民桥", (20_000, 60_000)),
    (DeedType.JOB, "介绍富余劳动力到企业就业", (0, 0)),
    (DeedType.GOODS, "为村小学捐赠图书和文体用品", (2_000, 6_000)),
)
# What the units added to their drafts before the meeting: the problems and next plans only a
# unit knows (the draft writes the work done). Picked by unit so that neighbours differ.
REPORT_PROBLEMS = (
    "联系村产业基础薄弱，群众增收渠道单一；部分基础设施项目资金缺口较大。",
    "部分联系户发展意愿不强，“等靠要”思想仍然存在；单位自身帮扶资金有限。",
    "联系村地处山区，道路、饮水等基础设施欠账较多；劳动力外出务工，留守老人较多。",
    "帮扶措施与联系户实际需求衔接还不够紧密，技术培训覆盖面不广。",
)
REPORT_NEXT_PLANS = (
    "围绕{villages}的主导产业，继续协调项目和资金，抓好果椒建园和基础设施建设。",
    "落实干部结对帮扶责任，逐户完善{villages}联系户脱贫计划，按月走访、按季总结。",
    "加强对{villages}群众的实用技术培训和思想教育，配合抓好基层组织建设和“效能风暴”行动。",
)

DECISIONS = (
    ("县委宣传部", "总结推广槐庙村、暖泉村文化活动中心建设经验，9月底前完成联系村文化阵地建设规划",
     dt.date(2012, 9, 30)),
    ("郭嘉镇政府", "督促各联系单位10月底前完成全部贫困户帮扶计划的落实和进度上报",
     dt.date(2012, 10, 31)),
)  # fmt: skip


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _ensure_culture_centre(admin, village: Region, units: dict, result: DemoResult):
    spec = CULTURE_CENTRES[village.code]
    lead = units[spec.lead]
    project = Project.objects.filter(
        village=village, type=ProjectType.CULTURE_CENTRE, lead_unit=lead
    ).first()
    if project is not None:
        return project
    project = project_create(
        actor=admin,
        village_code=village.code,
        name=CULTURE_CENTRE_NAME,
        type=ProjectType.CULTURE_CENTRE,
        year=PLAN_YEAR,
        quantity=spec.area,
        budget=spec.budget,
        lead_unit_id=lead.pk,
        description=f"{spec.lead}帮助建设，含文化活动室、农家书屋、文化广场。",
        planned_on=spec.steps[0],
    )
    result.projects_created += 1
    for to_status, day in zip(
        (ProjectStatus.BUILDING, ProjectStatus.COMPLETED), spec.steps[1:], strict=True
    ):
        project_status_advance(actor=admin, project=project, to_status=to_status, changed_on=day)
    for source, amount, day in spec.funding:
        funding_add(
            actor=admin,
            project=project,
            source=source,
            amount=amount,
            received_on=day,
            unit_id=lead.pk if source == FundingSource.UNIT else None,
        )
        result.fundings_created += 1
    return project


def _ensure_village_project(admin, village: Region, lead: Unit | None, result: DemoResult):
    project = Project.objects.filter(village=village, year=PLAN_YEAR).order_by("id").first()
    if project is not None:
        return project
    rng = random.Random(f"shuanglian-demo-project:{village.code}")
    kind = rng.choice(list(PROJECT_KINDS))
    name, (low, high), price = PROJECT_KINDS[kind]
    quantity = rng.randint(low, high)
    budget = quantity * price
    planned = _day_between(rng, dt.date(2012, 3, 15), dt.date(2012, 4, 30))
    project = project_create(
        actor=admin,
        village_code=village.code,
        name=name,
        type=kind,
        year=PLAN_YEAR,
        quantity=0 if kind == ProjectType.INDUSTRY else quantity,
        budget=budget,
        lead_unit_id=lead.pk if lead else None,
        planned_on=planned,
    )
    result.projects_created += 1
    steps = rng.randint(0, 2)
    day = planned
    for to_status in (ProjectStatus.BUILDING, ProjectStatus.COMPLETED)[:steps]:
        day = _day_between(rng, day + dt.timedelta(days=10), day + dt.timedelta(days=50))
        project_status_advance(actor=admin, project=project, to_status=to_status, changed_on=day)
    # The lead unit always raises a share; fiscal and villagers' money for some projects.
    shares = [(FundingSource.UNIT, rng.uniform(0.1, 0.3), lead)]
    if rng.random() < 0.6:
        shares.append((FundingSource.FISCAL, rng.uniform(0.3, 0.5), None))
    if rng.random() < 0.4:
        shares.append((FundingSource.VILLAGERS, rng.uniform(0.05, 0.1), None))
    for source, share, unit in shares:
        if source == FundingSource.UNIT and unit is None:
            continue
        funding_add(
            actor=admin,
            project=project,
            source=source,
            amount=max(round(budget * share, -2), 1_000),
            received_on=_day_between(rng, planned, WORK_UNTIL),
            unit_id=unit.pk if unit else None,
        )
        result.fundings_created += 1
    return project


def _build_village_work(admin, village: Region, units: dict, result: DemoResult) -> None:
    """One village's 2012: its project, development plan, household plans and visits."""
    rng = random.Random(f"shuanglian-demo-work:{village.code}")
    pairings = list(
        VillagePairing.objects.filter(village=village, end_date__isnull=True)
        .select_related("unit")
        .order_by("id")
    )
    lead = pairings[0].unit if pairings else None
    projects = [_ensure_village_project(admin, village, lead, result)]
    if village.code in CULTURE_CENTRES:
        projects.insert(0, _ensure_culture_centre(admin, village, units, result))

    if not VillagePlan.objects.filter(village=village, year=PLAN_YEAR).exists():
        industries = "、".join(rng.sample(INDUSTRIES, 2))
        village_plan_save(
            actor=admin,
            village=village,
            year=PLAN_YEAR,
            leading_industries=industries,
            targets=(
                f"发展{industries}等主导产业，农民人均纯收入增长15%以上；"
                f"建成{projects[0].name}；年内帮助{rng.randint(5, 15)}户贫困户稳定增收。"
            ),
            projects=projects,
        )
        result.village_plans_created += 1

    current = {
        p.household_id: p
        for p in HouseholdPairing.objects.filter(
            household__village=village, end_date__isnull=True
        ).select_related("cadre")
    }
    households = Household.objects.filter(
        village=village, number__startswith=village.code, category__in=PAIRED_CATEGORIES
    ).order_by("number")
    planned = set(
        HouseholdPlan.objects.filter(household__in=households, year=PLAN_YEAR).values_list(
            "household_id", flat=True
        )
    )
    visited = set(
        Visit.objects.filter(household__in=households).values_list("household_id", flat=True)
    )
    for household in households:
        # Each household draws from its own generator, so households added by a later run with
        # more households per village do not change the earlier ones.
        hrng = random.Random(f"shuanglian-demo-work:{household.number}")
        pairing = current.get(household.pk)
        if household.category == Category.POOR and household.pk not in planned:
            _plan_household(admin, household, pairing, hrng, result)
        if pairing is not None and household.pk not in visited:
            _visit_household(admin, household, pairing, hrng, result)


def _plan_household(admin, household, pairing, rng: random.Random, result: DemoResult) -> None:
    plan = household_plan_save(
        actor=admin,
        household=household,
        year=PLAN_YEAR,
        target_net_per_capita=rng.randrange(2_600, 3_600, 100),
        target_exit_year=rng.choice((2013, 2014, 2015)),
        goals="稳定发展增收产业，家中劳动力有稳定务工收入，子女不因贫失学。",
    )
    result.household_plans_created += 1
    cadre = pairing.cadre if pairing else None
    for kind, description, cost in rng.sample(MEASURES, rng.randint(1, 3)):
        due = _day_between(rng, dt.date(2012, 5, 1), dt.date(2012, 12, 31))
        measure = measure_add(
            actor=admin,
            plan=plan,
            type=kind,
            description=description,
            responsible_cadre=cadre,
            planned_cost=cost,
            funding="单位帮扶资金" if cost else "",
            due_date=due,
        )
        result.measures_created += 1
        # About half are done by the meeting; the others stay open (and are overdue by now).
        roll = rng.random()
        if roll < 0.75:
            measure_update(actor=admin, measure=measure, status=MeasureStatus.IN_PROGRESS)
        if roll < 0.5:
            measure_update(
                actor=admin,
                measure=measure,
                status=MeasureStatus.DONE,
                done_on=min(due, WORK_UNTIL),
                outcome="已落实到户。",
            )


def _visit_household(admin, household, pairing, rng: random.Random, result: DemoResult) -> None:
    start = max(pairing.start_date, HOUSEHOLD_PAIRING_START)
    if start > WORK_UNTIL:
        return  # a cadre who took the household over later has no 2012 visits to it
    days = sorted({_day_between(rng, start, WORK_UNTIL) for _ in range(rng.randint(1, 3))})
    for day in days:
        requests = []
        if rng.random() < 0.3:
            requests = [(rng.choice(REQUESTS), day + dt.timedelta(days=rng.randint(20, 60)))]
        visit = visit_create(
            actor=admin,
            household=household,
            cadre=pairing.cadre,
            visited_on=day,
            mode=rng.choices(VisitMode.values, weights=(8, 2, 1))[0],
            discussion=rng.choice(DISCUSSIONS),
            satisfaction=rng.choice((4, 5, 5)),
            requests=requests,
        )
        result.visits_created += 1
        for follow_up in visit.follow_ups.all():
            result.follow_ups_created += 1
            if follow_up.due_date <= WORK_UNTIL:
                follow_up_update(
                    actor=admin,
                    follow_up=follow_up,
                    status=FollowUpStatus.DONE,
                    result="已协调解决，群众满意。",
                    done_on=follow_up.due_date,
                )


def _build_deeds(admin, unit: Unit, villages: list[Region], result: DemoResult) -> None:
    if Deed.objects.filter(unit=unit, done_on__year=PLAN_YEAR).exists():
        return
    rng = random.Random(f"shuanglian-demo-deeds:{unit.name}")
    cadres = list(unit.cadres.filter(is_active=True).order_by("id"))
    for _ in range(rng.randint(2, 5)):
        kind, description, (low, high) = rng.choice(DEEDS)
        village = rng.choice(villages)
        poor = list(
            Household.objects.filter(village=village, category=Category.POOR).order_by("id")[:10]
        )
        households = rng.sample(poor, min(len(poor), rng.randint(0, 3)))
        deed_create(
            actor=admin,
            unit=unit,
            village=village,
            type=kind,
            description=f"{village.short_name}：{description}",
            value=round(rng.randint(low, high), -2),
            done_on=_day_between(rng, dt.date(2012, 3, 15), WORK_UNTIL),
            cadre=rng.choice(cadres) if cadres and rng.random() < 0.5 else None,
            households=households,
        )
        result.deeds_created += 1


def _guojia_units() -> dict[Unit, list[Region]]:
    units: dict[Unit, list[Region]] = {}
    for pairing in (
        VillagePairing.objects.filter(village__parent_id=GUOJIA, end_date__isnull=True)
        .select_related("unit", "village")
        .order_by("unit_id", "village_id")
    ):
        units.setdefault(pairing.unit, []).append(pairing.village)
    return units


def _ensure_meeting(admin, units: dict, result: DemoResult) -> Meeting:
    """The 推进会 of 2012-08-14: every unit paired in 郭嘉镇 attends and reports."""
    spec = MEETING_2012
    attending = sorted(_guojia_units(), key=lambda unit: unit.pk)
    meeting = Meeting.objects.filter(title=spec["title"], held_on=MEETING_DAY).first()
    if meeting is None:
        named = {speaker.name for speaker in spec["speakers"]}
        # By unit and name: two units can each have a cadre of the same name.
        cadre_ids = {
            (unit_id, name): pk
            for unit_id, name, pk in Cadre.objects.filter(
                unit__in=[*attending, *units.values()]
            ).values_list("unit_id", "name", "id")
        }
        by_name = {name: pk for (_unit, name), pk in cadre_ids.items() if name in named}
        heads = [
            SpeakerData(
                name=unit.leader_name,
                # A post already naming its office (县委宣传部副部长…) keeps its wording.
                post=unit.leader_post
                if unit.leader_post.startswith(("县", "郭嘉镇"))
                else f"{unit.short_name}{unit.leader_post}",
                summary="汇报本单位联村联户工作开展情况。",
                cadre_id=cadre_ids.get((unit.pk, unit.leader_name)),
            )
            for unit in attending
            if unit.leader_name and unit.leader_name not in named
        ]
        first, *rest = (
            SpeakerData(s.name, s.post, s.summary, by_name.get(s.name)) for s in spec["speakers"]
        )
        speakers = [first, *heads, *rest]
        stops = []
        for code, lead in spec["stops"]:
            project = Project.objects.get(
                village_id=code, type=ProjectType.CULTURE_CENTRE, lead_unit=units[lead]
            )
            stops.append(StopData(project.pk, f"观摩{lead}帮建的{CULTURE_CENTRE_NAME}"))
        meeting = meeting_create(
            actor=admin,
            type=MeetingType.PROGRESS,
            title=spec["title"],
            held_on=MEETING_DAY,
            place_code=GUOJIA,
            host_unit_id=units["郭嘉镇政府"].pk,
            presiding=spec["presiding"],
            agenda=spec["agenda"],
            attending_unit_ids=[unit.pk for unit in attending],
            speakers=speakers,
            stops=stops,
        )
        result.meetings_created += 1
    # Attending units get an empty report with the meeting; the draft fills its work done.
    drafted = set(meeting.reports.exclude(work_done="").values_list("unit_id", flat=True))
    for unit in attending:
        if unit.pk not in drafted:
            unit_report_generate_draft(actor=admin, meeting=meeting, unit=unit)
            result.reports_created += 1
    _submit_reports(admin, meeting, result)
    if not FollowUp.objects.filter(meeting=meeting).exists():
        for owner, title, due in DECISIONS:
            meeting_decision_add(
                actor=admin, meeting=meeting, title=title, owner_unit=units[owner], due_date=due
            )
            result.decisions_created += 1
    return meeting


def _submit_reports(admin, meeting: Meeting, result: DemoResult) -> None:
    """All units report at the meeting: each completes its draft with its problems and next
    plans and submits it, as the unit would (through its administrator's account where the demo
    has one). Submitted reports are left alone, so a second run changes nothing."""
    villages = _guojia_units()
    unit_admins = {
        user.unit_id: user
        for user in User.objects.filter(
            role=Role.UNIT_ADMIN, is_active=True, unit__in=list(villages)
        ).order_by("id")
    }
    drafts = meeting.reports.filter(status=ReportStatus.DRAFT).select_related("unit", "meeting")
    for report in drafts.order_by("unit_id"):
        actor = unit_admins.get(report.unit_id, admin)
        names = "、".join(village.short_name for village in villages.get(report.unit, []))
        report = unit_report_update(
            actor=actor,
            report=report,
            work_done=report.work_done,
            problems=report.problems or REPORT_PROBLEMS[report.unit_id % len(REPORT_PROBLEMS)],
            next_plans=report.next_plans
            or REPORT_NEXT_PLANS[report.unit_id % len(REPORT_NEXT_PLANS)].format(
                villages=names or "联系村"
            ),
        )
        unit_report_submit(actor=actor, report=report)
        result.reports_submitted += 1


def _build_work(admin, units: dict, progress, result: DemoResult) -> None:
    villages = list(
        Region.objects.filter(parent_id=GUOJIA, level=Level.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )
    for number, village in enumerate(villages, start=1):
        before = (result.visits_created, result.household_plans_created)
        with transaction.atomic():
            _build_village_work(admin, village, units, result)
        progress(
            f"Work {number}/{len(villages)} {village.short_name}: "
            f"{result.household_plans_created - before[1]} household plans, "
            f"{result.visits_created - before[0]} visits new"
        )
    for unit, unit_villages in _guojia_units().items():
        with transaction.atomic():
            _build_deeds(admin, unit, unit_villages, result)
    progress(f"Deeds: {result.deeds_created} new")
    with transaction.atomic():
        meeting = _ensure_meeting(admin, units, result)
    progress(
        f"Meeting {meeting.held_on} {meeting.title}: {meeting.attending_units.count()} units, "
        f"{result.reports_created} report drafts written, {result.reports_submitted} submitted, "
        f"{result.decisions_created} decisions new"
    )
