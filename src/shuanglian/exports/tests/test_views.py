import pytest
from django.utils import translation

from shuanglian.assistance.tests import factories as af
from shuanglian.conftest import GUOJIA, LONGCHENG
from shuanglian.core.models import AuditAction, AuditEvent, AuditOutcome
from shuanglian.core.services import REVEAL_NOT_ALLOWED
from shuanglian.exports import services, writers
from shuanglian.exports.models import ExportJob, ExportStatus
from shuanglian.exports.services import EXPORT_REASON_REQUIRED, FORMAT_UNKNOWN
from shuanglian.exports.tests.conftest import csv_rows, response_bytes, xlsx_sheets
from shuanglian.households.selectors import CATEGORY_UNKNOWN
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.projects.tests import factories as prf
from shuanglian.regions.selectors import REGION_NOT_FOUND
from shuanglian.regions.tests.pages import normalised
from shuanglian.units.tests import factories as uf


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def export(client, list_key, query="", **data):
    data.setdefault("format", "csv")
    return client.post(f"/exports/{list_key}/{query}", data)


def exports_audited():
    return AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")


# --- scope and filters -----------------------------------------------------------------------


def test_a_town_officer_exports_only_the_towns_households(login, town_officer, registry):
    rows = csv_rows(export(login(town_officer), "households"))
    assert rows[0][:2] == ["户编号", "户主"]
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {registry["guojia"].number, registry["guojia2"].number}
    assert registry["longcheng"].number not in numbers


def test_another_towns_region_filter_exports_nothing_like_the_list(login, town_officer, registry):
    client = login(town_officer)
    assert client.get(f"/households/?region={LONGCHENG}").status_code == 200
    rows = csv_rows(export(client, "households", f"?region={LONGCHENG}"))
    assert rows[1:] == []


def test_a_filter_naming_a_household_out_of_scope_is_a_404_like_a_missing_one(
    login, other_town_officer, registry
):
    client = login(other_town_officer)
    hidden = f"/exports/visits/?household={registry['guojia'].pk}"
    missing = "/exports/visits/?household=999999"
    for method in ("get", "post"):
        one, other = getattr(client, method)(hidden), getattr(client, method)(missing)
        assert one.status_code == other.status_code == 404
        assert normalised(one, hidden) == normalised(other, missing)
    assert not exports_audited().exists()


def test_bad_filters_answer_like_the_list_and_export_nothing(login, town_officer, registry):
    client = login(town_officer)
    response = export(client, "households", "?category=nonsense")
    assert response.status_code == 400
    assert zh(CATEGORY_UNKNOWN.format(value="nonsense")) in response.content.decode()
    response = client.get("/exports/households/?region=620522199")
    assert response.status_code == 400
    assert zh(REGION_NOT_FOUND.format(code="620522199")) in response.content.decode()
    assert not exports_audited().exists()


def test_filters_are_honoured(login, town_officer, registry):
    rows = csv_rows(export(login(town_officer), "households", "?category=general"))
    assert [row[0] for row in rows[1:]] == [registry["guojia2"].number]
    rows = csv_rows(export(login(town_officer), "households", "?q=sunwangkui"))
    assert [row[0] for row in rows[1:]] == [registry["guojia"].number]


def test_an_unknown_list_or_format_is_refused(login, town_officer, registry):
    client = login(town_officer)
    assert client.get("/exports/nonsense/").status_code == 404
    response = export(client, "households", format="pdf")
    assert response.status_code == 400
    assert not exports_audited().exists()
    assert FORMAT_UNKNOWN  # the service's own message for a bad format given to it directly


def test_a_cadre_exports_only_her_households(login, cadre_user, admin_user, registry):
    pf.household_pairing(actor=admin_user, household=registry["guojia"], cadre=cadre_user.cadre)
    rows = csv_rows(export(login(cadre_user), "households"))
    assert [row[0] for row in rows[1:]] == [registry["guojia"].number]


# --- masking and revealing -------------------------------------------------------------------


