import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuanglian.assistance import services as assistance_services
from shuanglian.assistance.models import FollowUp, FollowUpStatus
from shuanglian.conftest import LONGCHENG, NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.models import AuditEvent
from shuanglian.core.tests.api_helpers import walk_pages, zh
from shuanglian.meetings import selectors, services
from shuanglian.meetings.api import BODY_FIELD_WRONG
from shuanglian.meetings.models import Meeting, ReportStatus
from shuanglian.meetings.services import SpeakerData
from shuanglian.meetings.tests.factories import meeting
from shuanglian.pairings.tests import factories as pf
from shuanglian.units.tests import factories as uf

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(admin_user, persona_unit):
    unit_g = uf.unit(actor=admin_user, name="县委宣传部")
    pf.village_pairing(actor=admin_user, unit=unit_g, village=NUANQUAN)
    g = meeting(
        actor=admin_user,
        units=[unit_g, persona_unit],
        speakers=[SpeakerData("孙旺奎", "镇党委书记")],
    )
    l_meeting = meeting(actor=admin_user, place=LONGCHENG, title="陇城镇座谈会")
    return {"unit_g": unit_g, "g": g, "l": l_meeting}


def test_list_and_detail(login, town_officer, data):
    client = login(town_officer)
    listed = client.get("/api/v1/meetings?year=2012").json()
    assert [item["id"] for item in listed["items"]] == [data["g"].pk]
    assert client.get("/api/v1/meetings?type=nonsense").status_code == 400
    detail = client.get(f"/api/v1/meetings/{data['g'].pk}").json()
    assert detail["speakers"][0]["name"] == "孙旺奎"
    assert {a["unit"]["name"] for a in detail["attending_units"]} == {
        "县委宣传部",
        "秦安县妇女联合会",
    }
    assert all(a["report"]["status"] == "draft" for a in detail["attending_units"])
    missing = client.get(f"/api/v1/meetings/{data['l'].pk}")
    assert missing.status_code == 404


