import pytest

from shuanglian.core.errors import InvalidInput
from shuanglian.core.phone import mask_phone, parse_phone


def test_mobile_and_landline_are_accepted_and_masked():
    assert parse_phone("13812345678") == "+8613812345678"
    assert mask_phone(parse_phone("138 1234 5678")) == "138****5678"
    landline = parse_phone("0938-8212345")
    assert landline == "+869388212345"
    assert mask_phone(landline) == "0938***2345"


def test_full_width_digits_are_accepted():
    assert parse_phone("１３８１２３４５６７８") == "+8613812345678"


@pytest.mark.parametrize("raw", ["12345678901", "abc", "8212345"])
def test_invalid_numbers_are_refused_without_echoing_them(raw):
    with pytest.raises(InvalidInput) as exc_info:
        parse_phone(raw)
    assert exc_info.value.field == "phone"
    if len(raw) > 7 and raw.isdigit():
        assert raw not in str(exc_info.value.message)
