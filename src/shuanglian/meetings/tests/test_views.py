import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuanglian.assistance.models import FollowUp
from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN
from shuanglian.meetings import services
from shuanglian.meetings.forms import SPEAKER_LINE_INVALID, STOP_LINE_INVALID
from shuanglian.meetings.models import Meeting, ReportStatus
from shuanglian.meetings.services import SpeakerData
from shuanglian.meetings.tests.factories import meeting
from shuanglian.pairings.tests import factories as pf
from shuanglian.regions.tests.pages import assert_same_404, text, zh
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(admin_user, persona_unit):
    unit_g = uf.unit(actor=admin_user, name="县委宣传部")
    pf.village_pairing(actor=admin_user, unit=unit_g, village=NUANQUAN)
    unit_l = uf.unit(actor=admin_user, name="县水务局")
    pf.village_pairing(actor=admin_user, unit=unit_l, village="620522103200")
    meeting_g = meeting(
        actor=admin_user,
        units=[unit_g, persona_unit],
        presiding="王建祥",
        speakers=[SpeakerData("孙旺奎", "镇党委书记", "通报全镇进展"), SpeakerData("李爱仙")],
    )
    meeting_l = meeting(actor=admin_user, place=LONGCHENG, title="陇城镇座谈会", units=[unit_l])
    return {"unit_g": unit_g, "unit_l": unit_l, "g": meeting_g, "l": meeting_l}


def test_list_is_scoped(login, town_officer, unit_admin, data):
    page = text(login(town_officer).get("/meetings/"))
    assert f'/meetings/{data["g"].pk}/"' in page
    assert f'/meetings/{data["l"].pk}/"' not in page
    # The unit administrator sees the meeting the unit attends, not the other town's.
    page = text(login(unit_admin).get("/meetings/"))
    assert f'/meetings/{data["g"].pk}/"' in page
    assert f'/meetings/{data["l"].pk}/"' not in page
    assert_same_404(login(town_officer), f"/meetings/{data['l'].pk}/", "/meetings/999999/")


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["admin_user", "town_officer", "unit_admin", "cadre_user"])
def test_list_queries_do_not_grow(
    request, login, admin_user, persona_unit, data, persona, django_assert_num_queries
):
    client = login(request.getfixturevalue(persona))
    few = _queries(client, "/meetings/")
    for n in range(12):
        meeting(
            actor=admin_user,
            title=f"推进会{n}",
            units=[data["unit_g"], persona_unit],
            host_unit_id=data["unit_g"].pk,
        )
    with django_assert_num_queries(few):
        response = client.get("/meetings/")
    assert len(response.context["meetings"]) >= 13


def test_create_through_the_page(login, town_officer, data):
    client = login(town_officer)
    assert client.get("/meetings/new/").status_code == 200
    form = {
        "type": "progress",
        "title": "双联行动推进会",
        "held_on": "2012-08-14",
        "place": GUOJIA,
        "presiding": "王建祥",
        "attending": [data["unit_g"].pk],
        "speakers": "孙旺奎|镇党委书记|通报进展\n\n邵维基|县委书记",
        "stops": "",
    }
    response = client.post("/meetings/new/", form)
    assert response.status_code == 302
    created = Meeting.objects.get(title="双联行动推进会")
    assert [(s.name, s.post) for s in created.speakers.all()] == [
        ("孙旺奎", "镇党委书记"),
        ("邵维基", "县委书记"),
    ]
    assert created.reports.get().unit == data["unit_g"]


def test_bad_speaker_and_stop_lines_name_the_line(login, town_officer, data):
    client = login(town_officer)
    form = {"type": "forum", "title": "座谈会", "held_on": "2012-08-14", "place": GUOJIA}
    response = client.post("/meetings/new/", {**form, "speakers": "甲|乙|丙|丁"})
    assert response.status_code == 400
    assert zh(SPEAKER_LINE_INVALID, row=1) in text(response)
    response = client.post("/meetings/new/", {**form, "stops": "\n槐庙村"})
    assert zh(STOP_LINE_INVALID, row=2, value="槐庙村") in text(response)
    response = client.post("/meetings/new/", {**form, "speakers": "甲\n|县长"})
    assert zh(services.SPEAKER_NAME_REQUIRED, row=2) in text(response)
    assert not Meeting.objects.filter(title="座谈会").exists()


def test_viewer_and_other_town_cannot_edit(login, viewer, other_town_officer, data):
    assert login(viewer).get(f"/meetings/{data['g'].pk}/edit/").status_code == 403
    assert login(other_town_officer).get(f"/meetings/{data['g'].pk}/edit/").status_code == 404


def test_edit_keeps_speakers_in_the_form(login, town_officer, data):
    page = text(login(town_officer).get(f"/meetings/{data['g'].pk}/edit/"))
    assert "孙旺奎|镇党委书记|通报全镇进展\n李爱仙" in page