def test_report_get_update_draft_submit(login, unit_admin, viewer, persona_unit, data):
    report = data["g"].reports.get(unit=persona_unit)
    address = f"/api/v1/meetings/reports/{report.pk}"
    refused = login(viewer).put(address, {"work_done": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["message"] == zh(WRITE_FORBIDDEN)
    client = login(unit_admin)
    assert client.get(address).json()["status"] == "draft"
    drafted = client.post(f"{address}/draft").json()
    assert drafted["work_done"].startswith(f"{data['g'].held_on.year}年")
    bad = client.put(address, {"problems": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["message"] == zh(BODY_FIELD_WRONG).format(field="work_done")
    body = {"work_done": "走访20次", "problems": "缺资金", "next_plans": "抓产业"}
    updated = client.put(address, body, content_type="application/json").json()
    assert (updated["work_done"], updated["problems"]) == ("走访20次", "缺资金")
    assert client.post(f"{address}/submit").json()["status"] == ReportStatus.SUBMITTED
    again = client.put(address, body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["message"] == zh(services.REPORT_SUBMITTED).format(unit=persona_unit)


def test_decision_add(login, town_officer, viewer, data):
    address = f"/api/v1/meetings/{data['g'].pk}/decisions"
    body = {"title": "九月底前完工", "owner_unit_id": data["unit_g"].pk, "due_date": "2012-09-30"}
    assert login(viewer).post(address, body, content_type="application/json").status_code == 403
    client = login(town_officer)
    response = client.post(address, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["owner_unit"]["name"] == "县委宣传部"
    assert response.json()["overdue"] is True  # 2012 is long past
    no_owner = client.post(
        address, {"title": "x", "due_date": "2012-09-30"}, content_type="application/json"
    )
    assert no_owner.status_code == 400
    assert no_owner.json()["message"] == zh(services.DECISION_OWNER_REQUIRED)
    no_date = client.post(
        address, {"title": "x", "owner_unit_id": data["unit_g"].pk}, content_type="application/json"
    )
    assert no_date.json()["message"] == zh(services.DECISION_DUE_REQUIRED)
    assert FollowUp.objects.count() == 1
    assert FollowUp.objects.get().due_date == dt.date(2012, 9, 30)


def test_create_and_update(login, town_officer, viewer, unit_admin, data):
    body = {
        "type": "progress",
        "title": "双联推进会",
        "held_on": "2012-08-14",
        "place": "620522104000",
        "presiding": "王建祥",
        "attending_unit_ids": [data["unit_g"].pk],
        "speakers": [{"name": "孙旺奎", "post": "镇党委书记"}, {"name": "李爱仙"}],
    }
    for refused in (viewer, unit_admin):
        response = login(refused).post("/api/v1/meetings", body, content_type="application/json")
        assert response.status_code == 403
    client = login(town_officer)
    created = client.post("/api/v1/meetings", body, content_type="application/json")
    assert created.status_code == 201
    detail = created.json()
    assert [s["name"] for s in detail["speakers"]] == ["孙旺奎", "李爱仙"]
    assert detail["attending_units"][0]["report"]["status"] == "draft"
    address = f"/api/v1/meetings/{detail['id']}"
    bad = client.put(address, {**body, "speakers": [{"name": ""}]}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["message"] == zh(services.SPEAKER_NAME_REQUIRED).format(row=1)
    updated = client.put(address, {**body, "title": "座谈会", "type": "forum"},
                         content_type="application/json")  # fmt: skip
    assert (updated.json()["title"], updated.json()["type"]) == ("座谈会", "forum")
    assert login(viewer).put(address, body, content_type="application/json").status_code == 403


JSON = "application/json"


def _queries(client, address, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, params)
    assert response.status_code == 200, response.content
    return len(queries)


def _decision(actor, m, unit, title="落实", due=dt.date(2012, 9, 30)):
    return services.meeting_decision_add(
        actor=actor, meeting=m, title=title, owner_unit=unit, due_date=due
    )


# Cancelling ------------------------------------------------------------------------------------


def test_cancel(login, town_officer, other_town_officer, viewer, unit_admin, persona_unit, data):
    g = data["g"]
    address = f"/api/v1/meetings/{g.pk}/cancel"
    body = {"reason": "汛期道路中断，改期召开"}
    for refused in (viewer, unit_admin):
        response = login(refused).post(address, body, content_type=JSON)
        assert response.status_code == 403
        assert response.json()["message"] == zh(WRITE_FORBIDDEN)
    hidden = login(other_town_officer).post(address, body, content_type=JSON)
    assert hidden.status_code == 404
    client = login(town_officer)
    blank = client.post(address, {"reason": " "}, content_type=JSON)
    assert blank.status_code == 400
    assert blank.json()["message"] == zh(services.CANCEL_REASON_REQUIRED)
    missing = client.post(address, {}, content_type=JSON)
    assert missing.status_code == 400
    assert missing.json()["message"] == zh(BODY_FIELD_WRONG).format(field="reason")
    g.refresh_from_db()
    assert not g.is_cancelled
    assert not AuditEvent.objects.filter(action="end").exists()

    done = client.post(address, body, content_type=JSON)
    assert done.status_code == 200
    assert done.json()["cancel_reason"] == "汛期道路中断，改期召开"
    assert done.json()["cancelled_at"]
    listed = client.get("/api/v1/meetings").json()["items"]
    assert [(m["id"], m["cancel_reason"]) for m in listed] == [(g.pk, "汛期道路中断，改期召开")]
    assert client.get(f"/api/v1/meetings/{g.pk}").json()["cancelled_at"]


def test_a_cancelled_meeting_refuses_changes(login, town_officer, persona_unit, data):
    g = data["g"]
    report = g.reports.get(unit=persona_unit)
    client = login(town_officer)
    assert (
        client.post(
            f"/api/v1/meetings/{g.pk}/cancel", {"reason": "改期"}, content_type=JSON
        ).status_code
        == 200
    )
    meeting_body = {"type": "progress", "title": "新标题", "held_on": "2012-08-14",
                    "place": "620522104000"}  # fmt: skip
    decision = {"title": "x", "owner_unit_id": data["unit_g"].pk, "due_date": "2012-09-30"}
    attempts = [
        ("put", f"/api/v1/meetings/{g.pk}", meeting_body),
        ("post", f"/api/v1/meetings/{g.pk}/cancel", {"reason": "再次"}),
        ("post", f"/api/v1/meetings/{g.pk}/decisions", decision),
        ("put", f"/api/v1/meetings/reports/{report.pk}", {"work_done": "走访"}),
        ("post", f"/api/v1/meetings/reports/{report.pk}/draft", None),
        ("post", f"/api/v1/meetings/reports/{report.pk}/submit", None),
    ]
    for method, address, body in attempts:
        if body is None:
            response = getattr(client, method)(address)
        else:
            response = getattr(client, method)(address, body, content_type=JSON)
        assert response.status_code == 409, address
        assert response.json()["message"] == zh(services.MEETING_CANCELLED), address
    g.refresh_from_db()
    report.refresh_from_db()
    assert (g.title, g.cancel_reason) == ("郭嘉镇双联行动推进会", "改期")
    assert (report.work_done, report.status) == ("", ReportStatus.DRAFT)
    assert not FollowUp.objects.filter(meeting=g).exists()


# Lists: cursor pagination and query counts ------------------------------------------------------


def test_meeting_list_walks_every_page_once(login, admin_user, county_officer, data):
    for n in range(9):
        meeting(actor=admin_user, title=f"推进会{n}", held_on=dt.date(2012, 1 + n, 1))
    client = login(county_officer)
    expected = sorted(Meeting.objects.values_list("pk", flat=True))
    assert len(expected) == 11
    ids, pages = walk_pages(client, "/api/v1/meetings", limit=3)
    assert ids == expected  # ascending id: no duplicates, no gaps
    assert pages == 4
    ids, _ = walk_pages(client, "/api/v1/meetings", limit=4, region="620522104")
    assert ids == sorted(
        Meeting.objects.filter(place_id="620522104000").values_list("pk", flat=True)
    )
    bad = client.get("/api/v1/meetings", {"cursor": "nonsense"})
    assert bad.status_code == 400


@pytest.mark.parametrize("persona", ["admin_user", "town_officer", "unit_admin", "cadre_user"])
def test_list_queries_do_not_grow(request, login, admin_user, persona_unit, data, persona):
    client = login(request.getfixturevalue(persona))
    lists = ("/api/v1/meetings", "/api/v1/meetings/decisions")
    _decision(admin_user, data["g"], persona_unit)
    few = {address: _queries(client, address) for address in lists}
    for n in range(10):
        m = meeting(
            actor=admin_user,
            title=f"推进会{n}",
            units=[data["unit_g"], persona_unit],
            host_unit_id=data["unit_g"].pk,
        )
        _decision(admin_user, m, persona_unit)
        _decision(admin_user, m, data["unit_g"])
    for address, count in few.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert len(queries) == count, address
        assert len(response.json()["items"]) >= 10, address


# Decisions ---------------------------------------------------------------------------------------


def test_decision_list_filters_and_pages(
    login, admin_user, town_officer, other_town_officer, persona_unit, data
):
    g, unit_g = data["g"], data["unit_g"]
    done = _decision(admin_user, g, unit_g, "已完成")
    assistance_services.follow_up_update(
        actor=admin_user,
        follow_up=done,
        status="done",
        result="已完工",
        done_on=dt.date(2012, 9, 1),
    )
    open_g = [_decision(admin_user, g, unit_g, f"事项{n}") for n in range(4)]
    later = _decision(admin_user, g, persona_unit, "明年", due=dt.date(2099, 1, 1))
    other = meeting(actor=admin_user, title="第二次推进会", units=[unit_g])
    of_other = _decision(admin_user, other, unit_g)
    hidden = _decision(admin_user, data["l"], unit_g)
    client = login(town_officer)
    address = "/api/v1/meetings/decisions"

    def ids(**params):
        return walk_pages(client, address, limit=2, **params)[0]

    everything = [done.pk, *(d.pk for d in open_g), later.pk, of_other.pk]
    assert ids() == everything  # not the 陇城镇 meeting's decision
    assert hidden.pk not in ids()
    assert ids(meeting=g.pk) == everything[:-1]
    assert ids(unit=persona_unit.pk) == [later.pk]
    assert ids(status="done") == [done.pk]
    assert ids(overdue="true") == [*(d.pk for d in open_g), of_other.pk]
    assert ids(overdue="true", meeting=other.pk) == [of_other.pk]
    item = client.get(address, {"status": "done"}).json()["items"][0]
    assert (item["meeting_id"], item["result"], item["done_on"]) == (g.pk, "已完工", "2012-09-01")
    bad = client.get(address, {"status": "nonsense"})
    assert bad.status_code == 400
    assert bad.json()["message"] == zh(selectors.DECISION_STATUS_INVALID).format(value="nonsense")
    assert client.get(address, {"meeting": data["l"].pk}).status_code == 404
    assert client.get(address, {"meeting": 999_999}).status_code == 404
    # The 陇城镇 officer sees only the 陇城镇 meeting's decision.
    seen = login(other_town_officer).get(address).json()["items"]
    assert [item["id"] for item in seen] == [hidden.pk]


def test_decision_close(
    login, admin_user, town_officer, other_town_officer, viewer, unit_admin, persona_unit, data
):
    g = data["g"]
    mine = _decision(admin_user, g, persona_unit)
    of_g = _decision(admin_user, g, data["unit_g"])
    address = f"/api/v1/meetings/decisions/{mine.pk}"
    body = {"status": "done", "result": "已完成帮扶计划", "done_on": "2012-10-20"}
    # Closed by the owning unit, or by the officers of the meeting's place who supervise it.
    response = login(viewer).post(address, body, content_type=JSON)
    assert response.status_code == 403
    assert response.json()["message"] == zh(WRITE_FORBIDDEN)
    by_town = login(town_officer).post(
        f"/api/v1/meetings/decisions/{of_g.pk}", body, content_type=JSON
    )
    assert by_town.status_code == 200 and by_town.json()["status"] == "done"
    assert login(other_town_officer).post(address, body, content_type=JSON).status_code == 404
    assert (
        login(unit_admin)
        .post(f"/api/v1/meetings/decisions/{of_g.pk}", body, content_type=JSON)
        .status_code
        == 403
    )
    client = login(unit_admin)
    for bad, message in (
        ({**body, "status": "open"}, assistance_services.FOLLOW_UP_STATUS_INVALID),
        ({**body, "result": " "}, assistance_services.FOLLOW_UP_RESULT_REQUIRED),
        ({"result": "x"}, BODY_FIELD_WRONG),
    ):
        response = client.post(address, bad, content_type=JSON)
        assert response.status_code == 400
        assert response.json()["message"] == zh(message).format(field="status")
    mine.refresh_from_db()
    assert (mine.status, mine.result, mine.done_on) == (FollowUpStatus.OPEN, "", None)
    closed = client.post(address, body, content_type=JSON)
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["result"], closed.json()["overdue"]) == (
        "done",
        "已完成帮扶计划",
        False,
    )
    again = client.post(address, {**body, "status": "cancelled"}, content_type=JSON)
    assert again.status_code == 409
    assert again.json()["message"] == zh(assistance_services.FOLLOW_UP_CLOSED)
    mine.refresh_from_db()
    assert (mine.status, mine.done_on) == (FollowUpStatus.DONE, dt.date(2012, 10, 20))
    missing = client.post("/api/v1/meetings/decisions/999999", body, content_type=JSON)
    assert missing.status_code == 404
