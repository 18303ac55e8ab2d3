"""The household registry file: its columns, the accepted labels, the template, the error report.

The column headers are the file format, not page text: a Chinese file keeps its Chinese headers
whatever language the user reads the pages in, so they are plain constants.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import xlsxwriter
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.households.models import (
    ETHNIC_GROUPS,
    Category,
    Education,
    Health,
    Labour,
    PovertyCause,
    Relation,
    SchoolStatus,
    Sex,
    WorkStatus,
)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    household: bool = False  # a household column: read from the head's row
    text: bool = False  # pre-formatted as text in the template (numbers that are not numbers)
    choices: type[models.TextChoices] | None = None
    help: object = ""


HOUSEHOLD_COLUMNS = (
    Column("村代码", "village_code", required=True, household=True, text=True,
           help=_("The 12-digit statistical code of the village.")),
    Column("户编号", "number", required=True, household=True, text=True,
           help=_("Letters, digits and dashes; the rows of one household share it.")),
    Column("户类别", "category", household=True, choices=Category,
           help=_("Blank means a general household.")),
    Column("主要致贫原因", "poverty_cause_main", household=True, choices=PovertyCause),
    Column("次要致贫原因", "poverty_cause_secondary", household=True, choices=PovertyCause),
    Column("联系电话", "phone", household=True, text=True,
           help=_("A mobile, or a landline with its area code.")),
    Column("家庭住址", "address", household=True),
    Column("姓名", "name", required=True),
    Column("身份证号", "id_number", required=True, text=True,
           help=_("18 characters (or 15 digits); the column must be formatted as text.")),
    Column("与户主关系", "relation", required=True, choices=Relation,
           help=_("Exactly one row of each household says 户主 (head of household).")),
    Column("性别", "sex", choices=Sex, help=_("Optional: checked against the ID number.")),
    Column("出生日期", "birth_date",
           help=_("Optional: checked against the ID number (e.g. 1966-07-08).")),
    Column("民族", "ethnicity", help=_("Blank means 汉族.")),
    Column("文化程度", "education", choices=Education),
    Column("在校生状况", "school_status", choices=SchoolStatus),
    Column("健康状况", "health", choices=Health, help=_("Blank means healthy.")),
    Column("劳动技能", "labour", choices=Labour),
    Column("务工状况", "work_status", choices=WorkStatus),
)  # fmt: skip
HEADERS = tuple(column.header for column in HOUSEHOLD_COLUMNS)
REQUIRED_HEADERS = tuple(column.header for column in HOUSEHOLD_COLUMNS if column.required)
HEADER_OF = {column.field: column.header for column in HOUSEHOLD_COLUMNS}
COLUMN_OF = {column.header: column for column in HOUSEHOLD_COLUMNS}

TEMPLATE_TITLE = _("Households and members import sheet")
TEMPLATE_SHEET = _("households and members")
TEMPLATE_HELP_SHEET = _("how to fill in")
TEMPLATE_NOTES = (
    _("One row per person. The rows of a household share its household number and follow each "
      "other."),
    _("Household columns (village code to address) are read from the head's row; on the other "
      "rows they may be left blank or repeat the same values."),
    _("Re-importing a file changes only what differs; members missing from the file are kept."),
)  # fmt: skip
HELP_COLUMN = _("column")
HELP_REQUIRED = _("required")
HELP_ALLOWED = _("allowed values")
HELP_NOTES = _("notes")
YES = _("yes")

REPORT_SHEET = pgettext_lazy("import report", "problems")
REPORT_ROW = _("row")
REPORT_COLUMN = _("column")
REPORT_MESSAGE = _("problem")


# What registers write besides the catalogue's labels (之子 is the label; people write 儿子).
SYNONYMS = {
    Relation: {
        Relation.SON: ("子", "儿子", "长子", "次子", "三子"),
        Relation.DAUGHTER: ("女", "女儿", "长女", "次女", "三女"),
        Relation.SPOUSE: ("妻", "妻子", "夫", "丈夫"),
        Relation.DAUGHTER_IN_LAW: ("儿媳", "媳妇"),
        Relation.SON_IN_LAW: ("女婿",),
        Relation.GRANDSON: ("孙子", "外孙", "外孙子"),
        Relation.GRANDDAUGHTER: ("孙女", "外孙女"),
        Relation.FATHER: ("父", "父亲"),
        Relation.MOTHER: ("母", "母亲"),
        Relation.GRANDPARENT: ("祖父", "祖母", "外祖父", "外祖母"),
        Relation.SIBLING: ("兄", "弟", "姐", "妹", "兄弟", "姐妹"),
    },
    Sex: {Sex.MALE: ("男性",), Sex.FEMALE: ("女性",)},
}


@cache
def accepted_values(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every spelling a cell may use for a choice → the stored value.

    The Chinese label is what users type; the stored value and the English label are accepted
    too, so that a file exported from the system imports back.
    """
    accepted: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                spelling = str(label).strip().lower()
                accepted.setdefault(spelling, value)
                # Cells arrive in NFKC form (中专（中职） → 中专(中职)): accept the label as read.
                accepted.setdefault(unicodedata.normalize("NFKC", spelling), value)
    for value in choices.values:
        accepted[value] = value
    for value, spellings in SYNONYMS.get(choices, {}).items():
        for spelling in spellings:
            accepted.setdefault(spelling, value)
    return accepted


