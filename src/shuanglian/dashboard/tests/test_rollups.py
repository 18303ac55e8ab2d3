import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shuanglian.assistance import services as assistance_services
from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import GUOJIA, HUAIMIAO, LONGCHENG, NUANQUAN, QINAN
from shuanglian.dashboard import figures, rollups
from shuanglian.dashboard.models import Figure, HolderKind
from shuanglian.dashboard.tests.helpers import assert_matches_rebuild
from shuanglian.households import services as household_services
from shuanglian.households.models import Household
from shuanglian.households.tests import factories as hf
from shuanglian.pairings import services as pairing_services
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects import services as project_services
from shuanglian.projects.tests import factories as prf
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db

TODAY = dt.date(2012, 9, 30)


def region(code, today=TODAY):
    return figures.read_one(HolderKind.REGION, code, today=today)


@pytest.fixture
def paired(admin_user):
    """县委宣传部 leads 暖泉村; its cadre 李爱仙 pairs a poor household there."""
    unit = uf.unit(actor=admin_user, name="县委宣传部")
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN)
    cadre = uf.cadre(actor=admin_user, unit=unit, name="李爱仙")
    household = hf.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    return {"unit": unit, "cadre": cadre, "household": household}


def test_a_write_reaches_the_village_and_every_ancestor(admin_user):
    hf.household(actor=admin_user, village=NUANQUAN)
    hf.household(actor=admin_user, village=HUAIMIAO, category="demonstration")
    for code in (NUANQUAN, GUOJIA, QINAN, "620500000000", "620000000000"):
        assert region(code).get(rollups.HOUSEHOLDS, "poor") == 1, code
    assert region(GUOJIA).households == 2
    assert region(QINAN).people == 2
    assert region(LONGCHENG).households == 0
    levels = dict(
        Figure.objects.filter(kind="region", metric=rollups.HOUSEHOLDS, dim="poor").values_list(
            "key", "level"
        )
    )
    assert levels == {
        NUANQUAN: "village", GUOJIA: "township", QINAN: "county", "620500000000": "city",
        "620000000000": "province",
    }  # fmt: skip


def test_coverage_units_cadres_and_paired_villages(admin_user, paired):
    other = uf.unit(actor=admin_user, name="县教体局")
    pf.village_pairing(actor=admin_user, unit=other, village=HUAIMIAO)
    pf.village_pairing(actor=admin_user, unit=other, village=NUANQUAN, role="member")
    hf.household(actor=admin_user, village=HUAIMIAO)
    town = region(GUOJIA)
    assert (town.units, town.cadres, town.get(rollups.PAIRED_VILLAGES)) == (2, 1, 2)
    assert (town.poor, town.poor_covered, town.poor_coverage) == (2, 1, 50.0)
    unit = figures.read_one(HolderKind.UNIT, str(paired["unit"].pk), today=TODAY)
    assert (unit.cadres, unit.paired_villages, unit.poor_covered) == (1, 1, 1)
    # Ending the household pairing uncovers the household everywhere.
    pairing = paired["household"].pairings.get()
    pairing_services.household_pairing_end(
        actor=admin_user, pairing=pairing, end_date=dt.date(2012, 9, 1)
    )
    assert (region(GUOJIA).poor_covered, region(GUOJIA).cadres) == (0, 0)
    assert figures.read_one(HolderKind.UNIT, str(paired["unit"].pk)).poor_covered == 0
    assert_matches_rebuild()


def test_time_relative_figures_move_with_the_days_without_any_write(admin_user, paired):
    household, cadre = paired["household"], paired["cadre"]
    af.visit(actor=admin_user, household=household, cadre=cadre, visited_on=dt.date(2012, 8, 1))
    af.visit(actor=admin_user, household=household, cadre=cadre, visited_on=dt.date(2012, 9, 20))
    on = {day: region(GUOJIA, dt.date(2012, *day)) for day in ((9, 20), (10, 19), (10, 20))}
    assert (on[(9, 20)].visits_30, on[(9, 20)].visits_90, on[(9, 20)].not_visited_60) == (1, 2, 0)
    # 29 days on, 9-20 is the first day of the 30-day window; a day later it has left it.
    assert (on[(10, 19)].visits_30, on[(10, 20)].visits_30) == (1, 0)
    assert region(GUOJIA, dt.date(2012, 10, 29)).visits_90 == 2
    assert region(GUOJIA, dt.date(2012, 10, 30)).visits_90 == 1
    assert region(GUOJIA, dt.date(2012, 11, 18)).not_visited_60 == 0
    assert region(GUOJIA, dt.date(2012, 11, 19)).not_visited_60 == 1
    own = figures.read_one(HolderKind.CADRE, str(cadre.pk), today=dt.date(2012, 9, 20))
    assert (own.visits_30, own.visits_90, own.paired_households) == (1, 2, 1)
    # A voided visit counts nowhere.
    visit = household.visits.get(visited_on=dt.date(2012, 9, 20))
    assistance_services.visit_void(actor=admin_user, visit=visit, reason="录错了")
    assert region(GUOJIA, dt.date(2012, 9, 20)).visits_90 == 1
    assert_matches_rebuild()


