"""Keyset (cursor) pagination: no COUNT(*), no OFFSET, however deep the user pages."""

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.core.errors import InvalidInput

T = TypeVar("T")

CURSOR_INVALID = _("The cursor is not valid; start again from the first page.")
PREFIX = "k1:"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        if not text.startswith(PREFIX):
            raise ValueError(text)
        value = int(text[len(PREFIX) :])
        if value < 0:
            raise ValueError(text)
        return value
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidInput(CURSOR_INVALID, field="cursor") from None


def keyset_page(queryset: QuerySet, *, cursor: str | None, limit: int | None = None) -> Page:
    """The next `limit` rows by ascending id after the cursor."""
    limit = min(limit or settings.PAGE_SIZE, 500)
    if cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(cursor))
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].pk) if more else None)