def chinese_labels(choices: type[models.TextChoices]) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


def write_template(path: Path) -> Path:
    """The .xlsx users fill in: a title row, the headers, text columns pre-formatted as text."""
    with translation.override("zh-hans"), xlsxwriter.Workbook(str(path)) as book:
        title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
        as_text = book.add_format({"num_format": "@"})
        sheet = book.add_worksheet(str(TEMPLATE_SHEET))
        sheet.merge_range(0, 0, 0, len(HEADERS) - 1, str(TEMPLATE_TITLE), title)
        for position, column in enumerate(HOUSEHOLD_COLUMNS):
            sheet.write_string(1, position, column.header, required if column.required else header)
            width = 22 if column.field in ("id_number", "number", "address") else 14
            sheet.set_column(position, position, width, as_text if column.text else None)
        sheet.freeze_panes(2, 0)

        notes = book.add_worksheet(str(TEMPLATE_HELP_SHEET))
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for position, label in enumerate((HELP_COLUMN, HELP_REQUIRED, HELP_ALLOWED, HELP_NOTES)):
            notes.write_string(0, position, str(label), header)
        notes.set_column(0, 0, 14)
        notes.set_column(1, 1, 8)
        notes.set_column(2, 3, 60, wrap)
        for row, column in enumerate(HOUSEHOLD_COLUMNS, start=1):
            notes.write_string(row, 0, column.header)
            notes.write_string(row, 1, str(YES) if column.required else "")
            allowed = chinese_labels(column.choices) if column.choices else []
            if column.field == "ethnicity":
                allowed = ETHNIC_GROUPS
            notes.write_string(row, 2, "、".join(allowed))
            notes.write_string(row, 3, str(column.help))
        for offset, note in enumerate(TEMPLATE_NOTES, start=len(HOUSEHOLD_COLUMNS) + 2):
            notes.write_string(offset, 0, str(note))
    return path


def write_error_report(problems, path: Path) -> Path:
    """Each problem on its own line: row, column, message, then the row's values as read."""
    with (
        translation.override("zh-hans"),
        xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book,
    ):
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet(str(REPORT_SHEET))
        top = [str(REPORT_ROW), str(REPORT_COLUMN), str(REPORT_MESSAGE), *HEADERS]
        for position, label in enumerate(top):
            sheet.write_string(0, position, label, bold)
        sheet.set_column(2, 2, 60)
        for line, problem in enumerate(problems, start=1):
            sheet.write_number(line, 0, problem.row)
            sheet.write_string(line, 1, problem.column)
            sheet.write_string(line, 2, str(problem.message))
            for position, header in enumerate(HEADERS, start=3):
                sheet.write_string(line, position, problem.values.get(header, ""))
    return path
