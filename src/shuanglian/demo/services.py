"""Build the Guojia town demo through the same services the pages and the API use.

Idempotent: every step first looks for what a previous run made (units by name and home region,
cadres by unit and name, households by number, pairings by who and where) and creates only what
is missing. Each village is built in one transaction, so an interrupted run leaves whole villages
and the next run completes the rest.
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
from shuanglian.core.errors import Conflict
from shuanglian.demo import people
from shuanglian.demo.scenario import (
    ALL_UNITS,
    GUOJIA,
    LONGCHENG,
    LONGCHENG_UNITS,
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
from shuanglian.pairings.models import HouseholdPairing, VillagePairing, VillageRole
from shuanglian.pairings.services import household_pairing_assign, village_pairing_create
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
    result.seconds = time.monotonic() - started
    return result


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
