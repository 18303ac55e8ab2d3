import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shuanglian.conftest import NUANQUAN
from shuanglian.core.pagination import CURSOR_INVALID
from shuanglian.pairings.tests import factories as pairings
from shuanglian.projects import services
from shuanglian.projects.models import QUANTITY_UNITS, Funding, Project, ProjectStatus
from shuanglian.projects.tests import factories
from shuanglian.regions.tests.pages import assert_login_redirect, assert_same_404, text, zh
from shuanglian.units.tests import factories as units

LONGCHENG_VILLAGE = "620522103200"
MISSING = 999999


@pytest.fixture
def data(admin_user):
    unit = units.unit(actor=admin_user, name="县委宣传部")
    # Paired with 暖泉村, so the 郭嘉镇 officer sees the unit and may name it.
    pairings.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN)
    g = factories.project(actor=admin_user, lead_unit_id=unit.pk, contributing_unit_ids=[unit.pk])
    other = factories.project(
        actor=admin_user, village=LONGCHENG_VILLAGE, name="常营村通村道路", type="road", year=2013
    )
    entry = factories.funding(actor=admin_user, project=g, amount="450000", unit_id=unit.pk)
    factories.funding(actor=admin_user, project=g, amount="50000", source="donation")
    return {"unit": unit, "g": g, "other": other, "entry": entry}


def test_anonymous_goes_to_login(client):
    assert_login_redirect(client.get("/projects/"))


def test_list_is_scoped_and_filtered(login, town_officer, data):
    client = login(town_officer)
    page = text(client.get("/projects/"))
    assert f'/projects/{data["g"].pk}/"' in page
    assert f'/projects/{data["other"].pk}/"' not in page
    assert "500000.00" in page
    assert "暖泉村村级综合文化活动中心" not in text(client.get("/projects/", {"type": "road"}))
    assert "暖泉村村级" not in text(client.get("/projects/", {"status": "building"}))
    assert "暖泉村村级" not in text(client.get("/projects/", {"year": 2013}))
    assert "暖泉村村级" in text(client.get("/projects/", {"region": NUANQUAN[:9]}))
    assert "暖泉村村级" not in text(client.get("/projects/", {"region": LONGCHENG_VILLAGE}))


def test_list_bad_filter_and_cursor(login, admin_user, data):
    client = login(admin_user)
    assert client.get("/projects/", {"type": "castle"}).status_code == 400
    response = client.get("/projects/", {"cursor": "garbage"})
    assert response.status_code == 400
    assert zh(CURSOR_INVALID) in text(response)


def test_list_pages_with_a_cursor(login, admin_user, settings):
    settings.PAGE_SIZE = 2
    for number in range(5):
        factories.project(actor=admin_user, name=f"项目{number}")
    client = login(admin_user)
    seen, url = [], "/projects/"
    for _ in range(4):
        response = client.get(url)
        seen += [name for name in (f"项目{n}" for n in range(5)) if name in text(response)]
        next_url = response.context["next_url"]
        if not next_url:
            break
        url = "/projects/" + next_url
    assert seen == [f"项目{n}" for n in range(5)]


def queries_of(client, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/projects/", params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["admin_user", "town_officer", "unit_admin"])
def test_list_queries_do_not_grow_with_projects(request, login, admin_user, persona):
    unit = units.unit(actor=admin_user, name="县委宣传部")
    client = login(request.getfixturevalue(persona))
    lead = request.getfixturevalue(persona).unit_id or unit.pk
    project = factories.project(actor=admin_user, lead_unit_id=lead)
    factories.funding(actor=admin_user, project=project)
    few = queries_of(client)
    few_filtered = queries_of(client, {"region": NUANQUAN, "status": "planned"})
    for number in range(8):
        more = factories.project(actor=admin_user, name=f"项目{number}", lead_unit_id=unit.pk)
        factories.funding(actor=admin_user, project=more)
    assert queries_of(client) == few
    assert queries_of(client, {"region": NUANQUAN, "status": "planned"}) == few_filtered


def test_detail_shows_history_ledger_and_totals(login, admin_user, data):
    project = data["g"]
    services.project_status_advance(
        actor=admin_user, project=project, to_status="building", changed_on=dt.date(2012, 5, 1),
        note="开工建设",
    )  # fmt: skip
    services.funding_reverse(actor=admin_user, entry=data["entry"], reason="重复录入")
    client = login(admin_user)
    page = text(client.get(f"/projects/{project.pk}/"))
    assert "开工建设" in page
    assert "-450000.00" in page
    assert 'data-total="donation"' in page
    assert 'data-total="all"' in page
    # The reversed entry has no reverse button any more; the other one has.
    assert f"/projects/funding/{data['entry'].pk}/reverse/" not in page
    others = Funding.objects.filter(project=project, reverses__isnull=True).exclude(
        pk=data["entry"].pk
    )
    assert f"/projects/funding/{others.get().pk}/reverse/" in page
    assert "资金台账" in page
    client.cookies["django_language"] = "en"
    english = text(client.get(f"/projects/{project.pk}/"))
    assert "Fund ledger" in english
    assert "Status history" in english


def test_detail_out_of_scope_is_like_missing(login, other_town_officer, data):
    client = login(other_town_officer)
    assert_same_404(client, f"/projects/{data['g'].pk}/", f"/projects/{MISSING}/")


def test_viewer_sees_no_write_buttons_and_gets_403(login, viewer, data):
    client = login(viewer)
    page = text(client.get(f"/projects/{data['g'].pk}/"))
    assert "/status/" not in page
    assert "/funding/new/" not in page
    assert client.get(f"/projects/{data['g'].pk}/edit/").status_code == 403
    assert client.post(f"/projects/{data['g'].pk}/funding/new/").status_code == 403


def project_form(**overrides):
    values = {
        "village": NUANQUAN,
        "name": "暖泉村安全饮水工程",
        "type": "water",
        "year": 2012,
        "quantity": "120",
        "quantity_unit": "",
        "budget": "300000",
        "lead_unit": "",
        "description": "",
        "planned_on": "2012-03-01",
    }
    values.update(overrides)
    return values


def test_create_and_edit_through_pages(login, town_officer, data):
    client = login(town_officer)
    assert client.get("/projects/new/").status_code == 200
    response = client.post("/projects/new/", project_form(contributing_units=[data["unit"].pk]))
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(name="暖泉村安全饮水工程")
    assert response.status_code == 302
    # The usual unit of the type, in the language of the page that created it.
    assert project.quantity_unit == zh(QUANTITY_UNITS["water"])
    assert list(project.contributing_units.all()) == [data["unit"]]
    form = project_form(progress=35, name="暖泉村安全饮水工程（一期）")
    form.pop("planned_on")
    response = client.post(f"/projects/{project.pk}/edit/", form)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.progress) == ("暖泉村安全饮水工程（一期）", 35)


