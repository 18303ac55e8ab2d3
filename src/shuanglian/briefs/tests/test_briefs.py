import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from shuanglian.assistance.services import follow_up_create, measure_update, visit_void
from shuanglian.assistance.tests import factories as af
from shuanglian.briefs import figures as fig
from shuanglian.briefs import services
from shuanglian.briefs.documents import TABLES
from shuanglian.briefs.models import Brief, BriefStatus
from shuanglian.conftest import GUOJIA, HUAIMIAO, LONGCHENG, NUANQUAN, QINAN
from shuanglian.core.access import user_scope
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditEvent
from shuanglian.households.models import Category
from shuanglian.households.tests import factories as hf
from shuanglian.meetings.tests.factories import meeting
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects.services import project_status_advance
from shuanglian.projects.tests import factories as prf
from shuanglian.regions.models import Region
from shuanglian.regions.tests.pages import text, zh
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db

START, END = dt.date(2012, 7, 1), dt.date(2012, 9, 30)
LONGCHENG_VILLAGE = "620522103200"


@pytest.fixture
def data(admin_user):
    """郭嘉镇: 暖泉村 (unit G; poor households of 3 and 2 people and a demonstration household,
    all paired with cadre G) and 槐庙村 (unit H; a poor household without a cadre); 陇城镇: 常营村
    (a poor household)."""
    unit_g = uf.unit(actor=admin_user, name="县委宣传部")
    unit_h = uf.unit(actor=admin_user, name="兰州城市学院")
    pf.village_pairing(actor=admin_user, unit=unit_g, village=NUANQUAN)
    pf.village_pairing(actor=admin_user, unit=unit_h, village=HUAIMIAO)
    cadre_g = uf.cadre(actor=admin_user, unit=unit_g, name="李爱仙")
    poor1 = hf.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    hf.member(actor=admin_user, household=poor1, name="李秀英")
    hf.member(actor=admin_user, household=poor1, name="孙小明")
    poor2 = hf.household(actor=admin_user, village=NUANQUAN, head_name="邵维基")
    hf.member(actor=admin_user, household=poor2, name="王芳")
    demo = hf.household(
        actor=admin_user, village=NUANQUAN, head_name="王建祥", category=Category.DEMONSTRATION
    )
    hf.household(actor=admin_user, village=HUAIMIAO, head_name="马六")
    hf.household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="张三")
    pf.household_pairing(actor=admin_user, household=poor1, cadre=cadre_g)
    pf.household_pairing(actor=admin_user, household=poor2, cadre=cadre_g)
    pf.household_pairing(actor=admin_user, household=demo, cadre=cadre_g)
    # Visits: two in the period (one voided, not counted), one before it.
    af.visit(actor=admin_user, household=poor1, visited_on=dt.date(2012, 8, 1))
    af.visit(actor=admin_user, household=poor2, visited_on=dt.date(2012, 8, 2))
    voided = af.visit(actor=admin_user, household=poor2, visited_on=dt.date(2012, 8, 3))
    visit_void(actor=admin_user, visit=voided, reason="重复录入")
    af.visit(actor=admin_user, household=poor1, visited_on=dt.date(2012, 6, 1))
    plan = af.plan(actor=admin_user, household=poor1)
    done = af.measure(actor=admin_user, plan=plan, responsible_unit=unit_g)
    measure_update(actor=admin_user, measure=done, status="in_progress")
    measure_update(actor=admin_user, measure=done, status="done", done_on=dt.date(2012, 9, 1))
    af.measure(actor=admin_user, plan=plan, description="修缮危房", due_date=dt.date(2012, 8, 31))
    nuanquan, huaimiao = Region.objects.get(code=NUANQUAN), Region.objects.get(code=HUAIMIAO)
    af.deed(actor=admin_user, unit=unit_g, village=nuanquan, value="5000")
    af.deed(actor=admin_user, unit=unit_h, village=huaimiao, value="1200.50")
    project = prf.project(actor=admin_user, lead_unit_id=unit_g.pk)
    prf.funding(actor=admin_user, project=project, amount="50000", unit_id=unit_g.pk,
                received_on=dt.date(2012, 7, 15))  # fmt: skip
    project_status_advance(
        actor=admin_user, project=project, to_status="building", changed_on=dt.date(2012, 7, 1)
    )
    project_status_advance(
        actor=admin_user, project=project, to_status="completed", changed_on=dt.date(2012, 9, 20)
    )
    meeting(actor=admin_user, units=[unit_g, unit_h])  # 2012-08-14 at 郭嘉镇
    meeting(actor=admin_user, place=LONGCHENG, title="陇城镇座谈会", held_on=dt.date(2012, 8, 20))
    follow_up_create(
        actor=admin_user, title="协调小额贷款", due_date=dt.date(2012, 9, 1), owner_unit=unit_g,
        household=poor2,
    )  # fmt: skip
    return {"unit_g": unit_g, "unit_h": unit_h, "project": project}


