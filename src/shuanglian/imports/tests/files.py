"""Building import files for tests in the layouts users send: title row, merged group headers."""

import csv
import datetime as dt
from pathlib import Path

import xlsxwriter

from shuanglian.conftest import NUANQUAN
from shuanglian.households.tests import factories as hf
from shuanglian.imports.layouts import HEADERS


def person(number: str, name: str, relation: str = "户主", *, village=NUANQUAN, **cells) -> dict:
    """One row as {header: value}; household columns filled on every row."""
    row = {
        "村代码": village,
        "户编号": number,
        "户类别": "贫困户",
        "主要致贫原因": "因病",
        "姓名": name,
        "身份证号": cells.pop("id_number", None) or hf.id_number(birth=dt.date(1970, 5, 6)),
        "与户主关系": relation,
    }
    row.update(cells)
    return row


def two_households() -> list[dict]:
    return [
        person("6205221042000101", "王建祥", 联系电话="13812345678", 家庭住址="暖泉村一社"),
        person("6205221042000101", "李爱仙", "配偶", 文化程度="小学"),
        person("6205221042000102", "张秀兰", 户类别="监测户", 主要致贫原因="缺资金"),
    ]


def write_xlsx(path: Path, rows: list[dict], *, float_ids=False) -> Path:
    """Title row, merged group row (户信息 / 成员信息), then the headers, as county templates."""
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Sheet1")
        sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "秦安县建档立卡户家庭成员信息表")
        sheet.merge_range(1, 0, 1, 6, "户信息")
        sheet.merge_range(1, 7, 1, len(HEADERS) - 1, "成员信息")
        for position, header in enumerate(HEADERS):
            sheet.write_string(2, position, header)
        for line, row in enumerate(rows, start=3):
            for position, header in enumerate(HEADERS):
                value = row.get(header, "")
                if float_ids and header == "身份证号":
                    sheet.write_number(line, position, float(value[:17]) * 10)
                elif isinstance(value, (int, float)):
                    sheet.write_number(line, position, value)
                else:
                    sheet.write_string(line, position, str(value))
    return path


def write_csv(path: Path, rows: list[dict], *, encoding="utf-8", headers=HEADERS) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(header, "") for header in headers])
    return path


def write_sheet(path: Path, top: list[list], headers, rows: list[dict], *, numbers=()) -> Path:
    """`top` rows as given (a template's title and header rows), then `rows` under `headers`;
    the columns in `numbers` as Number cells (an ID number typed into a Number cell)."""
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Sheet1")
        for line, values in enumerate(top):
            for position, value in enumerate(values):
                sheet.write(line, position, value)
        for line, row in enumerate(rows, start=len(top)):
            for position, header in enumerate(headers):
                value = row.get(header, "")
                if header in numbers and value:
                    sheet.write_number(line, position, float(value[:17]) * 10)
                else:
                    sheet.write_string(line, position, str(value))
    return path


VILLAGES = ("620522104200", "620522104201", "620522104202", "620522104204", "620522104238")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建祥爱仙秀兰国强明华小军红梅志刚丽娟海"


def generated_rows(count: int, *, seed: int = 1) -> list[dict]:
    """`count` valid rows, households of one to five people in 郭嘉镇 villages: a quick stand-in
    for the synth command, deterministic for a seed (ID numbers come from the factory serial)."""
    import random

    rnd = random.Random(seed)
    rows: list[dict] = []
    household = 0
    while len(rows) < count:
        household += 1
        village = VILLAGES[household % len(VILLAGES)]
        number = f"{village}{seed:02d}{household:05d}"
        address = f"{rnd.randint(1, 9)}社"
        for position in range(min(rnd.randint(1, 5), count - len(rows))):
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
            # One birth date per 500 people: the factory moves on by itself without `birth`.
            cells = {"家庭住址": address, "id_number": hf.id_number()}
            if position == 0:
                cells["联系电话"] = f"139{household:08d}"
            relation = "户主" if position == 0 else rnd.choice(["配偶", "子", "女", "孙子"])
            rows.append(person(number, name, relation, village=village, **cells))
    return rows