def test_create_refusals_keep_the_form(login, town_officer):
    client = login(town_officer)
    response = client.post("/projects/new/", project_form(budget="-1"))
    assert response.status_code == 400
    assert zh(services.PROJECT_BUDGET_INVALID) in text(response)
    response = client.post("/projects/new/", project_form(budget="99999999999"))
    assert zh(services.PROJECT_BUDGET_INVALID) in text(response)
    assert not Project.objects.exists()


def test_advance_page(login, town_officer, data):
    client = login(town_officer)
    url = f"/projects/{data['g'].pk}/status/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_status": "completed", "changed_on": "2012-05-01"})
    assert response.status_code == 400
    assert zh(
        services.PROJECT_STATUS_STEP,
        current=ProjectStatus.PLANNED.label,
        next=ProjectStatus.BUILDING.label,
    ) in text(response)
    response = client.post(url, {"to_status": "building", "changed_on": "2012-05-01"})
    assert response.status_code == 302
    data["g"].refresh_from_db()
    assert data["g"].status == "building"


def test_funding_pages(login, town_officer, data):
    client = login(town_officer)
    url = f"/projects/{data['g'].pk}/funding/new/"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    bad = {"source": "fiscal", "amount": "-5", "received_on": "2012-06-01"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert zh(services.FUNDING_AMOUNT_INVALID) in text(response)
    response = client.post(url, {**bad, "amount": "100", "received_on": tomorrow})
    assert zh(services.FUNDING_DATE_FUTURE) in text(response)
    count = Funding.objects.count()
    response = client.post(url, {**bad, "amount": "1000.5", "unit": data["unit"].pk})
    assert response.status_code == 302, response.context["form"].errors
    assert Funding.objects.count() == count + 1
    entry = Funding.objects.latest("id")
    assert (entry.amount, entry.unit) == (Decimal("1000.50"), data["unit"])
    reverse_url = f"/projects/funding/{entry.pk}/reverse/"
    assert client.get(reverse_url).status_code == 200
    assert client.post(reverse_url, {"reason": "金额有误"}).status_code == 302
    response = client.post(reverse_url, {"reason": "再次"})
    assert response.status_code == 409
    assert zh(services.FUNDING_ALREADY_REVERSED) in text(response)


def test_detail_queries_do_not_grow_with_the_ledger(login, admin_user, data):
    client = login(admin_user)
    url = f"/projects/{data['g'].pk}/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for number in range(6):
        entry = factories.funding(actor=admin_user, project=data["g"], amount=f"{number + 1}")
        services.funding_reverse(actor=admin_user, entry=entry, reason="测试")
    assert count() == few


def test_funding_page_names_the_cadre_who_raised_it(login, admin_user, town_officer, data):
    cadre = units.cadre(actor=admin_user, unit=data["unit"], name="孙旺奎")
    client = login(town_officer)
    url = f"/projects/{data['g'].pk}/funding/new/"
    page = text(client.get(url))
    # The choices: cadres of the project's lead and contributing units.
    assert "孙旺奎" in page
    form = {"source": "unit", "amount": "3000", "received_on": "2012-07-01",
            "unit": data["unit"].pk, "raised_by": cadre.pk}  # fmt: skip
    count = Funding.objects.count()
    response = client.post(url, {**form, "unit": ""})
    assert response.status_code == 400
    assert zh(services.FUNDING_RAISER_NOT_OF_UNIT).format(name="孙旺奎") in text(response)
    assert Funding.objects.count() == count
    assert client.post(url, form).status_code == 302
    assert Funding.objects.latest("id").raised_by == cadre
    row = text(client.get(f"/projects/{data['g'].pk}/"))
    assert "孙旺奎" in row