def _brief(actor, region=GUOJIA, start=START, end=END, **kw):
    return services.brief_create(
        actor=actor, region_code=region, period_start=start, period_end=end, **kw
    )


def test_headline_figures_equal_the_records(town_officer, data):
    brief = _brief(town_officer)
    h = brief.figures["headline"]
    assert h["households"] == 4
    assert (h["hh_poor"], h["hh_demonstration"], h["hh_general"]) == (3, 1, 0)
    assert h["people"] == 4 + 3  # four heads and three members
    assert h["poor_covered"] == 2
    assert (h["villages"], h["villages_paired"]) == (35, 2)
    assert (h["visits"], h["households_visited"]) == (2, 2)
    assert (h["measures_done"], h["measures_overdue"], h["follow_ups_overdue"]) == (1, 1, 1)
    assert (h["deeds"], Decimal(h["deeds_value"])) == (2, Decimal("6200.50"))
    assert Decimal(h["funds"]) == Decimal("50000")
    assert h["projects_completed"] == 1
    assert brief.number == 1
    assert brief.title == "郭嘉镇双联行动工作简报（第1期）"
    assert brief.status == BriefStatus.DRAFT


def test_sections_hold_units_meetings_projects_and_problems(town_officer, data):
    brief = _brief(town_officer)
    # Per-unit paragraphs are the unit report drafts (meetings.drafts).
    assert "【县委宣传部】" in brief.unit_work and "【兰州城市学院】" in brief.unit_work
    assert "单位干部走访联系户2次" in brief.unit_work
    assert "郭嘉镇双联行动推进会" in brief.meetings
    assert "陇城镇座谈会" not in brief.meetings
    assert "暖泉村村级综合文化活动中心" in brief.projects and "2012年9月20日完工" in brief.projects
    assert "逾期未完成帮扶措施1项，逾期督办事项1项" in brief.problems
    assert "修缮危房" in brief.problems and "协调小额贷款" in brief.problems
    assert "首期" in brief.progress


def test_progress_since_the_last_brief(town_officer, admin_user, data):
    first = _brief(town_officer)
    services.brief_finalise(actor=town_officer, brief=first)
    hf.household(actor=admin_user, village=NUANQUAN, head_name="新户")
    second = _brief(town_officer, start=dt.date(2012, 10, 1), end=dt.date(2012, 12, 31))
    assert second.number == 2 and second.previous == first
    assert second.figures["difference"]["hh_poor"] == 1
    assert second.figures["difference"]["visits"] == -2
    assert "与第1期简报" in second.progress and "贫困户增加1" in second.progress


def test_table_rows_add_up_to_the_headline(county_officer, data):
    region = Region.objects.get(code=QINAN)
    scope = user_scope(county_officer)
    rows = fig.table_rows(scope=scope, region=region, start=START, end=END)
    assert len(rows) == 17  # 秦安县's townships
    assert fig.totals(rows) == fig.headline(scope=scope, region=region, start=START, end=END)


