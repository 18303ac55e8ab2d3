"""Resident ID numbers (GB 11643-1999): normalise, convert 15→18 digits, validate, mask.

python-stdnum is deliberately not used: it also requires the area code to have existed in the
birth year, which rejects real IDs of elderly residents (see FACTS.md).
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from shuanglian.core.errors import InvalidInput

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level codes in use (GB/T 2260), including Hong Kong, Macao and Taiwan residence permits.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)

ID_FORMAT = _("The ID number must have 18 characters (digits, last may be X) or 15 digits.")
ID_PROVINCE = _("The ID number starts with {code}, which is not a province code.")
ID_DATE = _("The ID number contains the birth date {date}, which is not a valid date.")
ID_FUTURE = _("The ID number contains the birth date {date}, which is in the future.")
ID_CHECKSUM = _("The check character of the ID number is wrong.")


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "male" / "female", matching households.Sex values

    @property
    def masked(self) -> str:
        return mask_id(self.number)


def normalise(raw: str) -> str:
    """Full-width digits and lower-case x are what people type; spaces come from copy-paste."""
    text = unicodedata.normalize("NFKC", str(raw)).upper()
    return "".join(text.split()).replace("-", "")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id(raw: str, *, field: str = "id_number", today: dt.date | None = None) -> IdNumber:
    number = normalise(raw)
    if len(number) == 15 and number.isdigit():
        body = number[:6] + "19" + number[6:]
        number = body + check_char(body)
    elif not (len(number) == 18 and number[:17].isdigit() and number[17] in "0123456789X"):
        raise InvalidInput(ID_FORMAT, field=field)
    if number[:2] not in PROVINCE_CODES:
        raise InvalidInput(ID_PROVINCE.format(code=number[:2]), field=field)
    digits = number[6:14]
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        birth = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidInput(ID_DATE.format(date=shown), field=field) from None
    if birth.year < 1880:
        raise InvalidInput(ID_DATE.format(date=shown), field=field)
    if birth > (today or dt.date.today()):
        raise InvalidInput(ID_FUTURE.format(date=shown), field=field)
    if check_char(number[:17]) != number[17]:
        raise InvalidInput(ID_CHECKSUM, field=field)
    return IdNumber(
        number=number, birth_date=birth, sex="male" if int(number[16]) % 2 else "female"
    )


def mask_id(number: str) -> str:
    """620522199001010014 → 620522********0014: area and last four, never the birth date."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def build_id(area: str, birth: dt.date, serial: int) -> str:
    """A well-formed ID number: 6-digit area, birth date, 3-digit serial (odd = male), check."""
    body = f"{area}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + check_char(body)
