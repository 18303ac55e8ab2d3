"""Incremental maintenance equals a full rebuild after any sequence of writes (hypothesis).

Each example runs random writes through the real services (refused ones included: a refused
write must leave the rollups as they were), then compares every rollup row with a rebuild.
"""

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuanglian.assistance import services as assistance
from shuanglian.conftest import HUAIMIAO, NUANQUAN
from shuanglian.core.errors import DomainError
from shuanglian.dashboard.tests.helpers import assert_matches_rebuild
from shuanglian.households import services as households
from shuanglian.households.models import Household
from shuanglian.households.tests import factories as hf
from shuanglian.pairings import services as pairings
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.projects import services as projects
from shuanglian.projects.models import Funding, Project
from shuanglian.units import services as units
from shuanglian.units.models import Cadre, Unit
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db

VILLAGES = (NUANQUAN, HUAIMIAO, "620522103200")
CATEGORIES = ("general", "poor", "demonstration", "exited")
START = dt.date(2012, 1, 1)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n % 300)


def pick(queryset, n: int):
    items = list(queryset.order_by("pk"))
    return items[n % len(items)] if items else None


class World:
    def __init__(self, actor):
        self.actor = actor

    def household_create(self, a, b):
        hf.household(
            actor=self.actor, village=VILLAGES[a % 3], category=CATEGORIES[b % 4], head_name="张三"
        )

    def household_category(self, a, b):
        if household := pick(Household.objects.all(), a):
            households.household_update(
                actor=self.actor, household=household, address="", category=CATEGORIES[b % 4]
            )

    def member_add(self, a, b):
        if household := pick(Household.objects.all(), a):
            hf.member(actor=self.actor, household=household, name="李四")

    def income(self, a, b):
        if household := pick(Household.objects.all(), a):
            households.income_record_save(
                actor=self.actor, household=household, year=2011 + b % 2,
                wage_income=str(997 * (b % 13)), population=1 + b % 3,
            )  # fmt: skip

    def village_pair(self, a, b):
        unit = pick(Unit.objects.all(), a)
        pairings.village_pairing_create(
            actor=self.actor, unit=unit, village_code=VILLAGES[b % 3],
            role="lead" if b % 2 else "member", start_date=START,
        )  # fmt: skip

    def village_end(self, a, b):
        if pairing := pick(VillagePairing.objects.filter(end_date__isnull=True), a):
            pairings.village_pairing_end(actor=self.actor, pairing=pairing, end_date=day(b))

    def cadre_create(self, a, b):
        uf.cadre(actor=self.actor, unit=pick(Unit.objects.all(), a), name="王五")

    def cadre_toggle(self, a, b):
        if cadre := pick(Cadre.objects.all(), a):
            units.cadre_update(
                actor=self.actor, cadre=cadre, name=cadre.name, is_active=not cadre.is_active
            )

    def household_pair(self, a, b):
        household = pick(Household.objects.all(), a)
        cadre = pick(Cadre.objects.all(), b)
        if household and cadre:
            pairings.household_pairing_assign(
                actor=self.actor, household=household, cadre=cadre, start_date=day(a + b)
            )

    def household_unpair(self, a, b):
        if pairing := pick(HouseholdPairing.objects.filter(end_date__isnull=True), a):
            pairings.household_pairing_end(actor=self.actor, pairing=pairing, end_date=day(299))

    def visit(self, a, b):
        if pairing := pick(HouseholdPairing.objects.filter(end_date__isnull=True), a):
            assistance.visit_create(
                actor=self.actor, household=pairing.household, cadre=pairing.cadre,
                visited_on=day(b), mode="home",
            )  # fmt: skip

    def visit_void(self, a, b):
        from shuanglian.assistance.models import Visit

        if visit := pick(Visit.objects.filter(voided_at__isnull=True), a):
            assistance.visit_void(actor=self.actor, visit=visit, reason="录错了")

    def measure(self, a, b):
        if household := pick(Household.objects.all(), a):
            plan = assistance.household_plan_save(actor=self.actor, household=household, year=2012)
            paired = household.pairings.filter(end_date__isnull=True).first()
            assistance.measure_add(
                actor=self.actor, plan=plan, type="industry", description="种植苹果",
                due_date=day(b), responsible_cadre=paired.cadre if paired and b % 2 else None,
                responsible_unit=pick(Unit.objects.all(), b) if b % 3 == 0 else None,
            )  # fmt: skip

    def measure_step(self, a, b):
        from shuanglian.assistance.models import Measure

        if measure := pick(Measure.objects.all(), a):
            step = {"planned": "in_progress", "in_progress": "done" if b % 2 else "dropped"}
            if following := step.get(measure.status):
                assistance.measure_update(
                    actor=self.actor, measure=measure, status=following, reason="不再需要",
                    done_on=day(b),
                )  # fmt: skip

    def project(self, a, b):
        projects.project_create(
            actor=self.actor, village_code=VILLAGES[a % 3], name="道路硬化",
            type=("road", "water", "orchard")[b % 3], year=2012, budget=str(1000 * (b % 7)),
            lead_unit_id=pick(Unit.objects.all(), a).pk if b % 2 else None,
        )  # fmt: skip

    def project_move(self, a, b):
        if project := pick(Project.objects.all(), a):
            projects.project_update(
                actor=self.actor, project=project, village_code=VILLAGES[b % 3],
                name=project.name, type=project.type, year=project.year, budget="123.45",
                lead_unit_id=pick(Unit.objects.all(), b).pk,
            )  # fmt: skip

    def project_advance(self, a, b):
        if project := pick(Project.objects.all(), a):
            following = projects.next_status(project.status)
            if following:
                projects.project_status_advance(
                    actor=self.actor, project=project, to_status=following,
                    changed_on=dt.date.today(),
                )  # fmt: skip

    def funding(self, a, b):
        if project := pick(Project.objects.all(), a):
            projects.funding_add(
                actor=self.actor, project=project, source=("unit", "fiscal", "donation")[b % 3],
                amount=f"{b % 50 + 1}.{b % 100:02d}", received_on=START,
                unit_id=pick(Unit.objects.all(), b).pk if b % 2 else None,
            )  # fmt: skip

    def funding_reverse(self, a, b):
        if entry := pick(Funding.objects.filter(amount__gt=0), a):
            projects.funding_reverse(actor=self.actor, entry=entry, reason="重复录入")