def test_create_checks(town_officer, viewer, other_town_officer, data):
    with pytest.raises(Forbidden):
        _brief(viewer)
    with pytest.raises(InvalidInput) as error:
        _brief(other_town_officer)  # 郭嘉镇 is outside 陇城镇: like an unknown region
    assert error.value.field == "region"
    with pytest.raises(InvalidInput) as error:
        _brief(town_officer, start=END, end=START)
    assert error.value.field == "period_end"
    with pytest.raises(InvalidInput) as error:
        _brief(town_officer, end=dt.date.today() + dt.timedelta(days=1))
    assert error.value.message == services.BRIEF_END_FUTURE.format(today=dt.date.today())


def test_edit_save_finalise(town_officer, viewer, data):
    brief = _brief(town_officer)
    with pytest.raises(Forbidden):
        services.brief_update(actor=viewer, brief=brief, overview="改")
    services.brief_update(actor=town_officer, brief=brief, overview="全镇工作稳步推进。")
    brief.refresh_from_db()
    assert brief.overview == "全镇工作稳步推进。"
    event = AuditEvent.objects.filter(object_type="briefs.Brief", action="update").get()
    assert event.changes["overview"][1] == "全镇工作稳步推进。"
    assert event.region_code == GUOJIA
    services.brief_finalise(actor=town_officer, brief=brief)
    with pytest.raises(Conflict):
        services.brief_update(actor=town_officer, brief=brief, overview="再改")
    with pytest.raises(Conflict):
        services.brief_finalise(actor=town_officer, brief=brief)
    brief.refresh_from_db()
    assert brief.overview == "全镇工作稳步推进。" and brief.finalised_at is not None


def test_pages_edit_and_finalise(login, town_officer, viewer, data):
    brief = _brief(town_officer)
    client = login(town_officer)
    response = client.post(
        f"/briefs/{brief.pk}/edit/", {"title": brief.title, "overview": "新的概况", "problems": ""}
    )
    assert response.status_code == 302
    assert "新的概况" in text(client.get(f"/briefs/{brief.pk}/"))
    assert client.post(f"/briefs/{brief.pk}/finalise/").status_code == 302
    response = client.get(f"/briefs/{brief.pk}/edit/")
    assert response.status_code == 409
    assert zh(services.BRIEF_FINAL) in text(response)
    viewer_client = login(viewer)
    assert viewer_client.get(f"/briefs/{brief.pk}/").status_code == 200
    assert viewer_client.get(f"/briefs/{brief.pk}/edit/").status_code == 403


def test_create_page_and_bad_input(login, town_officer, data):
    client = login(town_officer)
    response = client.post(
        "/briefs/new/", {"region": GUOJIA, "period_start": "2012-09-30", "period_end": "2012-07-01"}
    )
    assert response.status_code == 400
    assert zh(services.BRIEF_PERIOD_REVERSED, start="2012-09-30", end="2012-07-01") in text(
        response
    )
    response = client.post(
        "/briefs/new/", {"region": GUOJIA, "period_start": "2012-07-01", "period_end": "2012-09-30"}
    )
    assert response.status_code == 302
    assert Brief.objects.get().region_id == GUOJIA


def test_unit_admins_and_cadres_do_not_see_briefs(
    login, town_officer, unit_admin, cadre_user, data
):
    brief = _brief(town_officer)
    for user in (unit_admin, cadre_user):
        client = login(user)
        assert client.get(f"/briefs/{brief.pk}/").status_code == 404
        assert client.get(f"/api/v1/briefs/{brief.pk}").status_code == 404
        assert client.get(f"/briefs/tables/{GUOJIA}/households.xlsx").status_code == 404
        assert client.get("/api/v1/briefs").json()["items"] == []


def test_docx_text(login, town_officer, data):
    brief = _brief(town_officer)
    response = login(town_officer).get(f"/briefs/{brief.pk}/brief.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert brief.title in body
    assert "三、各单位工作" in body and "【县委宣传部】" in body
    assert "郭嘉镇双联行动推进会" in body
    figures = document.tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in figures.rows}
    assert rows["贫困户（户）"] == "3"
    assert rows["筹措资金（元）"] == "50,000"
    children = document.tables[1]
    assert children.rows[-1].cells[0].text == "合计"
    assert AuditEvent.objects.filter(object_type="briefs.Brief", action="export").count() == 1