def test_detail_shows_report_status_and_overdue_decisions(login, town_officer, data):
    g = data["g"]
    services.meeting_decision_add(
        actor=town_officer, meeting=g, title="限期完成", owner_unit=data["unit_g"],
        due_date=dt.date(2012, 9, 30),
    )  # fmt: skip
    services.meeting_decision_add(
        actor=town_officer, meeting=g, title="长期坚持", owner_unit=data["unit_g"],
        due_date=dt.date(2099, 1, 1),
    )  # fmt: skip
    page = text(login(town_officer).get(f"/meetings/{g.pk}/"))
    assert "孙旺奎" in page and "镇党委书记" in page
    assert page.count('data-overdue="1"') == 1
    assert zh(ReportStatus.DRAFT.label) in page
    page = text(login(town_officer).get("/meetings/decisions/?overdue=1"))
    assert "限期完成" in page and "长期坚持" not in page


def test_english_page(login, town_officer, data):
    client = login(town_officer)
    client.cookies["django_language"] = "en"
    page = text(client.get(f"/meetings/{data['g'].pk}/"))
    assert "Attending units and their reports" in page


def test_report_generate_edit_submit(login, unit_admin, persona_unit, data):
    client = login(unit_admin)
    report = data["g"].reports.get(unit=persona_unit)
    response = client.post(f"/meetings/reports/{report.pk}/generate/")
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "秦安县妇女联合会围绕双联行动" in page
    response = client.post(
        f"/meetings/reports/{report.pk}/edit/",
        {"work_done": "走访联系户20次", "problems": "资金不足", "next_plans": "抓好产业"},
    )
    assert response.status_code == 302
    assert client.post(f"/meetings/reports/{report.pk}/submit/").status_code == 302
    report.refresh_from_db()
    assert (report.status, report.problems) == (ReportStatus.SUBMITTED, "资金不足")
    response = client.post(f"/meetings/reports/{report.pk}/edit/", {"work_done": "改"})
    assert response.status_code == 409
    assert zh(services.REPORT_SUBMITTED, unit=persona_unit) in text(response)


def test_submit_empty_report_says_why(login, unit_admin, persona_unit, data):
    report = data["g"].reports.get(unit=persona_unit)
    response = login(unit_admin).post(f"/meetings/reports/{report.pk}/submit/")
    assert response.status_code == 400
    assert zh(services.REPORT_WORK_DONE_REQUIRED) in text(response)


def test_unit_admin_cannot_write_another_units_report(login, unit_admin, data):
    report = data["g"].reports.get(unit=data["unit_g"])
    client = login(unit_admin)
    assert client.get(f"/meetings/reports/{report.pk}/").status_code == 200
    assert client.post(f"/meetings/reports/{report.pk}/generate/").status_code == 403


