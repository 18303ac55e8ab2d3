"""Errors raised by services and selectors; views and the API turn them into responses.

Each carries a message meant for the user (already translated lazily) plus the field it concerns
and structured details, so the page can put the message next to the field and the API can return
`{"message": ..., "extra": {...}}`.
"""

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, message: Any, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.extra = extra

    def as_payload(self) -> dict[str, Any]:
        extra = {key: str(value) for key, value in self.extra.items()}
        if self.field:
            extra["field"] = self.field
        return {"message": str(self.message), "extra": extra}


class InvalidInput(DomainError):
    """The request is understood but a value breaks a rule (bad ID, wrong region level...)."""

    status = 400


class Conflict(DomainError):
    """The write would contradict what is stored (a duplicate person, an overlapping pairing)."""

    status = 409


class NotFound(DomainError):
    """Nonexistent, or outside the user's scope: the two must be indistinguishable."""

    status = 404


class Forbidden(DomainError):
    """Visible to the user but not writable by them."""

    status = 403
