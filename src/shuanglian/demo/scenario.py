"""The Guojia town scenario: who was paired with which village, from a 2012 report of 郭嘉镇.

The report calls them 郭嘉镇's 18 member units but lists 19 names; all 19 are kept. The report
names the units, not their villages (except that schools help the villages they stand in), so the
other villages are dealt out here: every village of 郭嘉镇 gets one lead unit; the county-level
units take two villages each, the town's own units one or two, and the two units from outside the
county one each (槐庙村, 暖泉村), so that the 35 villages come out even and every poor household can
have a cadre of a unit paired with its village.
"""

from dataclasses import dataclass

from shuanglian.units.models import CadreRank, UnitKind, UnitLevel

QINAN = "620522000000"  # 秦安县
GUOJIA = "620522104000"  # 郭嘉镇
LONGCHENG = "620522103000"  # 陇城镇
TIANSHUI = "620500000000"  # 天水市
LANZHOU_CHENGGUAN = "620102000000"  # 兰州市城关区, where 兰州城市学院 stands
GUOJIA_VILLAGES = 35
XUANCHUAN = "县委宣传部"  # the demo unit administrator's unit


@dataclass(frozen=True)
class Person:
    name: str
    position: str
    rank: str


@dataclass(frozen=True)
class UnitSpec:
    name: str
    short_name: str
    kind: str
    level: str
    home_region: str
    # (village code, expected short name): the name guards against a region file that numbers
    # villages differently (NBS and MCA codes differ inside 秦安县).
    villages: tuple[tuple[str, str], ...]
    people: tuple[Person, ...] = ()
    # The unit's leader, when the report names one; otherwise the first generated cadre leads.
    leader: Person | None = None


LI_AIXIAN = Person("李爱仙", "县委常委、宣传部长", CadreRank.DIVISION)
WANG_JIANXIANG = Person("王建祥", "县委宣传部副部长、文明办主任", CadreRank.SECTION)
SHAO_WEIJI = Person("邵维基", "县人大常委会副主任", CadreRank.DIVISION)
SUN_WANGKUI = Person("孙旺奎", "郭嘉镇党委书记", CadreRank.SECTION)

PARTY = UnitKind.PARTY_GOVERNMENT
COUNTY = UnitLevel.COUNTY
TOWNSHIP = UnitLevel.TOWNSHIP

