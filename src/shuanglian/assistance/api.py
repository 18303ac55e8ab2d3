"""The assistance part of the API under /api/v1/."""

from ninja import Router

router = Router(tags=["assistance"])
