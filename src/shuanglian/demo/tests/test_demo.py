"""The Guojia town demo: the numbers the issue names, realistic people, idempotence, the command."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from pypinyin import Style, lazy_pinyin

from shuanglian.accounts.models import Role, User
from shuanglian.assistance.models import (
    Deed,
    FollowUp,
    HouseholdPlan,
    Measure,
    MeasureStatus,
    VillagePlan,
    Visit,
)
from shuanglian.core.idcard import parse_id
from shuanglian.core.models import AuditEvent
from shuanglian.demo.scenario import GUOJIA_UNITS, LONGCHENG, OUTSIDE_UNITS
from shuanglian.demo.services import demo_build
from shuanglian.households.models import Category, Household, Member
from shuanglian.meetings.drafts import yuan
from shuanglian.meetings.models import Meeting, ReportStatus, UnitReport
from shuanglian.monitoring import demo as monitoring_demo
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.projects.models import Funding, FundingSource, Project, ProjectStatus
from shuanglian.regions.models import Level, Region
from shuanglian.units.models import Cadre, Unit

GUOJIA = "620522104000"
PER_VILLAGE = 4
TODAY = dt.date(2026, 11, 29)
REPORT_UNITS = {
    "县委宣传部", "县文明办", "县文广局", "县教体局", "县民政局", "县果业局", "县农技中心",
    "县供销联社", "县妇幼保健院", "郭嘉镇政府", "郭嘉中学", "吊湾中学", "槐川中学", "寺咀中学",
    "郭嘉卫生院", "县建行", "郭嘉镇学区", "律师事务所", "县人寿保险公司",
}  # fmt: skip

# Each test runs in a transaction on top of the demo the module fixture committed.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for the module (the whole of Gansu is loaded), removed afterwards."""
    with django_db_blocker.unblock():
        result = demo_build(households_per_village=PER_VILLAGE, today=TODAY)
        yield result
        call_command("flush", interactive=False, verbosity=0)


def guojia_pairings():
    return VillagePairing.objects.filter(
        village__parent_id=GUOJIA, end_date__isnull=True
    ).select_related("unit", "village")


def test_guojia_has_35_villages_each_with_a_lead_unit(demo):
    villages = set(
        Region.objects.filter(parent_id=GUOJIA, level=Level.VILLAGE).values_list("code", flat=True)
    )
    assert len(villages) == 35
    assert {p.village_id for p in guojia_pairings()} == villages
    assert Region.objects.filter(code__startswith="62", level=Level.VILLAGE).count() == 17718


def test_the_19_report_units_and_2_outside_units_are_paired_in_guojia(demo):
    paired = {p.unit.short_name for p in guojia_pairings()}
    assert paired == REPORT_UNITS | {"兰州城市学院", "天水市人大"}
    assert len(GUOJIA_UNITS) == 19
    by_unit = {}
    for p in guojia_pairings():
        by_unit.setdefault(p.unit.short_name, set()).add(p.village.short_name)
    assert by_unit["吊湾中学"] == {"吊湾村"}
    assert by_unit["槐川中学"] == {"槐川村"}
    assert by_unit["寺咀中学"] == {"寺咀村"}
    assert by_unit["兰州城市学院"] == {"槐庙村"}
    assert by_unit["天水市人大"] == {"暖泉村"}
    outside = {spec.name for spec in OUTSIDE_UNITS}
    assert not Unit.objects.filter(name__in=outside, home_region__code__startswith="620522")
    assert Unit.objects.get(short_name="兰州城市学院").level == "province"
    assert Unit.objects.get(short_name="天水市人大").level == "city"


def test_named_people_are_cadres_of_their_units(demo):
    assert Cadre.objects.get(name="李爱仙").unit.short_name == "县委宣传部"
    assert Cadre.objects.get(name="王建祥").unit.short_name == "县文明办"
    assert Cadre.objects.get(name="孙旺奎").unit.short_name == "郭嘉镇政府"
    assert Cadre.objects.get(name="邵维基").position == "县人大常委会副主任"
    assert Cadre.objects.filter(unit__short_name="县果业局").count() >= 6