GUOJIA_UNITS = (
    UnitSpec(
        "中共秦安县委宣传部",
        "县委宣传部",
        PARTY,
        COUNTY,
        QINAN,
        (("620522104208", "瓦坪村"), ("620522104210", "胥堡村")),
        (LI_AIXIAN,),
        LI_AIXIAN,
    ),
    UnitSpec(
        "秦安县精神文明建设委员会办公室",
        "县文明办",
        PARTY,
        COUNTY,
        QINAN,
        (("620522104211", "勿垛村"), ("620522104215", "马峡村")),
        (WANG_JIANXIANG,),
        WANG_JIANXIANG,
    ),
    UnitSpec(
        "秦安县文化广播影视局",
        "县文广局",
        PARTY,
        COUNTY,
        QINAN,
        (("620522104216", "宋沟村"), ("620522104219", "高崖村")),
    ),
    UnitSpec(
        "秦安县教育体育局",
        "县教体局",
        PARTY,
        COUNTY,
        QINAN,
        (("620522104220", "车坪村"), ("620522104221", "西山村")),
    ),
    UnitSpec(
        "秦安县民政局",
        "县民政局",
        PARTY,
        COUNTY,
        QINAN,
        (("620522104222", "上川村"), ("620522104223", "朱湾村")),
    ),
    UnitSpec(
        "秦安县果业局",
        "县果业局",
        PARTY,
        COUNTY,
        QINAN,
        (("620522104224", "邵沟村"), ("620522104225", "张河村")),
    ),
    UnitSpec(
        "秦安县农业技术推广中心",
        "县农技中心",
        UnitKind.OTHER,
        COUNTY,
        QINAN,
        (("620522104227", "刘湾村"), ("620522104228", "陈沟村")),
    ),
    UnitSpec(
        "秦安县供销合作社联合社",
        "县供销联社",
        UnitKind.OTHER,
        COUNTY,
        QINAN,
        (("620522104229", "把龙村"), ("620522104230", "月阳村")),
    ),
    UnitSpec(
        "秦安县妇幼保健院",
        "县妇幼保健院",
        UnitKind.HEALTH,
        COUNTY,
        QINAN,
        (("620522104231", "硬洼村"), ("620522104232", "段坡村")),
    ),
    UnitSpec(
        "秦安县郭嘉镇人民政府",
        "郭嘉镇政府",
        PARTY,
        TOWNSHIP,
        GUOJIA,
        (("620522104201", "郭嘉村"), ("620522104241", "邵咀村")),
        (SUN_WANGKUI,),
        SUN_WANGKUI,
    ),
    UnitSpec(
        "秦安县郭嘉中学",
        "郭嘉中学",
        UnitKind.SCHOOL,
        TOWNSHIP,
        GUOJIA,
        (("620522104202", "下山村"),),
    ),
    UnitSpec(
        "秦安县吊湾中学",
        "吊湾中学",
        UnitKind.SCHOOL,
        TOWNSHIP,
        GUOJIA,
        (("620522104226", "吊湾村"),),
    ),
    UnitSpec(
        "秦安县槐川中学",
        "槐川中学",
        UnitKind.SCHOOL,
        TOWNSHIP,
        GUOJIA,
        (("620522104242", "槐川村"),),
    ),
    UnitSpec(
        "秦安县寺咀中学",
        "寺咀中学",
        UnitKind.SCHOOL,
        TOWNSHIP,
        GUOJIA,
        (("620522104237", "寺咀村"),),
    ),
    UnitSpec(
        "秦安县郭嘉镇卫生院",
        "郭嘉卫生院",
        UnitKind.HEALTH,
        TOWNSHIP,
        GUOJIA,
        (("620522104204", "耀子村"),),
    ),
    UnitSpec(
        "中国建设银行秦安支行",
        "县建行",
        UnitKind.FINANCE,
        COUNTY,
        QINAN,
        (("620522104233", "胡河村"), ("620522104234", "蔚川村")),
    ),
    UnitSpec(
        "秦安县郭嘉镇学区",
        "郭嘉镇学区",
        UnitKind.SCHOOL,
        TOWNSHIP,
        GUOJIA,
        (("620522104205", "刘沟村"), ("620522104243", "邵堡村")),
    ),
    UnitSpec(
        "秦安县律师事务所",
        "律师事务所",
        UnitKind.ENTERPRISE,
        COUNTY,
        QINAN,
        (("620522104235", "孙坡村"), ("620522104236", "洛泉村")),
    ),
    UnitSpec(
        "中国人寿保险股份有限公司秦安县支公司",
        "县人寿保险公司",
        UnitKind.FINANCE,
        COUNTY,
        QINAN,
        (("620522104239", "贠王村"), ("620522104240", "元川村")),
    ),
)

OUTSIDE_UNITS = (
    UnitSpec(
        "兰州城市学院",
        "兰州城市学院",
        UnitKind.UNIVERSITY,
        UnitLevel.PROVINCE,
        LANZHOU_CHENGGUAN,
        (("620522104238", "槐庙村"),),
    ),
    UnitSpec(
        "天水市人民代表大会常务委员会",
        "天水市人大",
        UnitKind.CONGRESS,
        UnitLevel.CITY,
        TIANSHUI,
        (("620522104200", "暖泉村"),),
    ),
)

# Not in the report's list of member units: 邵维基 attended as the county leader who keeps in touch
# with 郭嘉镇 (联系领导); his unit has no village of its own there.
EXTRA_UNITS = (
    UnitSpec(
        "秦安县人民代表大会常务委员会",
        "县人大常委会",
        UnitKind.CONGRESS,
        COUNTY,
        QINAN,
        (),
        (SHAO_WEIJI,),
        SHAO_WEIJI,
    ),
)

