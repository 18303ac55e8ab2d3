"""Made-up but plausible people of a Gansu village: names, ID numbers, families, incomes.

Everything is drawn from a `random.Random` seeded per household, so a household's plan depends
on its village and number only: a rerun, or a run with more households per village, plans the
same people for the households that already exist.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from shuanglian.core.idcard import build_id
from shuanglian.households.models import (
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

AREA = "620522"  # 秦安县

# Surname frequencies (per mille, roughly the national ranking, adjusted for Gansu: more 马, 杨,
# 魏, fewer southern names) plus surnames common around 秦安.
SURNAMES = {
    "王": 71, "李": 70, "张": 68, "刘": 54, "陈": 45, "杨": 40, "赵": 23, "黄": 12, "周": 17,
    "吴": 14, "徐": 12, "孙": 13, "胡": 12, "朱": 11, "高": 11, "林": 3, "何": 10, "郭": 12,
    "马": 20, "罗": 4, "梁": 8, "宋": 8, "郑": 6, "谢": 5, "韩": 7, "唐": 5, "冯": 6, "于": 5,
    "董": 6, "程": 5, "曹": 5, "袁": 5, "邓": 3, "许": 5, "沈": 2, "彭": 3, "吕": 6, "苏": 4,
    "卢": 4, "蒋": 3, "蔡": 5, "贾": 5, "丁": 4, "魏": 8, "薛": 4, "阎": 4, "潘": 3, "杜": 4,
    "汪": 6, "田": 4, "任": 4, "姜": 3, "范": 3, "石": 4, "姚": 3, "雷": 4, "段": 5, "常": 4,
    "武": 3, "乔": 2, "白": 3, "崔": 3, "康": 3, "秦": 3, "史": 3, "侯": 3, "邵": 4, "孟": 3,
    "牛": 4, "安": 4, "胥": 4, "贠": 3, "巩": 3, "苟": 3, "权": 3, "裴": 2, "蔺": 2, "令狐": 1,
}  # fmt: skip

# Given names by generation: what parents chose in each era.
MALE_NAMES = {
    1940: ("建国", "福生", "有才", "满仓", "长林", "天喜", "根生", "宝林", "永祥", "世明",
           "进财", "玉堂", "学礼", "正德", "占魁", "双喜", "金山", "保平", "存德", "守仁"),
    1965: ("建军", "卫东", "国强", "志刚", "东平", "红军", "文斌", "海军", "小平", "忠义",
           "勇", "军", "强", "平", "林", "斌", "俊", "涛", "彦明", "旺奎"),
    1985: ("伟", "鹏", "磊", "亮", "小龙", "晓东", "俊杰", "鹏飞", "宏伟", "志强", "伟伟",
           "海涛", "文博", "建华", "亚军", "永强", "浩", "刚", "兵", "瑞"),
    2005: ("子豪", "浩然", "宇轩", "博文", "嘉豪", "俊熙", "一鸣", "天佑", "明轩", "梓轩",
           "鑫", "昊", "子墨", "宇航", "皓轩", "沐阳", "奕辰", "锦程", "泽宇", "思远"),
}  # fmt: skip
FEMALE_NAMES = {
    1940: ("秀英", "桂兰", "玉梅", "凤英", "兰英", "桂英", "玉兰", "秀兰", "淑珍", "改花",
           "翠兰", "引弟", "存兰", "菊花", "巧莲", "金花", "爱仙", "彩凤", "月娥", "粉香"),
    1965: ("彩霞", "红梅", "丽萍", "秀琴", "小红", "春花", "玉霞", "爱琴", "淑芳", "红霞",
           "娟", "霞", "芳", "英", "萍", "琴", "梅", "燕", "兰", "莉"),
    1985: ("丽", "娟", "艳", "燕", "芳芳", "丽娟", "晓燕", "亚丽", "海燕", "春燕", "彩虹",
           "慧敏", "娜娜", "婷婷", "静", "敏", "雪", "丹", "倩", "蓉"),
    2005: ("欣怡", "梓涵", "雨萱", "诗涵", "可欣", "佳怡", "思琪", "子涵", "梦瑶", "雅琪",
           "一诺", "紫涵", "欣悦", "雨桐", "若曦", "语嫣", "佳琪", "心怡", "梦洁", "馨月"),
}  # fmt: skip

CHINESE_NUMERALS = "一二三四五六七八九十"
MOBILE_PREFIXES = ("133", "135", "137", "138", "139", "151", "153", "180", "181", "189", "199")

# Main poverty causes and how often each was recorded in Gansu's 2013–2014 registry (rough).
CAUSE_WEIGHTS = {
    PovertyCause.CAPITAL: 26,
    PovertyCause.SKILLS: 16,
    PovertyCause.ILLNESS: 14,
    PovertyCause.LABOUR: 9,
    PovertyCause.SCHOOLING: 8,
    PovertyCause.DISABILITY: 6,
    PovertyCause.TRANSPORT: 6,
    PovertyCause.WATER: 5,
    PovertyCause.LAND: 3,
    PovertyCause.DISASTER: 3,
    PovertyCause.MOTIVATION: 3,
    PovertyCause.OTHER: 1,
}
INCOME_YEARS = (2012, 2013, 2014)
# Per-capita net income (元) in 2012: (low, high, mode) of a triangular draw per category.
INCOME_2012 = {
    Category.POOR: (1400, 4000, 2300),
    Category.GENERAL: (3000, 9000, 4800),
    Category.DEMONSTRATION: (6000, 14000, 8500),
}


@dataclass
class PersonPlan:
    name: str
    relation: str
    sex: str
    birth_date: dt.date
    id_number: str = ""
    ethnicity: str = "汉族"
    education: str = ""
    school_status: str = ""
    health: str = Health.HEALTHY
    labour: str = ""
    work_status: str = ""

    def age(self, today: dt.date) -> int:
        years = today.year - self.birth_date.year
        return years - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))


@dataclass
class IncomePlan:
    year: int
    wage_income: Decimal
    business_income: Decimal
    property_income: Decimal
    transfer_income: Decimal
    production_cost: Decimal


@dataclass
class HouseholdPlan:
    number: str
    village: str
    address: str
    phone: str
    category: str
    poverty_cause_main: str
    poverty_cause_secondary: str
    members: list[PersonPlan]
    incomes: list[IncomePlan] = field(default_factory=list)

    @property
    def head(self) -> PersonPlan:
        return self.members[0]


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def village_surnames(village_short_name: str) -> dict[str, float]:
    """Villages are often named after their main clan (邵沟村, 孙坡村): that surname is common."""
    weights = dict(SURNAMES)
    clan = village_short_name[:1]
    if clan in weights:
        weights[clan] += sum(SURNAMES.values()) / 3
    return weights


def given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    pools = MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES
    era = max((year for year in pools if year <= birth_year), default=min(pools))
    return rng.choice(pools[era])


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def birth_date(rng: random.Random, age: int, today: dt.date) -> dt.date:
    """A birthday that makes the person `age` years old today."""
    latest = today.replace(year=today.year - age) if (today.month, today.day) != (2, 29) else None
    latest = latest or dt.date(today.year - age, 2, 28)
    return latest - dt.timedelta(days=rng.randrange(365))


class IdNumbers:
    """Hands out ID numbers that are valid, match birth and sex, and are never given twice."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def issue(self, rng: random.Random, birth: dt.date, sex: str) -> str:
        serial = rng.randrange(500) * 2 + (1 if sex == Sex.MALE else 0)
        for _ in range(500):
            number = build_id(AREA, birth, serial)
            if number not in self.used:
                self.used.add(number)
                return number
            serial = (serial + 2) % 1000
        raise RuntimeError(f"no ID numbers left for {birth}")


