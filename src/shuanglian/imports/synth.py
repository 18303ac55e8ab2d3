"""Synthetic household registry files for tests, demos and benchmarks.

The files are what a county sends: one row per person in the layout `household_import` reads
(layouts.HOUSEHOLD_COLUMNS), Chinese labels, valid ID numbers whose birth date and sex digit agree
with the person, and the real village codes of the shipped region file. People come from the demo's
family planner (names by era, clans by village, schooling, health and work by age, incomes by
category), so synthetic and demo data look alike.

Deterministic: one `random.Random(seed)` drives the whole stream and the reference date is fixed,
so the same seed and arguments give byte-identical files on any day. Streaming: households are
written as they are planned; what is kept in memory is the region table and one county's ID
counters, never the file.
"""

import bisect
import csv
import datetime as dt
import itertools
import json
import math
import operator
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation

from shuanglian.core.idcard import CHECK_CHARS, WEIGHTS
from shuanglian.demo.people import (
    CHINESE_NUMERALS,
    SURNAMES,
    HouseholdPlan,
    PersonPlan,
    _causes,
    _education,
    _family,
    _health_and_work,
    _incomes,
    birth_date,
    given_name,
    mobile,
    village_surnames,
)
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
from shuanglian.imports.layouts import HEADERS, TEMPLATE_TITLE, accepted_values
from shuanglian.regions.loading import SHIPPED_FILE, read_shipped
from shuanglian.regions.models import Level

# Birth dates and ages are computed against this day, not today: the output must not change with
# the calendar (and no birth date may lie in the future of any machine that imports the file).
REFERENCE_DAY = dt.date(2025, 1, 1)
DEFAULT_SEED = 20120101
# The demo's compound surnames (a name's first character alone is not its surname).
COMPOUND_SURNAMES = frozenset(name for name in SURNAMES if len(name) > 1)
# One sheet holds 1,048,576 rows; the header takes two (title and headers). A household is never
# split across workbooks, so a part closes early enough to take the largest household.
XLSX_MAX_ROWS = 1_048_576 - 2
MAX_HOUSEHOLD_SIZE = 7
# The third digit group of an ID number gives 500 serials per sex for one area and birth day.
SERIALS_PER_SEX = 500

CATEGORY_WEIGHTS = {
    Category.GENERAL: 50,
    Category.POOR: 30,
    Category.EXITED: 10,
    Category.DEMONSTRATION: 6,
    Category.MONITORED: 4,
}
# Incomes of the categories the demo planner does not know follow the nearest one it knows.
INCOME_CLASS = {
    Category.EXITED: Category.GENERAL,
    Category.MONITORED: Category.POOR,
}
# Where Gansu's minorities live: 临夏州 (6229) and 甘南州 (6230); elsewhere a few 回族 families.
ETHNICITY_BY_PREFIX = (
    ("6229", {"汉族": 40, "回族": 33, "东乡族": 20, "保安族": 3, "撒拉族": 4}),
    ("6230", {"藏族": 52, "汉族": 42, "回族": 6}),
    ("", {"汉族": 98, "回族": 2}),
)
INCOME_HEADERS = ("户编号", "年度", "工资性收入", "经营性收入", "财产性收入", "转移性收入",
                  "生产经营费用")  # fmt: skip
# Household sizes of rural Gansu registers (1–7 people), the demo planner's shape plus singles
# and the rare seven-person household.
SIZE_WEIGHTS = {1: 6, 2: 15, 3: 19, 4: 27, 5: 19, 6: 10, 7: 4}


@dataclass(frozen=True)
class Village:
    code: str
    short_name: str
    township: str


@dataclass
class SynthResult:
    households: int
    members: int
    csv: Path | None
    xlsx: list[Path]
    incomes: Path | None
    manifest: Path


def province_villages(province: str, region: str = "") -> list[Village]:
    """The villages of the shipped region file under `province` (and `region`, a code prefix)."""
    townships: dict[str, str] = {}
    villages = []
    for row in read_shipped(SHIPPED_FILE, province):
        if row.level == Level.TOWNSHIP:
            townships[row.code] = row.name
        elif row.level == Level.VILLAGE and row.code.startswith(region):
            villages.append(Village(row.code, row.short_name, townships.get(row.parent or "", "")))
    villages.sort(key=lambda village: village.code)
    return villages


