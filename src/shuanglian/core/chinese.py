"""Chinese text: pinyin search keys for names, short names of village committees."""

import itertools
import re

from pypinyin import Style, pinyin

# Surnames whose everyday reading differs from the character's first dictionary reading. The
# surname reading goes first; the other readings are indexed too, since users type either.
SURNAME_READINGS = {
    "单": ("shan", "dan"),
    "曾": ("zeng", "ceng"),
    "仇": ("qiu", "chou"),
    "解": ("xie", "jie"),
    "朴": ("piao", "pu"),
    "区": ("ou", "qu"),
    "查": ("zha", "cha"),
    "盖": ("ge", "gai"),
    "贠": ("yun", "yuan"),
    "乐": ("yue", "le"),
    "缪": ("miao", "miu"),
    "覃": ("qin", "tan"),
    "翟": ("zhai", "di"),
    "尉": ("yu", "wei"),
    "秘": ("bi", "mi"),
    "召": ("shao", "zhao"),
    "种": ("chong", "zhong"),
    "繁": ("po", "fan"),
    "黑": ("he", "hei"),
    "句": ("gou", "ju"),
    "员": ("yun", "yuan"),
}
# Compound surnames, one reading per character.
COMPOUND_SURNAMES = {
    "万俟": ("mo", "qi"),
    "尉迟": ("yu", "chi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
}
# Heteronym combinations grow multiplicatively; a name with many polyphonic characters keeps the
# most likely readings only.
MAX_READINGS = 16


def _char_readings(text: str) -> list[list[str]]:
    readings = pinyin(text, style=Style.NORMAL, heteronym=True, errors=lambda s: [list(s)])
    out: list[list[str]] = []
    for options in readings:
        cleaned = []
        for option in options:
            word = option.lower().replace("ü", "v")
            if word and word not in cleaned:
                cleaned.append(word)
        out.append(cleaned[:3] or [""])
    return out


def name_readings(name: str) -> list[list[str]]:
    """Per syllable, the possible readings; the surname table fixes the first one."""
    name = "".join(name.split())
    for surname, syllables in COMPOUND_SURNAMES.items():
        if name.startswith(surname) and len(name) > len(surname):
            return [[syllable] for syllable in syllables] + _char_readings(name[len(surname) :])
    if name[:1] in SURNAME_READINGS:
        return [list(SURNAME_READINGS[name[0]]), *_char_readings(name[1:])]
    return _char_readings(name)


def pinyin_keys(name: str) -> set[str]:
    """Full pinyin and initials for each likely reading: 李爱仙 → {liaixian, lax}."""
    combos = itertools.islice(itertools.product(*name_readings(name)), MAX_READINGS)
    keys: set[str] = set()
    for combo in combos:
        keys.add("".join(combo))
        keys.add("".join(syllable[:1] for syllable in combo))
    keys.discard("")
    return keys


def is_latin_query(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]+", text))


_COMMITTEE_SUFFIXES = (
    ("村村民委员会", "村"),
    ("村民委员会", "村"),
    ("村村委会", "村"),
    ("村委会", "村"),
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
    ("街道办事处", "街道"),
)


def short_region_name(name: str) -> str:
    """暖泉村民委员会 → 暖泉村, 畅家巷社区居委会 → 畅家巷社区: what people say."""
    for suffix, replacement in _COMMITTEE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name
