"""Income lines shipped as data (data/income_lines.csv) and loaded by a data migration, by
`shuanglian load_income_lines` and by the demo. The loader takes the model classes, so the data
migration can pass its historical models.

Each row is upserted by (kind, year, province). A row of a province whose region is not loaded
yet (regions come from `load_regions`, after migrations) is skipped and reported; running the
command again after loading regions adds it.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "income_lines.csv"
COLUMNS = ("kind", "year", "province_code", "amount", "source")


@dataclass(frozen=True)
class LineRow:
    kind: str
    year: int
    province_code: str
    amount: Decimal
    source: str


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)


def read_lines(path: Path = DATA_FILE) -> list[LineRow]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: columns must be {','.join(COLUMNS)}")
        return [
            LineRow(
                kind=row["kind"].strip(),
                year=int(row["year"]),
                province_code=row["province_code"].strip(),
                amount=Decimal(row["amount"].strip()),
                source=row["source"].strip(),
            )
            for row in reader
        ]


def load_lines(income_line_model, region_model, rows: Iterable[LineRow]) -> LoadResult:
    result = LoadResult()
    for row in rows:
        province = None
        if row.province_code:
            province = region_model.objects.filter(code=row.province_code).first()
            if province is None:
                result.skipped.append(f"{row.kind} {row.year} {row.province_code}")
                continue
        line = income_line_model.objects.filter(
            kind=row.kind, year=row.year, province=province
        ).first()
        if line is None:
            income_line_model.objects.create(
                kind=row.kind,
                year=row.year,
                province=province,
                amount=row.amount,
                source=row.source,
            )
            result.created += 1
        elif (line.amount, line.source) != (row.amount, row.source):
            line.amount, line.source = row.amount, row.source
            line.save(update_fields=["amount", "source", "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
    return result