def village_counts(rng: random.Random, villages: list[Village], households: int) -> list[int]:
    """How many households each village gets: real villages differ in size (log-normal), and the
    counts add up to exactly `households`."""
    weights = [rng.lognormvariate(0, 0.5) for _ in villages]
    total = sum(weights)
    counts, before, running = [], 0, 0.0
    for weight in weights:
        running += weight
        upto = round(households * running / total)
        counts.append(upto - before)
        before = upto
    counts[-1] += households - before
    return counts


class Picker:
    """Weighted draws with precomputed cumulative weights: `rng.choices` rebuilds them per call,
    which at millions of draws is most of the generator's time."""

    def __init__(self, weights: dict) -> None:
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


class CountyIds:
    """ID numbers unique inside one county without remembering them: a counter per birth day and
    sex. Villages come in code order, so a county's villages are contiguous and its counters are
    dropped when the next county starts: memory stays flat whatever the file size."""

    def __init__(self) -> None:
        self.area = ""
        self.used: dict[tuple[int, int], int] = {}

    def issue(self, area: str, birth: dt.date, sex: str) -> str:
        if area != self.area:
            self.area, self.used = area, {}
        male = 1 if sex == Sex.MALE else 0
        # Past 500 people of one sex born on the same day in one county, the next day is used:
        # a day's difference changes neither age group nor relation.
        while True:
            key = (birth.toordinal(), male)
            count = self.used.get(key, 0)
            if count < SERIALS_PER_SEX:
                break
            birth -= dt.timedelta(days=1)
        self.used[key] = count + 1
        # Start each day's serials at a day-dependent offset, so serials are not all 001, 003 ...
        serial = ((birth.toordinal() * 37 + count) % SERIALS_PER_SEX) * 2 + male
        body = f"{area}{birth:%Y%m%d}{serial:03d}"
        return body + CHECK_CHARS[sum(map(operator.mul, map(int, body), WEIGHTS)) % 11]


LABELLED = (Category, PovertyCause, Relation, Sex, Education, SchoolStatus, Health, Labour,
            WorkStatus)  # fmt: skip


def _labels() -> dict[type, dict[str, str]]:
    """Stored value → the Chinese label a county's register writes.

    A label the reader would not map back to its value (after its NFKC normalisation) is
    written as the stored value instead, so that the files always import cleanly.
    """
    labels: dict[type, dict[str, str]] = {}
    with translation.override("zh-hans"):
        for choices in LABELLED:
            accepted = accepted_values(choices)
            labels[choices] = {}
            for value, label in choices.choices:
                read = unicodedata.normalize("NFKC", str(label)).strip().lower()
                labels[choices][value] = str(label) if accepted.get(read) == value else value
    return labels


