import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation
from python_calamine import CalamineWorkbook

from shuanglian.conftest import HUAIMIAO, LONGCHENG_VILLAGE_PREFIX, NUANQUAN
from shuanglian.core.errors import Forbidden
from shuanglian.core.idcard import ID_CHECKSUM, mask_id
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.core.phone import PHONE_INVALID
from shuanglian.households import services as hs
from shuanglian.households.models import Education, Household, HouseholdSearchKey, Member
from shuanglian.households.selectors import household_list
from shuanglian.households.tests import factories as hf
from shuanglian.imports import services as s
from shuanglian.imports.layouts import (
    HEADERS,
    REPORT_COLUMN,
    REPORT_MESSAGE,
    REPORT_ROW,
    REQUIRED_HEADERS,
    write_error_report,
    write_template,
)
from shuanglian.imports.models import ImportJob, ImportMode, ImportStatus
from shuanglian.imports.readers import read_rows
from shuanglian.imports.tests.files import person, two_households, write_csv, write_xlsx
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import REGION_NOT_FOUND

LONGCHENG_VILLAGE = LONGCHENG_VILLAGE_PREFIX + "200"


def zh(constant, **kw) -> str:
    with translation.override("zh-hans"):
        return str(constant).format(**kw)


def run(actor, path, mode=ImportMode.VALID):
    return s.household_import(actor=actor, path=path, mode=mode)


def problems(result):
    with translation.override("zh-hans"):
        return [(p.row, p.column, str(p.message)) for p in result.problems]


def test_good_file_imports_households_members_and_search_keys(town_officer, tmp_path):
    rows = two_households()
    result = run(town_officer, write_xlsx(tmp_path / "a.xlsx", rows))
    job = result.job
    assert result.problems == []
    assert (job.created, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 0)
    assert (job.households_created, job.status, job.rows_read) == (2, ImportStatus.DONE, 3)
    wang = Household.objects.get(number="6205221042000101")
    assert (wang.head_name, wang.member_count, wang.category) == ("王建祥", 2, "poor")
    assert wang.village_id == NUANQUAN
    assert wang.reveal_phone() == "+8613812345678"
    assert wang.poverty_cause_main == "illness"
    spouse = wang.members.get(relation="spouse")
    assert spouse.reveal_id_number() == rows[1]["身份证号"]
    assert spouse.id_number_masked == mask_id(rows[1]["身份证号"])
    assert spouse.education == "primary"
    assert spouse.birth_date == dt.date(1970, 5, 6)
    page = household_list(user=town_officer, q="wjx")
    assert [h.number for h in page.items] == ["6205221042000101"]
    assert Household.objects.get(number="6205221042000102").category == "monitored"
    [event] = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_type="imports.ImportJob")
    assert event.changes["created"] == 3
    assert event.object_id == str(job.pk)
    assert not AuditEvent.objects.filter(object_type="households.Member").exists()


def test_imported_records_equal_service_created_ones(admin_user, tmp_path):
    head_id = hf.id_number(birth=dt.date(1960, 1, 2))
    by_service = hs.household_create(
        actor=admin_user,
        village_code=NUANQUAN,
        number="SVC-1",
        head=hs.MemberData(name="单晓东", id_number=head_id, relation="head", education="junior"),
        category="poor",
        poverty_cause_main="illness",
        phone="13812345678",
        address="一社",
    )
    by_service.members.get().delete()
    HouseholdSearchKey.objects.filter(household=by_service).delete()
    Household.objects.filter(pk=by_service.pk).delete()
    row = person(
        "SVC-1",
        "单晓东",
        id_number=head_id,
        文化程度="初中",
        联系电话="13812345678",
        家庭住址="一社",
    )
    run(admin_user, write_xlsx(tmp_path / "a.xlsx", [row]))
    imported = Household.objects.get(number="SVC-1")
    member = imported.members.get()
    fields = ["number", "village_id", "head_name", "address", "category", "poverty_cause_main",
              "poverty_cause_secondary", "phone_index", "phone_masked", "member_count"]  # fmt: skip
    assert {f: getattr(imported, f) for f in fields} == {f: getattr(by_service, f) for f in fields}
    expected_keys = hs.household_search_keys(imported)
    assert set(imported.search_keys.values_list("key", flat=True)) == expected_keys
    assert {"shanxiaodong", "sxd", "danxiaodong"} <= expected_keys
    assert (member.sex, member.birth_date, member.relation, member.education) == (
        "male" if int(head_id[16]) % 2 else "female",
        dt.date(1960, 1, 2),
        "head",
        "junior",
    )
    assert member.id_number_index == hs.seal_id_number(head_id)[1].index


