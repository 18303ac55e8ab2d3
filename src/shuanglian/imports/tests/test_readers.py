import pytest

from shuanglian.core.errors import InvalidInput
from shuanglian.imports.layouts import HEADERS, REQUIRED_HEADERS
from shuanglian.imports.readers import (
    HEADER_NOT_FOUND,
    cell_of,
    detect_csv_encoding,
    find_header,
    normalise_header,
    read_rows,
)
from shuanglian.imports.tests.files import person, write_csv, write_xlsx


def rows_of(path):
    return list(read_rows(path, required=REQUIRED_HEADERS, expected=HEADERS))


def test_header_below_a_title_row_and_merged_group_headers(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [person("6205221042000101", "王建祥")])
    [row] = rows_of(path)
    assert row.number == 4
    assert row.text("姓名") == "王建祥"
    assert row.text("户编号") == "6205221042000101"


def test_two_line_header_with_vertically_merged_cells():
    rows = [
        ["表"],
        ["村代码", "户编号", "姓名", "身份证号", "与户主关系", "成员信息", ""],
        ["", "", "", "", "", "民族", "健康状况"],
        ["620522104200", "1", "王", "x", "户主", "汉族", "健康"],
    ]
    index, columns = find_header(rows, required=REQUIRED_HEADERS, expected=HEADERS)
    assert index == 2
    assert set(columns.values()) == {*REQUIRED_HEADERS, "民族", "健康状况"}


def test_no_header_row_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        rows_of(path)
    assert str(error.value.message) == str(HEADER_NOT_FOUND).format(
        columns="、".join(REQUIRED_HEADERS), rows=30
    )
    assert "身份证号" in str(error.value.message)


def test_header_marks_and_notes_are_ignored():
    assert normalise_header(" * 身份证号\n(18位) ") == "身份证号"
    assert normalise_header("身份证号（必填）") == "身份证号"


def test_cells_floats_integers_and_full_width_digits():
    assert cell_of(3.0).text == "3"
    assert cell_of(3.0).was_float
    assert cell_of("６２０５２２").text == "620522"
    assert cell_of(None).text == ""
    assert cell_of(6.2052219900101e17).was_float


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    path = write_csv(tmp_path / "a.csv", [person("6205221042000101", "王建祥")], encoding=encoding)
    expected = "gb18030" if encoding == "gb18030" else "utf-8-sig"
    assert detect_csv_encoding(path) == expected
    [row] = rows_of(path)
    assert row.text("姓名") == "王建祥"
    assert row.text("与户主关系") == "户主"


def test_spreadsheet_rows_keep_excel_rows_and_columns(tmp_path):
    """A sheet whose first used cell is C4 still reads with row 1 and column A first."""
    import xlsxwriter

    from shuanglian.imports.readers import _spreadsheet_rows

    path = tmp_path / "offset.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write(3, 2, "x")
    sheet.write(5, 1, "y")
    workbook.close()
    rows = [list(row) for row in _spreadsheet_rows(path)]
    assert rows == [["", "", ""]] * 3 + [["", "", "x"], ["", "", ""], ["", "y", ""]]
