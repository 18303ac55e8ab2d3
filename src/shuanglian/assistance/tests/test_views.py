"""Pages of the assistance work: forms that call the services, lists with fixed query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shuanglian.assistance import services, views
from shuanglian.assistance.models import FollowUp, Measure, Visit, VisitPhoto
from shuanglian.assistance.tests import factories as af
from shuanglian.core.photos import PHOTO_NOT_IMAGE
from shuanglian.regions.tests.pages import text, zh

pytestmark = pytest.mark.django_db


def visit_form(**overrides):
    data = {
        "visited_on": "2012-08-01",
        "mode": "home",
        "discussion": "了解苹果园管护情况",
        "satisfaction": "5",
        "request_1": "申请果树修剪技术培训",
        "request_1_due": "2012-09-15",
    }
    data.update(overrides)
    return data


def test_cadre_logs_a_visit_with_a_photo(aw, cadre_user, login):
    client = login(cadre_user)
    url = f"/assistance/households/{aw.household_g.pk}/visits/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in text(page)
    assert "multiple" in text(page)
    response = client.post(url, visit_form(photos=[af.png_upload(), af.png_upload("b.png")]))
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/assistance/visits/{visit.pk}/"
    assert VisitPhoto.objects.filter(visit=visit).count() == 2
    detail = text(client.get(response["Location"]))
    assert "申请果树修剪技术培训" in detail
    photo = visit.photos.first()
    served = client.get(f"/assistance/visits/photos/{photo.pk}/?size=thumb")
    assert served.status_code == 200
    assert served["Cache-Control"].startswith("private")
    follow_ups = text(client.get("/assistance/follow-ups/"))
    assert "申请果树修剪技术培训" in follow_ups


def test_future_visit_shows_the_message_and_saves_nothing(aw, cadre_user, login):
    client = login(cadre_user)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        f"/assistance/households/{aw.household_g.pk}/visits/new/",
        visit_form(visited_on=tomorrow.isoformat()),
    )
    assert response.status_code == 400
    assert zh(services.DATE_IN_FUTURE) in text(response)
    assert not Visit.objects.exists()
    assert not FollowUp.objects.exists()


def test_not_a_photo_shows_the_message(aw, cadre_user, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(cadre_user)
    fake = SimpleUploadedFile("a.jpg", b"%PDF-1.4", content_type="image/jpeg")
    response = client.post(
        f"/assistance/households/{aw.household_g.pk}/visits/new/", visit_form(photos=[fake])
    )
    assert response.status_code == 400
    assert zh(PHOTO_NOT_IMAGE) in text(response)
    assert not Visit.objects.exists()


def test_request_without_due_date_is_refused(aw, cadre_user, login):
    client = login(cadre_user)
    response = client.post(
        f"/assistance/households/{aw.household_g.pk}/visits/new/", visit_form(request_1_due="")
    )
    assert response.status_code == 400
    assert zh(services.REQUEST_DUE_REQUIRED) in text(response)


def test_cadre_closes_a_follow_up(aw, cadre_user, login):
    af.visit(
        actor=cadre_user, household=aw.household_g, requests=[("申请小额信贷", dt.date(2012, 9, 1))]
    )
    follow_up = FollowUp.objects.get()
    client = login(cadre_user)
    url = f"/assistance/follow-ups/{follow_up.pk}/close/"
    response = client.post(url, {"status": "done", "result": "已发放贷款", "done_on": "2012-08-20"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.done_on) == ("done", dt.date(2012, 8, 20))
    again = client.post(url, {"status": "cancelled", "result": "x"})
    assert again.status_code == 409
    assert zh(services.FOLLOW_UP_CLOSED) in text(again)


def test_plan_measure_pages(aw, cadre_user, login):
    client = login(cadre_user)
    base = f"/assistance/households/{aw.household_g.pk}/plans/"
    response = client.post(base + "save/", {"year": "2012", "target_net_per_capita": "3000"})
    assert response.status_code == 302
    plan = aw.household_g.plans.get()
    response = client.post(
        f"/assistance/plans/{plan.pk}/measures/new/",
        {
            "type": "industry",
            "description": "发展花椒种植",
            "responsible_cadre": str(aw.cadre_p.pk),
            "planned_cost": "2000",
            "due_date": "2012-06-30",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    page = text(client.get(base))
    assert "发展花椒种植" in page
    assert 'id="overdue"' in page
    skip = client.post(f"/assistance/measures/{measure.pk}/edit/", {"status": "done"})
    assert skip.status_code == 400
    overdue = text(client.get("/assistance/plans/overdue/"))
    assert "发展花椒种植" in overdue


def test_deed_page_and_work_log(aw, unit_admin, login):
    client = login(unit_admin)
    response = client.post(
        f"/assistance/units/{aw.unit_p.pk}/deeds/new/",
        {
            "village": aw.village_g.code,
            "type": "goods",
            "description": "送化肥 20 袋",
            "value": "1600",
            "done_on": "2012-08-03",
            "households": aw.household_g.number,
        },
    )
    assert response.status_code == 302
    negative = client.post(
        f"/assistance/units/{aw.unit_p.pk}/deeds/new/",
        {
            "village": aw.village_g.code,
            "type": "goods",
            "description": "x",
            "value": "-1",
            "done_on": "2012-08-03",
        },
    )
    assert negative.status_code == 400
    assert zh(services.AMOUNT_OUT_OF_RANGE) in text(negative)
    log = text(client.get(f"/assistance/units/{aw.unit_p.pk}/log/?start=2012-01-01&end=2012-12-31"))
    assert "送化肥 20 袋" in log
    assert re.search(r'data-total="deeds">1,?600(\.00)?<', log), log[log.find("totals") :][:900]
    bad = client.get(f"/assistance/units/{aw.unit_p.pk}/log/?start=2012-12-31&end=2012-01-01")
    assert bad.status_code == 400


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_do_not_grow_with_rows(aw, admin_user, login):
    def add(n):
        for _ in range(n):
            af.visit(
                actor=admin_user,
                household=aw.household_g,
                requests=[("修路", dt.date(2012, 9, 1))],
                photos=[(af.png_upload(), False)],
            )
            af.deed(actor=admin_user, unit=aw.unit_p, village=aw.village_g,
                    households=[aw.household_g])  # fmt: skip
            plan = af.plan(actor=admin_user, household=aw.household_g, year=2000 + _ + n)
            af.measure(actor=admin_user, plan=plan, due_date=dt.date(2012, 1, 1))

    client = login(admin_user)
    urls = [
        f"/assistance/households/{aw.household_g.pk}/visits/",
        "/assistance/follow-ups/",
        "/assistance/deeds/",
        "/assistance/plans/overdue/",
        f"/assistance/households/{aw.household_g.pk}/plans/",
        f"/assistance/units/{aw.unit_p.pk}/log/?start=2012-01-01&end=2012-12-31",
        f"/assistance/cadres/{aw.cadre_p.pk}/log/?start=2012-01-01&end=2012-12-31",
    ]
    add(1)
    few = [_queries(client, url) for url in urls]
    add(5)
    many = [_queries(client, url) for url in urls]
    assert few == many


def test_officer_sees_whose_visit_it_will_be(aw, town_officer, login):
    page = login(town_officer).get(f"/assistance/households/{aw.household_g.pk}/visits/new/")
    assert zh(views.VISIT_ON_BEHALF, name="马秀英") in text(page)
