"""Writing rows to CSV and Excel with memory that does not grow with the row count.

CSV is produced line by line; the workbook goes through xlsxwriter's constant-memory mode
(each row is flushed to the sheet's temporary file once the next row starts) and a new sheet
begins when one is full.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

from shuanglian.exports.lists import DATE, NUMBER, as_text

# One Excel sheet holds 1,048,576 rows, the header included.
SHEET_ROWS = 1_048_576
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
# Characters Excel does not allow in a sheet name.
_SHEET_NAME_BANNED = str.maketrans({c: " " for c in "[]:*?/\\"})


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields text."""

    def write(self, value: str) -> str:
        return value


def safe(text: str) -> str:
    # A cell starting like a formula would be run by Excel (names and notes are user input):
    # a leading apostrophe keeps it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(headers: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """UTF-8 text with a byte-order mark first, which Excel needs to read Chinese from a CSV."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([safe(as_text(value)) for value in row])


def sheet_name(title: str, number: int) -> str:
    base = str(title).translate(_SHEET_NAME_BANNED).strip()[:25] or "sheet"
    return base if number == 1 else f"{base} {number}"


def write_xlsx(
    handle: IO[bytes], *, title: str, headers: list[str], kinds: list[str], rows: Iterable
) -> int:
    """Write the workbook into `handle`; returns the number of data rows written.

    Every cell that is not a number or a date is written as a string, so ID numbers, phones and
    household numbers stay exactly as they are (no rounding, no lost leading zero).
    """
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text = workbook.add_format({"num_format": "@"})
    sheets = 0
    sheet = None
    line = SHEET_ROWS  # a full "sheet" before the first: the first row opens one
    written = 0

    def open_sheet():
        nonlocal sheets
        sheets += 1
        new = workbook.add_worksheet(sheet_name(title, sheets))
        for col, header in enumerate(headers):
            new.write_string(0, col, str(header), bold)
            new.set_column(col, col, 16, None if kinds[col] in (NUMBER, DATE) else text)
        return new

    for row in rows:
        if line >= SHEET_ROWS:
            sheet, line = open_sheet(), 1
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = kinds[col]
            if kind == NUMBER and isinstance(value, (int, float, Decimal)):
                sheet.write_number(line, col, float(value))
            elif kind == DATE and isinstance(value, dt.date):
                sheet.write_datetime(line, col, value, day)
            else:
                sheet.write_string(line, col, str(value))
        line += 1
        written += 1
    if sheet is None:
        open_sheet()  # an empty export still has its header
    workbook.close()
    return written