class Planner:
    """Plans households village by village with one random stream."""

    def __init__(self, seed: int, *, incomes: bool = True) -> None:
        self.rng = random.Random(seed)
        self.income_rng = random.Random(seed + 1)
        self.with_incomes = incomes
        self.ids = CountyIds()
        self.labels = _labels()
        self.category = Picker(CATEGORY_WEIGHTS)
        self.size = Picker(SIZE_WEIGHTS)
        self.ethnicity = {prefix: Picker(weights) for prefix, weights in ETHNICITY_BY_PREFIX}
        self._surnames: tuple[str, dict] = ("", {})

    def surnames(self, village: Village) -> dict:
        if self._surnames[0] != village.code:
            self._surnames = (village.code, village_surnames(village.short_name))
        return self._surnames[1]

    def household(self, village: Village, serial: int) -> HouseholdPlan:
        rng = self.rng
        category = self.category(rng)
        members = _family(rng, self.surnames(village), REFERENCE_DAY)
        size = self.size(rng)
        # The demo planner makes 2–6 people; singles (often the elderly) and seven-person
        # households are cut from or added to its families.
        if size == 1:
            members = members[:1]
        elif size == MAX_HOUSEHOLD_SIZE and len(members) == MAX_HOUSEHOLD_SIZE - 1:
            members.append(self._youngest(members[0]))
        frail = 1.8 if category in (Category.POOR, Category.MONITORED) else 1.0
        picker = next(p for prefix, p in self.ethnicity.items() if village.code.startswith(prefix))
        ethnicity = picker(rng)
        area = village.code[:6]
        for member in members:
            age = member.age(REFERENCE_DAY)
            _education(rng, member, age)
            _health_and_work(rng, member, age, frail)
            member.ethnicity = ethnicity
            member.id_number = self.ids.issue(area, member.birth_date, member.sex)
            member.birth_date = dt.date(
                int(member.id_number[6:10]),
                int(member.id_number[10:12]),
                int(member.id_number[12:14]),
            )
        if category in (Category.POOR, Category.MONITORED, Category.EXITED):
            main, secondary = _causes(rng, members, REFERENCE_DAY)
        else:
            main, secondary = "", ""
        plan = HouseholdPlan(
            number=f"{village.code}{serial:04d}",
            village=village.code,
            address=f"{village.township}{village.short_name}{CHINESE_NUMERALS[rng.randrange(8)]}社",
            phone=mobile(rng) if rng.random() < 0.65 else "",
            category=INCOME_CLASS.get(category, category),
            poverty_cause_main=main,
            poverty_cause_secondary=secondary,
            members=members,
        )
        if self.with_incomes:
            # Their own stream: the households file is the same with or without incomes.
            plan.incomes = _incomes(self.income_rng, plan)
        plan.category = category
        return plan

    def _youngest(self, head: PersonPlan) -> PersonPlan:
        """A seventh member: a grandchild of an older head, otherwise a young child."""
        rng = self.rng
        sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
        if head.age(REFERENCE_DAY) >= 50:
            relation = Relation.GRANDSON if sex == Sex.MALE else Relation.GRANDDAUGHTER
        else:
            relation = Relation.SON if sex == Sex.MALE else Relation.DAUGHTER
        birth = birth_date(rng, rng.randint(1, 6), REFERENCE_DAY)
        surname = head.name[:2] if head.name[:2] in COMPOUND_SURNAMES else head.name[:1]
        name = surname + given_name(rng, sex, birth.year)
        return PersonPlan(name=name, relation=relation, sex=sex, birth_date=birth)

    def rows(self, plan: HouseholdPlan) -> list[list[str]]:
        """The household's rows in HEADERS order; household columns on the head's row only."""
        labels = self.labels
        rows = []
        for position, member in enumerate(plan.members):
            head = position == 0
            rows.append([
                plan.village,
                plan.number,
                labels[Category][plan.category] if head else "",
                labels[PovertyCause][plan.poverty_cause_main] if head and plan.poverty_cause_main
                else "",
                labels[PovertyCause][plan.poverty_cause_secondary]
                if head and plan.poverty_cause_secondary else "",
                plan.phone if head else "",
                plan.address if head else "",
                member.name,
                member.id_number,
                labels[Relation][member.relation],
                labels[Sex][member.sex],
                member.birth_date.isoformat(),
                member.ethnicity,
                labels[Education][member.education] if member.education else "",
                labels[SchoolStatus][member.school_status] if member.school_status else "",
                labels[Health][member.health] if member.health else "",
                labels[Labour][member.labour] if member.labour else "",
                labels[WorkStatus][member.work_status] if member.work_status else "",
            ])  # fmt: skip
        return rows


def plan_households(
    *,
    households: int,
    province: str = "62",
    region: str = "",
    seed: int = DEFAULT_SEED,
    incomes: bool = True,
) -> Iterator[tuple[HouseholdPlan, list[list[str]]]]:
    """(plan, rows) for `households` households spread over the villages, in village order."""
    villages = province_villages(province, region)
    if not villages:
        raise ValueError(f"no villages under {region or province} in the shipped region file")
    planner = Planner(seed, incomes=incomes)
    counts = village_counts(planner.rng, villages, households)
    for village, count in zip(villages, counts, strict=True):
        for serial in range(1, count + 1):
            plan = planner.household(village, serial)
            yield plan, planner.rows(plan)


