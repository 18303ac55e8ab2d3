"""The assistance API: multipart writes, scoped reads, the one error shape, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shuanglian.assistance import services
from shuanglian.assistance.models import FollowUp, Visit
from shuanglian.assistance.tests import factories as af
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.photos import PHOTO_NOT_IMAGE, PHOTO_TOO_LARGE
from shuanglian.core.tests.api_helpers import error_body, walk_pages, zh
from shuanglian.core.tests.test_photos import jpeg_bytes, upload

pytestmark = pytest.mark.django_db
A = "/api/v1/assistance"


def test_cadre_logs_a_visit_with_requests_and_photos(aw, cadre_user, login):
    client = login(cadre_user)
    response = client.post(
        f"{A}/households/{aw.household_g.pk}/visits",
        {
            "visited_on": "2012-08-01",
            "mode": "phone",
            "satisfaction": "4",
            "request_title": ["申请危房改造", "孩子上学资助"],
            "request_due_date": ["2012-10-01", "2012-09-01"],
            "keep_gps": "true",
            "photos": [upload(jpeg_bytes(gps=True))],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [f["title"] for f in body["follow_ups"]] == ["申请危房改造", "孩子上学资助"]
    assert body["follow_ups"][0]["owner_cadre"]["id"] == aw.cadre_p.pk
    assert body["photos"][0]["gps_kept"] is True
    assert client.get(body["photos"][0]["url"]).status_code == 200
    listed = client.get(f"{A}/follow-ups", {"status": "open"}).json()["items"]
    assert {f["title"] for f in listed} == {"申请危房改造", "孩子上学资助"}


def test_visit_errors_have_the_shape_and_save_nothing(aw, cadre_user, settings, login):
    client = login(cadre_user)
    url = f"{A}/households/{aw.household_g.pk}/visits"
    body = error_body(client.post(url, {"visited_on": "2099-01-01", "mode": "home"}), 400)
    assert body["message"] == zh(services.DATE_IN_FUTURE)
    body = error_body(client.post(url, {"visited_on": "2012-08-01", "mode": "home",
                                        "request_title": ["修路"]}), 400)  # fmt: skip
    assert body["message"] == zh(services.REQUEST_DUE_REQUIRED)
    settings.PHOTO_MAX_MB = 1
    big = upload(jpeg_bytes() + b"\0" * (1024 * 1024 + 1))
    body = error_body(
        client.post(url, {"visited_on": "2012-08-01", "mode": "home", "photos": [big]}), 400
    )
    assert body["message"] == zh(PHOTO_TOO_LARGE.format(mb=1, megapixels=60))
    assert not Visit.objects.exists()


def test_visit_to_another_cadres_household_reads_as_missing(aw, cadre_user, login):
    client = login(cadre_user)
    hidden = client.post(f"{A}/households/{aw.household_g2.pk}/visits", {"mode": "home"})
    missing = client.post(f"{A}/households/999999/visits", {"mode": "home"})
    assert error_body(hidden, 404)["extra"] == error_body(missing, 404)["extra"]


def test_viewer_may_read_but_not_log(aw, viewer, login):
    body = error_body(
        login(viewer).post(f"{A}/households/{aw.household_g.pk}/visits", {"mode": "home"}), 403
    )
    assert body["message"] == zh(WRITE_FORBIDDEN)


def test_follow_up_closed_through_the_api(aw, cadre_user, login):
    af.visit(actor=cadre_user, household=aw.household_g, requests=[("修路", dt.date(2012, 9, 1))])
    follow_up = FollowUp.objects.get()
    client = login(cadre_user)
    url = f"{A}/follow-ups/{follow_up.pk}"
    body = error_body(client.post(url, {"status": "done"}), 400)
    assert body["message"] == zh(services.FOLLOW_UP_RESULT_REQUIRED)
    response = client.post(url, {"status": "done", "result": "已硬化入户路"})
    assert response.json()["status"] == "done"
    assert error_body(client.post(url, {"status": "done", "result": "x"}), 409)


def test_plans_and_measures_through_the_api(aw, cadre_user, login):
    client = login(cadre_user)
    plan = client.post(f"{A}/households/{aw.household_g.pk}/plans", {"year": "2012"}).json()
    measure = client.post(
        f"{A}/plans/{plan['id']}/measures",
        {"type": "training", "description": "参加果树技术培训", "due_date": "2012-05-01"},
    )
    assert measure.status_code == 201, measure.content
    measure_id = measure.json()["id"]
    body = error_body(client.post(f"{A}/measures/{measure_id}", {"status": "dropped"}), 400)
    assert body["message"] == zh(services.MEASURE_DROP_REASON)
    overdue = client.get(f"{A}/overdue-measures", {"household": aw.household_g.pk}).json()
    assert [m["id"] for m in overdue["items"]] == [measure_id]
    plans = client.get(f"{A}/households/{aw.household_g.pk}/plans").json()
    assert plans[0]["measures"][0]["description"] == "参加果树技术培训"


def test_deeds_through_the_api(aw, unit_admin, login):
    client = login(unit_admin)
    url = f"{A}/units/{aw.unit_p.pk}/deeds"
    base = {"village": aw.village_g.code, "type": "funds", "description": "慰问金",
            "done_on": "2012-08-02"}  # fmt: skip
    body = error_body(client.post(url, {**base, "value": "-100"}), 400)
    assert body["message"] == zh(services.AMOUNT_OUT_OF_RANGE)
    body = error_body(client.post(url, {**base, "value": "1e12"}), 400)
    assert body["message"] == zh(services.AMOUNT_OUT_OF_RANGE)
    response = client.post(url, {**base, "value": "2000", "households": [aw.household_g.pk]})
    assert response.status_code == 201, response.content
    deed = response.json()
    assert deed["households"][0]["id"] == aw.household_g.pk
    assert client.get(f"{A}/deeds/{deed['id']}").json()["value"] == "2000.00"


def test_lists_walk_with_a_cursor_and_fixed_queries(aw, admin_user, login):
    client = login(admin_user)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n):
        for _ in range(n):
            af.visit(actor=admin_user, household=aw.household_g,
                     requests=[("修路", dt.date(2012, 9, 1))])  # fmt: skip
            af.deed(actor=admin_user, unit=aw.unit_p, village=aw.village_g)

    urls = [
        f"{A}/visits",
        f"{A}/follow-ups",
        f"{A}/deeds",
        f"{A}/overdue-measures",
        f"{A}/units/{aw.unit_p.pk}/work-log?start=2012-01-01",
        f"{A}/cadres/{aw.cadre_p.pk}/work-log?start=2012-01-01",
    ]
    add(1)
    few = [count(u) for u in urls]
    add(6)
    assert [count(u) for u in urls] == few
    ids, pages = walk_pages(client, f"{A}/visits", limit=3)
    assert len(ids) == len(set(ids)) == 7
    assert pages == 3


def test_village_plan_unit_and_projects_through_the_api(aw, town_officer, admin_user, login):
    from shuanglian.assistance.models import VillagePlan
    from shuanglian.projects.tests import factories as prf

    road = prf.project(actor=admin_user, name="暖泉村通村道路")
    elsewhere = prf.project(actor=admin_user, village=aw.village_l.code, name="常营村饮水工程")
    client = login(admin_user)
    url = f"{A}/villages/{aw.village_g.code}/plans"
    body = error_body(client.post(url, {"year": 2012, "project_ids": [road.pk, elsewhere.pk]}), 400)
    assert body["message"] == zh(services.VILLAGE_PLAN_PROJECT_ELSEWHERE).format(
        name="常营村饮水工程", village=aw.village_g.name
    )
    assert not VillagePlan.objects.exists()
    body = error_body(client.post(url, {"year": 2012, "unit": aw.unit_l.pk}), 400)
    assert body["message"] == zh(services.VILLAGE_PLAN_UNIT_NOT_PAIRED).format(
        unit="县水务局", village=aw.village_g.name
    )
    response = client.post(url, {"year": 2012, "unit": aw.unit_p.pk, "project_ids": [road.pk]})
    assert response.status_code == 200, response.content
    assert response.json()["unit"] == {"id": aw.unit_p.pk, "name": aw.unit_p.name}
    assert response.json()["project_ids"] == [road.pk]
    assert client.get(url).json()[0]["project_ids"] == [road.pk]


def test_village_plan_list_queries_do_not_grow(aw, admin_user, login):
    from shuanglian.projects.tests import factories as prf

    client = login(admin_user)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(years):
        for year in years:
            projects = [
                prf.project(actor=admin_user, name=f"项目{year}-{n}", year=year) for n in range(2)
            ]
            services.village_plan_save(
                actor=admin_user, village=aw.village_g, year=year, unit=aw.unit_p,
                projects=projects,
            )  # fmt: skip

    urls = [
        f"{A}/villages/{aw.village_g.code}/plans",
        f"/assistance/villages/{aw.village_g.code}/plans/",
    ]
    add([2012])
    few = [count(u) for u in urls]
    add([2013, 2014, 2015])
    assert [count(u) for u in urls] == few


def test_visit_update_and_void_through_the_api(aw, cadre_user, viewer, login):
    visit = af.visit(actor=cadre_user, household=aw.household_g)
    url = f"{A}/visits/{visit.pk}"
    assert login(viewer).post(url, {"mode": "phone"}).status_code == 403
    client = login(cadre_user)
    response = client.post(url, {"mode": "phone", "satisfaction": 3, "photos": [af.png_upload()]})
    assert response.status_code == 200, response.content
    assert (response.json()["mode"], response.json()["satisfaction"]) == ("phone", 3)
    assert len(response.json()["photos"]) == 1
    body = error_body(client.post(url, {"satisfaction": 7}), 400)
    assert body["message"] == zh(services.SATISFACTION_INVALID)
    body = error_body(client.post(f"{url}/void", {}), 400)
    assert body["message"] == zh(services.VOID_REASON_REQUIRED)
    response = client.post(f"{url}/void", {"reason": "重复录入"})
    assert response.status_code == 200
    assert response.json()["void_reason"] == "重复录入" and response.json()["voided_at"]
    body = error_body(client.post(url, {"mode": "home"}), 409)
    assert body["message"] == zh(services.VISIT_VOIDED)
    assert client.get(f"{A}/visits").json()["items"][0]["voided_at"]


def test_deed_update_and_void_through_the_api(aw, unit_admin, login):
    deed = af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g)
    url = f"{A}/deeds/{deed.pk}"
    client = login(unit_admin)
    body = error_body(client.post(url, {"value": "-1"}), 400)
    assert body["message"] == zh(services.AMOUNT_OUT_OF_RANGE)
    body = error_body(client.post(url, {"photos": [upload(b"not an image")]}), 400)
    assert body["message"] == zh(PHOTO_NOT_IMAGE)
    response = client.post(url, {"value": "900", "households": [aw.household_g.pk]})
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "900.00"
    assert [h["id"] for h in response.json()["households"]] == [aw.household_g.pk]
    assert client.post(f"{url}/void", {"reason": "录错单位"}).status_code == 200
    body = error_body(client.post(url, {"value": "1"}), 409)
    assert body["message"] == zh(services.DEED_VOIDED)
    log = client.get(f"{A}/units/{aw.unit_p.pk}/work-log?start=2012-01-01&end=2012-12-31")
    assert log.json()["deed_count"] == 0 and log.json()["deed_value"] == "0.00"


def test_follow_up_created_through_the_api(aw, cadre_user, login):
    client = login(cadre_user)
    body = error_body(client.post(f"{A}/follow-ups", {"title": "x", "due_date": "2030-01-01"}), 400)
    assert body["message"] == zh(services.FOLLOW_UP_NO_OWNER)
    forbidden = client.post(
        f"{A}/follow-ups",
        {"title": "x", "due_date": "2030-01-01", "owner_unit": aw.unit_p.pk},
    )
    assert error_body(forbidden, 403)["message"] == zh(WRITE_FORBIDDEN)
    response = client.post(
        f"{A}/follow-ups",
        {"title": "联系农技站", "due_date": "2030-01-01", "owner_cadre": aw.cadre_p.pk,
         "household": aw.household_g.pk},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["household"]["id"] == aw.household_g.pk
    assert FollowUp.objects.count() == 1


def test_work_log_api(aw, admin_user, unit_admin, login):
    from shuanglian.projects.tests import factories as prf

    project = prf.project(actor=admin_user)
    prf.funding(actor=admin_user, project=project, amount="50000", unit_id=aw.unit_p.pk)
    af.visit(actor=admin_user, household=aw.household_g)
    af.deed(actor=admin_user, unit=aw.unit_p, village=aw.village_g, value="1200")
    plan = af.plan(actor=admin_user, household=aw.household_g)
    measure = af.measure(actor=admin_user, plan=plan, responsible_unit=aw.unit_p)
    services.measure_update(actor=admin_user, measure=measure, status="in_progress")
    services.measure_update(
        actor=admin_user, measure=measure, status="done", done_on=dt.date(2012, 9, 1)
    )
    client = login(unit_admin)
    log = client.get(f"{A}/units/{aw.unit_p.pk}/work-log?start=2012-01-01&end=2012-12-31").json()
    assert (log["visit_count"], log["deed_count"], log["funding_count"]) == (1, 1, 1)
    assert (log["deed_value"], log["funds_total"]) == ("1200.00", "50000.00")
    assert log["measure_count"] == 1 and log["measures_done"][0]["id"] == measure.pk
    assert log["fundings"][0]["project"]["name"] == project.name
    cadre = client.get(f"{A}/cadres/{aw.cadre_p.pk}/work-log?start=2012-01-01").json()
    assert cadre["visit_count"] == 1 and cadre["fundings"] == []
    bad = client.get(f"{A}/units/{aw.unit_p.pk}/work-log?start=2012-12-31&end=2012-01-01")
    assert bad.status_code == 400
    assert client.get(f"{A}/units/{aw.unit_l.pk}/work-log").status_code == 404
