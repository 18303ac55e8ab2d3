"""A small world with known work, made through the real services.

In 郭嘉镇, 2012: unit A (县委宣传部, lead of 暖泉村, cadre 李爱仙 with households A1 and
A2) and unit B (县文明办, lead of 槐庙村, cadre 王建祥 with household B1). Known figures per
rule are in test_services.py.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from shuanglian.assistance import services as assistance
from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import HUAIMIAO, NUANQUAN
from shuanglian.households import services as households
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects import services as projects
from shuanglian.projects.tests import factories as prf
from shuanglian.units.tests import factories as uf


@pytest.fixture
def work(admin_user):
    admin = admin_user
    unit_a = uf.unit(actor=admin, name="县委宣传部")
    unit_b = uf.unit(actor=admin, name="县文明办")
    pf.village_pairing(actor=admin, unit=unit_a, village=NUANQUAN)
    pf.village_pairing(actor=admin, unit=unit_b, village=HUAIMIAO)
    cadre_a = uf.cadre(actor=admin, unit=unit_a, name="李爱仙")
    cadre_b = uf.cadre(actor=admin, unit=unit_b, name="王建祥")
    a1 = hf.household(actor=admin, village=NUANQUAN, head_name="孙旺奎")
    a2 = hf.household(actor=admin, village=NUANQUAN, head_name="邵维基")
    b1 = hf.household(actor=admin, village=HUAIMIAO, head_name="张三")
    for household, cadre in ((a1, cadre_a), (a2, cadre_a), (b1, cadre_b)):
        pf.household_pairing(actor=admin, household=household, cadre=cadre)

    # Visits: A 4 counted (one more voided), B 2; satisfaction A 5 and 3, B 4.
    af.visit(actor=admin, household=a1, visited_on=dt.date(2012, 4, 1), satisfaction=5)
    af.visit(actor=admin, household=a1, visited_on=dt.date(2012, 5, 1), satisfaction=3)
    af.visit(actor=admin, household=a1, visited_on=dt.date(2012, 6, 1))
    af.visit(actor=admin, household=a2, visited_on=dt.date(2012, 6, 2))
    voided = af.visit(actor=admin, household=a2, visited_on=dt.date(2012, 6, 3))
    assistance.visit_void(actor=admin, visit=voided, reason="重复录入")
    af.visit(actor=admin, household=b1, visited_on=dt.date(2012, 4, 2), satisfaction=4)
    af.visit(actor=admin, household=b1, visited_on=dt.date(2012, 7, 2))
    af.visit(actor=admin, household=b1, visited_on=dt.date(2011, 12, 2))  # before the period

    # Measures of A1: one done, one not, one due after the period, one dropped.
    plan = af.plan(actor=admin, household=a1, year=2012)
    done = af.measure(actor=admin, plan=plan, due_date=dt.date(2012, 6, 30))
    assistance.measure_update(
        actor=admin, measure=done, status="in_progress", done_on=None, reason=""
    )
    assistance.measure_update(
        actor=admin, measure=done, status="done", done_on=dt.date(2012, 6, 1), reason=""
    )
    af.measure(actor=admin, plan=plan, due_date=dt.date(2012, 9, 30), description="劳务输转")
    af.measure(actor=admin, plan=plan, due_date=dt.date(2013, 3, 1), description="危房改造")
    dropped = af.measure(actor=admin, plan=plan, due_date=dt.date(2012, 5, 1), description="沼气")
    assistance.measure_update(actor=admin, measure=dropped, status="dropped", reason="不需要")

    # Follow-ups of A: one on time, one late.
    on_time = assistance.follow_up_create(
        actor=admin, title="修水窖", due_date=dt.date(2012, 7, 1), owner_unit=unit_a, household=a1
    )
    assistance.follow_up_update(
        actor=admin, follow_up=on_time, status="done", result="已修好", done_on=dt.date(2012, 6, 20)
    )
    late = assistance.follow_up_create(
        actor=admin, title="买化肥", due_date=dt.date(2012, 8, 1), owner_cadre=cadre_a, household=a2
    )
    assistance.follow_up_update(
        actor=admin, follow_up=late, status="done", result="已买", done_on=dt.date(2012, 8, 5)
    )

    # Funds: A raised 60,000 + 20,000 for its village's project, which was completed.
    project = prf.project(actor=admin, village=NUANQUAN, lead_unit_id=unit_a.pk)
    prf.funding(actor=admin, project=project, unit_id=unit_a.pk, amount="60000")
    prf.funding(
        actor=admin,
        project=project,
        unit_id=unit_a.pk,
        amount="20000",
        received_on=dt.date(2012, 7, 1),
    )
    projects.project_status_advance(
        actor=admin, project=project, to_status="building", changed_on=dt.date(2012, 4, 1)
    )
    projects.project_status_advance(
        actor=admin, project=project, to_status="completed", changed_on=dt.date(2012, 9, 1)
    )

    # Income: A1 5,000 → 6,000, A2 2,000 → 2,500 per person; B1 has 2012 only.
    for household, year, wage in ((a1, 2011, 10000), (a1, 2012, 12000), (a2, 2011, 4000)):
        households.income_record_save(
            actor=admin, household=household, year=year, wage_income=wage, population=2
        )
    households.income_record_save(
        actor=admin, household=a2, year=2012, wage_income=5000, population=2
    )
    households.income_record_save(
        actor=admin, household=b1, year=2012, wage_income=5000, population=1
    )
    return SimpleNamespace(
        admin=admin,
        unit_a=unit_a,
        unit_b=unit_b,
        cadre_a=cadre_a,
        cadre_b=cadre_b,
        a1=a1,
        a2=a2,
        b1=b1,
        project=project,
    )
