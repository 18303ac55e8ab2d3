"""Sealing personal data for storage: validate, normalise, encrypt, index, mask."""

from shuanglian.core import protected
from shuanglian.core.idcard import IdNumber, parse_id
from shuanglian.core.phone import mask_phone, parse_phone


def seal_id_number(raw: str, *, field: str = "id_number") -> tuple[IdNumber, protected.Sealed]:
    parsed = parse_id(raw, field=field)
    return parsed, protected.seal("id", parsed.number, parsed.masked)


def id_number_index(raw: str) -> str | None:
    """The blind index of a typed ID number, or None when it cannot be one (for lookups)."""
    try:
        parsed = parse_id(raw)
    except Exception:
        return None
    return protected.blind_index("id", parsed.number)


def seal_phone(raw: str, *, field: str = "phone") -> protected.Sealed:
    number = parse_phone(raw, field=field)
    return protected.seal("phone", number, mask_phone(number))


def apply_id_number(instance, sealed: protected.Sealed | None) -> None:
    instance.id_number_cipher = sealed.cipher if sealed else None
    instance.id_number_index = sealed.index if sealed else None
    instance.id_number_masked = sealed.masked if sealed else ""


def apply_phone(instance, sealed: protected.Sealed | None) -> None:
    instance.phone_cipher = sealed.cipher if sealed else None
    instance.phone_index = sealed.index if sealed else None
    instance.phone_masked = sealed.masked if sealed else ""
