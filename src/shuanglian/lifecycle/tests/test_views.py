import io

import pytest
from docx import Document

from shuanglian.households.models import Category, Member, Relation
from shuanglian.households.tests import factories as hf
from shuanglian.lifecycle import services
from shuanglian.lifecycle.criteria import ITEM_NOT_CHECKED, NO_INCOME
from shuanglian.lifecycle.models import AssuranceItem, Notice, Procedure, ProcedureStatus, Step
from shuanglian.lifecycle.tests import factories as lf

pytestmark = pytest.mark.django_db


def _on_first_notice(admin, households):
    procedures = []
    for household in households:
        procedure = lf.identification(actor=admin, household=household)
        lf.advance(admin, procedure, until=Step.FIRST_NOTICE)
        procedures.append(procedure)
    return services.notice_publish(
        actor=admin,
        procedures=procedures,
        step=Step.FIRST_NOTICE,
        starts_on=lf.days_ago(3),
        objection_channel=lf.OBJECTIONS,
    )


def _head_id(household) -> tuple[str, str]:
    head = Member.objects.get(household=household, relation=Relation.HEAD, is_active=True)
    return head.reveal_id_number(), head.id_number_masked


def test_the_notice_page_lists_households_with_masked_ids(login, admin_user, town_officer, lw):
    notice = _on_first_notice(admin_user, [lw.g, lw.g2])
    page = login(town_officer).get(f"/lifecycle/notices/{notice.pk}/").content.decode()
    for household in (lw.g, lw.g2):
        plain, masked = _head_id(household)
        assert household.head_name in page
        assert masked in page and plain not in page
    assert lf.OBJECTIONS in page
    assert notice.ends_on.isoformat() in page
    assert "@page { size: A4" in page
    # A notice's own words, not the households' 家庭成员 or the meetings' 汇报期间.
    assert "<th>家庭人口</th>" in page and "<strong>公示期</strong>" in page


def test_the_notice_docx_has_names_masked_ids_and_the_period(login, admin_user, lw):
    notice = _on_first_notice(admin_user, [lw.g, lw.g2])
    response = login(admin_user).get(f"/lifecycle/notices/{notice.pk}.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    text = "\n".join(p.text for p in document.paragraphs)
    for household in (lw.g, lw.g2):
        plain, masked = _head_id(household)
        assert household.head_name in cells and masked in cells
        assert plain not in cells and plain not in text
    assert lf.OBJECTIONS in text and notice.starts_on.isoformat() in text
    assert "家庭人口" in cells and "公示期：" in text


def test_another_towns_officer_gets_404_for_the_notice(login, admin_user, other_town_officer, lw):
    notice = _on_first_notice(admin_user, [lw.g])
    client = login(other_town_officer)
    assert client.get(f"/lifecycle/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/lifecycle/notices/{notice.pk}.docx").status_code == 404


def _county_announcement(admin, households):
    """One 公告 of the county listing households of both townships."""
    procedures = []
    for household in households:
        procedure = lf.identification(actor=admin, household=household)
        on = lf.advance(admin, procedure, until=Step.ANNOUNCEMENT)
        procedures.append(procedure)
    return services.notice_publish(
        actor=admin,
        procedures=procedures,
        step=Step.ANNOUNCEMENT,
        starts_on=on,
        objection_channel=lf.OBJECTIONS,
    )


def _docx_cells(response) -> list[str]:
    document = Document(io.BytesIO(response.content))
    return [cell.text for row in document.tables[0].rows for cell in row.cells]


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("town_officer", {"g", "g2"}),
        ("other_town_officer", {"l"}),
        ("cadre_user", {"g"}),
        ("unit_admin", {"g", "g2"}),  # the villages its cadres are paired with
        ("county_officer", {"g", "g2", "l"}),
    ],
)
def test_a_county_announcement_shows_each_user_only_the_households_in_scope(
    request, login, admin_user, lw, persona, seen
):
    notice = _county_announcement(admin_user, [lw.g, lw.g2, lw.l])
    client = login(request.getfixturevalue(persona))
    page = client.get(f"/lifecycle/notices/{notice.pk}/").content.decode()
    cells = _docx_cells(client.get(f"/lifecycle/notices/{notice.pk}.docx"))
    for key in ("g", "g2", "l"):
        household = getattr(lw, key)
        _plain, masked = _head_id(household)
        assert (household.head_name in page) == (key in seen), (key, "page")
        assert (masked in page) == (key in seen), (key, "page")
        assert (household.head_name in cells) == (key in seen), (key, "docx")
        assert (masked in cells) == (key in seen), (key, "docx")


def test_the_procedure_list_filters_and_stays_at_a_fixed_number_of_queries(
    login, admin_user, county_officer, lw, django_assert_max_num_queries
):
    for n in range(6):
        household = hf.household(
            actor=admin_user,
            village=lw.g.village_id,
            head_name=f"户主{n}",
            category=Category.GENERAL,
        )
        lf.identification(actor=admin_user, household=household)
    lf.identification(actor=admin_user, household=lw.l)
    client = login(county_officer)
    with django_assert_max_num_queries(12):
        page = client.get("/lifecycle/?step=deliberation&kind=identification&region=620522104")
    assert page.status_code == 200
    body = page.content.decode()
    assert "户主5" in body and "张三" not in body
    assert "户主0" not in client.get("/lifecycle/?status=approved").content.decode()


