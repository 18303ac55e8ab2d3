"""The monitoring pages: the region page's counts and drill-down, the case list (keyset, a
bounded number of queries), the case page's actions by role, forms with their errors, and the
household panel."""

import datetime as dt
import re

import pytest

from shuanglian.conftest import GUOJIA, NUANQUAN, QINAN
from shuanglian.households.tests import factories as hf
from shuanglian.monitoring.models import CaseStage, MonitoringCase
from shuanglian.monitoring.services import case_flag, screening_prepare
from shuanglian.monitoring.tests import factories as mf

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def test_the_region_page_counts_by_stage_and_category(mw, town_officer, county_officer, login):
    mf.confirmed(actor=town_officer, household=mw.household_g, category="unstable_exited")
    old = case_flag(
        actor=town_officer,
        household=mw.household_g2,
        note="收入下降",
        flagged_on=mf.today() - dt.timedelta(days=20),
    )
    mf.flagged(actor=county_officer, household=mw.household_l)
    client = login(town_officer)
    text = page(client.get("/monitoring/"))
    assert '<tr data-stage="confirmed"><td><a' in text
    assert 'data-category="unstable_exited"' in text
    # Overdue: flagged 20 days ago (more than 15) without an assessment; not visited since.
    assert '<strong id="overdue">1</strong>' in text
    assert '<strong id="not-visited">2</strong>' not in text  # 陇城镇's case is not the town's
    assert '<strong id="not-visited">1</strong>' in text
    overdue = page(client.get(f"/monitoring/cases/?overdue=1&region={GUOJIA}"))
    assert re.findall(r'href="/monitoring/cases/(\d+)/"', overdue) == [str(old.pk)]
    # The county officer drills down from the county to the town's villages.
    county = page(login(county_officer).get("/monitoring/"))
    assert f'href="?region={GUOJIA}"' in county
    village_rows = page(login(county_officer).get(f"/monitoring/?region={GUOJIA}"))
    assert f'href="?region={NUANQUAN}"' in village_rows


def test_the_case_list_pages_by_keyset_with_bounded_queries(
    mw, town_officer, admin_user, login, django_assert_max_num_queries, settings
):
    settings.PAGE_SIZE = 5
    for n in range(12):
        h = hf.household(actor=admin_user, village=NUANQUAN, head_name=f"户{n}", category="general")
        mf.flagged(actor=town_officer, household=h)
    client = login(town_officer)
    with django_assert_max_num_queries(8):
        first = client.get("/monitoring/cases/?stage=open")
    assert first.status_code == 200 and page(first).count("/monitoring/cases/") >= 5
    seen = set()
    url = "/monitoring/cases/?stage=open"
    while url:
        text = page(client.get(url))
        seen |= set(re.findall(r'href="/monitoring/cases/(\d+)/"', text))
        match = re.search(r'rel="next" href="([^"]+)"', text)
        url = "/monitoring/cases/" + match.group(1).replace("&amp;", "&") if match else None
    assert len(seen) == 12


def test_the_case_page_offers_the_actions_the_user_may_take(
    mw, town_officer, viewer, cadre_user, unit_admin, other_town_officer, login
):
    case = mf.flagged(actor=town_officer, household=mw.household_g)
    url = f"/monitoring/cases/{case.pk}/"
    officer = page(login(town_officer).get(url))
    assert f"/monitoring/cases/{case.pk}/assess/" in officer and "/dismiss/" in officer
    assert "/confirm/" not in officer  # not before the assessment
    for user in (viewer, cadre_user, unit_admin):
        text = page(login(user).get(url))
        assert "家中老人重病" in text
        assert "/assess/" not in text and "/dismiss/" not in text
    assert login(viewer).get(f"{url}assess/").status_code == 403
    assert login(viewer).post(f"{url}dismiss/", {"reason": "x"}).status_code == 403
    assert login(other_town_officer).get(url).status_code == 404
    case.refresh_from_db()
    assert case.stage == CaseStage.FLAGGED