def test_personal_data_is_masked_by_default(login, admin_user, registry):
    client = login(admin_user)
    body = response_bytes(export(client, "members")).decode("utf-8-sig")
    assert registry["id_number"] not in body
    assert registry["member"].id_number_masked in body
    body = response_bytes(export(client, "households")).decode("utf-8-sig")
    assert "13812345678" not in body and "138****5678" in body


def test_revealing_needs_the_permission_and_a_refusal_is_audited(login, town_officer, registry):
    client = login(town_officer)
    page = client.get("/exports/members/").content.decode()
    assert 'name="reveal"' not in page  # the choice is not even offered
    response = export(client, "members", reveal="on", reason="核实身份信息")
    assert response.status_code == 403
    assert zh(REVEAL_NOT_ALLOWED) in response.content.decode()
    (event,) = exports_audited()
    assert event.outcome == AuditOutcome.DENIED
    assert event.changes["list"] == "members"


def test_a_reveal_needs_a_reason(login, county_officer, registry):
    county_officer.can_reveal = True
    county_officer.save(update_fields=["can_reveal"])
    response = export(login(county_officer), "members", reveal="on", reason="")
    assert response.status_code == 400
    assert zh(EXPORT_REASON_REQUIRED.format(min=4)) in response.content.decode()
    assert not exports_audited().exists()


def test_a_revealed_export_holds_the_numbers_and_is_audited_once_with_the_count(
    login, county_officer, registry
):
    county_officer.can_reveal = True
    county_officer.save(update_fields=["can_reveal"])
    client = login(county_officer)
    assert 'name="reveal"' in client.get("/exports/members/").content.decode()
    before = AuditEvent.objects.count()
    response = export(client, "members", f"?region={GUOJIA}", reveal="on", reason="核实低保材料")
    body = response_bytes(response).decode("utf-8-sig")
    assert registry["id_number"] in body
    assert AuditEvent.objects.count() == before + 1
    (event,) = exports_audited()
    assert event.actor == county_officer
    assert event.object_type == "households.Member"
    # Two heads and the added member of 郭嘉镇.
    assert event.changes == {
        "list": "members",
        "format": "csv",
        "rows": 3,
        "filters": {"region": GUOJIA},
        "revealed": ["id_number"],
        "reason": "核实低保材料",
    }


def test_every_export_is_audited_with_list_filters_and_count(login, town_officer, registry):
    export(login(town_officer), "households", "?category=poor&cursor=abc", format="xlsx")
    (event,) = exports_audited()
    assert event.changes == {
        "list": "households",
        "format": "xlsx",
        "rows": 1,
        "filters": {"category": "poor"},
    }
    assert event.region_code == GUOJIA
    assert event.outcome == AuditOutcome.SUCCESS


# --- the files -------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_bom_and_chinese(login, town_officer, registry):
    response = export(login(town_officer), "households")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response_bytes(response)
    assert body[:3] == b"\xef\xbb\xbf"
    text = body.decode("utf-8")
    assert "孙旺奎" in text and "暖泉村" in text


def test_xlsx_keeps_ids_and_numbers_as_text(login, admin_user, registry):
    response = export(login(admin_user), "members", format="xlsx")
    (rows,) = xlsx_sheets(response_bytes(response)).values()
    header = rows[0]
    assert "身份证号" in "".join(header) or "ID" in "".join(header)
    numbers = {row[0] for row in rows[1:]}
    assert registry["guojia"].number in numbers  # 16 digits, still text
    assert all(isinstance(row[0], str) for row in rows[1:])


def test_xlsx_splits_into_sheets_when_one_is_full(login, admin_user, registry, monkeypatch):
    monkeypatch.setattr(writers, "SHEET_ROWS", 3)  # the header and two rows per sheet
    for name in ("甲", "乙"):
        hf.household(actor=admin_user, head_name=name)
    response = export(login(admin_user), "households", format="xlsx")
    sheets = xlsx_sheets(response_bytes(response))
    assert len(sheets) == 3
    sizes = [len(rows) for rows in sheets.values()]
    assert sizes == [3, 3, 2]
    assert all(rows[0][0] == "户编号" for rows in sheets.values())
    numbers = [row[0] for rows in sheets.values() for row in rows[1:]]
    assert len(numbers) == len(set(numbers)) == 5