def test_print_page(login, town_officer, data):
    brief = _brief(town_officer)
    page = text(login(town_officer).get(f"/briefs/{brief.pk}/print/"))
    assert "size: A4" in page
    assert 'id="brief-print"' in page and "四、会议活动" in page


def _sheet(content: bytes):
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0)


def test_households_table_layout_and_totals(login, county_officer, data):
    response = login(county_officer).get(
        f"/briefs/tables/{GUOJIA}/households.xlsx?start=2012-07-01&end=2012-09-30"
    )
    assert response.status_code == 200
    sheet = _sheet(response.content)
    rows = sheet.to_python()
    assert rows[0][0] == "郭嘉镇" + TABLES["households"].title
    assert "2012年7月1日至2012年9月30日" in rows[1][0]
    assert rows[2][0] == "地区" and rows[2][1] == "农户数（户）" and rows[3][1] == "合计"
    merged = {tuple(map(tuple, r)) for r in sheet.merged_cell_ranges}
    assert ((2, 0), (3, 0)) in merged  # 地区 over both header rows
    assert ((2, 1), (2, 6)) in merged  # 农户数 over its six columns
    assert ((2, 7), (3, 7)) in merged  # 人口
    body = rows[4:-1]
    assert len(body) == 35  # 郭嘉镇's villages
    total = rows[-1]
    assert total[0] == "合计"
    scope = user_scope(county_officer)
    town = Region.objects.get(code=GUOJIA)
    parent = fig.headline(scope=scope, region=town, start=START, end=END)
    assert int(total[1]) == parent["households"] == sum(int(row[1]) for row in body)
    assert int(total[3]) == parent["hh_poor"]
    assert int(total[7]) == parent["people"]
    assert total[10] == 66.7  # 2 of 3 poor households have a cadre
    nuanquan = next(row for row in body if row[0].startswith("暖泉村"))
    assert int(nuanquan[1]) == 3


def test_assistance_table_totals_equal_the_parent(login, county_officer, data):
    response = login(county_officer).get(
        f"/briefs/tables/{QINAN}/assistance.xlsx?start=2012-07-01&end=2012-09-30"
    )
    rows = _sheet(response.content).to_python()
    body, total = rows[4:-1], rows[-1]
    assert len(body) == 17
    parent = fig.headline(
        scope=user_scope(county_officer),
        region=Region.objects.get(code=QINAN),
        start=START,
        end=END,
    )
    assert int(total[1]) == parent["visits"] == 2
    assert int(total[3]) == parent["measures_done"] == 1
    assert int(total[5]) == parent["deeds"] == 2
    assert Decimal(str(total[6])) == Decimal(parent["deeds_value"]) == Decimal("6200.50")
    assert Decimal(str(total[7])) == Decimal(parent["funds"])
    assert int(total[8]) == parent["projects_completed"] == 1
    guojia = next(row for row in body if row[0] == "郭嘉镇")
    assert int(guojia[1]) == 2


def test_table_bad_input(login, county_officer, data):
    client = login(county_officer)
    assert client.get(f"/briefs/tables/{GUOJIA}/nonsense.xlsx").status_code == 400
    assert (
        client.get(f"/briefs/tables/{GUOJIA}/households.xlsx?start=2012-13-01").status_code == 400
    )


def test_api_create_edit_finalise(login, town_officer, viewer, data):
    client = login(town_officer)
    response = client.post(
        "/api/v1/briefs",
        {"region": GUOJIA, "period_start": "2012-07-01", "period_end": "2012-09-30"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["figures"]["headline"]["hh_poor"] == 3
    pk = body["id"]
    response = client.put(
        f"/api/v1/briefs/{pk}", {"overview": "改写"}, content_type="application/json"
    )
    assert response.json()["overview"] == "改写"
    assert (
        login(viewer)
        .put(f"/api/v1/briefs/{pk}", {"overview": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    client = login(town_officer)
    assert client.post(f"/api/v1/briefs/{pk}/finalise").json()["status"] == "final"
    response = client.put(
        f"/api/v1/briefs/{pk}", {"overview": "y"}, content_type="application/json"
    )
    assert response.status_code == 409