def _education(rng: random.Random, person: PersonPlan, age: int) -> None:
    """Education and school status follow age and the generation's schooling."""
    year = person.birth_date.year
    female = person.sex == Sex.FEMALE
    if age < 3:
        person.education, person.school_status = Education.PRESCHOOL, SchoolStatus.NOT_IN_SCHOOL
    elif age < 6:
        person.education, person.school_status = Education.PRESCHOOL, SchoolStatus.PRESCHOOL
    elif age < 12:
        person.education, person.school_status = Education.PRIMARY, SchoolStatus.PRIMARY
    elif age < 15:
        person.education, person.school_status = Education.JUNIOR, SchoolStatus.JUNIOR
    elif age < 18 and rng.random() < 0.75:
        kind = SchoolStatus.SENIOR if rng.random() < 0.7 else SchoolStatus.VOCATIONAL
        person.school_status = kind
        person.education = Education.SENIOR if kind == SchoolStatus.SENIOR else Education.VOCATIONAL
    elif 18 <= age < 23 and rng.random() < 0.35:
        person.education, person.school_status = Education.SENIOR, SchoolStatus.HIGHER
    else:
        person.school_status = SchoolStatus.NOT_IN_SCHOOL
        if year < 1955:
            weights = {Education.ILLITERATE: 70 if female else 45, Education.PRIMARY: 45}
        elif year < 1975:
            weights = {
                Education.ILLITERATE: 25 if female else 10,
                Education.PRIMARY: 40,
                Education.JUNIOR: 35,
                Education.SENIOR: 8,
            }
        else:
            weights = {
                Education.PRIMARY: 12,
                Education.JUNIOR: 50,
                Education.SENIOR: 20,
                Education.VOCATIONAL: 8,
                Education.COLLEGE: 6,
            }
        person.education = weighted(rng, weights)