def test_households_are_generated_in_every_village_with_valid_people(demo):
    guojia = Household.objects.filter(village__parent_id=GUOJIA)
    # Besides the generated households, 暖泉村 holds the relapse-monitoring examples.
    assert guojia.count() == 35 * PER_VILLAGE + len(monitoring_demo.EXAMPLES)
    assert Household.objects.filter(village__parent_id=LONGCHENG).exists()
    members = Member.objects.filter(household__village__parent_id=GUOJIA, is_active=True)
    assert members.count() > guojia.count()
    for member in members:
        parsed = parse_id(member.reveal_id_number(), today=TODAY)
        assert parsed.number.startswith("620522")
        assert (parsed.sex, parsed.birth_date) == (member.sex, member.birth_date)
    assert guojia.filter(category=Category.POOR).exists()
    assert all(h.incomes.exists() for h in guojia.filter(category=Category.POOR))


def test_every_poor_household_has_a_cadre_of_a_unit_paired_with_its_village(demo):
    poor = Household.objects.filter(category=Category.POOR)
    current = HouseholdPairing.objects.filter(
        household__in=poor, end_date__isnull=True
    ).select_related("cadre", "household")
    assert current.count() == poor.count() > 0
    for pairing in current:
        assert VillagePairing.objects.filter(
            unit_id=pairing.cadre.unit_id,
            village_id=pairing.household.village_id,
            end_date__isnull=True,
        ).exists()


def test_admin_and_officers_can_log_in(demo):
    admin = User.objects.get(username="admin")
    assert admin.role == Role.ADMIN and admin.check_password("Shuanglian@2012")
    assert User.objects.get(username="guojia").region_id == GUOJIA


def test_api_region_filter_and_pinyin_search_on_the_demo(demo, client):
    client.force_login(User.objects.get(username="admin"))
    items, cursor = [], None
    while True:
        params = {"region": "620522104", "limit": 50} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/households", params).json()
        items += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert len(items) == 35 * PER_VILLAGE + len(monitoring_demo.EXAMPLES)
    assert all(item["village"]["code"].startswith("620522104") for item in items)

    head = Household.objects.filter(village_id="620522104200").first()
    initials = "".join(lazy_pinyin(head.head_name, style=Style.FIRST_LETTER))
    found = client.get("/api/v1/households", {"q": initials, "limit": 200}).json()
    assert head.pk in {item["id"] for item in found["items"]}
    full = "".join(lazy_pinyin(head.head_name))
    found = client.get("/api/v1/households", {"q": full, "limit": 200}).json()
    assert head.pk in {item["id"] for item in found["items"]}


MODELS = (
    Unit, Cadre, Household, Member, HouseholdPairing, Project, Funding, VillagePlan, HouseholdPlan,
    Measure, Visit, FollowUp, Deed, Meeting, UnitReport,
)  # fmt: skip


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_every_guojia_village_has_a_plan_a_project_and_visited_households(demo):
    villages = Region.objects.filter(parent_id=GUOJIA, level=Level.VILLAGE)
    assert VillagePlan.objects.filter(village__in=villages, year=2012).count() == 35
    assert Project.objects.filter(village__in=villages, year=2012).count() == 35 + 2
    poor = Household.objects.filter(village__parent_id=GUOJIA, category=Category.POOR)
    assert HouseholdPlan.objects.filter(household__in=poor, year=2012).count() == poor.count()
    measures = Measure.objects.filter(plan__household__in=poor)
    assert measures.filter(status=MeasureStatus.DONE).exists()
    assert measures.exclude(status=MeasureStatus.DONE).filter(due_date__lt=TODAY).exists()
    # The relapse-monitoring examples are visited now, not in the 2012 campaign.
    visits = Visit.objects.filter(household__village__parent_id=GUOJIA).exclude(
        household__address=monitoring_demo.ADDRESS
    )
    assert visits.exists()
    for visit in visits.select_related("household"):
        pairing = HouseholdPairing.objects.get(household=visit.household, end_date__isnull=True)
        assert visit.cadre_id == pairing.cadre_id
        assert pairing.start_date <= visit.visited_on <= dt.date(2012, 8, 10)
    assert FollowUp.objects.filter(visit__in=visits).exists()
    for unit in {p.unit for p in guojia_pairings()}:
        assert 2 <= Deed.objects.filter(unit=unit, done_on__year=2012).count() <= 5


