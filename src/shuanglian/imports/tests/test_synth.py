import csv
import datetime as dt
import itertools
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from shuanglian.conftest import GUOJIA
from shuanglian.core.idcard import parse_id
from shuanglian.imports import synth
from shuanglian.imports.layouts import HEADERS
from shuanglian.imports.models import ImportMode, ImportStatus
from shuanglian.imports.services import household_import
from shuanglian.regions.loading import SHIPPED_FILE, read_shipped

GUOJIA_PREFIX = GUOJIA[:9]


def rows_of(path):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == HEADERS
        return [dict(zip(HEADERS, row, strict=True)) for row in reader]


@pytest.fixture(scope="module")
def province_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    result = synth.write_synth(households=400, out=out, seed=7)
    return result


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path, province_file):
    again = synth.write_synth(households=400, out=tmp_path / "again", seed=7)
    other = synth.write_synth(households=400, out=tmp_path / "other", seed=8)
    first = province_file.csv.read_bytes()
    assert again.csv.read_bytes() == first
    assert again.incomes.read_bytes() == province_file.incomes.read_bytes()
    assert other.csv.read_bytes() != first


def test_households_file_does_not_depend_on_the_incomes_file(tmp_path, province_file):
    bare = synth.write_synth(households=400, out=tmp_path, seed=7, incomes=False)
    assert bare.incomes is None
    assert bare.csv.read_bytes() == province_file.csv.read_bytes()


def test_ids_are_valid_unique_and_agree_with_birth_date_and_sex(province_file):
    rows = rows_of(province_file.csv)
    assert len(rows) == province_file.members
    ids = [row["身份证号"] for row in rows]
    assert len(set(ids)) == len(ids)
    for row in rows:
        parsed = parse_id(row["身份证号"])  # raises on a wrong check character or date
        assert parsed.birth_date == dt.date.fromisoformat(row["出生日期"])
        assert row["性别"] == ("男" if parsed.sex == "male" else "女")
        assert row["身份证号"][:6] == row["村代码"][:6]  # issued in the village's county


def test_households_are_whole_with_one_head_first_and_plausible_ages(province_file):
    rows = rows_of(province_file.csv)
    households = defaultdict(list)
    order = []
    for row in rows:
        if row["户编号"] not in households:
            order.append(row["户编号"])
        households[row["户编号"]].append(row)
    assert len(households) == 400
    # Each household's rows follow each other.
    assert [row["户编号"] for row in rows] == [n for n in order for _ in households[n]]
    sizes = Counter(len(members) for members in households.values())
    assert set(sizes) <= set(range(1, 8))
    assert len(sizes) >= 4
    for members in households.values():
        assert [m["与户主关系"] for m in members].count("户主") == 1
        assert members[0]["与户主关系"] == "户主"
        assert members[0]["户类别"]
        head_birth = dt.date.fromisoformat(members[0]["出生日期"])
        for member in members:
            birth = dt.date.fromisoformat(member["出生日期"])
            if member["与户主关系"] in ("之子", "之女"):
                assert birth > head_birth
            if member["与户主关系"] in ("之孙子", "之孙女"):
                assert (birth - head_birth).days > 30 * 365
            if member["与户主关系"] in ("之父", "之母"):
                assert birth < head_birth


def test_village_codes_are_real_villages_of_the_province(province_file):
    villages = {row.code for row in read_shipped(SHIPPED_FILE, "62") if row.level == "village"}
    used = {row["村代码"] for row in rows_of(province_file.csv)}
    assert used <= villages
    assert len(used) > 100  # spread over the province, not piled into one village


def test_names_are_chinese_and_surnames_follow_the_frequency_table(province_file):
    rows = rows_of(province_file.csv)
    assert all(2 <= len(row["姓名"]) <= 4 and not row["姓名"].isascii() for row in rows)
    surnames = Counter(row["姓名"][0] for row in rows if row["与户主关系"] == "户主")
    common = {name for name, _ in surnames.most_common(5)}
    assert common & {"王", "李", "张", "刘", "陈", "杨"}


def test_counts_add_up_across_villages():
    villages = synth.province_villages("62", GUOJIA_PREFIX)
    assert len(villages) == 35
    counts = synth.village_counts(synth.random.Random(1), villages, 1000)
    assert sum(counts) == 1000
    assert max(counts) > min(counts)  # villages differ in size


def test_county_ids_stay_unique_past_500_people_born_the_same_day():
    ids = synth.CountyIds()
    day = dt.date(1980, 3, 1)
    numbers = [ids.issue("620522", day, "male") for _ in range(1200)]
    assert len(set(numbers)) == 1200
    births = {parse_id(number).birth_date for number in numbers}
    assert births == {day, day - dt.timedelta(days=1), day - dt.timedelta(days=2)}
    assert all(parse_id(number).sex == "male" for number in numbers)


def test_synth_file_imports_with_nothing_rejected(admin_user, tmp_path):
    result = synth.write_synth(
        households=60, out=tmp_path, region=GUOJIA_PREFIX, seed=3, formats=("csv", "xlsx")
    )
    imported = household_import(actor=admin_user, path=result.csv)
    job = imported.job
    assert imported.problems == []
    assert (job.status, job.rejected) == (ImportStatus.DONE, 0)
    assert (job.created, job.households_created) == (result.members, 60)
    # The xlsx carries the same rows: validated against the database, all already there.
    [xlsx] = result.xlsx
    checked = household_import(actor=admin_user, path=xlsx, mode=ImportMode.VALIDATE)
    assert checked.problems == []
    assert (checked.job.rows_read, checked.job.unchanged) == (result.members, result.members)


def test_xlsx_has_the_title_row_headers_and_text_ids(tmp_path):
    result = synth.write_synth(
        households=20, out=tmp_path, region=GUOJIA_PREFIX, formats=("xlsx",), incomes=False
    )
    assert result.csv is None
    rows = CalamineWorkbook.from_path(str(result.xlsx[0])).get_sheet_by_index(0).to_python()
    assert tuple(rows[1]) == HEADERS
    assert all(isinstance(row[8], str) and len(row[8]) == 18 for row in rows[2:])
    assert len(rows) - 2 == result.members


def test_xlsx_splits_into_parts_that_keep_households_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "XLSX_MAX_ROWS", 50)
    result = synth.write_synth(
        households=40, out=tmp_path, region=GUOJIA_PREFIX, formats=("csv", "xlsx")
    )
    assert len(result.xlsx) >= 3
    assert result.xlsx[0].name == "households-001.xlsx"
    numbers, total = [], 0
    for part in result.xlsx:
        rows = CalamineWorkbook.from_path(str(part)).get_sheet_by_index(0).to_python()[2:]
        assert len(rows) <= 50
        numbers.append({row[1] for row in rows})
        total += len(rows)
    assert total == result.members
    for first, second in itertools.pairwise(numbers):
        assert not first & second


def test_command_writes_files_with_progress(tmp_path, capsys):
    call_command(
        "synth", households=30, province="62", region=GUOJIA_PREFIX, out=tmp_path, seed=1,
        format="both",
    )  # fmt: skip
    output = capsys.readouterr().out
    assert "households/s" in output
    assert "Wrote 30 households" in output
    assert {p.name for p in tmp_path.iterdir()} == {
        "households.csv",
        "households.xlsx",
        "incomes.csv",
        "manifest.json",
    }
    incomes = list(csv.reader((tmp_path / "incomes.csv").open(encoding="utf-8")))
    assert tuple(incomes[0]) == synth.INCOME_HEADERS
    assert len(incomes) - 1 == 30 * 3
