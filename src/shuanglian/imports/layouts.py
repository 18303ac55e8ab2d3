"""The household registry file: its columns, the accepted labels, the template, the error report.

The column headers are the file format, not page text: a Chinese file keeps its Chinese headers
whatever language the user reads the pages in, so they are plain constants.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
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
from shuanglian.imports.models import ImportKind
from shuanglian.pairings.models import VillageRole
from shuanglian.units.models import CadreRank, UnitKind, UnitLevel


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

# The unit a cadre or a village pairing belongs to: its natural key, name and home region.
_UNIT_KEY = (
    Column("单位名称", "unit_name", required=True, help=_("As registered in the unit list.")),
    Column("单位所在区划代码", "unit_region", required=True, text=True,
           help=_("The code of the unit's home region, as registered.")),
)  # fmt: skip
_DATE_HELP = _("A date such as 2024-03-01.")
_AMOUNT_HELP = _("In yuan, for the whole household and year; blank means 0.")

UNIT_COLUMNS = (
    Column("单位名称", "name", required=True, help=_("With its home region, names the unit.")),
    Column("单位简称", "short_name"),
    Column("单位类别", "kind", required=True, choices=UnitKind),
    Column("单位级别", "level", required=True, choices=UnitLevel),
    Column("所在区划代码", "home_region", required=True, text=True,
           help=_("The 12-digit statistical code of the unit's home region (any level).")),
    Column("单位负责人", "leader_name"),
    Column("负责人职务", "leader_post"),
)  # fmt: skip
CADRE_COLUMNS = (
    *_UNIT_KEY,
    Column("姓名", "name", required=True),
    Column("身份证号", "id_number", required=True, text=True,
           help=_("Names the cadre: a re-import updates the cadre with this ID number.")),
    Column("联系电话", "phone", text=True, help=_("A mobile, or a landline with its area code.")),
    Column("职务", "position"),
    Column("职级", "rank", choices=CadreRank),
)  # fmt: skip
VILLAGE_PAIRING_COLUMNS = (
    *_UNIT_KEY,
    Column("村代码", "village", required=True, text=True,
           help=_("The 12-digit statistical code of the village.")),
    Column("联系角色", "role", required=True, choices=VillageRole),
    Column("开始日期", "start_date", required=True, help=_DATE_HELP),
)  # fmt: skip
HOUSEHOLD_PAIRING_COLUMNS = (
    Column("干部身份证号", "cadre", required=True, text=True,
           help=_("The ID number of a registered cadre; the column must be formatted as text.")),
    Column("户编号", "household", required=True, text=True),
    Column("开始日期", "start_date", required=True, help=_DATE_HELP),
)  # fmt: skip
INCOME_COLUMNS = (
    Column("户编号", "household", required=True, text=True),
    Column("年度", "year", required=True, help=_("The year the income was earned, e.g. 2023.")),
    Column("工资性收入", "wage_income", help=_AMOUNT_HELP),
    Column("经营性收入", "business_income", help=_AMOUNT_HELP),
    Column("财产性收入", "property_income", help=_AMOUNT_HELP),
    Column("转移性收入", "transfer_income", help=_AMOUNT_HELP),
    Column("生产经营费用", "production_cost", help=_AMOUNT_HELP),
    Column("家庭人口", "population",
           help=_("The people the income is divided by; blank means the household's members.")),
)  # fmt: skip
_ONE_ROW_NOTE = _("One row per record. Re-importing a file changes only what differs.")


@dataclass(frozen=True)
class Layout:
    """One kind of import file: its columns and the words of its template."""

    kind: str
    columns: tuple[Column, ...]
    title: object
    sheet: object
    notes: tuple = ()

    @cached_property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns if column.required)

    @cached_property
    def header_of(self) -> dict[str, str]:
        return {column.field: column.header for column in self.columns}

    @cached_property
    def column_of(self) -> dict[str, Column]:
        return {column.header: column for column in self.columns}


LAYOUTS = {
    layout.kind: layout
    for layout in (
        Layout(ImportKind.HOUSEHOLDS, HOUSEHOLD_COLUMNS, TEMPLATE_TITLE, TEMPLATE_SHEET,
               TEMPLATE_NOTES),
        Layout(ImportKind.UNITS, UNIT_COLUMNS, _("Units import sheet"), _("units"),
               (_ONE_ROW_NOTE, _("A unit is named by its name and home region together."))),
        Layout(ImportKind.CADRES, CADRE_COLUMNS, _("Cadres import sheet"), _("cadres"),
               (_ONE_ROW_NOTE, _("Import the units first: each cadre names a registered unit."))),
        Layout(ImportKind.VILLAGE_PAIRINGS, VILLAGE_PAIRING_COLUMNS,
               _("Village pairings import sheet"), _("village pairings"),
               (_ONE_ROW_NOTE, _("A pairing already registered is left as it is; a pairing is "
                                 "ended on its page, not by an import."))),
        Layout(ImportKind.HOUSEHOLD_PAIRINGS, HOUSEHOLD_PAIRING_COLUMNS,
               _("Household pairings import sheet"), _("household pairings"),
               (_ONE_ROW_NOTE, _("A household paired with another cadre is handed over: the "
                                 "earlier pairing ends on the start date."))),
        Layout(ImportKind.INCOMES, INCOME_COLUMNS, _("Income records import sheet"),
               _("income records"),
               (_ONE_ROW_NOTE, _("One row per household and year; the net income per person is "
                                 "computed."))),
    )
}  # fmt: skip
HOUSEHOLDS_LAYOUT = LAYOUTS[ImportKind.HOUSEHOLDS]
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


WIDE_FIELDS = ("id_number", "number", "address", "name", "unit_name", "cadre", "household")


def write_template(path: Path, layout: Layout = HOUSEHOLDS_LAYOUT) -> Path:
    """The .xlsx users fill in: a title row, the headers, text columns pre-formatted as text."""
    columns = layout.columns
    with translation.override("zh-hans"), xlsxwriter.Workbook(str(path)) as book:
        title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
        as_text = book.add_format({"num_format": "@"})
        sheet = book.add_worksheet(str(layout.sheet))
        sheet.merge_range(0, 0, 0, len(columns) - 1, str(layout.title), title)
        for position, column in enumerate(columns):
            sheet.write_string(1, position, column.header, required if column.required else header)
            width = 22 if column.field in WIDE_FIELDS else 14
            sheet.set_column(position, position, width, as_text if column.text else None)
        sheet.freeze_panes(2, 0)

        notes = book.add_worksheet(str(TEMPLATE_HELP_SHEET))
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for position, label in enumerate((HELP_COLUMN, HELP_REQUIRED, HELP_ALLOWED, HELP_NOTES)):
            notes.write_string(0, position, str(label), header)
        notes.set_column(0, 0, 14)
        notes.set_column(1, 1, 8)
        notes.set_column(2, 3, 60, wrap)
        for row, column in enumerate(columns, start=1):
            notes.write_string(row, 0, column.header)
            notes.write_string(row, 1, str(YES) if column.required else "")
            allowed = chinese_labels(column.choices) if column.choices else []
            if column.field == "ethnicity":
                allowed = ETHNIC_GROUPS
            notes.write_string(row, 2, "、".join(allowed))
            notes.write_string(row, 3, str(column.help))
        for offset, note in enumerate(layout.notes, start=len(columns) + 2):
            notes.write_string(offset, 0, str(note))
    return path


def write_error_report(problems, path: Path, layout: Layout = HOUSEHOLDS_LAYOUT) -> Path:
    """Each problem on its own line: row, column, message, then the row's values as read."""
    with (
        translation.override("zh-hans"),
        xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book,
    ):
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet(str(REPORT_SHEET))
        top = [str(REPORT_ROW), str(REPORT_COLUMN), str(REPORT_MESSAGE), *layout.headers]
        for position, label in enumerate(top):
            sheet.write_string(0, position, label, bold)
        sheet.set_column(2, 2, 60)
        for line, problem in enumerate(problems, start=1):
            sheet.write_number(line, 0, problem.row)
            sheet.write_string(line, 1, problem.column)
            sheet.write_string(line, 2, str(problem.message))
            for position, header in enumerate(layout.headers, start=3):
                sheet.write_string(line, position, problem.values.get(header, ""))
    return path
