import datetime as dt

import pytest
from django.utils import translation

from shuanglian.core import idcard
from shuanglian.core.errors import InvalidInput
from shuanglian.core.idcard import build_id, mask_id, parse_id

VALID = build_id("620522", dt.date(1990, 1, 1), 1)  # odd serial: male


def message(exc_info) -> str:
    with translation.override("en"):
        return str(exc_info.value.message)


def test_valid_number_gives_birth_date_and_sex():
    parsed = parse_id(VALID)
    assert parsed.number == VALID
    assert parsed.birth_date == dt.date(1990, 1, 1)
    assert parsed.sex == "male"
    assert parse_id(build_id("620522", dt.date(1950, 6, 30), 2)).sex == "female"


def test_full_width_digits_spaces_and_lower_case_x_are_normalised():
    number = next(
        build_id("620522", dt.date(1960, 3, 4), s)
        for s in range(1000)
        if build_id("620522", dt.date(1960, 3, 4), s).endswith("X")
    )
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    assert parse_id(" " + typed + " ").number == number


def test_fifteen_digit_number_becomes_eighteen():
    eighteen = build_id("620522", dt.date(1945, 12, 31), 123)
    fifteen = eighteen[:6] + eighteen[8:17]
    assert parse_id(fifteen).number == eighteen


@pytest.mark.parametrize(
    ("raw", "constant"),
    [
        (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), idcard.ID_CHECKSUM),
        ("12345", idcard.ID_FORMAT),
        ("62052219900101001A", idcard.ID_FORMAT),
    ],
)
def test_rejects_with_a_clear_message(raw, constant):
    with pytest.raises(InvalidInput) as exc_info:
        parse_id(raw)
    with translation.override("en"):
        assert str(exc_info.value.message) == str(constant)
    assert exc_info.value.field == "id_number"


def test_rejects_impossible_date_naming_it():
    body = "62052219900230001"  # 30 February
    with pytest.raises(InvalidInput) as exc_info:
        parse_id(body + idcard.check_char(body))
    assert message(exc_info) == str(idcard.ID_DATE).format(date="1990-02-30")


def test_rejects_unknown_province():
    body = "99052219900101001"
    with pytest.raises(InvalidInput) as exc_info:
        parse_id(body + idcard.check_char(body))
    assert message(exc_info) == str(idcard.ID_PROVINCE).format(code="99")


def test_rejects_future_birth_date():
    number = build_id("620522", dt.date(2030, 1, 1), 1)
    with pytest.raises(InvalidInput) as exc_info:
        parse_id(number, today=dt.date(2026, 1, 1))
    assert message(exc_info) == str(idcard.ID_FUTURE).format(date="2030-01-01")


def test_elderly_qinan_resident_is_accepted():
    # python-stdnum rejects this one (area code created later than the birth year): we must not.
    assert parse_id(build_id("620522", dt.date(1931, 5, 5), 11)).birth_date.year == 1931


def test_mask_keeps_area_and_last_four_only():
    assert mask_id("620522199001010014") == "620522********0014"
    assert "19900101" not in mask_id(VALID)