# A second township of the county, smaller, so that a town officer's scope can be seen.
LONGCHENG_UNITS = (
    UnitSpec(
        "秦安县水务局",
        "县水务局",
        PARTY,
        COUNTY,
        QINAN,
        (("620522103200", "常营村"), ("620522103201", "张湾村")),
    ),
    UnitSpec(
        "秦安县陇城镇人民政府",
        "陇城镇政府",
        PARTY,
        TOWNSHIP,
        LONGCHENG,
        (("620522103215", "娲皇村"),),
    ),
)

ALL_UNITS = GUOJIA_UNITS + OUTSIDE_UNITS + EXTRA_UNITS + LONGCHENG_UNITS

# Positions of generated cadres by unit kind, the most senior first.
POSITIONS = {
    UnitKind.PARTY_GOVERNMENT: ("副局长", "办公室主任", "股长", "副股长", "科员", "干事"),
    UnitKind.SCHOOL: ("副校长", "教导主任", "总务主任", "班主任", "教师", "教师"),
    UnitKind.HEALTH: ("副院长", "医务科主任", "医生", "护士长", "医生", "护士"),
    UnitKind.FINANCE: ("副行长", "部门经理", "客户经理", "客户经理", "柜员", "业务员"),
    UnitKind.ENTERPRISE: ("主任", "合伙人", "律师", "律师", "律师助理", "行政"),
    UnitKind.UNIVERSITY: ("副院长", "教授", "副教授", "讲师", "讲师", "辅导员"),
    UnitKind.CONGRESS: ("秘书长", "办公室主任", "工委主任", "科长", "科员", "科员"),
    UnitKind.OTHER: ("副主任", "站长", "高级农艺师", "农艺师", "技术员", "干事"),
}
TOWNSHIP_POSITIONS = ("副镇长", "党委委员", "人大主席", "包村干部", "计生专干", "科员")


def senior_rank(level: str) -> str:
    """The rank of a unit's deputy head: a province's is bureau level, a county's section."""
    return {
        UnitLevel.PROVINCE: CadreRank.BUREAU,
        UnitLevel.CITY: CadreRank.DIVISION,
        UnitLevel.COUNTY: CadreRank.SECTION,
        UnitLevel.TOWNSHIP: CadreRank.SECTION,
    }[level]


# The 郭嘉镇 双联 progress meeting of 14 August 2012 (推进会), from the town's report.
@dataclass(frozen=True)
class SpeakerSpec:
    name: str
    post: str
    summary: str


MEETING_2012 = {
    "title": "郭嘉镇“联村联户、为民富民”行动推进会",
    "held_on": (2012, 8, 14),
    "presiding": "王建祥（县委宣传部副部长、文明办主任）",
    "agenda": (
        "一、孙旺奎同志通报全省、全市、全县及郭嘉镇双联行动进展情况\n"
        "二、各联系单位负责人汇报联村联户工作\n"
        "三、邵维基同志讲话\n"
        "四、李爱仙同志讲话\n"
        "五、现场观摩槐庙村、暖泉村村级综合文化活动中心"
    ),
    "speakers": (
        SpeakerSpec(
            "孙旺奎",
            "郭嘉镇党委书记",
            "通报全省、全市、全县及郭嘉镇双联行动的进展情况。",
        ),
        SpeakerSpec("邵维基", "县人大常委会副主任", "就扎实推进双联行动提出要求。"),
        SpeakerSpec(
            "李爱仙",
            "县委常委、宣传部长",
            "提出四点要求：把双联行动与产业开发相结合，与基础设施建设相结合，"
            "与教育农民、维护社会稳定相结合，与基层组织建设和“效能风暴”行动相结合。",
        ),
    ),
    # Site-visit stops: the village cultural activity centres built with the outside units' help.
    "stops": (
        ("620522104238", "兰州城市学院"),  # 槐庙村
        ("620522104200", "天水市人大"),  # 暖泉村
    ),
}
