"""Screenshots of the assistance work's pages (plans, visits, follow-ups, deeds, work logs,
projects, meetings) in Chinese and in English, each as the role that uses it, and the same
addresses as an officer of another township, who must get "not found".

The screenshots land in test-results/ (CI keeps them); the assertions check that each page
rendered its own content in the right language, not an error page.
"""

import datetime as dt
import re

import pytest

from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import NUANQUAN, SCREENSHOTS
from shuanglian.households.tests import factories as hf
from shuanglian.meetings.tests import factories as mf
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects.tests import factories as prf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = SCREENSHOTS / "assistance-pages"
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
CHINESE_LABELS = re.compile(r"[\u4e00-\u9fff]{2,}")


@pytest.fixture
def work(admin_user, cadre_user, unit_admin, town_officer, persona_unit):
    """One of everything in 暖泉村 (郭嘉镇), done by 县妇联 and its cadre 马秀英."""
    household = hf.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    cadre = cadre_user.cadre
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    plan = af.plan(actor=admin_user, household=household, year=2012)
    measure = af.measure(
        actor=admin_user, plan=plan, responsible_cadre=cadre, due_date=dt.date(2012, 9, 30)
    )
    visit = af.visit(
        actor=cadre_user,
        household=household,
        visited_on=dt.date(2012, 8, 1),
        requests=[("申请苹果树修剪技术指导", dt.date(2012, 9, 30))],
        photos=[(af.png_upload("院子.png"), False)],
    )
    deed = af.deed(
        actor=unit_admin,
        unit=persona_unit,
        village=household.village,
        done_on=dt.date(2012, 7, 1),
        description="为暖泉村小学捐赠图书 500 册",
    )
    project = prf.project(actor=town_officer, lead_unit_id=persona_unit.pk)
    prf.funding(actor=town_officer, project=project, unit_id=persona_unit.pk)
    meeting = mf.meeting(actor=town_officer, units=[persona_unit])
    report = meeting.reports.get(unit=persona_unit)
    return {
        "household": household,
        "plan": plan,
        "measure": measure,
        "visit": visit,
        "deed": deed,
        "project": project,
        "meeting": meeting,
        "report": report,
        "unit": persona_unit,
        "cadre": cadre,
    }


def _pages(work) -> dict[str, list[tuple[str, str]]]:
    """Role → (name, address) of the pages that role works with."""
    household = work["household"].pk
    return {
        "cadre": [
            ("home", "/"),
            ("household-visits", f"/assistance/households/{household}/visits/"),
            ("visit-create", f"/assistance/households/{household}/visits/new/"),
            ("visit-detail", f"/assistance/visits/{work['visit'].pk}/"),
            ("household-plans", f"/assistance/households/{household}/plans/"),
            ("follow-ups", "/assistance/follow-ups/"),
            ("cadre-log", f"/assistance/cadres/{work['cadre'].pk}/log/?start=2012-01-01"),
        ],
        "unit_admin": [
            ("unit-log", f"/assistance/units/{work['unit'].pk}/log/?start=2012-01-01"),
            ("deeds", "/assistance/deeds/"),
            ("deed-detail", f"/assistance/deeds/{work['deed'].pk}/"),
            ("village-plans", f"/assistance/villages/{NUANQUAN}/plans/"),
            ("report-edit", f"/meetings/reports/{work['report'].pk}/edit/"),
        ],
        "town_officer": [
            ("overdue-measures", "/assistance/plans/overdue/"),
            ("projects", "/projects/"),
            ("project-detail", f"/projects/{work['project'].pk}/"),
            ("meetings", "/meetings/"),
            ("meeting-detail", f"/meetings/{work['meeting'].pk}/"),
            ("meeting-record", f"/meetings/{work['meeting'].pk}/record/"),
            ("decisions", "/meetings/decisions/"),
        ],
    }


# Records of 郭嘉镇 that an officer of 陇城镇 must not find.
def _foreign(work) -> list[tuple[str, str]]:
    return [
        ("visit-detail", f"/assistance/visits/{work['visit'].pk}/"),
        ("household-plans", f"/assistance/households/{work['household'].pk}/plans/"),
        ("deed-detail", f"/assistance/deeds/{work['deed'].pk}/"),
        ("village-plans", f"/assistance/villages/{NUANQUAN}/plans/"),
        ("project-detail", f"/projects/{work['project'].pk}/"),
        ("meeting-detail", f"/meetings/{work['meeting'].pk}/"),
        ("report-edit", f"/meetings/reports/{work['report'].pk}/edit/"),
    ]


def _context(browser, live_server, user, language: str, *, phone: bool):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("Test@12345")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if language == "en":
        page.locator('#language-switch button[value="en"]').click()
        page.wait_for_load_state()
    return context, page


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("role", ["cadre", "unit_admin", "town_officer"])
def test_pages_in_both_languages(browser, live_server, request, work, role, language):
    from playwright.sync_api import expect

    user = request.getfixturevalue({"cadre": "cadre_user"}.get(role, role))
    context, page = _context(browser, live_server, user, language, phone=role == "cadre")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:
        for name, address in _pages(work)[role]:
            response = page.goto(address)
            assert response.status == 200, f"{name}: {address} answered {response.status}"
            expect(page.locator("html")).to_have_attribute(
                "lang", "en" if language == "en" else re.compile("zh")
            )
            text = page.locator("main").inner_text()
            words = set(ENGLISH_WORD.findall(text))
            if language == "en":
                # Names, places and what people wrote stay Chinese; the page's own words do not.
                assert len(words) >= 5, f"{name}: too few English words: {sorted(words)}"
            else:
                assert CHINESE_LABELS.search(text), f"{name}: no Chinese labels"
                assert len(words) <= 2, f"{name}: English words on a Chinese page: {words}"
            page.screenshot(path=str(OUTPUT / f"{role}-{name}-{language}.png"), full_page=True)
    finally:
        context.close()


def test_officer_of_another_town_finds_nothing(browser, live_server, work, other_town_officer):
    context, page = _context(browser, live_server, other_town_officer, "zh", phone=False)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:
        for name, address in _foreign(work):
            response = page.goto(address)
            assert response.status == 404, f"{name}: {address} answered {response.status}"
            body = page.locator("body").inner_text()
            assert "孙旺奎" not in body and "暖泉村小学" not in body
        page.screenshot(path=str(OUTPUT / "other-town-not-found.png"), full_page=True)
    finally:
        context.close()