def test_decision_without_owner_is_refused_on_the_page(login, town_officer, data):
    client = login(town_officer)
    address = f"/meetings/{data['g'].pk}/decisions/new/"
    response = client.post(address, {"title": "落实", "due_date": "2012-09-01"})
    assert response.status_code == 400
    assert zh(services.DECISION_OWNER_REQUIRED) in text(response)
    response = client.post(address, {"title": "落实", "owner_unit": data["unit_g"].pk})
    assert zh(services.DECISION_DUE_REQUIRED) in text(response)
    assert not FollowUp.objects.exists()
    response = client.post(
        address, {"title": "落实", "owner_unit": data["unit_g"].pk, "due_date": "2012-09-01"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().meeting == data["g"]


def test_printable_record_and_docx(login, town_officer, persona_unit, data):
    from docx import Document

    g = data["g"]
    report = g.reports.get(unit=persona_unit)
    services.unit_report_update(actor=town_officer, report=report, work_done="入户走访12次")
    services.meeting_decision_add(
        actor=town_officer, meeting=g, title="抓好文化中心建设", owner_unit=data["unit_g"],
        due_date=dt.date(2012, 9, 30),
    )  # fmt: skip
    client = login(town_officer)
    page = text(client.get(f"/meetings/{g.pk}/record/"))
    assert '<style media="print">' in page
    for expected in ("孙旺奎", "县委宣传部", "入户走访12次", "抓好文化中心建设"):
        assert expected in page
    response = client.get(f"/meetings/{g.pk}/record.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for cell in table._cells)
    for expected in ("孙旺奎", "县委宣传部", "秦安县妇女联合会", "入户走访12次"):
        assert expected in body
    assert "抓好文化中心建设" in cells


@pytest.mark.parametrize("persona", ["town_officer", "unit_admin"])
def test_detail_and_decision_list_queries_do_not_grow(
    request, login, admin_user, persona_unit, data, persona, django_assert_num_queries
):
    g = data["g"]
    client = login(request.getfixturevalue(persona))
    few = {
        address: _queries(client, address)
        for address in (f"/meetings/{g.pk}/", "/meetings/decisions/")
    }
    units = [uf.unit(actor=admin_user, name=f"单位{n}") for n in range(6)]
    for unit in units:
        pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN, role="member")
        services.meeting_decision_add(
            actor=admin_user, meeting=g, title="落实", owner_unit=unit, due_date=dt.date(2012, 9, 1)
        )
    services.meeting_update(
        actor=admin_user,
        meeting=g,
        type=g.type,
        title=g.title,
        held_on=g.held_on,
        place_code=g.place_id,
        attending_unit_ids=[unit.pk for unit in units] + [data["unit_g"].pk, persona_unit.pk],
        speakers=[SpeakerData(f"发言人{n}", "职务") for n in range(8)],
    )
    for address, count in few.items():
        with django_assert_num_queries(count):
            response = client.get(address)
        assert response.status_code == 200
    assert len(response.context["decisions"]) == 6


def test_list_filters(login, county_officer, data):
    client = login(county_officer)
    by_region = client.get("/meetings/", {"region": "620522103"})
    assert [m.pk for m in by_region.context["meetings"]] == [data["l"].pk]
    assert client.get("/meetings/", {"type": "forum"}).context["meetings"] == []
    assert len(client.get("/meetings/", {"year": "2012", "q": "推进"}).context["meetings"]) == 1
    assert client.get("/meetings/", {"year": "12"}).status_code == 400
    assert client.get("/meetings/", {"cursor": "bad"}).status_code == 400


def test_forms_render_in_english(login, town_officer, persona_unit, data):
    client = login(town_officer)
    client.cookies["django_language"] = "en"
    page = text(client.get("/meetings/new/"))
    assert "Attending units" in page and "name|post|summary" in page
    report = data["g"].reports.get(unit=persona_unit)
    page = text(client.get(f"/meetings/reports/{report.pk}/edit/"))
    assert "Generate draft from recorded work" in page


def test_cancel_from_the_meeting_page(login, town_officer, viewer, other_town_officer, data):
    g = data["g"]
    address = f"/meetings/{g.pk}/cancel/"
    client = login(town_officer)
    page = text(client.get(f"/meetings/{g.pk}/"))
    assert 'id="cancel-form"' in page and f'action="{address}"' in page
    blank = client.post(address, {"reason": "  "})
    assert blank.status_code == 400
    assert zh(services.CANCEL_REASON_REQUIRED) in text(blank)
    g.refresh_from_db()
    assert not g.is_cancelled
    response = client.post(address, {"reason": "汛期道路中断，改期召开"})
    assert response.status_code == 302
    page = text(client.get(f"/meetings/{g.pk}/"))
    assert 'id="cancelled"' in page and "汛期道路中断，改期召开" in page
    # Nothing more to do on a cancelled meeting: no edit, decision or cancel buttons.
    assert f"/meetings/{g.pk}/edit/" not in page
    assert 'id="cancel-form"' not in page
    assert f"/meetings/{g.pk}/decisions/new/" not in page
    listed = text(client.get("/meetings/"))
    assert listed.count('data-cancelled="1"') == 1
    record = text(client.get(f"/meetings/{g.pk}/record/"))
    assert 'id="record-cancelled"' in record and "汛期道路中断，改期召开" in record
    again = client.post(address, {"reason": "再次"})
    assert again.status_code == 409
    assert zh(services.MEETING_CANCELLED) in text(again)
    refused = client.post(f"/meetings/{g.pk}/edit/", {"title": "新标题"})
    assert refused.status_code in (400, 409)
    g.refresh_from_db()
    assert (g.title, g.cancel_reason) == ("郭嘉镇双联行动推进会", "汛期道路中断，改期召开")
    assert login(viewer).post(address, {"reason": "x"}).status_code == 403
    assert_same_404(login(other_town_officer), address, "/meetings/999999/cancel/")


def test_reports_of_a_cancelled_meeting_cannot_change(
    login, admin_user, unit_admin, persona_unit, data
):
    report = data["g"].reports.get(unit=persona_unit)
    services.meeting_cancel(actor=admin_user, meeting=data["g"], reason="改期")
    client = login(unit_admin)
    page = text(client.get(f"/meetings/reports/{report.pk}/"))
    assert 'id="cancelled"' in page and 'id="generate-draft"' not in page
    for action in ("generate", "submit"):
        response = client.post(f"/meetings/reports/{report.pk}/{action}/")
        assert response.status_code == 409
        assert zh(services.MEETING_CANCELLED) in text(response)
    edited = client.post(f"/meetings/reports/{report.pk}/edit/", {"work_done": "走访"})
    assert edited.status_code == 409
    report.refresh_from_db()
    assert (report.work_done, report.status) == ("", ReportStatus.DRAFT)
