"""A brief as .docx (python-docx, as meetings/records.py writes meeting records) and the
statistical tables (报表) as .xlsx (xlsxwriter) in the conventional layout: a title row, the
period, two header rows with merged group headings, one row per child region, the totals.

Both are Chinese whatever the page language: they are filed and sent upwards as they are.
"""

import datetime as dt
import io
from dataclasses import dataclass

from shuanglian.briefs.figures import LABELS, MONEY, number, totals
from shuanglian.briefs.models import SECTIONS, Brief
from shuanglian.briefs.writing import day
from shuanglian.meetings.drafts import yuan


def _ratio(part: str, whole: str):
    def value(figures: dict):
        total = number(figures, whole)
        return round(number(figures, part) * 100 / total, 1) if total else 0

    return value


def _key(key: str):
    def value(figures: dict):
        found = number(figures, key)
        return float(found) if key in MONEY else found

    return value


@dataclass(frozen=True)
class Column:
    group: str | None  # None: one heading over both header rows
    label: str
    value: object  # figures → number
    money: bool = False


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: tuple[Column, ...]


HOUSEHOLDS = "农户数（户）"
POOR_COVERAGE = "贫困户联系干部覆盖"
VILLAGE_COVERAGE = "联系村覆盖"
VISITS = "干部走访"
MEASURES = "帮扶措施（项）"
DEEDS = "实事好事"

TABLES = {
    "households": Table(
        "households",
        "双联行动农户、人口及帮扶覆盖情况统计表",
        (
            Column(HOUSEHOLDS, "合计", _key("households")),
            Column(HOUSEHOLDS, "一般户", _key("hh_general")),
            Column(HOUSEHOLDS, "贫困户", _key("hh_poor")),
            Column(HOUSEHOLDS, "示范户", _key("hh_demonstration")),
            Column(HOUSEHOLDS, "脱贫户", _key("hh_exited")),
            Column(HOUSEHOLDS, "监测户", _key("hh_monitored")),
            Column(None, "人口（人）", _key("people")),
            Column(POOR_COVERAGE, "贫困户（户）", _key("hh_poor")),
            Column(POOR_COVERAGE, "已联系（户）", _key("poor_covered")),
            Column(POOR_COVERAGE, "覆盖率（%）", _ratio("poor_covered", "hh_poor")),
            Column(VILLAGE_COVERAGE, "行政村（个）", _key("villages")),
            Column(VILLAGE_COVERAGE, "有联系单位（个）", _key("villages_paired")),
            Column(VILLAGE_COVERAGE, "覆盖率（%）", _ratio("villages_paired", "villages")),
        ),
    ),
    "assistance": Table(
        "assistance",
        "双联行动帮扶工作情况统计表",
        (
            Column(VISITS, "走访（次）", _key("visits")),
            Column(VISITS, "走访农户（户）", _key("households_visited")),
            Column(MEASURES, "完成", _key("measures_done")),
            Column(MEASURES, "逾期", _key("measures_overdue")),
            Column(DEEDS, "件数", _key("deeds")),
            Column(DEEDS, "价值（元）", _key("deeds_value"), money=True),
            Column(None, "筹措资金（元）", _key("funds"), money=True),
            Column(None, "完工项目（个）", _key("projects_completed")),
        ),
    ),
}
REGION_HEADING = "地区"
TOTAL_LABEL = "合计"