def test_forms_show_the_service_refusal_next_to_the_field(mw, town_officer, login):
    case = mf.flagged(actor=town_officer, household=mw.household_g)
    client = login(town_officer)
    response = client.post(
        f"/monitoring/cases/{case.pk}/confirm/",
        {"category": "marginal", "confirmed_on": mf.today()},
    )
    assert response.status_code == 409
    assert "不能确认：须先达到“已核实”阶段" in page(response)
    visit = mf.visit(actor=town_officer, household=mw.household_g)
    response = client.post(
        f"/monitoring/cases/{case.pk}/assess/",
        {
            "visit": visit.pk,
            "deliberated_on": (mf.today() + dt.timedelta(days=2)).isoformat(),
            "participants": 12,
            "result": "agreed",
        },
    )
    assert response.status_code == 400 and "is-invalid" in page(response)
    response = client.post(
        f"/monitoring/cases/{case.pk}/assess/",
        {
            "visit": visit.pk,
            "deliberated_on": mf.today().isoformat(),
            "participants": 12,
            "result": "agreed",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == CaseStage.ASSESSED and case.assessment_visit_id == visit.pk


def test_the_cadre_reports_from_the_household_panel(mw, cadre_user, login):
    client = login(cadre_user)
    detail = page(client.get(f"/households/{mw.household_g.pk}/"))
    report_url = f"/monitoring/households/{mw.household_g.pk}/report/"
    assert 'id="monitoring-panel"' in detail and report_url in detail
    visit = mf.visit(actor=cadre_user, household=mw.household_g)
    response = client.post(report_url, {"visit": visit.pk, "note": "家中失火，房屋受损"})
    assert response.status_code == 302
    case = MonitoringCase.objects.get(household=mw.household_g)
    assert (case.source, case.reported_visit_id) == ("visit", visit.pk)
    assert f"/monitoring/cases/{case.pk}/" in page(client.get(f"/households/{mw.household_g.pk}/"))
    # Not paired with 张三's household: out of her scope altogether.
    assert client.get(f"/monitoring/households/{mw.household_l.pk}/report/").status_code == 404


def test_risk_events_page_and_form(mw, cadre_user, viewer, login):
    client = login(cadre_user)
    url = f"/monitoring/households/{mw.household_g.pk}/risk-events/"
    response = client.post(
        f"{url}new/", {"kind": "disaster", "occurred_on": mf.today(), "amount": "-5"}
    )
    assert response.status_code == 400
    response = client.post(
        f"{url}new/",
        {"kind": "disaster", "occurred_on": mf.today(), "amount": "18000", "description": "冰雹"},
    )
    assert response.status_code == 302
    assert "18000.00" in page(client.get(url))
    assert login(viewer).get(f"{url}new/").status_code == 403
    assert "冰雹" in page(login(viewer).get(url))


def test_a_viewer_cannot_start_a_screening(mw, viewer, login):
    assert login(viewer).post("/monitoring/screenings/new/", {"region": QINAN}).status_code == 403


def test_cadres_and_unit_administrators_see_no_screening_runs(
    mw, admin_user, town_officer, cadre_user, unit_admin, login
):
    """A run counts a whole region; a cadre's or a unit's scope is only some of its villages."""
    run = screening_prepare(actor=admin_user, region_code=NUANQUAN)
    officer = login(town_officer)
    assert f"/monitoring/screenings/{run.pk}/" in page(officer.get("/monitoring/"))
    assert officer.get(f"/api/v1/monitoring/screenings/{run.pk}").status_code == 200
    for user in (cadre_user, unit_admin):
        client = login(user)
        response = client.get("/monitoring/")
        assert response.status_code == 200
        assert 'id="runs"' not in page(response)
        assert client.get(f"/monitoring/screenings/{run.pk}/").status_code == 404
        assert client.get(f"/api/v1/monitoring/screenings/{run.pk}").status_code == 404
