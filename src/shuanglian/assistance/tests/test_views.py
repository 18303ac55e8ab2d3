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


# Village plans, visits and deeds corrected or voided, follow-ups on their own ------------------


def test_officer_plans_a_village_with_its_unit_and_projects(aw, town_officer, login):
    from shuanglian.assistance.models import VillagePlan
    from shuanglian.projects.tests import factories as prf

    road = prf.project(actor=town_officer, name="暖泉村通村道路")
    client = login(town_officer)
    url = f"/assistance/villages/{aw.village_g.code}/plans/save/"
    form = text(client.get(url))
    assert "暖泉村通村道路" in form and aw.unit_p.name in form
    response = client.post(
        url,
        {"year": "2012", "unit": str(aw.unit_p.pk), "projects": [str(road.pk)],
         "leading_industries": "苹果"},
    )  # fmt: skip
    assert response.status_code == 302
    plan = VillagePlan.objects.get()
    assert plan.unit == aw.unit_p and list(plan.projects.all()) == [road]
    page = text(client.get(f"/assistance/villages/{aw.village_g.code}/plans/"))
    assert "暖泉村通村道路" in page and aw.unit_p.name in page


def test_unit_admin_plan_is_their_units(aw, unit_admin, login):
    from shuanglian.assistance.models import VillagePlan

    client = login(unit_admin)
    url = f"/assistance/villages/{aw.village_g.code}/plans/save/"
    assert 'name="unit"' not in text(client.get(url))
    assert client.post(url, {"year": "2012", "leading_industries": "花椒"}).status_code == 302
    assert VillagePlan.objects.get().unit == aw.unit_p


def test_cadre_edits_then_voids_a_visit(aw, cadre_user, login):
    visit = af.visit(actor=cadre_user, household=aw.household_g)
    client = login(cadre_user)
    detail = text(client.get(f"/assistance/visits/{visit.pk}/"))
    assert f"/assistance/visits/{visit.pk}/edit/" in detail and 'id="void-form"' in detail
    edit = f"/assistance/visits/{visit.pk}/edit/"
    response = client.post(
        edit,
        {"visited_on": "2012-08-02", "mode": "phone", "discussion": "电话回访",
         "satisfaction": "4", "photos": [af.png_upload()]},
    )  # fmt: skip
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.mode, visit.satisfaction, visit.photos.count()) == ("phone", 4, 1)
    empty = client.post(f"/assistance/visits/{visit.pk}/void/", {"reason": ""})
    assert empty.status_code == 400
    assert zh(services.VOID_REASON_REQUIRED) in text(empty)
    voided = client.post(f"/assistance/visits/{visit.pk}/void/", {"reason": "重复录入"})
    assert voided.status_code == 302
    detail = text(client.get(f"/assistance/visits/{visit.pk}/"))
    assert 'id="voided"' in detail and "重复录入" in detail and 'id="void-form"' not in detail
    refused = client.post(edit, {"visited_on": "2012-08-02", "mode": "home"})
    assert refused.status_code == 409
    assert zh(services.VISIT_VOIDED) in text(refused)
    listed = text(client.get(f"/assistance/households/{aw.household_g.pk}/visits/"))
    assert "已作废" in listed


def test_deed_edit_and_void_pages(aw, unit_admin, login):
    deed = af.deed(actor=unit_admin, unit=aw.unit_p, village=aw.village_g)
    client = login(unit_admin)
    edit = f"/assistance/deeds/{deed.pk}/edit/"
    base = {"type": "goods", "description": "送化肥", "value": "700", "done_on": "2012-08-02",
            "households": aw.household_g.number}  # fmt: skip
    bad = client.post(edit, {**base, "value": "-7"})
    assert bad.status_code == 400 and zh(services.AMOUNT_OUT_OF_RANGE) in text(bad)
    assert client.post(edit, base).status_code == 302
    deed.refresh_from_db()
    assert deed.value == 700 and list(deed.households.all()) == [aw.household_g]
    assert client.post(f"/assistance/deeds/{deed.pk}/void/", {"reason": "录错"}).status_code == 302
    assert 'id="voided"' in text(client.get(f"/assistance/deeds/{deed.pk}/"))
    log = text(client.get(f"/assistance/units/{aw.unit_p.pk}/log/?start=2012-01-01&end=2012-12-31"))
    assert "送化肥" not in log
    assert re.search(r'data-total="deeds">0(\.00)?<', log)


def test_deed_photo_not_an_image_or_too_large_saves_nothing(aw, unit_admin, settings, login):
    from shuanglian.assistance.models import Deed
    from shuanglian.core.photos import PHOTO_TOO_LARGE
    from shuanglian.core.tests.test_photos import jpeg_bytes, upload

    client = login(unit_admin)
    url = f"/assistance/units/{aw.unit_p.pk}/deeds/new/"
    base = {"village": aw.village_g.code, "type": "goods", "description": "送化肥",
            "value": "100", "done_on": "2012-08-03"}  # fmt: skip
    response = client.post(url, {**base, "photos": [upload(b"not an image", "a.jpg")]})
    assert response.status_code == 400
    assert zh(PHOTO_NOT_IMAGE) in text(response)
    settings.PHOTO_MAX_MB = 1
    big = upload(jpeg_bytes() + b"\0" * (1024 * 1024 + 1))
    response = client.post(url, {**base, "photos": [big]})
    assert response.status_code == 400
    assert zh(PHOTO_TOO_LARGE, mb=1, megapixels=60) in text(response)
    assert not Deed.objects.exists()