OPERATIONS = [name for name in vars(World) if not name.startswith("_")]


@pytest.fixture
def base(admin_user):
    """Three units, each leading one village with a cadre pairing a household there, another
    household in each village, a project in each."""
    for index, name in enumerate(("县委宣传部", "县教体局", "天水市人大")):
        village = VILLAGES[index]
        unit = uf.unit(actor=admin_user, name=name)
        cadre = uf.cadre(actor=admin_user, unit=unit, name=f"{name}干部")
        pairings.village_pairing_create(
            actor=admin_user, unit=unit, village_code=village, role="lead", start_date=START
        )
        household = hf.household(actor=admin_user, village=village, head_name="赵六")
        hf.household(actor=admin_user, village=village, head_name="钱七", category="general")
        pairings.household_pairing_assign(
            actor=admin_user, household=household, cadre=cadre, start_date=START
        )
        projects.project_create(
            actor=admin_user, village_code=village, name="饮水工程", type="water", year=2012,
            budget="5000", lead_unit_id=unit.pk,
        )  # fmt: skip
    return World(admin_user)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 10_000), st.integers(0, 10_000)),
        min_size=3,
        max_size=25,
    )
)
def test_incremental_rollups_equal_a_rebuild(base, steps):
    # Each example starts from the same state: its writes are rolled back at the end.
    with transaction.atomic():
        for name, a, b in steps:
            # A refused write changes nothing, rollups included.
            with contextlib.suppress(DomainError):
                getattr(base, name)(a, b)
        assert_matches_rebuild()
        transaction.set_rollback(True)
