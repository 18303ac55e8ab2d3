"""The generated draft of a unit's report: built from the unit's recorded work, through the
services that record it."""

import datetime as dt

import pytest

from shuanglian.assistance import services as assistance
from shuanglian.conftest import HUAIMIAO, NUANQUAN
from shuanglian.households.models import Category
from shuanglian.households.tests import factories as hf
from shuanglian.meetings import services
from shuanglian.meetings.drafts import NOTHING_RECORDED, draft_work_done, yuan
from shuanglian.meetings.tests.factories import meeting
from shuanglian.pairings.models import HouseholdPairing
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects import services as projects
from shuanglian.regions.models import Region
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db

START, END = dt.date(2012, 3, 5), dt.date(2012, 8, 14)


@pytest.fixture
def work(admin_user):
    """县委宣传部 in 暖泉村: visits, deeds, funds, a measure done, a project advanced, a household
    exited — some inside the period, one of each kind outside it, and another unit's work."""
    unit = uf.unit(actor=admin_user, name="县委宣传部")
    other = uf.unit(actor=admin_user, name="县水务局")
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN, start=START)
    pf.village_pairing(actor=admin_user, unit=other, village=HUAIMIAO, start=START)
    cadre = uf.cadre(actor=admin_user, unit=unit, name="李爱仙")
    other_cadre = uf.cadre(actor=admin_user, unit=other, name="王建祥")
    poor = hf.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    exited = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="邵维基", category=Category.EXITED
    )
    elsewhere = hf.household(actor=admin_user, village=HUAIMIAO, head_name="张三")
    for household in (poor, exited):
        pf.household_pairing(actor=admin_user, household=household, cadre=cadre, start=START)
    pf.household_pairing(actor=admin_user, household=elsewhere, cadre=other_cadre, start=START)
    for household, day, mode in (
        (poor, dt.date(2012, 4, 2), "home"),
        (poor, dt.date(2012, 5, 2), "phone"),
        (exited, dt.date(2012, 6, 2), "home"),
        (exited, dt.date(2012, 9, 2), "home"),  # after the meeting
    ):
        assistance.visit_create(
            actor=admin_user, household=household, cadre=cadre, visited_on=day, mode=mode
        )
    assistance.visit_create(
        actor=admin_user,
        household=elsewhere,
        cadre=other_cadre,
        visited_on=dt.date(2012, 4, 2),
        mode="home",
    )
    village = Region.objects.get(code=NUANQUAN)
    for kind, value, day in (
        ("funds", 5000, dt.date(2012, 5, 1)),
        ("goods", "1200.50", dt.date(2012, 6, 1)),
        ("funds", 9999, dt.date(2012, 10, 1)),  # after the meeting
    ):
        assistance.deed_create(
            actor=admin_user,
            unit=unit,
            village=village,
            type=kind,
            description="慰问",
            value=value,
            done_on=day,
        )
    project = projects.project_create(
        actor=admin_user,
        village_code=NUANQUAN,
        name="村级综合文化活动中心",
        type="culture_centre",
        year=2012,
        lead_unit_id=unit.pk,
    )
    # The creation step is dated today; the advance inside the period is what the draft cites.
    project.status_changes.update(changed_on=START)
    projects.project_status_advance(
        actor=admin_user, project=project, to_status="building", changed_on=dt.date(2012, 6, 20)
    )
    for source, amount in (("unit", 30000), ("fiscal", 120000)):
        projects.funding_add(
            actor=admin_user,
            project=project,
            source=source,
            amount=amount,
            received_on=dt.date(2012, 7, 1),
            unit_id=unit.pk,
        )
    plan = assistance.household_plan_save(actor=admin_user, household=poor, year=2012)
    measure = assistance.measure_add(
        actor=admin_user, plan=plan, type="industry", description="种植花椒", responsible_unit=unit
    )
    assistance.measure_update(actor=admin_user, measure=measure, status="in_progress")
    assistance.measure_update(
        actor=admin_user, measure=measure, status="done", done_on=dt.date(2012, 7, 20)
    )
    return unit


def test_draft_holds_the_units_work_in_the_period(work):
    text = draft_work_done(unit=work, start=START, end=END)
    assert text.startswith("2012年3月5日至2012年8月14日，县委宣传部")
    assert "走访联系户3次（入户走访2次，电话1次），覆盖农户2户" in text
    assert "办实事好事2件，折合价值6,200.50元（资金1件5,000元，物资1件1,200.50元）" in text
    assert "协调落实项目资金150,000元（财政专项120,000元，单位自筹30,000元）" in text
    assert "完成帮扶措施1项（产业扶持1项）" in text
    assert "推进项目1个：暖泉村村级综合文化活动中心规划→在建（2012年6月20日）" in text
    assert "联系户中已脱贫退出1户" in text
    # Numbered in order, without gaps.
    assert [line[:2] for line in text.splitlines()[1:]] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
    ]


def test_draft_of_a_quiet_period_says_so(work):
    text = draft_work_done(unit=work, start=dt.date(2012, 1, 1), end=dt.date(2012, 3, 1))
    assert text.endswith(NOTHING_RECORDED)


def test_generate_draft_fills_the_report_and_keeps_the_units_own_text(admin_user, work):
    m = meeting(actor=admin_user, units=[work], held_on=END)
    report = m.reports.get()
    services.unit_report_update(
        actor=admin_user, report=report, work_done="", problems="资金缺口", next_plans="建成中心"
    )
    report = services.unit_report_generate_draft(actor=admin_user, meeting=m, unit=work)
    assert (report.period_start, report.period_end) == (START, END)
    assert "走访联系户3次" in report.work_done
    assert (report.problems, report.next_plans) == ("资金缺口", "建成中心")


def test_yuan():
    assert yuan(12000) == "12,000"
    assert yuan("0.5") == "0.50"


def test_voided_visits_and_deeds_do_not_count(admin_user, work):
    village = Region.objects.get(code=NUANQUAN)
    household = HouseholdPairing.objects.filter(cadre__unit=work).first().household
    visit = assistance.visit_create(
        actor=admin_user, household=household, visited_on=dt.date(2012, 7, 1), mode="home"
    )
    deed = assistance.deed_create(
        actor=admin_user,
        unit=work,
        village=village,
        type="funds",
        description="录错的一笔",
        value=800,
        done_on=dt.date(2012, 7, 1),
    )
    assistance.visit_void(actor=admin_user, visit=visit, reason="重复录入")
    assistance.deed_void(actor=admin_user, deed=deed, reason="重复录入")
    text = draft_work_done(unit=work, start=START, end=END)
    assert "走访联系户3次" in text
    assert "办实事好事2件，折合价值6,200.50元" in text