def test_follow_up_page_from_the_household(aw, cadre_user, login):
    client = login(cadre_user)
    url = f"/assistance/follow-ups/new/?household={aw.household_g.pk}"
    assert client.get(url).status_code == 200
    no_owner = client.post(url, {"title": "联系农技站", "due_date": "2030-01-01"})
    assert no_owner.status_code == 400
    assert zh(services.FOLLOW_UP_NO_OWNER) in text(no_owner)
    assert not FollowUp.objects.exists()
    response = client.post(
        url, {"title": "联系农技站", "due_date": "2030-01-01", "owner_cadre": str(aw.cadre_p.pk)}
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.household, follow_up.owner_cadre) == (aw.household_g, aw.cadre_p)
    assert (
        client.get(f"/assistance/follow-ups/new/?household={aw.household_l.pk}").status_code == 404
    )


def test_work_log_page_shows_funds_and_measures_with_totals(aw, admin_user, unit_admin, login):
    from shuanglian.projects.tests import factories as prf

    project = prf.project(actor=admin_user, name="暖泉村文化活动中心")
    prf.funding(actor=admin_user, project=project, amount="30000", unit_id=aw.unit_p.pk)
    prf.funding(actor=admin_user, project=project, amount="20000", unit_id=aw.unit_p.pk)
    plan = af.plan(actor=admin_user, household=aw.household_g)
    measure = af.measure(
        actor=admin_user, plan=plan, description="修建蓄水池", responsible_unit=aw.unit_p
    )
    services.measure_update(actor=admin_user, measure=measure, status="in_progress")
    services.measure_update(
        actor=admin_user, measure=measure, status="done", done_on=dt.date(2012, 9, 1)
    )
    page = login(unit_admin).get(
        f"/assistance/units/{aw.unit_p.pk}/log/?start=2012-01-01&end=2012-12-31"
    )
    log = text(page)
    funds = log[log.find('id="log-funds"') :][: log[log.find('id="log-funds"') :].find("</ul>")]
    assert funds.count("<li>") == 2 and "暖泉村文化活动中心" in funds
    assert re.search(r'data-total="funds">50,?000(\.00)?<', log)
    measures = log[log.find('id="log-measures"') :]
    assert "修建蓄水池" in measures[: measures.find("</ul>")]
    assert re.search(r'data-total="measures">1<', log)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"target_net_per_capita": "-1"}, services.AMOUNT_OUT_OF_RANGE),
        ({"target_net_per_capita": "1000000000"}, services.AMOUNT_OUT_OF_RANGE),
        ({"target_net_per_capita": "很多"}, services.AMOUNT_INVALID.format(value="很多")),
        ({"target_exit_year": "1990"}, services.YEAR_INVALID.format(value="1990")),
        ({"target_exit_year": "明年"}, services.YEAR_INVALID.format(value="明年")),
    ],
)
def test_bad_household_plan_gives_the_message_and_saves_nothing(
    aw, cadre_user, login, changes, message
):
    from shuanglian.assistance.models import HouseholdPlan
    from shuanglian.core.tests.api_helpers import error_body

    client = login(cadre_user)
    data = {"year": "2012", "goals": "稳定增收", **changes}
    page = client.post(f"/assistance/households/{aw.household_g.pk}/plans/save/", data)
    assert page.status_code == 400
    assert zh(message) in text(page)
    api = client.post(f"/api/v1/assistance/households/{aw.household_g.pk}/plans", data)
    assert error_body(api, 400)["message"] == zh(message)
    assert not HouseholdPlan.objects.exists()


def test_assistance_pages_in_english(aw, cadre_user, settings, login):
    client = login(cadre_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    visit = af.visit(actor=cadre_user, household=aw.household_g)
    pages = {
        f"/assistance/households/{aw.household_g.pk}/visits/": ["Log a visit", "Add a follow-up"],
        f"/assistance/visits/{visit.pk}/": ["Requests", "Reason for voiding", "Void"],
        "/assistance/follow-ups/": ["Follow-ups", "Add a follow-up"],
        f"/assistance/visits/{visit.pk}/edit/": ["Date of the visit", "Add photos"],
    }
    for url, english in pages.items():
        page = text(client.get(url))
        for words in english:
            assert words in page, (url, words)
        for chinese in ("走访", "督办", "作废", "保存"):
            assert chinese not in page, (url, chinese)


def test_cadre_work_log_shows_the_funds_the_cadre_raised(aw, admin_user, cadre_user, login):
    from shuanglian.projects import services as projects
    from shuanglian.projects.tests import factories as prf

    project = prf.project(actor=admin_user, name="暖泉村文化活动中心")
    raised = prf.funding(
        actor=admin_user,
        project=project,
        amount="12000",
        unit_id=aw.unit_p.pk,
        raised_by_id=aw.cadre_p.pk,
    )
    prf.funding(
        actor=admin_user,
        project=project,
        amount="5000",
        unit_id=aw.unit_p.pk,
        raised_by_id=aw.cadre_p.pk,
    )
    # The unit's own entry, raised by nobody in particular, is not the cadre's.
    prf.funding(actor=admin_user, project=project, amount="30000", unit_id=aw.unit_p.pk)
    projects.funding_reverse(actor=admin_user, entry=raised, reason="金额录错")
    # The reversal is dated the day it is entered: the period runs to today.
    page = login(cadre_user).get(f"/assistance/cadres/{aw.cadre_p.pk}/log/?start=2012-01-01")
    log = text(page)
    funds = log[log.find('id="log-funds"') :]
    funds = funds[: funds.find("</ul>")]
    assert funds.count("<li>") == 3 and "马秀英" in funds
    assert re.search(r'data-total="funds">5,?000(\.00)?<', log)
