"""Phone numbers: mobiles and landlines with area code, validated with phonenumberslite."""

import unicodedata

import phonenumbers
from django.utils.translation import gettext_lazy as _

from shuanglian.core.errors import InvalidInput

PHONE_INVALID = _("{value} is not a valid phone number (a mobile, or a landline with area code).")


def parse_phone(raw: str, *, field: str = "phone") -> str:
    """The number in E.164 form (+8613812345678), the form stored and indexed."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(PHONE_INVALID.format(value=mask_phone_text(text)), field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    parsed = phonenumbers.parse(e164, "CN")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_phone(e164: str) -> str:
    """+8613812345678 → 138****5678; 0938 8212345 → 0938***2345."""
    return mask_phone_text(national(e164))


def mask_phone_text(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) <= 7:
        return "*" * len(digits)
    keep_head = 4 if digits.startswith("0") else 3
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]