def test_overdue_measures_follow_the_calendar(admin_user, paired):
    plan = af.plan(actor=admin_user, household=paired["household"])
    af.measure(actor=admin_user, plan=plan, due_date=dt.date(2012, 6, 30))
    af.measure(actor=admin_user, plan=plan, due_date=dt.date(2012, 9, 15))
    done = af.measure(actor=admin_user, plan=plan, due_date=dt.date(2012, 5, 1))
    assistance_services.measure_update(actor=admin_user, measure=done, status="in_progress")
    assistance_services.measure_update(
        actor=admin_user, measure=done, status="done", done_on=dt.date(2012, 5, 1)
    )
    assert region(NUANQUAN, dt.date(2012, 6, 30)).measures_overdue == 0
    assert region(NUANQUAN, dt.date(2012, 7, 1)).measures_overdue == 1
    assert region(NUANQUAN, dt.date(2012, 9, 15)).measures_overdue == 1
    assert region(NUANQUAN, dt.date(2012, 9, 16)).measures_overdue == 2
    assert region(NUANQUAN, dt.date(2013, 1, 1)).measures_overdue == 2
    assert (region(QINAN).measures_done, region(QINAN).measures_total) == (1, 3)
    assert_matches_rebuild()


def test_projects_funds_and_incomes(admin_user, paired):
    project = prf.project(actor=admin_user, budget="200000", lead_unit_id=paired["unit"].pk)
    entry = prf.funding(actor=admin_user, project=project, amount="50000.10")
    prf.funding(actor=admin_user, project=project, source="fiscal", amount="30000")
    project_services.funding_reverse(actor=admin_user, entry=entry, reason="重复录入")
    project_services.project_status_advance(
        actor=admin_user, project=project, to_status="building", changed_on=dt.date(2012, 9, 1)
    )
    household = paired["household"]
    household_services.income_record_save(
        actor=admin_user, household=household, year=2011, wage_income="2000", population=1
    )
    household_services.income_record_save(
        actor=admin_user, household=household, year=2012, wage_income="4500", population=1
    )
    county = region(QINAN)
    [row] = county.projects()
    assert (row["type"], row["counts"]["building"], row["budget"]) == (
        "culture_centre", 1, 200000
    )  # fmt: skip
    assert str(row["invested"]) == "30000.00"
    assert [(value, str(amount)) for value, _label, amount in county.funds()] == [
        ("fiscal", "30000.00")
    ]
    assert county.income_bands(2011)[0] == ("< 2300", 1)
    assert county.income_bands(2012)[3] == ("4000–6000", 1)
    assert [(year, str(avg)) for year, avg in county.income_trend()] == [
        (2011, "2000.00"), (2012, "4500.00")
    ]  # fmt: skip
    unit = figures.read_one(HolderKind.UNIT, str(paired["unit"].pk))
    assert unit.projects_total == 1
    assert_matches_rebuild()


def test_exited_households_and_category_changes(admin_user, paired):
    household = paired["household"]
    household_services.household_update(
        actor=admin_user, household=household, address="", category="exited"
    )
    county = region(QINAN)
    assert county.exited_by_year() == [("", 1)]
    assert (county.poor, county.get(rollups.HOUSEHOLDS, "exited")) == (0, 1)
    # The unit pairing the household sees the change too.
    unit = figures.read_one(HolderKind.UNIT, str(paired["unit"].pk))
    assert unit.get(rollups.PAIRED_HOUSEHOLDS, "exited") == 1
    assert_matches_rebuild()


def test_rebuild_of_one_region_keeps_the_ancestors_right(admin_user, paired):
    hf.household(actor=admin_user, village="620522103200")
    # Base records corrected behind the services' back (a data fix in SQL): the rollups of
    # 郭嘉镇 are stale until its subtree is rebuilt, and its ancestors get the difference.
    Household.objects.filter(village_id=NUANQUAN).update(category="exited", member_count=4)
    assert region(QINAN).poor == 2
    rollups.rebuild(region=GUOJIA[:9])
    assert (region(QINAN).poor, region(QINAN).people) == (1, 5)
    assert region("620000000000").get(rollups.HOUSEHOLDS, "exited") == 1
    assert_matches_rebuild()
    Household.objects.filter(village_id=NUANQUAN).update(category="poor")
    rollups.rebuild(region=NUANQUAN)
    assert region("620000000000").poor == 2
    assert_matches_rebuild()


def test_rebuild_command_reports_progress_and_checks_the_region(admin_user, paired):
    out = StringIO()
    call_command("rollups_rebuild", stdout=out)
    assert "7/7 620525" in out.getvalue()
    assert "行村级数据" in out.getvalue()
    assert region(NUANQUAN).villages == 1
    # Every village of the tree has its row, records or not.
    assert region(GUOJIA).villages == 35
    out = StringIO()
    call_command("rollups_rebuild", region=GUOJIA[:9], stdout=out)
    assert "1/1 620522104" in out.getvalue()
    with pytest.raises(CommandError, match="620599"):
        call_command("rollups_rebuild", region="620599")
    with pytest.raises(CommandError, match="abc"):
        call_command("rollups_rebuild", region="abc")


def test_rebuild_task_runs_the_same_rebuild(admin_user, paired):
    from shuanglian.dashboard.tasks import rollups_rebuild

    result = rollups_rebuild.call(region=None)
    assert result["village_rows"] > 0
    assert region(GUOJIA).villages == 35
