"""Reading registry files row by row: .xlsx/.xls/.ods through calamine, .csv in UTF-8 or GB18030.

Every reader yields `SourceRow`s after the header row, whose cells are already normalised text
(NFKC, so full-width digits become ASCII) keyed by the expected column header. Cells Excel stored
as numbers are turned back into text here, because an ID number typed into a Number cell has
lost its last digits by the time we see it (FACTS.md): such cells are flagged, never guessed.
"""

import codecs
import csv
import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from shuanglian.core.errors import InvalidInput

FILE_TYPE_UNSUPPORTED = _("{name} is not a file that can be imported (.xlsx, .xls, .ods or .csv).")
FILE_UNREADABLE = _("{name} cannot be read as a spreadsheet: {error}")
HEADER_NOT_FOUND = _(
    "No header row with the columns {columns} was found in the first {rows} rows of the first "
    "sheet."
)

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# Government templates put a title and a few lines of instructions above the header.
HEADER_SEARCH_ROWS = 30
# Floats at or above 2**53 are not exact integers any more: their digits cannot be trusted.
EXACT_FLOAT_LIMIT = 2**53
CSV_SNIFF_BYTES = 1 << 16


@dataclass
class Cell:
    """A cell as text, plus whether Excel had stored it as a (lossy) floating-point number."""

    text: str
    was_float: bool = False


@dataclass
class SourceRow:
    number: int  # 1-based, as the spreadsheet program shows it
    cells: dict[str, Cell]

    def text(self, header: str) -> str:
        cell = self.cells.get(header)
        return cell.text if cell else ""


def normalise_header(value) -> str:
    """'* 身份证号\\n(18位)' and '身份证号' are the same column; marks of required columns go."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = text.split("(")[0]
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*※").strip()


def cell_of(value) -> Cell:
    """A raw cell (str, int, float, bool, date, None) as normalised text."""
    if type(value) is str:
        # Every CSV cell and most spreadsheet cells: ASCII text is already in NFKC form.
        return Cell(
            value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
        )
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell("1" if value else "0")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < EXACT_FLOAT_LIMIT:
            # calamine hands back every number as a float: 3.0 is the integer 3.
            return Cell(str(int(value)), was_float=True)
        return Cell(repr(value), was_float=True)
    if isinstance(value, int):
        return Cell(str(value), was_float=True)
    if isinstance(value, dt.datetime):
        return Cell(value.date().isoformat() if value.time() == dt.time() else value.isoformat())
    if isinstance(value, dt.date):
        return Cell(value.isoformat())
    return Cell(unicodedata.normalize("NFKC", str(value)).strip())


def _header_map(
    rows: Sequence[Sequence], index: int, expected: Iterable[str]
) -> dict[int, str] | None:
    """Column position → expected header, when row `index` is the header row.

    A header cell merged vertically with the one above (a two-line government header) is empty
    in the lower row: the label above stands in for it.
    """
    wanted = set(expected)
    row = rows[index]
    above = rows[index - 1] if index > 0 else []
    found: dict[int, str] = {}
    for position, value in enumerate(row):
        name = normalise_header(value)
        if not name and position < len(above):
            name = normalise_header(above[position])
        if name in wanted and name not in found.values():
            found[position] = name
    return found


def find_header(
    rows: Sequence[Sequence], *, required: Sequence[str], expected: Sequence[str]
) -> tuple[int, dict[int, str]]:
    """The index of the header row among the first rows, and its column map.

    The row naming the most expected columns wins: in a two-line header the upper line may
    already name the required ones, but the lower line (with the upper standing in for its
    merged cells) names them all, and the data starts below it.
    """
    best: tuple[int, dict[int, str]] | None = None
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        found = _header_map(rows, index, expected)
        if set(required) <= set(found.values()) and (best is None or len(found) > len(best[1])):
            best = (index, found)
    if best is not None:
        return best
    raise InvalidInput(
        HEADER_NOT_FOUND.format(columns="、".join(required), rows=HEADER_SEARCH_ROWS),
        field="file",
    )


def _rows_after_header(raw_rows: Iterator[Sequence], *, required, expected) -> Iterator[SourceRow]:
    """Find the header now (a wrong file fails before anything is written), then stream."""
    head: list[Sequence] = []
    for raw in raw_rows:
        head.append(list(raw))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    index, columns = find_header(head, required=required, expected=expected)

    def numbered() -> Iterator[tuple[int, Sequence]]:
        yield from enumerate(head[index + 1 :], start=index + 2)
        yield from enumerate(raw_rows, start=len(head) + 1)

    def rows() -> Iterator[SourceRow]:
        for number, raw in numbered():
            cells = {
                name: cell_of(raw[pos]) if pos < len(raw) else Cell("")
                for pos, name in columns.items()
            }
            if any(cell.text for cell in cells.values()):
                yield SourceRow(number=number, cells=cells)

    return rows()


def detect_csv_encoding(path: Path) -> str:
    """'utf-8-sig' (BOM or not: it reads both) or 'gb18030' when the bytes are not UTF-8.

    The whole file is checked in chunks with an incremental decoder, so memory stays flat and a
    GB18030 character far down the file is still noticed before any row is imported.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(CSV_SNIFF_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _csv_rows(path: Path) -> Iterator[list[str]]:
    encoding = detect_csv_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.reader(handle)


def _spreadsheet_rows(path: Path) -> Iterator[list]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        # calamine holds the sheet compactly; iter_rows makes Python values a row at a time
        # (to_python would make them all at once: a gigabyte for 400k rows).
        _start_row, start_column = sheet.start or (0, 0)
        rows = sheet.iter_rows()
    except (CalamineError, OSError, ValueError) as error:
        raise InvalidInput(
            FILE_UNREADABLE.format(name=path.name, error=error), field="file"
        ) from None
    # iter_rows gives every row from the first, but only the columns from the first used one:
    # pad back to column A so that columns are where the user sees them.
    padding = [""] * start_column
    for row in rows:
        yield padding + row if start_column else row


def read_rows(
    path: Path, *, required: Sequence[str], expected: Sequence[str]
) -> Iterator[SourceRow]:
    """The data rows of `path` (first sheet), keyed by the expected headers found in it."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw: Iterator = _csv_rows(path)
    elif suffix in SPREADSHEET_SUFFIXES:
        raw = _spreadsheet_rows(path)
    else:
        raise InvalidInput(FILE_TYPE_UNSUPPORTED.format(name=path.name), field="file")
    return _rows_after_header(iter(raw), required=required, expected=expected)