def test_reimport_changes_nothing_and_says_so(town_officer, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", two_households())
    run(town_officer, path)
    before = list(Member.objects.values_list("id", "updated_at", "id_number_cipher"))
    again = run(town_officer, path).job
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert (again.households_created, again.households_updated) == (0, 0)
    assert list(Member.objects.values_list("id", "updated_at", "id_number_cipher")) == before
    assert Household.objects.count() == 2
    events = AuditEvent.objects.filter(
        action=AuditAction.IMPORT, object_type="imports.ImportJob"
    ).order_by("id")
    assert [e.changes["unchanged"] for e in events] == [0, 3]


def test_changed_rows_update_the_records(town_officer, tmp_path):
    rows = two_households()
    run(town_officer, write_xlsx(tmp_path / "a.xlsx", rows))
    rows[0]["户类别"] = rows[1]["户类别"] = "脱贫户"
    rows[1]["文化程度"] = "高中"
    rows[2]["联系电话"] = "0938-8212345"
    job = run(town_officer, write_xlsx(tmp_path / "b.xlsx", rows)).job
    assert (job.created, job.updated, job.unchanged) == (0, 3, 0)
    assert job.households_updated == 3 - 1
    wang = Household.objects.get(number="6205221042000101")
    assert wang.category == "exited"
    assert wang.members.get(relation="spouse").education == "senior"
    assert Household.objects.get(number="6205221042000102").phone_masked == "0938***2345"


def test_new_head_demotes_the_old_one(town_officer, tmp_path):
    rows = two_households()
    run(town_officer, write_xlsx(tmp_path / "a.xlsx", rows))
    son = person("6205221042000101", "王小明", 与户主关系="户主")
    del rows[0]
    rows[0]["与户主关系"] = "配偶"
    job = run(town_officer, write_xlsx(tmp_path / "b.xlsx", [son, rows[0]])).job
    assert job.rejected == 0
    wang = Household.objects.get(number="6205221042000101")
    assert wang.head_name == "王小明"
    assert wang.member_count == 3
    assert wang.members.get(name="王建祥").relation == "other"
    assert "wxm" in set(wang.search_keys.values_list("key", flat=True))
    assert "wjx" not in set(wang.search_keys.values_list("key", flat=True))


def test_bad_rows_each_give_row_column_and_message(town_officer, admin_user, tmp_path):
    taken = hf.household(actor=admin_user, number="OLD-1")
    taken_id = taken.members.get().reveal_id_number()
    good_id = hf.id_number(birth=dt.date(1980, 2, 3))
    bad_checksum = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    rows = [
        person("H1", "甲", id_number=bad_checksum),  # 4
        person("H2", "乙", 与户主关系="舅舅"),  # 5
        person("H3", "丙", 联系电话="12345678901"),  # 6
        person("H4", "丁", 村代码="620522104000"),  # 7: a township
        person("H5", "戊", id_number=taken_id),  # 8: in another household
        person("H6", "己"),  # 9
        person("H6", "庚"),  # 10: second head
        person("H7", "辛", "配偶"),  # 11: no head
        person("H8", "壬", id_number=good_id),  # 12
        person("H9", "癸", id_number=good_id),  # 13: same ID twice
        person("H10", "子", 民族="火星族", 出生日期="1901-01-01"),  # 14
        person("H11", "丑", "户主"),  # 15
        person("H11", "寅", "子", 户类别="一般户"),  # 16: household column differs
        person("H12", "卯", 性别="不详"),  # 17
    ]
    result = run(town_officer, write_xlsx(tmp_path / "bad.xlsx", rows))
    found = problems(result)
    expected = [
        (4, "身份证号", zh(ID_CHECKSUM)),
        (5, "与户主关系", zh(hs.CHOICE_INVALID, value="舅舅", field="与户主关系")),
        (6, "联系电话", zh(PHONE_INVALID, value="123****8901")),
        (7, "村代码", zh(hs.HOUSEHOLD_VILLAGE_LEVEL, name="郭嘉镇", code="620522104000",
                         level=zh(Level.TOWNSHIP.label))),
        (8, "身份证号", zh(hs.MEMBER_DUPLICATE, masked=mask_id(taken_id), number="OLD-1",
                          village="暖泉村")),
        (10, "与户主关系", zh(hs.MEMBER_HEAD_EXISTS, name="己")),
        (11, "与户主关系", zh(s.HOUSEHOLD_NO_HEAD, number="H7")),
        (13, "身份证号", zh(s.ID_REPEATED, row=12)),
        (14, "民族", zh(hs.ETHNICITY_INVALID, value="火星族")),
        (16, "户类别", zh(s.HOUSEHOLD_VALUE_DIFFERS, value="贫困户")),
        (17, "性别", zh(hs.CHOICE_INVALID, value="不详", field="性别")),
    ]  # fmt: skip
    for item in expected:
        assert item in found, item
    birth = [p for p in found if p[0] == 14 and p[1] == "出生日期"]
    assert birth and "1901-01-01" in birth[0][2]
    assert (9, "户编号", zh(s.HOUSEHOLD_REJECTED, rows="10")) in found
    assert (15, "户编号", zh(s.HOUSEHOLD_REJECTED, rows="16")) in found
    assert result.job.created == 1  # H8 only: H12 has a bad sex
    assert set(Household.objects.values_list("number", flat=True)) == {"OLD-1", "H8"}


def test_float_id_cell_is_refused_with_the_format_as_text_hint(town_officer, tmp_path):
    rows = [person("H1", "甲")]
    result = run(town_officer, write_xlsx(tmp_path / "f.xlsx", rows, float_ids=True))
    assert problems(result) == [(4, "身份证号", zh(s.ID_FLOAT_CELL))]
    assert not Household.objects.exists()


def test_all_or_nothing_leaves_nothing_on_any_error(town_officer, tmp_path):
    rows = [*two_households(), person("H9", "甲", 与户主关系="舅舅")]
    result = run(town_officer, write_xlsx(tmp_path / "a.xlsx", rows), ImportMode.ALL)
    assert result.job.status == ImportStatus.REFUSED
    assert result.job.rejected == 1
    assert not Household.objects.exists() and not Member.objects.exists()
    assert not AuditEvent.objects.filter(
        action=AuditAction.IMPORT, object_type="imports.ImportJob"
    ).exists()
    assert ImportJob.objects.get().status == ImportStatus.REFUSED


def test_all_or_nothing_imports_a_clean_file(town_officer, tmp_path):
    result = run(town_officer, write_xlsx(tmp_path / "a.xlsx", two_households()), ImportMode.ALL)
    assert result.job.status == ImportStatus.DONE
    assert Household.objects.count() == 2


def test_validate_only_writes_nothing_but_counts(town_officer, tmp_path):
    result = run(town_officer, write_xlsx(tmp_path / "a.xlsx", two_households()), "validate")
    assert (result.job.status, result.job.created, result.job.rows_written) == (
        ImportStatus.CHECKED,
        3,
        0,
    )
    assert not Household.objects.exists()
    assert not AuditEvent.objects.filter(
        action=AuditAction.IMPORT, object_type="imports.ImportJob"
    ).exists()


def test_out_of_scope_village_is_refused_like_an_unknown_one(other_town_officer, tmp_path):
    rows = [person("H1", "甲", 村代码=NUANQUAN), person("H2", "乙", 村代码="620522104999")]
    result = run(other_town_officer, write_xlsx(tmp_path / "a.xlsx", rows))
    assert problems(result) == [
        (4, "村代码", zh(REGION_NOT_FOUND, code=NUANQUAN)),
        (5, "村代码", zh(REGION_NOT_FOUND, code="620522104999")),
    ]
    assert not Household.objects.exists()


def test_existing_household_outside_scope_is_a_taken_number(
    other_town_officer, admin_user, tmp_path
):
    hf.household(actor=admin_user, number="OLD-1")
    rows = [person("OLD-1", "甲", 村代码=LONGCHENG_VILLAGE)]
    result = run(other_town_officer, write_xlsx(tmp_path / "a.xlsx", rows))
    assert (4, "户编号", zh(hs.HOUSEHOLD_NUMBER_TAKEN, number="OLD-1")) in problems(result)


def test_household_cannot_move_village(town_officer, tmp_path):
    run(town_officer, write_xlsx(tmp_path / "a.xlsx", [person("H1", "甲")]))
    moved = [person("H1", "甲", 村代码=HUAIMIAO)]
    result = run(town_officer, write_xlsx(tmp_path / "b.xlsx", moved))
    assert problems(result) == [
        (4, "村代码", zh(s.HOUSEHOLD_VILLAGE_CHANGED, number="H1", village="暖泉村"))
    ]


def test_readers_and_viewers_cannot_import(viewer, tmp_path):
    with pytest.raises(Forbidden):
        run(viewer, write_xlsx(tmp_path / "a.xlsx", two_households()))
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_imports(town_officer, tmp_path, encoding):
    path = write_csv(tmp_path / "a.csv", two_households(), encoding=encoding)
    job = run(town_officer, path).job
    assert (job.created, job.rejected) == (3, 0)
    assert Household.objects.get(number="6205221042000101").head_name == "王建祥"


def test_full_width_digits_and_labels(town_officer, tmp_path):
    row = person("H1", "甲")
    row["身份证号"] = row["身份证号"].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    row["联系电话"] = "１３８１２３４５６７８"
    # A label with full-width brackets reads back in NFKC form, with ASCII ones.
    row["文化程度"] = "中专（中职）"
    job = run(town_officer, write_xlsx(tmp_path / "a.xlsx", [row])).job
    assert job.created == 1
    assert Household.objects.get().phone_masked == "138****5678"
    assert Member.objects.get().education == Education.VOCATIONAL


def test_rows_of_a_household_must_follow_each_other(town_officer, tmp_path):
    rows = [person("H1", "甲"), person("H2", "乙"), person("H1", "丙", "配偶")]
    result = run(town_officer, write_xlsx(tmp_path / "a.xlsx", rows))
    assert problems(result) == [(6, "户编号", zh(s.HOUSEHOLD_ROWS_APART, number="H1", row=4))]
    assert result.job.created == 2


def test_chunks_never_split_a_household(town_officer, tmp_path, monkeypatch):
    monkeypatch.setattr(s, "CHUNK_ROWS", 2)
    rows = [person("H1", "甲"), person("H1", "乙", "配偶"), person("H1", "丙", "儿子")]
    rows += [person("H2", "丁"), person("H3", "戊")]
    seen = []
    result = s.household_import(
        actor=town_officer,
        path=write_xlsx(tmp_path / "a.xlsx", rows),
        progress=lambda job: seen.append(job.rows_written),
    )
    assert result.job.created == 5
    assert seen == [3, 5]
    assert Household.objects.get(number="H1").member_count == 3


def test_template_round_trips(town_officer, tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0).to_python()
    assert sheet[1] == list(HEADERS)
    assert "户主" in str(book.get_sheet_by_index(1).to_python())
    assert "贫困户" in str(book.get_sheet_by_index(1).to_python())
    assert list(read_rows(path, required=REQUIRED_HEADERS, expected=HEADERS)) == []
    filled = write_xlsx(tmp_path / "filled.xlsx", two_households())
    assert run(town_officer, filled).job.created == 3


def test_error_report_has_row_column_message_and_values(town_officer, tmp_path):
    rows = [person("H1", "甲", 与户主关系="舅舅")]
    result = run(town_officer, write_xlsx(tmp_path / "a.xlsx", rows))
    path = write_error_report(result.problems, tmp_path / "errors.xlsx")
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == [zh(REPORT_ROW), zh(REPORT_COLUMN), zh(REPORT_MESSAGE), "村代码"]
    assert sheet[1][0] == 4
    assert sheet[1][1] == "与户主关系"
    assert "舅舅" in sheet[1][2]
    assert sheet[1][3 + HEADERS.index("姓名")] == "甲"


def test_cli_import_prints_progress_counts_and_writes_errors(town_officer, tmp_path, capsys):
    path = write_xlsx(tmp_path / "a.xlsx", [*two_households(), person("H9", "甲", 与户主关系="舅")])
    call_command("import", str(path), "--kind", "households", "--user", "guojia",
                 "--errors", str(tmp_path / "e.xlsx"))  # fmt: skip
    out = capsys.readouterr().out
    assert "rows/s" in out
    assert (tmp_path / "e.xlsx").exists()
    call_command("import", str(path), "--user", "guojia")
    assert zh(s.IMPORT_OUTCOME, created=0, updated=0, unchanged=3, rejected=1) in (
        capsys.readouterr().out
    )


def test_cli_template(tmp_path):
    call_command("template", "households", "--out", str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").exists()


_REAL_PROCESS_CHUNK = s._process_chunk


def _crash_on_chunk(monkeypatch, number: int) -> None:
    """Make the import die while writing its `number`th chunk, as a killed process would."""
    real = s._process_chunk
    calls = iter(range(1, 10_000))

    def process(state, groups):
        if next(calls) == number:
            raise RuntimeError("killed")
        real(state, groups)

    monkeypatch.setattr(s, "_process_chunk", process)


def test_interrupted_import_resumes_from_the_checkpoint_once_audited(
    town_officer, tmp_path, monkeypatch
):
    from shuanglian.imports.tests.files import generated_rows

    monkeypatch.setattr(s, "CHUNK_ROWS", 10)
    rows = generated_rows(60, seed=5)
    path = write_csv(tmp_path / "a.csv", rows)
    _crash_on_chunk(monkeypatch, 3)
    with pytest.raises(RuntimeError):
        run(town_officer, path)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and job.checkpoint_row > 0
    done_before = job.created
    assert Member.objects.count() == done_before > 0
    monkeypatch.setattr(s, "_process_chunk", _REAL_PROCESS_CHUNK)

    result = run(town_officer, path)
    assert result.resumed_from == job.checkpoint_row
    assert result.job.pk == job.pk
    assert (result.job.status, result.job.created, result.job.rows_read) == (
        ImportStatus.DONE, 60, 60,
    )  # fmt: skip
    assert Member.objects.count() == 60
    assert zh(s.IMPORT_RESUMED, row=job.checkpoint_row) in result.job.message
    assert Household.objects.count() == len({row["户编号"] for row in rows})
    [event] = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_type="imports.ImportJob")
    assert event.changes["created"] == 60
    # Finished: the same file again is a new run that changes nothing.
    again = run(town_officer, path)
    assert (again.resumed_from, again.job.unchanged, again.changed) == (0, 60, False)


def test_a_fresh_job_for_a_half_done_file_takes_over_its_checkpoint(
    town_officer, tmp_path, monkeypatch
):
    from shuanglian.imports.tests.files import generated_rows

    monkeypatch.setattr(s, "CHUNK_ROWS", 10)
    path = write_csv(tmp_path / "a.csv", generated_rows(40, seed=6))
    _crash_on_chunk(monkeypatch, 2)
    with pytest.raises(RuntimeError):
        run(town_officer, path)
    monkeypatch.setattr(s, "_process_chunk", _REAL_PROCESS_CHUNK)
    earlier = ImportJob.objects.get()
    fresh = ImportJob.objects.create(
        user=town_officer, username="guojia", file_name="a.csv", kind="households", mode="valid"
    )
    result = s.household_import(actor=town_officer, path=path, mode="valid", job=fresh)
    assert result.job.pk == fresh.pk and result.resumed_from == earlier.checkpoint_row > 0
    assert (result.job.created, Member.objects.count()) == (40, 40)
    earlier.refresh_from_db()
    assert earlier.status == ImportStatus.FAILED


def test_a_large_import_refreshes_the_planner_statistics(town_officer, tmp_path, monkeypatch):
    refreshed = []
    monkeypatch.setattr(s, "ANALYZE_AFTER_ROWS", 3)
    monkeypatch.setattr(s, "_refresh_statistics", lambda tables: refreshed.append(True))
    path = write_xlsx(tmp_path / "a.xlsx", two_households())
    run(town_officer, path)
    assert refreshed == [True]
    run(town_officer, path)  # nothing written the second time: nothing to refresh
    assert refreshed == [True]


def test_refreshing_statistics_runs_on_either_database(db):
    s._refresh_statistics()