def test_the_2012_progress_meeting_with_its_two_site_stops(demo):
    meeting = Meeting.objects.get(held_on=dt.date(2012, 8, 14))
    assert meeting.place_id == GUOJIA
    assert meeting.host_unit.short_name == "郭嘉镇政府"
    assert "王建祥" in meeting.presiding
    speakers = [s.name for s in meeting.speakers.order_by("order")]
    assert speakers[0] == "孙旺奎" and speakers[-2:] == ["邵维基", "李爱仙"]
    paired = {p.unit for p in guojia_pairings()}
    assert set(meeting.attending_units.all()) == paired
    # Each head speaks once, linked to the cadre of that name in the head's own unit (two
    # generated heads may share a name, so people are told apart by cadre).
    heads = {unit.leader_name for unit in paired}
    cadres = list(meeting.speakers.values_list("cadre_id", flat=True))
    assert heads <= set(speakers) and None not in cadres and len(cadres) == len(set(cadres))
    for speaker in meeting.speakers.select_related("cadre__unit"):
        assert speaker.cadre.name == speaker.name
    heads_units = {s.cadre.unit for s in meeting.speakers.select_related("cadre__unit")}
    assert paired <= heads_units
    stops = meeting.stops.select_related("project__village", "project__lead_unit")
    assert {(s.project.village.short_name, s.project.lead_unit.short_name) for s in stops} == {
        ("槐庙村", "兰州城市学院"),
        ("暖泉村", "天水市人大"),
    }
    for stop in stops:
        assert stop.project.status == ProjectStatus.COMPLETED
        sources = set(stop.project.fundings.values_list("source", flat=True))
        assert {FundingSource.UNIT, FundingSource.FISCAL, FundingSource.VILLAGERS} <= sources
    assert meeting.reports.count() == len(paired)
    assert FollowUp.objects.filter(meeting=meeting, owner_unit__isnull=False).count() == 2


def test_the_xuanchuan_report_draft_tells_its_visits_deeds_and_funds(demo):
    report = UnitReport.objects.get(
        meeting__held_on=dt.date(2012, 8, 14), unit__short_name="县委宣传部"
    )
    period = (report.period_start, report.period_end)
    unit = report.unit
    visits = Visit.objects.filter(cadre__unit=unit, visited_on__range=period).count()
    deeds = Deed.objects.filter(unit=unit, done_on__range=period)
    funds = sum(f.amount for f in Funding.objects.filter(unit=unit, received_on__range=period))
    assert visits and deeds and funds
    assert f"走访联系户{visits}次" in report.work_done
    assert f"办实事好事{deeds.count()}件" in report.work_done
    assert f"协调落实项目资金{yuan(funds)}元" in report.work_done


def test_the_speeches_of_the_meeting(demo):
    meeting = Meeting.objects.get(held_on=dt.date(2012, 8, 14))
    speakers = {s.name: s for s in meeting.speakers.all()}
    sun = speakers["孙旺奎"]
    assert "郭嘉镇党委书记" in sun.post
    # He reports the progress of the province, the city, the county and the township.
    for level in ("全省", "全市", "全县", "郭嘉镇"):
        assert level in sun.summary, level
    assert "进展" in sun.summary
    shao = speakers["邵维基"]
    assert "县人大" in shao.post and "双联" in shao.summary
    li = speakers["李爱仙"]
    assert "宣传部长" in li.post
    assert "四点要求" in li.summary
    # The four requirements: combine the action with …
    for requirement in (
        "双联行动与产业开发相结合",
        "与基础设施建设相结合",
        "与教育农民、维护社会稳定相结合",
        "与基层组织建设和“效能风暴”行动相结合",
    ):
        assert requirement in li.summary, requirement
    order = [s.name for s in meeting.speakers.order_by("order")]
    assert order.index("孙旺奎") < order.index("邵维基") < order.index("李爱仙")


