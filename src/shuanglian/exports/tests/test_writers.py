import csv
import datetime as dt
import io
import tempfile
import tracemalloc
from decimal import Decimal

from shuanglian.conftest import NUANQUAN
from shuanglian.exports import services, writers
from shuanglian.exports.lists import DATE, NUMBER, TEXT
from shuanglian.exports.tests.conftest import xlsx_sheets
from shuanglian.households.models import Household


def test_csv_starts_with_a_bom_and_keeps_formulas_as_text():
    text = "".join(writers.csv_lines(["户编号", "备注"], [["0012", "=1+1"], [None, "甘肃"]]))
    assert text.startswith("\ufeff户编号,备注\r\n")
    rows = list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    assert rows[1:] == [["0012", "'=1+1"], ["", "甘肃"]]


def test_a_workbook_splits_at_the_sheet_limit_with_the_header_on_each(monkeypatch):
    monkeypatch.setattr(writers, "SHEET_ROWS", 4)
    handle = io.BytesIO()
    rows = ([f"62052219900101{n:04d}", n, dt.date(2024, 1, n + 1)] for n in range(7))
    written = writers.write_xlsx(
        handle, title="农户/名单", headers=["身份证号", "序号", "日期"], kinds=[TEXT, NUMBER, DATE],
        rows=rows,
    )  # fmt: skip
    assert written == 7
    sheets = xlsx_sheets(handle.getvalue())
    assert list(sheets) == ["农户 名单", "农户 名单 2", "农户 名单 3"]
    assert [len(rows) for rows in sheets.values()] == [4, 4, 2]
    first = sheets["农户 名单"]
    assert first[0] == ["身份证号", "序号", "日期"]
    assert first[1][0] == "620522199001010000"  # text, all 18 digits
    assert first[1][1] == 0.0


def test_an_empty_export_still_has_its_header():
    handle = io.BytesIO()
    assert writers.write_xlsx(handle, title="x", headers=["甲"], kinds=[TEXT], rows=[]) == 0
    assert xlsx_sheets(handle.getvalue()) == {"x": [["甲"]]}


def test_numbers_of_money_are_numbers():
    handle = io.BytesIO()
    writers.write_xlsx(
        handle, title="x", headers=["金额"], kinds=[NUMBER], rows=[[Decimal("50000.50")]]
    )
    assert xlsx_sheets(handle.getvalue())["x"][1] == [50000.5]


def _households(count: int, start: int) -> None:
    Household.objects.bulk_create(
        Household(
            number=f"620522104200{start + n:06d}",
            village_id=NUANQUAN,
            head_name="王建祥",
            category="poor",
            phone_masked="138****5678",
        )
        for n in range(count)
    )


def _peak_of_export(admin_user, fmt: str) -> tuple[int, int]:
    plan = services.export_start(actor=admin_user, list_key="households", params={}, fmt=fmt)
    tracemalloc.start()
    try:
        if fmt == "xlsx":
            with tempfile.TemporaryFile() as handle:
                written = writers.write_xlsx(
                    handle, title="x", headers=plan.headers(), kinds=plan.kinds(), rows=plan.cells()
                )
        else:
            written = sum(1 for _ in writers.csv_lines(plan.headers(), plan.cells())) - 1
        return written, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_with_the_row_count(admin_user, monkeypatch):
    monkeypatch.setattr(services, "TASK_ROWS", 100_000)
    # Rows are fetched a chunk at a time; 2,000 rows already span several chunks here, so the
    # two peaks compare the steady state, not one chunk against two.
    monkeypatch.setattr(services, "CHUNK_ROWS", 500)
    _households(2000, 0)
    small = {fmt: _peak_of_export(admin_user, fmt) for fmt in ("csv", "xlsx")}
    _households(18000, 2000)
    large = {fmt: _peak_of_export(admin_user, fmt) for fmt in ("csv", "xlsx")}
    for fmt in ("csv", "xlsx"):
        (small_rows, small_peak), (large_rows, large_peak) = small[fmt], large[fmt]
        assert (small_rows, large_rows) == (2000, 20000)
        # Ten times the rows, about the same peak: the chunk being written, not the file.
        assert large_peak < small_peak * 1.6, (fmt, small_peak, large_peak)
