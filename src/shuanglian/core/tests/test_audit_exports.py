"""Exports of an audit search: CSV (Excel-readable UTF-8) and .xlsx, scoped, and audited."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from python_calamine import CalamineWorkbook

from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN
from shuanglian.core.audit import audit
from shuanglian.core.audit_exports import EXPORT_TOO_BIG_FOR_XLSX, audit_trail_export
from shuanglian.core.audit_selectors import (
    AUDIT_FORBIDDEN,
    DATE_INVALID,
    FIELD_LABELS,
    AuditFilters,
)
from shuanglian.core.errors import InvalidInput
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.core.tests.test_audit_views import chinese
from shuanglian.households import services as households
from shuanglian.households.tests import factories as hf

CSV_URL = "/audit/export.csv"
XLSX_URL = "/audit/export.xlsx"
LONGCHENG_VILLAGE = "620522103200"


@pytest.fixture
def trail(admin_user):
    near = hf.household(actor=admin_user, village=NUANQUAN, head_name="李爱仙", phone="13812345678")
    households.household_update(
        actor=admin_user, household=near, address="", category="poor", phone="13987654321"
    )
    far = hf.household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="孙旺奎")
    return {"near": near, "far": far}


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    data = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return sheet.to_python()


def test_csv_holds_the_search_result_in_chinese(login, town_officer, trail):
    response = login(town_officer).get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    header, *rows = csv_rows(response)
    assert header[:4] == ["时间（Asia/Shanghai）", "用户", "IP 地址", "操作"]
    assert len(rows) == AuditEvent.objects.filter(region_code=NUANQUAN).count() == 3
    update = next(row for row in rows if row[3] == "修改")
    assert update[4:7] == ["联系户", str(trail["near"].pk), str(trail["near"])]
    assert update[7:9] == [NUANQUAN, "暖泉村"]
    assert "联系电话: 138****5678 → 139****4321" in update[9]
    assert update[10] == "成功"
    # Newest first, like the page.
    assert [row[3] for row in rows] == ["修改", "新增", "新增"]


def test_xlsx_holds_the_same_rows(login, town_officer, trail):
    client = login(town_officer)
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    header, *rows = xlsx_rows(response)
    assert header[1:4] == ["用户", "IP 地址", "操作"]
    expected = [row[1:] for row in csv_rows(client.get(CSV_URL))[1:]]
    # The CSV export in between is newer than the rows the workbook holds: skip it.
    assert [[str(cell) for cell in row[1:]] for row in rows] == expected[1:]
    assert str(rows[0][0]).startswith(str(AuditEvent.objects.order_by("-pk")[2].at.year))


def test_filters_apply_to_the_export(login, town_officer, trail):
    rows = csv_rows(login(town_officer).get(CSV_URL, {"action": "update"}))[1:]
    assert [row[3] for row in rows] == ["修改"]


def test_a_longcheng_officers_export_has_no_guojia_rows(login, other_town_officer, trail):
    rows = csv_rows(login(other_town_officer).get(CSV_URL))[1:]
    assert rows
    assert {row[7] for row in rows} == {LONGCHENG_VILLAGE}
    assert not any(row[7].startswith("620522104") for row in rows)
    assert "李爱仙" not in str(rows)
    sheet = xlsx_rows(login(other_town_officer).get(XLSX_URL))[1:]
    assert {row[7] for row in sheet} <= {LONGCHENG_VILLAGE, LONGCHENG}


def test_the_export_is_audited_with_its_filters_and_row_count(login, town_officer, trail):
    response = login(town_officer).get(CSV_URL, {"object_type": "households.Household"})
    rows = csv_rows(response)[1:]
    assert len(rows) == 2
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.actor == town_officer
    assert export.object_type == "core.AuditEvent"
    assert export.changes == {
        "format": "csv",
        "rows": 2,
        "filters": {"object_type": "households.Household"},
    }
    # Filed under the officer's region: the county officer sees who exported what.
    assert export.region_code == GUOJIA
    # The export's own row is not in the file it describes.
    assert "导出" not in {row[3] for row in rows}
    page = login(town_officer).get("/audit/", {"action": "export"})
    shown = page.context["rows"][0].changes_text.split("; ")
    assert sorted(shown) == sorted(["格式: csv", "条数: 2", "查询条件: 对象类型=联系户"])


def test_viewers_and_others_may_not_export(login, viewer, unit_admin, trail):
    for user in (viewer, unit_admin):
        response = login(user).get(CSV_URL)
        assert response.status_code == 403
        assert chinese(AUDIT_FORBIDDEN) in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_bad_filters_export_nothing_and_say_why(login, town_officer, trail):
    response = login(town_officer).get(CSV_URL, {"date_to": "2024-02-30"})
    assert response.status_code == 400
    expected = chinese(DATE_INVALID, field=FIELD_LABELS["date_to"])
    assert expected in response.content.decode()
    assert login(town_officer).get("/audit/export.pdf").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_workbook_too_big_for_excel_is_refused(town_officer, trail, monkeypatch):
    monkeypatch.setattr("shuanglian.core.audit_exports.XLSX_MAX_ROWS", 2)
    with pytest.raises(InvalidInput) as refused:
        audit_trail_export(actor=town_officer, filters=AuditFilters(), fmt="xlsx")
    assert refused.value.message == EXPORT_TOO_BIG_FOR_XLSX.format(count=3, limit=2)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_cells_that_look_like_formulas_stay_text(login, admin_user):
    audit(actor=None, action=AuditAction.LOGIN_FAILED, username="=HYPERLINK(1)", outcome="failure")
    rows = csv_rows(login(admin_user).get(CSV_URL))[1:]
    assert rows[0][1] == "'=HYPERLINK(1)"
    sheet = xlsx_rows(login(admin_user).get(XLSX_URL))[1:]
    assert "=HYPERLINK(1)" in [row[1] for row in sheet]


def test_the_export_is_in_the_readers_language(login, town_officer, trail, settings):
    client = login(town_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header, *rows = csv_rows(client.get(CSV_URL))
    assert header[:4] == ["Time (Asia/Shanghai)", "User", "IP address", "Action"]
    assert rows[0][3:5] == ["update", "Household"]