def _health_and_work(rng: random.Random, person: PersonPlan, age: int, frail: float) -> None:
    """Health, labour capacity and work follow age; `frail` > 1 for households in poverty."""
    if age >= 65:
        odds = (0.30, 0.05, 0.05)
    elif age >= 40:
        odds = (0.12, 0.03, 0.04)
    else:
        odds = (0.02, 0.01, 0.02)
    draw = rng.random()
    chronic, serious, disabled = (p * frail for p in odds)
    if draw < disabled:
        person.health = Health.DISABLED
    elif draw < disabled + serious:
        person.health = Health.SERIOUS
    elif draw < disabled + serious + chronic:
        person.health = Health.CHRONIC

    in_school = person.school_status not in ("", SchoolStatus.NOT_IN_SCHOOL)
    if age < 16 or in_school:
        person.labour = Labour.NONE
        person.work_status = WorkStatus.STUDENT if in_school and age >= 6 else ""
        return
    if person.health in (Health.SERIOUS, Health.DISABLED):
        person.labour = Labour.LOST
    elif age >= 65:
        person.labour = weighted(rng, {Labour.ORDINARY: 3, Labour.LOST: 4, Labour.NONE: 3})
    elif person.health == Health.CHRONIC and rng.random() < 0.5:
        person.labour = Labour.LOST
    elif person.education in (Education.VOCATIONAL, Education.COLLEGE) or rng.random() < 0.2:
        person.labour = Labour.SKILLED
    else:
        person.labour = Labour.ORDINARY
    if person.labour in (Labour.ORDINARY, Labour.SKILLED) and age < 60:
        person.work_status = weighted(
            rng,
            {
                WorkStatus.NOT_WORKING: 40,
                WorkStatus.TOWNSHIP: 5,
                WorkStatus.COUNTY: 10,
                WorkStatus.PROVINCE: 15,
                WorkStatus.OUTSIDE: 30,
            },
        )
    else:
        person.work_status = WorkStatus.NOT_WORKING


def _family(rng: random.Random, surnames: dict, today: dt.date) -> list[PersonPlan]:
    """A head, spouse, perhaps a parent, children, and a married son's wife and children."""
    size = weighted(rng, {2: 15, 3: 20, 4: 30, 5: 22, 6: 13})
    head_age = round(rng.triangular(28, 80, 50))
    head_sex = Sex.MALE if rng.random() < 0.92 else Sex.FEMALE
    family_name = weighted(rng, surnames)

    def person(name_surname, relation, sex, age) -> PersonPlan:
        birth = birth_date(rng, age, today)
        return PersonPlan(
            name=name_surname + given_name(rng, sex, birth.year),
            relation=relation,
            sex=sex,
            birth_date=birth,
        )

    def other_sex(sex: str) -> str:
        return Sex.FEMALE if sex == Sex.MALE else Sex.MALE

    members = [person(family_name, Relation.HEAD, head_sex, head_age)]
    mother_age = head_age
    if head_age < 75 or rng.random() < 0.5:
        spouse_age = max(20, head_age + (rng.randint(-6, 2) if head_sex == Sex.MALE else 3))
        members.append(
            person(weighted(rng, surnames), Relation.SPOUSE, other_sex(head_sex), spouse_age)
        )
        mother_age = spouse_age if head_sex == Sex.MALE else head_age
    if head_age <= 50 and len(members) < size and rng.random() < 0.45:
        parent_age = min(92, head_age + rng.randint(22, 30))
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        relation = Relation.FATHER if sex == Sex.MALE else Relation.MOTHER
        surname = family_name if sex == Sex.MALE else weighted(rng, surnames)
        members.append(person(surname, relation, sex, parent_age))
    child_age = mother_age - rng.randint(21, 28)
    married_son: PersonPlan | None = None
    while len(members) < size and child_age >= 1:
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        # Grown daughters have mostly married into other households.
        if sex == Sex.FEMALE and child_age >= 23 and rng.random() < 0.8:
            child_age -= rng.randint(2, 5)
            continue
        relation = Relation.SON if sex == Sex.MALE else Relation.DAUGHTER
        child = person(family_name, relation, sex, child_age)
        members.append(child)
        if sex == Sex.MALE and child_age >= 24 and married_son is None:
            married_son = child
            if len(members) < size:
                wife_age = max(20, child_age + rng.randint(-4, 1))
                members.append(
                    person(weighted(rng, surnames), Relation.DAUGHTER_IN_LAW, Sex.FEMALE, wife_age)
                )
                grandchild_age = wife_age - rng.randint(21, 27)
                while len(members) < size and grandchild_age >= 1:
                    sex = rng.choice((Sex.MALE, Sex.FEMALE))
                    relation = Relation.GRANDSON if sex == Sex.MALE else Relation.GRANDDAUGHTER
                    members.append(person(family_name, relation, sex, grandchild_age))
                    grandchild_age -= rng.randint(2, 5)
        child_age -= rng.randint(2, 5)
    if len(members) < 2:
        members.append(person(family_name, Relation.SON, Sex.MALE, max(1, head_age - 25)))
    return members