def test_the_procedure_page_offers_the_next_step_only_to_who_may_record_it(
    login, admin_user, town_officer, county_officer, lw
):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    page = login(town_officer).get(f"/lifecycle/procedures/{procedure.pk}/").content.decode()
    assert 'id="next-step"' in page and 'name="votes_for"' in page
    page = login(county_officer).get(f"/lifecycle/procedures/{procedure.pk}/").content.decode()
    assert 'id="next-step"' not in page and 'id="waiting"' in page
    assert (
        login(county_officer).post(f"/lifecycle/procedures/{procedure.pk}/next/").status_code == 403
    )


def test_recording_a_deliberation_through_the_page(login, town_officer, lw):
    procedure = lf.identification(actor=town_officer, household=lw.g)
    response = login(town_officer).post(
        f"/lifecycle/procedures/{procedure.pk}/next/",
        {
            "done_on": lf.days_ago(90).isoformat(),
            "outcome": "passed",
            "participants": 20,
            "votes_for": 18,
            "votes_against": 1,
            "minutes": "同意纳入",
        },
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.next_step == Step.FIRST_NOTICE


def test_a_bad_step_form_names_the_field(login, town_officer, lw):
    procedure = lf.identification(actor=town_officer, household=lw.g)
    response = login(town_officer).post(
        f"/lifecycle/procedures/{procedure.pk}/next/",
        {"done_on": lf.days_ago(90).isoformat(), "outcome": "passed", "participants": 20},
    )
    assert response.status_code == 400
    assert str(services.VOTES_REQUIRED) in response.content.decode()


def test_the_exit_page_lists_each_failed_criterion(login, admin_user, lw):
    lf.lines()
    response = login(admin_user).get(f"/lifecycle/households/{lw.g.pk}/start/exit/")
    body = response.content.decode()
    assert body.count("criterion-failed") == 7
    assert str(NO_INCOME) in body
    assert str(ITEM_NOT_CHECKED.format(item=AssuranceItem.WATER.label)) in body
    response = login(admin_user).post(
        f"/lifecycle/households/{lw.g.pk}/start/exit/", {"confirm": "on"}
    )
    assert response.status_code == 400
    assert not Procedure.objects.exists()


def test_starting_and_the_household_panel(login, cadre_user, lw):
    client = login(cadre_user)
    panel = client.get(f"/households/{lw.g.pk}/").content.decode()
    assert 'id="lifecycle-panel"' in panel
    assert f"/lifecycle/households/{lw.g.pk}/start/identification/" in panel
    response = client.post(
        f"/lifecycle/households/{lw.g.pk}/start/identification/",
        {"done_on": lf.days_ago(5).isoformat(), "note": "因病申请"},
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get(household=lw.g)
    assert procedure.status == ProcedureStatus.IN_PROGRESS
    panel = client.get(f"/households/{lw.g.pk}/").content.decode()
    assert f"/lifecycle/procedures/{procedure.pk}/" in panel


def test_the_checklist_form_records_answered_items(login, town_officer, lw):
    response = login(town_officer).post(
        f"/lifecycle/households/{lw.g.pk}/checklist/",
        {
            "checked_on": lf.days_ago(1).isoformat(),
            "food_met": "yes",
            "food_evidence": "粮食充足",
            "water_met": "no",
        },
    )
    assert response.status_code == 302
    assert {c.item: c.met for c in lw.g.assurance_checks.all()} == {"food": True, "water": False}


def test_posting_one_notice_for_two_households_from_the_page(login, town_officer, lw):
    procedures = []
    for household in (lw.g, lw.g2):
        procedure = lf.identification(actor=town_officer, household=household)
        lf.advance(town_officer, procedure, until=Step.FIRST_NOTICE)
        procedures.append(procedure)
    client = login(town_officer)
    form = client.get("/lifecycle/notices/new/?step=first_notice").content.decode()
    assert "孙旺奎" in form and "邵维基" in form
    response = client.post(
        "/lifecycle/notices/new/",
        {
            "step": "first_notice",
            "procedures": [p.pk for p in procedures],
            "starts_on": lf.days_ago(2).isoformat(),
            "objection_channel": lf.OBJECTIONS,
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.steps.count() == 2


def test_income_lines_page_and_edit(login, admin_user, viewer):
    lf.lines()
    page = login(viewer).get("/lifecycle/lines/").content.decode()
    assert "3218" in page and "/lifecycle/lines/new/" not in page
    assert login(viewer).get("/lifecycle/lines/new/").status_code == 403
    response = login(admin_user).post(
        "/lifecycle/lines/new/",
        {"kind": "poverty", "year": 2014, "province_code": "", "amount": "2800", "source": "x"},
    )
    assert response.status_code == 409