def table_xlsx(table: Table, *, region, start: dt.date, end: dt.date, rows) -> bytes:
    """`rows`: (child region, figures) from figures.table_rows; the totals row adds them up."""
    import xlsxwriter  # imported here: only the download needs it

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(table.title[:31])
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    period = book.add_format({"align": "right"})
    head = book.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell = book.add_format({"border": 1})
    money = book.add_format({"border": 1, "num_format": "#,##0.00"})
    bold = book.add_format({"border": 1, "bold": True})
    bold_money = book.add_format({"border": 1, "bold": True, "num_format": "#,##0.00"})
    last = len(table.columns)
    sheet.merge_range(0, 0, 0, last, f"{region.name}{table.title}", title)
    sheet.set_row(0, 30)
    sheet.merge_range(1, 0, 1, last, f"统计时段：{day(start)}至{day(end)}", period)
    sheet.merge_range(2, 0, 3, 0, REGION_HEADING, head)
    column = 1
    while column <= last:
        spec = table.columns[column - 1]
        if spec.group is None:
            sheet.merge_range(2, column, 3, column, spec.label, head)
            column += 1
            continue
        width = 1
        while column + width <= last and table.columns[column + width - 1].group == spec.group:
            width += 1
        if width > 1:
            sheet.merge_range(2, column, 2, column + width - 1, spec.group, head)
        else:
            sheet.write(2, column, spec.group, head)
        for offset in range(width):
            sheet.write(3, column + offset, table.columns[column + offset - 1].label, head)
        column += width
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, last, 12)
    row_number = 4
    for child, figures in rows:
        sheet.write(row_number, 0, child.name, cell)
        for index, spec in enumerate(table.columns, start=1):
            sheet.write_number(
                row_number, index, spec.value(figures), money if spec.money else cell
            )
        row_number += 1
    summed = totals(rows)
    sheet.write(row_number, 0, TOTAL_LABEL, bold)
    for index, spec in enumerate(table.columns, start=1):
        sheet.write_number(
            row_number, index, spec.value(summed), bold_money if spec.money else bold
        )
    sheet.freeze_panes(4, 1)
    book.close()
    return buffer.getvalue()


# The figures the brief shows as a table, in order.
HEADLINE_KEYS = (
    "households",
    "hh_poor",
    "hh_demonstration",
    "hh_exited",
    "hh_monitored",
    "people",
    "poor_covered",
    "visits",
    "measures_done",
    "measures_overdue",
    "follow_ups_overdue",
    "deeds",
    "deeds_value",
    "funds",
    "projects_completed",
)
CHILD_KEYS = ("households", "hh_poor", "poor_covered", "visits", "measures_done", "funds")


def shown(figures: dict | None, key: str) -> str:
    if not figures or key not in figures:
        return "—"
    value = number(figures, key)
    return yuan(value) if key in MONEY else str(value)


def change(difference: dict | None, key: str) -> str:
    if not difference or key not in difference:
        return "—"
    value = number(difference, key)
    text = yuan(abs(value)) if key in MONEY else str(abs(value))
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else "0")


def headline_rows(brief: Brief) -> list[tuple[str, str, str, str]]:
    """(label, this brief, previous brief, change) for the brief's figures table."""
    figures = brief.figures or {}
    return [
        (
            LABELS[key],
            shown(figures.get("headline"), key),
            shown(figures.get("previous"), key),
            change(figures.get("difference"), key),
        )
        for key in HEADLINE_KEYS
    ]


def child_rows(brief: Brief) -> tuple[list[str], list[tuple[str, list[str]]], list[str]]:
    """Header, (region name, cells) per child region, and the totals cells."""
    figures = brief.figures or {}
    header = [LABELS[key] for key in CHILD_KEYS]
    rows = [
        (row["name"], [shown(row["figures"], key) for key in CHILD_KEYS])
        for row in figures.get("rows", [])
    ]
    total = [shown(figures.get("totals"), key) for key in CHILD_KEYS]
    return header, rows, total


def brief_docx(brief: Brief) -> bytes:
    from docx import Document  # imported here: only the download needs it

    document = Document()
    document.add_heading(brief.title, level=0)
    period = f"{day(brief.period_start)}至{day(brief.period_end)}"
    document.add_paragraph(f"第{brief.number}期　{brief.region.name}　{period}")
    if not brief.is_final:
        document.add_paragraph("（草稿）")
    for name, heading in SECTIONS:
        document.add_heading(heading, level=1)
        for line in (getattr(brief, name) or "").splitlines() or [""]:
            document.add_paragraph(line)

    document.add_heading("七、主要指标", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for target, label in zip(table.rows[0].cells, ("指标", "本期", "上期", "增减"), strict=True):
        target.text = label
    for values in headline_rows(brief):
        for target, value in zip(table.add_row().cells, values, strict=True):
            target.text = value

    header, rows, total = child_rows(brief)
    if rows:
        document.add_heading("八、分地区情况", level=1)
        table = document.add_table(rows=1, cols=len(header) + 1)
        table.style = "Table Grid"
        for target, label in zip(table.rows[0].cells, [REGION_HEADING, *header], strict=True):
            target.text = label
        for name, cells in [*rows, (TOTAL_LABEL, total)]:
            for target, value in zip(table.add_row().cells, [name, *cells], strict=True):
                target.text = value

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