def _causes(rng: random.Random, members: list[PersonPlan], today: dt.date) -> tuple[str, str]:
    """The recorded causes lean on what the household shows: illness, disability, school fees."""
    weights = dict(CAUSE_WEIGHTS)
    if any(m.health in (Health.CHRONIC, Health.SERIOUS) for m in members):
        weights[PovertyCause.ILLNESS] *= 5
    if any(m.health == Health.DISABLED for m in members):
        weights[PovertyCause.DISABILITY] *= 6
    if any(m.school_status in (SchoolStatus.SENIOR, SchoolStatus.HIGHER) for m in members):
        weights[PovertyCause.SCHOOLING] *= 4
    if sum(m.labour in (Labour.ORDINARY, Labour.SKILLED) for m in members) <= 1:
        weights[PovertyCause.LABOUR] *= 5
    main = weighted(rng, weights)
    if rng.random() < 0.4:
        return main, ""
    del weights[main]
    return main, weighted(rng, weights)


def _round10(value: float) -> Decimal:
    return Decimal(round(value / 10.0) * 10)


def _incomes(rng: random.Random, plan: HouseholdPlan) -> list[IncomePlan]:
    """Yearly income by source whose net per person matches the household's category."""
    people = len(plan.members)
    low, high, mode = INCOME_2012[plan.category]
    per_person = rng.triangular(low, high, mode)
    workers_away = sum(
        m.work_status in (WorkStatus.COUNTY, WorkStatus.PROVINCE, WorkStatus.OUTSIDE)
        for m in plan.members
    )
    records = []
    for year in INCOME_YEARS:
        net = per_person * people
        transfer = net * (rng.uniform(0.15, 0.3) if plan.category == Category.POOR else 0.06)
        wage = net * (rng.uniform(0.35, 0.6) if workers_away else rng.uniform(0.05, 0.25))
        prop = net * rng.uniform(0, 0.03)
        business_net = max(net - transfer - wage - prop, 0)
        cost_share = rng.uniform(0.3, 0.45)
        business = _round10(business_net / (1 - cost_share))
        records.append(
            IncomePlan(
                year=year,
                wage_income=_round10(wage),
                business_income=business,
                property_income=_round10(prop),
                transfer_income=_round10(transfer),
                production_cost=business - _round10(business_net),
            )
        )
        per_person *= rng.uniform(1.06, 1.18)
    return records


def plan_household(
    *,
    village: str,
    village_short_name: str,
    township_name: str,
    serial: int,
    ids: IdNumbers,
    today: dt.date,
) -> HouseholdPlan:
    rng = random.Random(f"shuanglian-demo:{village}:{serial}")
    category = weighted(rng, {Category.POOR: 35, Category.DEMONSTRATION: 8, Category.GENERAL: 57})
    surnames = village_surnames(village_short_name)
    members = _family(rng, surnames, today)
    frail = 1.8 if category == Category.POOR else 1.0
    for member in members:
        age = member.age(today)
        _education(rng, member, age)
        _health_and_work(rng, member, age, frail)
        member.ethnicity = "汉族" if rng.random() < 0.99 else "回族"
    # Members share the head's ethnicity in most registers; keep families consistent.
    for member in members[1:]:
        member.ethnicity = members[0].ethnicity
    for member in members:
        member.id_number = ids.issue(rng, member.birth_date, member.sex)
    main, secondary = _causes(rng, members, today) if category == Category.POOR else ("", "")
    group = CHINESE_NUMERALS[rng.randrange(8)]
    plan = HouseholdPlan(
        number=f"{village}{serial:04d}",
        village=village,
        address=f"{township_name}{village_short_name}{group}社",
        phone=mobile(rng) if rng.random() < 0.65 else "",
        category=category,
        poverty_cause_main=main,
        poverty_cause_secondary=secondary,
        members=members,
    )
    plan.incomes = _incomes(rng, plan)
    return plan


def cadre_names(seed: str, count: int, taken: set[str]) -> list[tuple[str, str]]:
    """`count` (name, phone) pairs for a unit's cadres, none repeating a name in `taken`."""
    rng = random.Random(f"shuanglian-demo-cadres:{seed}")
    names = []
    while len(names) < count:
        sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
        year = rng.randint(1962, 1990)
        name = weighted(rng, SURNAMES) + given_name(rng, sex, year)
        if name in taken:
            continue
        taken.add(name)
        names.append((name, mobile(rng)))
    return names
