"""The kinds besides households: units, cadres, village and household pairings, income records.

Each goes through the same pipeline as households (reader, modes, checkpoints, one import
event); these tests check each kind's rules, messages, idempotence, scope and CLI.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import translation
from python_calamine import CalamineWorkbook

from shuanglian.conftest import GUOJIA, HUAIMIAO, LONGCHENG, NUANQUAN, QINAN
from shuanglian.core.errors import DomainError, Forbidden
from shuanglian.core.idcard import ID_CHECKSUM, mask_id
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.core.phone import PHONE_INVALID
from shuanglian.households import services as hs
from shuanglian.households.models import IncomeRecord
from shuanglian.households.tests import factories as hf
from shuanglian.imports import kinds as k
from shuanglian.imports import services as s
from shuanglian.imports.layouts import LAYOUTS
from shuanglian.imports.models import ImportJob, ImportKind, ImportMode, ImportStatus
from shuanglian.imports.tests.files import write_csv, write_sheet
from shuanglian.pairings import services as ps
from shuanglian.pairings.models import HouseholdPairing, VillagePairing
from shuanglian.pairings.tests import factories as pf
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import REGION_NOT_FOUND
from shuanglian.units import services as us
from shuanglian.units.models import Cadre, Unit
from shuanglian.units.selectors import UNIT_KIND_INVALID, UNIT_LEVEL_INVALID
from shuanglian.units.tests import factories as uf

CLINIC = "郭嘉镇卫生院"


def zh(constant, **kw) -> str:
    with translation.override("zh-hans"):
        return str(constant).format(**kw)


def sheet(tmp_path, kind, rows, *, name="f.xlsx", numbers=()):
    """A file as counties send it: a title row above the headers."""
    layout = LAYOUTS[kind]
    top = [[f"{layout.kind} 导入"], list(layout.headers)]
    return write_sheet(tmp_path / name, top, layout.headers, rows, numbers=numbers)


def run(actor, kind, rows, tmp_path, mode=ImportMode.VALID, **options):
    path = sheet(tmp_path, kind, rows, **options)
    return k.import_records(kind=kind, actor=actor, path=path, mode=mode)


def problems(result):
    with translation.override("zh-hans"):
        return [(p.row, p.column, str(p.message)) for p in result.problems]


def counts(job):
    return (job.created, job.updated, job.unchanged, job.rejected)


def import_events():
    return AuditEvent.objects.filter(action=AuditAction.IMPORT, object_type="imports.ImportJob")


@pytest.fixture
def world(admin_user):
    """郭嘉镇卫生院 (a township unit) leads 暖泉村; its cadre 孙旺奎; household …0101 there."""
    unit = uf.unit(actor=admin_user, name=CLINIC, region=GUOJIA, kind="health", level="township")
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN)
    cadre_id = hf.id_number(birth=dt.date(1980, 1, 1))
    cadre = uf.cadre(actor=admin_user, unit=unit, id_number=cadre_id)
    household = hf.household(actor=admin_user, number="6205221042000101")
    return SimpleNamespace(unit=unit, cadre=cadre, cadre_id=cadre_id, household=household)


def unit_row(name="郭嘉镇中心小学", **cells):
    row = {"单位名称": name, "单位类别": "学校", "单位级别": "乡级", "所在区划代码": GUOJIA}
    row.update(cells)
    return row


def cadre_row(name="王立新", **cells):
    row = {"单位名称": CLINIC, "单位所在区划代码": GUOJIA, "姓名": name,
           "身份证号": hf.id_number(birth=dt.date(1985, 6, 1)), "职级": "科员"}  # fmt: skip
    row.update(cells)
    return row


def income_row(number="6205221042000101", year="2023", **cells):
    row = {"户编号": number, "年度": year, "工资性收入": "12000", "经营性收入": "3,000.50",
           "转移性收入": "800", "生产经营费用": "1000"}  # fmt: skip
    row.update(cells)
    return row


# ---------------------------------------------------------------- templates, any kind


@pytest.mark.parametrize("kind", [kind for kind in ImportKind.values if kind != "households"])
def test_template_round_trips(kind, world, admin_user, login, tmp_path):
    """Download the template (page and CLI), fill it below its headers, import it."""
    response = login(admin_user).get(f"/imports/template.xlsx?kind={kind}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-template.xlsx"'
    downloaded = tmp_path / "page.xlsx"
    downloaded.write_bytes(response.content)
    call_command("template", kind, "--out", str(tmp_path / "cli.xlsx"))
    book = CalamineWorkbook.from_path(str(tmp_path / "cli.xlsx"))
    top = book.get_sheet_by_index(0).to_python()
    assert top == CalamineWorkbook.from_path(str(downloaded)).get_sheet_by_index(0).to_python()
    layout = LAYOUTS[kind]
    assert top[1] == list(layout.headers)
    help_sheet = str(book.get_sheet_by_index(1).to_python())
    assert all(header in help_sheet for header in layout.required)
    other = hf.household(actor=admin_user, number="6205221042000102")
    filled = {
        ImportKind.UNITS: unit_row(),
        ImportKind.CADRES: cadre_row(),
        ImportKind.VILLAGE_PAIRINGS: {"单位名称": CLINIC, "单位所在区划代码": GUOJIA,
                                      "村代码": HUAIMIAO, "联系角色": "成员单位",
                                      "开始日期": "2024-01-01"},
        ImportKind.HOUSEHOLD_PAIRINGS: {"干部身份证号": world.cadre_id, "户编号": other.number,
                                        "开始日期": "2024-01-01"},
        ImportKind.INCOMES: income_row(),
    }[kind]  # fmt: skip
    path = write_sheet(tmp_path / "filled.xlsx", top, layout.headers, [filled])
    result = k.import_records(kind=kind, actor=admin_user, path=path)
    assert problems(result) == []
    assert counts(result.job) == (1, 0, 0, 0)
    assert result.job.kind == kind


def test_error_report_of_a_kind_has_its_columns(town_officer, tmp_path):
    from shuanglian.imports.layouts import write_error_report

    result = run(town_officer, ImportKind.UNITS, [unit_row(单位级别="村级")], tmp_path)
    layout = LAYOUTS[ImportKind.UNITS]
    path = write_error_report(result.problems, tmp_path / "e.xlsx", layout)
    report = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert report[0][3:] == list(layout.headers)
    assert report[1][:2] == [3, "单位级别"]
    assert report[1][3 + layout.headers.index("单位级别")] == "村级"


# ---------------------------------------------------------------- units


def test_units_import_then_reimport_changes_nothing_then_a_change_updates(town_officer, tmp_path):
    rows = [
        unit_row(单位简称="中心小学", 单位负责人="马文"),
        unit_row("郭嘉镇兽医站", 单位类别="其他"),
    ]
    job = run(town_officer, ImportKind.UNITS, rows, tmp_path).job
    assert counts(job) == (2, 0, 0, 0)
    school = Unit.objects.get(name="郭嘉镇中心小学")
    assert (school.kind, school.level, school.home_region_id, school.leader_name) == (
        "school", "township", GUOJIA, "马文",
    )  # fmt: skip
    # The service's own audit row per unit (a small kind), and one import event.
    assert AuditEvent.objects.filter(object_type="units.Unit").count() == 2
    again = run(town_officer, ImportKind.UNITS, rows, tmp_path, name="g.xlsx").job
    assert counts(again) == (0, 0, 2, 0)
    assert "0" in again.message and AuditEvent.objects.filter(object_type="units.Unit").count() == 2
    rows[0]["单位负责人"] = "马武"
    changed = run(town_officer, ImportKind.UNITS, rows, tmp_path, name="h.xlsx").job
    assert counts(changed) == (0, 1, 1, 0)
    assert Unit.objects.get(name="郭嘉镇中心小学").leader_name == "马武"
    assert [e.changes["updated"] for e in import_events().order_by("id")] == [0, 0, 1]


def test_unit_rows_refused_with_row_column_message(town_officer, tmp_path):
    rows = [
        unit_row(单位名称=""),  # 3
        unit_row("甲", 单位类别="火星"),  # 4
        unit_row("乙", 单位级别="村级"),  # 5
        unit_row("丙", 所在区划代码="620522104999"),  # 6
        unit_row("丁"),  # 7
        unit_row("丁"),  # 8: twice in the file
        unit_row("戊", 所在区划代码=QINAN),  # 9: the county, above the officer's town
    ]
    result = run(town_officer, ImportKind.UNITS, rows, tmp_path)
    assert problems(result) == [
        (3, "单位名称", zh(s.VALUE_REQUIRED)),
        (4, "单位类别", zh(UNIT_KIND_INVALID, value="火星")),
        (5, "单位级别", zh(UNIT_LEVEL_INVALID, value="村级")),
        (6, "所在区划代码", zh(REGION_NOT_FOUND, code="620522104999")),
        (8, "单位名称", zh(s.KEY_REPEATED, key=f"丁 {GUOJIA}", row=7)),
        (9, "所在区划代码", zh(REGION_NOT_FOUND, code=QINAN)),
    ]
    assert counts(result.job) == (1, 0, 0, 6)
    assert list(Unit.objects.values_list("name", flat=True)) == ["丁"]


def test_units_of_another_town_are_refused(other_town_officer, tmp_path):
    result = run(other_town_officer, ImportKind.UNITS, [unit_row()], tmp_path)
    assert problems(result) == [(3, "所在区划代码", zh(REGION_NOT_FOUND, code=GUOJIA))]
    assert not Unit.objects.exists()


# ---------------------------------------------------------------- cadres


def test_cadres_by_id_number_created_unchanged_updated(world, town_officer, tmp_path):
    rows = [cadre_row(联系电话="13912345678", 职务="医生"), cadre_row("赵敏")]
    job = run(town_officer, ImportKind.CADRES, rows, tmp_path).job
    assert counts(job) == (2, 0, 0, 0)
    wang = Cadre.objects.get(name="王立新")
    assert (wang.unit, wang.rank, wang.position) == (world.unit, "staff", "医生")
    assert wang.id_number_masked == mask_id(rows[0]["身份证号"])
    assert wang.reveal_phone() == "+8613912345678"
    # No plaintext ID number reaches the audit table.
    assert not AuditEvent.objects.filter(changes__icontains=rows[0]["身份证号"]).exists()
    assert counts(run(town_officer, ImportKind.CADRES, rows, tmp_path, name="b.xlsx").job) == (
        0, 0, 2, 0,
    )  # fmt: skip
    rows[0]["联系电话"] = "0938-8212345"
    rows[1]["姓名"] = "赵敏敏"
    changed = run(town_officer, ImportKind.CADRES, rows, tmp_path, name="c.xlsx").job
    assert counts(changed) == (0, 2, 0, 0)
    assert Cadre.objects.get(pk=wang.pk).phone_masked == "0938***2345"
    assert Cadre.objects.filter(name="赵敏敏").count() == 1


def test_cadre_rows_refused_with_row_column_message(world, town_officer, admin_user, tmp_path):
    other = uf.unit(actor=admin_user, name="郭嘉镇中心小学", region=GUOJIA, kind="school",
                    level="township")  # fmt: skip
    elsewhere = uf.cadre(actor=admin_user, unit=other, id_number=hf.id_number())
    good = hf.id_number(birth=dt.date(1990, 2, 3))
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        cadre_row(身份证号=bad),  # 3
        cadre_row(单位名称="不存在的单位"),  # 4
        cadre_row(联系电话="12345678901"),  # 5
        cadre_row(职级="巡视员"),  # 6
        cadre_row(身份证号=elsewhere.reveal_id_number()),  # 7: a cadre of another unit
        cadre_row(身份证号=good),  # 8
        cadre_row(身份证号=good),  # 9: twice in the file
        cadre_row(姓名=""),  # 10
    ]
    result = run(town_officer, ImportKind.CADRES, rows, tmp_path)
    assert problems(result) == [
        (3, "身份证号", zh(ID_CHECKSUM)),
        (4, "单位名称", zh(k.UNIT_UNKNOWN, name="不存在的单位", code=GUOJIA)),
        (5, "联系电话", zh(PHONE_INVALID, value="123****8901")),
        (6, "职级", zh(us.CADRE_RANK_INVALID, value="巡视员")),
        (7, "身份证号", zh(us.CADRE_DUPLICATE_ID, masked=elsewhere.id_number_masked,
                          name=elsewhere.name, unit=other.name)),
        (9, "身份证号", zh(s.KEY_REPEATED, key=mask_id(good), row=8)),
        (10, "姓名", zh(s.VALUE_REQUIRED)),
    ]  # fmt: skip
    assert counts(result.job) == (1, 0, 0, 7)


def test_cadre_id_in_a_number_cell_gets_the_format_as_text_hint(world, town_officer, tmp_path):
    result = run(town_officer, ImportKind.CADRES, [cadre_row()], tmp_path, numbers=("身份证号",))
    assert problems(result) == [(3, "身份证号", zh(s.ID_FLOAT_CELL))]


def test_cadres_of_a_unit_outside_the_area_are_refused(world, other_town_officer, tmp_path):
    result = run(other_town_officer, ImportKind.CADRES, [cadre_row()], tmp_path)
    assert problems(result) == [(3, "单位名称", zh(k.UNIT_UNKNOWN, name=CLINIC, code=GUOJIA))]


# ---------------------------------------------------------------- village pairings


def _pairing_row(village=HUAIMIAO, role="成员单位", start="2024-01-01", **cells):
    row = {"单位名称": CLINIC, "单位所在区划代码": GUOJIA, "村代码": village, "联系角色": role,
           "开始日期": start}  # fmt: skip
    row.update(cells)
    return row


def test_village_pairings_created_then_unchanged(world, town_officer, tmp_path):
    rows = [_pairing_row(), _pairing_row(NUANQUAN, "牵头单位", "2012-03-01")]
    job = run(town_officer, ImportKind.VILLAGE_PAIRINGS, rows, tmp_path).job
    assert counts(job) == (1, 0, 1, 0)
    pairing = VillagePairing.objects.get(village_id=HUAIMIAO)
    assert (pairing.unit, pairing.role, pairing.start_date) == (
        world.unit, "member", dt.date(2024, 1, 1),
    )  # fmt: skip
    again = run(town_officer, ImportKind.VILLAGE_PAIRINGS, rows, tmp_path, name="b.xlsx").job
    assert counts(again) == (0, 0, 2, 0)


def test_village_pairing_rows_refused_with_row_column_message(world, town_officer, admin_user,
                                                              tmp_path):  # fmt: skip
    uf.unit(actor=admin_user, name="郭嘉镇中心小学", region=GUOJIA, kind="school",
            level="township")  # fmt: skip
    rows = [
        _pairing_row(NUANQUAN, "成员单位", "2012-03-01"),  # 3: the active pairing, other role
        _pairing_row(GUOJIA),  # 4: a township
        _pairing_row("620522104201", start="2024-13-01"),  # 5
        _pairing_row("620522104202", role="协助"),  # 6
        _pairing_row(NUANQUAN, "牵头单位", 单位名称="郭嘉镇中心小学"),  # 7: lead taken
        _pairing_row(HUAIMIAO, 单位名称="郭嘉镇中心小学"),  # 8
        _pairing_row(HUAIMIAO, 单位名称="郭嘉镇中心小学"),  # 9: twice
    ]
    result = run(town_officer, ImportKind.VILLAGE_PAIRINGS, rows, tmp_path)
    assert problems(result) == [
        (3, "村代码", zh(ps.VILLAGE_PAIRING_OVERLAP, unit=CLINIC, village="暖泉村",
                        start=dt.date(2012, 3, 1))),
        (4, "村代码", zh(ps.PAIRING_NOT_VILLAGE, name="郭嘉镇", code=GUOJIA,
                        level=zh(Level.TOWNSHIP.label))),
        (5, "开始日期", zh(s.BIRTH_DATE_INVALID, value="2024-13-01")),
        (6, "联系角色", zh(ps.PAIRING_ROLE_INVALID, value="协助")),
        (7, "联系角色", zh(ps.VILLAGE_LEAD_TAKEN, village="暖泉村", unit=CLINIC)),
        (9, "单位名称", zh(s.KEY_REPEATED, key=f"郭嘉镇中心小学 {GUOJIA} {HUAIMIAO}", row=8)),
    ]  # fmt: skip
    assert counts(result.job) == (1, 0, 0, 6)


def test_village_pairing_outside_the_area_is_refused(world, other_town_officer, admin_user,
                                                     tmp_path):  # fmt: skip
    uf.unit(actor=admin_user, name="陇城镇卫生院", region=LONGCHENG, kind="health",
            level="township")  # fmt: skip
    row = _pairing_row(NUANQUAN, 单位名称="陇城镇卫生院", 单位所在区划代码=LONGCHENG)
    result = run(other_town_officer, ImportKind.VILLAGE_PAIRINGS, [row], tmp_path)
    assert problems(result) == [(3, "村代码", zh(REGION_NOT_FOUND, code=NUANQUAN))]


# ---------------------------------------------------------------- household pairings


def test_household_pairings_created_unchanged_and_handed_over(world, town_officer, admin_user,
                                                              tmp_path):  # fmt: skip
    row = {"干部身份证号": world.cadre_id, "户编号": world.household.number,
           "开始日期": "2024-01-01"}  # fmt: skip
    assert counts(run(town_officer, ImportKind.HOUSEHOLD_PAIRINGS, [row], tmp_path).job) == (
        1, 0, 0, 0,
    )  # fmt: skip
    again = run(town_officer, ImportKind.HOUSEHOLD_PAIRINGS, [row], tmp_path, name="b.xlsx")
    assert counts(again.job) == (0, 0, 1, 0)
    second_id = hf.id_number(birth=dt.date(1981, 1, 1))
    uf.cadre(actor=admin_user, unit=world.unit, name="赵敏", id_number=second_id)
    row.update({"干部身份证号": second_id, "开始日期": "2024-06-01"})
    handed = run(town_officer, ImportKind.HOUSEHOLD_PAIRINGS, [row], tmp_path, name="c.xlsx")
    assert counts(handed.job) == (0, 1, 0, 0)
    first, current = HouseholdPairing.objects.order_by("id")
    assert (first.cadre, first.end_date) == (world.cadre, dt.date(2024, 6, 1))
    assert (current.cadre.name, current.end_date) == ("赵敏", None)


def test_household_pairing_rows_refused_with_row_column_message(world, town_officer, admin_user,
                                                                tmp_path):  # fmt: skip
    pf.household_pairing(actor=admin_user, household=world.household, cadre=world.cadre,
                         start=dt.date(2020, 1, 1))  # fmt: skip
    other = hf.household(actor=admin_user, number="6205221042000102")
    third = hf.household(actor=admin_user, number="6205221042000103")
    unknown = hf.id_number()

    def row(cadre=world.cadre_id, number=other.number, start="2024-01-01"):
        return {"干部身份证号": cadre, "户编号": number, "开始日期": start}

    rows = [
        row(number="NOPE-1"),  # 3
        row(cadre=unknown, number=third.number),  # 4
        row(number=world.household.number, start="2019-01-01"),  # 5: the current one again
        row(number="NOPE-2", start=""),  # 6
        row(),  # 7
        row(),  # 8: the same household twice
    ]
    result = run(town_officer, ImportKind.HOUSEHOLD_PAIRINGS, rows, tmp_path)
    assert problems(result) == [
        (3, "户编号", zh(k.HOUSEHOLD_UNKNOWN, number="NOPE-1")),
        (4, "干部身份证号", zh(k.CADRE_UNKNOWN, masked=mask_id(unknown))),
        (5, "干部身份证号", zh(ps.HOUSEHOLD_PAIRING_SAME, cadre=world.cadre.name)),
        (6, "开始日期", zh(s.VALUE_REQUIRED)),
        (8, "户编号", zh(s.KEY_REPEATED, key=other.number, row=7)),
    ]
    assert counts(result.job) == (1, 0, 0, 5)


def test_household_pairing_outside_the_area_is_refused(world, other_town_officer, tmp_path):
    row = {"干部身份证号": world.cadre_id, "户编号": world.household.number,
           "开始日期": "2024-01-01"}  # fmt: skip
    result = run(other_town_officer, ImportKind.HOUSEHOLD_PAIRINGS, [row], tmp_path)
    assert problems(result) == [
        (3, "户编号", zh(k.HOUSEHOLD_UNKNOWN, number=world.household.number))
    ]
    assert not HouseholdPairing.objects.exists()


# ---------------------------------------------------------------- income records


def test_incomes_equal_the_service_then_reimport_and_update(world, town_officer, admin_user,
                                                            tmp_path):  # fmt: skip
    other = hf.household(actor=admin_user, number="6205221042000102")
    by_service = hs.income_record_save(
        actor=admin_user, household=other, year=2023, wage_income="12000",
        business_income="3,000.50", transfer_income="800", production_cost="1000",
    )  # fmt: skip
    rows = [income_row(), income_row(other.number), income_row(year="2022", 家庭人口="4")]
    job = run(town_officer, ImportKind.INCOMES, rows, tmp_path).job
    assert counts(job) == (2, 0, 1, 0)
    imported = IncomeRecord.objects.get(household=world.household, year=2023)
    fields = ["wage_income", "business_income", "property_income", "transfer_income",
              "production_cost", "population", "net_per_capita"]  # fmt: skip
    assert {f: getattr(imported, f) for f in fields} == {f: getattr(by_service, f) for f in fields}
    assert imported.net_per_capita == Decimal("14800.50")  # one member
    assert IncomeRecord.objects.get(year=2022).net_per_capita == Decimal("3700.13")
    assert not AuditEvent.objects.filter(object_type="households.IncomeRecord",
                                         actor=town_officer).exists()  # fmt: skip
    again = run(town_officer, ImportKind.INCOMES, rows, tmp_path, name="b.xlsx").job
    assert counts(again) == (0, 0, 3, 0)
    rows[2]["家庭人口"] = "2"
    changed = run(town_officer, ImportKind.INCOMES, rows, tmp_path, name="c.xlsx").job
    assert counts(changed) == (0, 1, 2, 0)
    assert IncomeRecord.objects.get(year=2022).net_per_capita == Decimal("7400.25")
    assert [e.changes["created"] for e in import_events().order_by("id")] == [2, 0, 0]


def test_income_rows_refused_with_row_column_message(world, town_officer, tmp_path):
    rows = [
        income_row(year="1999"),  # 3
        income_row(year="2004", 工资性收入="-5"),  # 4
        income_row(year="2005", 经营性收入="很多"),  # 5
        income_row(year="2006", 家庭人口="0"),  # 6
        income_row("NOPE-1"),  # 7
        income_row(year="2021"),  # 8
        income_row(year="2021"),  # 9: twice
    ]
    result = run(town_officer, ImportKind.INCOMES, rows, tmp_path)
    assert problems(result) == [
        (3, "年度", zh(hs.INCOME_YEAR_INVALID, value="1999")),
        (4, "工资性收入", zh(hs.INCOME_AMOUNT_NEGATIVE)),
        (5, "经营性收入", zh(hs.INCOME_AMOUNT_INVALID, value="很多")),
        (6, "家庭人口", zh(hs.INCOME_POPULATION_INVALID)),
        (7, "户编号", zh(k.HOUSEHOLD_UNKNOWN, number="NOPE-1")),
        (9, "户编号", zh(s.KEY_REPEATED, key="6205221042000101 2021", row=8)),
    ]
    assert counts(result.job) == (1, 0, 0, 6)


@pytest.mark.parametrize("year", ["1999", "2000", "2100", "2101", "20x3", "２０２３"])
@pytest.mark.parametrize("population", ["0", "1", "-1", "x", ""])
def test_income_checks_agree_with_the_service(world, admin_user, tmp_path, year, population):
    """The year and population rules are repeated from income_record_save (see _parse_income):
    both must accept and refuse the same values with the same message."""
    row = income_row(year=year, 家庭人口=population)
    result = run(admin_user, ImportKind.INCOMES, [row], tmp_path, ImportMode.VALIDATE)
    by_import = sorted(str(p.message) for p in result.problems)
    try:
        hs.income_record_save(actor=admin_user, household=world.household,
                              year=year.translate(str.maketrans("２０３", "203")),
                              population=population)  # fmt: skip
    except DomainError as error:
        by_service = [str(error.message)]
    else:
        by_service = []
    # The service stops at its first problem; the import lists them all.
    assert by_service == by_import[: len(by_service)] and bool(by_service) == bool(by_import)


def test_incomes_outside_the_area_are_refused(world, other_town_officer, viewer, tmp_path):
    result = run(other_town_officer, ImportKind.INCOMES, [income_row()], tmp_path)
    assert problems(result) == [(3, "户编号", zh(k.HOUSEHOLD_UNKNOWN, number="6205221042000101"))]
    with pytest.raises(Forbidden):
        run(viewer, ImportKind.INCOMES, [income_row()], tmp_path)
    assert not IncomeRecord.objects.exists()


# ---------------------------------------------------------------- modes, resume, CLI


def _good_and_bad(kind):
    return {
        ImportKind.UNITS: [unit_row(), unit_row("甲", 单位级别="村级")],
        ImportKind.INCOMES: [income_row(), income_row(year="1999")],
    }[kind]


@pytest.mark.parametrize("kind", [ImportKind.UNITS, ImportKind.INCOMES])
def test_modes(kind, world, town_officer, tmp_path):
    unit_count, income_count = Unit.objects.count(), IncomeRecord.objects.count()

    def untouched():
        return (Unit.objects.count(), IncomeRecord.objects.count()) == (unit_count, income_count)

    checked = run(town_officer, kind, _good_and_bad(kind), tmp_path, ImportMode.VALIDATE).job
    assert (checked.status, counts(checked), checked.rows_written) == (
        ImportStatus.CHECKED, (1, 0, 0, 1), 0,
    )  # fmt: skip
    assert untouched() and not import_events().exists()
    refused = run(town_officer, kind, _good_and_bad(kind), tmp_path, ImportMode.ALL).job
    assert refused.status == ImportStatus.REFUSED
    assert untouched() and not import_events().exists()
    whole = run(town_officer, kind, _good_and_bad(kind)[:1], tmp_path, ImportMode.ALL,
                name="b.xlsx").job  # fmt: skip
    assert (whole.status, whole.created) == (ImportStatus.DONE, 1)
    assert import_events().count() == 1


@pytest.mark.parametrize("kind", [ImportKind.UNITS, ImportKind.INCOMES])
def test_interrupted_import_of_a_kind_resumes(kind, world, admin_user, tmp_path, monkeypatch):
    monkeypatch.setattr(s, "CHUNK_ROWS", 3)
    if kind == ImportKind.UNITS:
        rows = [unit_row(f"单位{n}") for n in range(10)]
    else:
        rows = [income_row(year=str(2010 + n)) for n in range(10)]
    path = write_csv(tmp_path / "a.csv", rows, headers=LAYOUTS[kind].headers)
    real = s._process_chunk
    calls = iter(range(1, 100))

    def crash_on_third(state, chunk):
        if next(calls) == 3:
            raise RuntimeError("killed")
        real(state, chunk)

    monkeypatch.setattr(s, "_process_chunk", crash_on_third)
    with pytest.raises(RuntimeError):
        k.import_records(kind=kind, actor=admin_user, path=path)
    job = ImportJob.objects.get()
    assert (job.status, job.checkpoint_row, job.created) == (ImportStatus.FAILED, 7, 6)
    monkeypatch.setattr(s, "_process_chunk", real)
    result = k.import_records(kind=kind, actor=admin_user, path=path)
    assert (result.job.pk, result.resumed_from, result.job.created) == (job.pk, 7, 10)
    model = Unit if kind == ImportKind.UNITS else IncomeRecord
    assert model.objects.count() == 10 + (1 if kind == ImportKind.UNITS else 0)
    [event] = import_events()
    assert event.changes["created"] == 10


def test_cli_imports_each_kind(world, town_officer, tmp_path, capsys):
    path = write_csv(tmp_path / "u.csv", [unit_row(), unit_row("甲", 单位级别="村级")],
                     headers=LAYOUTS[ImportKind.UNITS].headers)  # fmt: skip
    call_command("import", str(path), "--kind", "units", "--user", "guojia",
                 "--errors", str(tmp_path / "e.xlsx"))  # fmt: skip
    out = capsys.readouterr().out
    assert zh(s.IMPORT_OUTCOME, created=1, updated=0, unchanged=0, rejected=1) in out
    assert "[单位级别]" in out and "households:" not in out
    report = CalamineWorkbook.from_path(str(tmp_path / "e.xlsx")).get_sheet_by_index(0)
    assert "单位级别" in report.to_python()[0]
    path = write_csv(tmp_path / "i.csv", [income_row()],
                     headers=LAYOUTS[ImportKind.INCOMES].headers)  # fmt: skip
    call_command("import", str(path), "--kind", "incomes", "--user", "guojia")
    assert IncomeRecord.objects.get().year == 2023
    call_command("import", str(path), "--kind", "incomes", "--user", "guojia")
    assert zh(s.IMPORT_NOTHING_CHANGED) in capsys.readouterr().out