def test_all_units_attend_and_report(demo):
    meeting = Meeting.objects.get(held_on=dt.date(2012, 8, 14))
    reports = list(meeting.reports.select_related("unit"))
    assert len(reports) == meeting.attending_units.count() == 21
    assert {r.unit for r in reports} == set(meeting.attending_units.all())
    for report in reports:
        assert report.status == ReportStatus.SUBMITTED, report.unit.short_name
        assert report.work_done and report.problems and report.next_plans
    # 县委宣传部 reports through its own administrator's account, as the unit would.
    xuanchuan = next(r for r in reports if r.unit.short_name == "县委宣传部")
    submitted = AuditEvent.objects.filter(
        object_type="meetings.UnitReport", object_id=str(xuanchuan.pk), changes__has_key="status"
    ).get()
    assert submitted.actor.username == "xuanchuan"
    assert submitted.changes["status"] == ["draft", "submitted"]


def test_a_second_run_creates_nothing(demo):
    before = counts()
    again = demo_build(households_per_village=PER_VILLAGE, today=TODAY)
    assert not again.created_anything
    assert counts() == before
    assert before["Meeting"] == 1 and before["Visit"] > 0 and before["Funding"] > 0


def test_command_prints_progress_and_the_login_and_adds_what_is_missing(demo):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--households-per-village", str(PER_VILLAGE + 1), stdout=out)
    assert Household.objects.filter(village__parent_id=GUOJIA).count() == 35 * (
        PER_VILLAGE + 1
    ) + len(monitoring_demo.EXAMPLES)
    printed = out.getvalue()
    assert "Village 35/" in printed or "Village 36/" in printed
    assert "User: admin" in printed and "Shuanglian@2012" in printed


def test_command_refuses_a_bad_household_count():
    with pytest.raises(CommandError, match="between 1 and 9999"):
        call_command("demo", "--no-serve", "--households-per-village", "0")


def api_ids(client, **params) -> set[int]:
    ids, cursor = set(), None
    while True:
        query = {"limit": 200, **params} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/households", query).json()
        ids |= {item["id"] for item in page["items"]}
        if not (cursor := page["next_cursor"]):
            return ids


def test_demo_accounts_see_exactly_their_scope(demo, client):
    guojia_ids = set(
        Household.objects.filter(village__parent_id=GUOJIA).values_list("id", flat=True)
    )
    longcheng_ids = set(
        Household.objects.filter(village__parent_id=LONGCHENG).values_list("id", flat=True)
    )
    client.force_login(User.objects.get(username="longcheng"))
    assert api_ids(client, region="620522104") == set()
    assert api_ids(client) == longcheng_ids
    some_guojia = min(guojia_ids)
    assert client.get(f"/api/v1/households/{some_guojia}").status_code == 404

    client.force_login(User.objects.get(username="guojia"))
    assert api_ids(client) == guojia_ids

    cadre_account = User.objects.get(username="cadre")
    mine = set(
        HouseholdPairing.objects.filter(
            cadre__user=cadre_account, end_date__isnull=True
        ).values_list("household_id", flat=True)
    )
    assert len(mine & guojia_ids) >= 3
    assert cadre_account.cadre.unit.short_name == "县委宣传部"
    client.force_login(cadre_account)
    assert api_ids(client) == mine

    xuanchuan = User.objects.get(username="xuanchuan")
    assert xuanchuan.role == Role.UNIT_ADMIN and xuanchuan.unit.short_name == "县委宣传部"

    viewer = User.objects.get(username="viewer")
    client.force_login(viewer)
    assert api_ids(client) == guojia_ids | longcheng_ids
    response = client.post(f"/households/{some_guojia}/edit/", {"address": "x"})
    assert response.status_code == 403
