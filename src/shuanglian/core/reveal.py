"""The records whose personal data can be revealed, and how a page or the API finds them.

Each kind names its scoped selector, so a record out of the user's scope is a 404 here too.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from shuanglian.households.selectors import household_get, member_get
from shuanglian.units.selectors import cadre_get


@dataclass(frozen=True)
class RevealKind:
    get: Any
    fields: tuple[str, ...]
    back_url: Any  # the page the record is shown on


KINDS = {
    "household": RevealKind(
        household_get, ("phone",), lambda h: reverse("households:detail", args=[h.pk])
    ),
    "member": RevealKind(
        member_get, ("id_number",), lambda m: reverse("households:detail", args=[m.household_id])
    ),
    "cadre": RevealKind(
        cadre_get, ("id_number", "phone"), lambda c: reverse("units:cadre_detail", args=[c.pk])
    ),
}