def test_every_list_exports_in_both_formats(login, admin_user, registry):
    unit = uf.unit(actor=admin_user)
    cadre = uf.cadre(actor=admin_user, unit=unit, phone="13700001111")
    pf.village_pairing(actor=admin_user, unit=unit)
    pf.household_pairing(actor=admin_user, household=registry["guojia"], cadre=cadre)
    af.visit(actor=admin_user, household=registry["guojia"])
    project = prf.project(actor=admin_user)
    prf.funding(actor=admin_user, project=project)
    client = login(admin_user)
    for key in services.LISTS:
        rows = csv_rows(export(client, key))
        assert len(rows) >= 2, key
        response = export(client, key, format="xlsx")
        assert response.status_code == 200, key
        (sheet,) = xlsx_sheets(response_bytes(response)).values()
        assert len(sheet) == len(rows), key


def test_the_export_is_in_the_readers_language(login, town_officer, registry):
    client = login(town_officer)
    client.cookies["django_language"] = "en"
    client.post("/i18n/setlang/", {"language": "en"})
    rows = csv_rows(export(client, "households"))
    assert rows[0][0] == "Household number"


@pytest.mark.parametrize("count", [2, 6])
def test_queries_do_not_grow_with_rows(
    login, admin_user, registry, count, django_assert_max_num_queries
):
    for _ in range(count):
        hf.household(actor=admin_user, head_name="王五")
    client = login(admin_user)
    with django_assert_max_num_queries(14):
        response = export(client, "households")
        response_bytes(response)


# --- the list pages link to their export ------------------------------------------------------


def test_list_pages_link_to_the_export_with_their_filters(login, admin_user, registry):
    client = login(admin_user)
    page = client.get("/households/?category=poor").content.decode()
    assert 'href="/exports/households/?category=poor"' in page
    assert 'href="/exports/cadres/' in client.get("/units/").content.decode()
    assert 'href="/exports/projects/' in client.get("/projects/").content.decode()
    pk = registry["guojia"].pk
    visits = client.get(f"/assistance/households/{pk}/visits/").content.decode()
    assert f'href="/exports/visits/?household={pk}"' in visits


# --- background exports ----------------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_large_export_runs_in_the_background_and_is_downloaded_by_its_owner(
    login,
    town_officer,
    other_town_officer,
    registry,
    monkeypatch,
    immediate_tasks,
    django_capture_on_commit_callbacks,
    export_files,
):
    monkeypatch.setattr(services, "TASK_ROWS", 1)
    client = login(town_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "households", "?region=620522104", format="xlsx")
    assert response.status_code == 302
    assert response["Location"] == "/exports/"
    (job,) = ExportJob.objects.all()
    assert job.status == ExportStatus.DONE and job.rows == 2
    assert (export_files / job.file_name).is_file()
    (event,) = exports_audited()
    assert event.changes["rows"] == 2 and event.changes["list"] == "households"
    page = client.get("/exports/").content.decode()
    assert f"/exports/jobs/{job.pk}/download/" in page
    download = client.get(f"/exports/jobs/{job.pk}/download/")
    (sheet,) = xlsx_sheets(response_bytes(download)).values()
    assert {row[0] for row in sheet[1:]} == {registry["guojia"].number, registry["guojia2"].number}
    other = login(other_town_officer)
    assert other.get(f"/exports/jobs/{job.pk}/download/").status_code == 404
    assert f"/exports/jobs/{job.pk}/" not in other.get("/exports/").content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_my_exports_page_queries_do_not_grow(
    login, town_officer, registry, count, django_assert_max_num_queries
):
    ExportJob.objects.bulk_create(
        ExportJob(user=town_officer, list_key="households", fmt="csv") for _ in range(count)
    )
    client = login(town_officer)
    with django_assert_max_num_queries(6):
        page = client.get("/exports/")
    assert page.content.decode().count("<tr>") == count + 1