class XlsxParts:
    """Workbooks of at most one sheet's rows each, written with constant memory; a household
    stays in one workbook."""

    def __init__(self, out: Path, stem: str, expected_rows: int) -> None:
        self.out, self.stem = out, stem
        self.single = expected_rows <= XLSX_MAX_ROWS
        self.paths: list[Path] = []
        self.book = None
        self.line = 0

    def _open(self) -> None:
        import xlsxwriter

        self.close()
        name = f"{self.stem}.xlsx" if self.single else f"{self.stem}-{len(self.paths) + 1:03d}.xlsx"
        path = self.out / name
        self.paths.append(path)
        self.book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_numbers": False}
        )
        self.sheet = self.book.add_worksheet("Sheet1")
        with translation.override("zh-hans"):
            self.sheet.write_string(0, 0, str(TEMPLATE_TITLE))
        for position, header in enumerate(HEADERS):
            self.sheet.write_string(1, position, header)
        self.line = 2

    def write(self, rows: list[list[str]]) -> None:
        if self.book is None or self.line + len(rows) > XLSX_MAX_ROWS + 2:
            self._open()
        write = self.sheet.write_string
        for row in rows:
            for position, value in enumerate(row):
                if value:
                    write(self.line, position, value)
            self.line += 1

    def close(self) -> None:
        if self.book is not None:
            self.book.close()
            self.book = None


def write_synth(
    *,
    households: int,
    out: Path,
    province: str = "62",
    region: str = "",
    seed: int = DEFAULT_SEED,
    formats: tuple[str, ...] = ("csv",),
    incomes: bool = True,
    progress: Callable[[int, int], None] | None = None,
    every: int = 50_000,
) -> SynthResult:
    """Write households.csv and/or households.xlsx (split when over one sheet), incomes.csv and a
    manifest.json with the counts. `progress(households, members)` is called every `every`
    households and at the end."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "households.csv" if "csv" in formats else None
    income_path = out / "incomes.csv" if incomes else None
    # Rows per household average about 3.5; the estimate only decides whether xlsx is one file.
    xlsx = XlsxParts(out, "households", math.ceil(households * 3.6)) if "xlsx" in formats else None
    members = 0
    with (
        open(csv_path, "w", encoding="utf-8", newline="") if csv_path else _Null() as csv_file,
        open(income_path, "w", encoding="utf-8", newline="") if income_path else _Null() as inc,
    ):
        writer = csv.writer(csv_file, lineterminator="\n") if csv_path else None
        income_writer = csv.writer(inc, lineterminator="\n") if income_path else None
        if writer:
            writer.writerow(HEADERS)
        if income_writer:
            income_writer.writerow(INCOME_HEADERS)
        planned = plan_households(
            households=households, province=province, region=region, seed=seed, incomes=incomes
        )
        for done, (plan, rows) in enumerate(planned, start=1):
            if writer:
                writer.writerows(rows)
            if xlsx:
                xlsx.write(rows)
            if income_writer:
                income_writer.writerows(
                    (plan.number, income.year, income.wage_income, income.business_income,
                     income.property_income, income.transfer_income, income.production_cost)
                    for income in plan.incomes
                )  # fmt: skip
            members += len(rows)
            if progress and done % every == 0:
                progress(done, members)
    if xlsx:
        xlsx.close()
    if progress and households % every:
        progress(households, members)
    manifest = out / "manifest.json"
    result = SynthResult(
        households=households,
        members=members,
        csv=csv_path,
        xlsx=xlsx.paths if xlsx else [],
        incomes=income_path,
        manifest=manifest,
    )
    manifest.write_text(
        json.dumps(
            {
                "households": households,
                "members": members,
                "province": province,
                "region": region,
                "seed": seed,
                "reference_day": REFERENCE_DAY.isoformat(),
                "csv": csv_path.name if csv_path else None,
                "xlsx": [path.name for path in result.xlsx],
                "incomes": income_path.name if income_path else None,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return result


class _Null:
    """A context manager standing in for a file that is not written."""

    def __enter__(self):
        return None

    def __exit__(self, *exc) -> None:
        return None
