import pytest

from shuanglian.core.chinese import pinyin_keys, short_region_name


def test_full_pinyin_and_initials():
    assert pinyin_keys("李爱仙") >= {"liaixian", "lax"}


@pytest.mark.parametrize(
    ("name", "surname_reading", "other_reading"),
    [
        ("单雄信", "shanxiongxin", "danxiongxin"),
        ("曾国藩", "zengguofan", "cengguofan"),
        ("仇英", "qiuying", "chouying"),
        ("解缙", "xiejin", "jiejin"),
        ("翟小平", "zhaixiaoping", "dixiaoping"),
        ("贠建国", "yunjianguo", "yuanjianguo"),
    ],
)
def test_surname_table_reading_and_heteronym_are_both_indexed(name, surname_reading, other_reading):
    keys = pinyin_keys(name)
    assert surname_reading in keys
    assert other_reading in keys


def test_compound_surname_initials_per_character():
    assert "zswj" in pinyin_keys("长孙无忌")


def test_u_umlaut_written_as_v():
    assert "lvfang" in pinyin_keys("吕芳")


@pytest.mark.parametrize(
    ("official", "short"),
    [
        ("暖泉村民委员会", "暖泉村"),
        ("白道坪村村民委员会", "白道坪村"),
        ("忠和村委会", "忠和村"),
        ("畅家巷社区居委会", "畅家巷社区"),
        ("东关居民委员会", "东关社区"),
        ("郭嘉镇", "郭嘉镇"),
        ("甘肃农垦集团虚拟生活区", "甘肃农垦集团虚拟生活区"),
    ],
)
def test_short_region_names(official, short):
    assert short_region_name(official) == short
