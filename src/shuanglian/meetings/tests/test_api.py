import datetime as dt

import pytest

from shuanglian.assistance.models import FollowUp
from shuanglian.conftest import LONGCHENG, NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.tests.api_helpers import zh
from shuanglian.meetings import services
from shuanglian.meetings.api import BODY_FIELD_WRONG
from shuanglian.meetings.models import ReportStatus
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
