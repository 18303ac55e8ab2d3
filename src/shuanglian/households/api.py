"""Households in the API: a filtered, cursor-paginated list and one household in full.

Personal data leaves only masked (`id_number_masked`, `phone_masked`); the encrypted values and
their blind indexes are never part of a schema.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from shuanglian.core.api_errors import ErrorOut
from shuanglian.households.models import Category, Household, Relation, Sex
from shuanglian.households.selectors import (
    household_detail,
    household_list,
    households_with_current_cadre,
)
from shuanglian.pairings.models import HouseholdPairing
from shuanglian.regions.api import REGION_PATTERN, RegionRef, region_ref
from shuanglian.units.api import UnitRef

router = Router(tags=["households"])

ERRORS = {401: ErrorOut, 422: ErrorOut}


class HouseholdQuery(Schema):
    # Constraints are documented rather than enforced here: the selector's own check answers a
    # bad value with 400 and a message saying what is wrong.
    region: str | None = Field(
        None,
        description="Region code of any level, or its significant prefix (620522104: 郭嘉镇).",
        json_schema_extra={"pattern": REGION_PATTERN},
    )
    category: str | None = Field(
        None, description="Household category.", json_schema_extra={"enum": ["", *Category.values]}
    )
    q: str | None = Field(
        None,
        description="Start of the head's name, its pinyin or initials (liaixian, lax), "
        "or of the household number.",
    )
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=500, description="Page size.")


class CadreRef(Schema):
    id: int
    name: str
    unit: UnitRef


class HouseholdItem(Schema):
    id: int
    number: str
    head_name: str
    village: RegionRef
    category: Category
    member_count: int
    current_cadre: CadreRef | None


class HouseholdPage(Schema):
    items: list[HouseholdItem]
    next_cursor: str | None


class MemberOut(Schema):
    id: int
    name: str
    id_number_masked: str
    relation: Relation
    sex: Sex
    birth_date: dt.date
    ethnicity: str
    education: str
    school_status: str
    health: str
    labour: str
    work_status: str
    is_active: bool
    ended_on: dt.date | None
    end_reason: str


class HouseholdPairingOut(Schema):
    id: int
    cadre: CadreRef
    start_date: dt.date
    end_date: dt.date | None
    is_active: bool


class IncomeOut(Schema):
    year: int
    wage_income: Decimal
    business_income: Decimal
    property_income: Decimal
    transfer_income: Decimal
    production_cost: Decimal
    population: int
    net_per_capita: Decimal


class HouseholdDetailOut(Schema):
    id: int
    number: str
    head_name: str
    village: RegionRef
    township: RegionRef | None
    address: str
    phone_masked: str
    category: Category
    poverty_cause_main: str
    poverty_cause_secondary: str
    member_count: int
    members: list[MemberOut] = Field(description="Active members first, then those who left.")
    current_cadre: CadreRef | None
    pairings: list[HouseholdPairingOut] = Field(description="Current first, then history.")
    incomes: list[IncomeOut] = Field(description="Newest year first.")


def cadre_ref(pairing: HouseholdPairing | None) -> dict | None:
    if pairing is None:
        return None
    cadre = pairing.cadre
    return {
        "id": cadre.pk,
        "name": cadre.name,
        "unit": {"id": cadre.unit.pk, "name": cadre.unit.name},
    }


def household_item(household: Household, pairing: HouseholdPairing | None) -> dict:
    return {
        "id": household.pk,
        "number": household.number,
        "head_name": household.head_name,
        "village": region_ref(household.village),
        "category": household.category,
        "member_count": household.member_count,
        "current_cadre": cadre_ref(pairing),
    }


@router.get(
    "",
    response={200: HouseholdPage, 400: ErrorOut, **ERRORS},
    summary="Households in scope",
    operation_id="household_list",
)
def households_list(request: HttpRequest, filters: Query[HouseholdQuery]):
    page = household_list(user=request.user, **filters.dict())
    current = households_with_current_cadre(user=request.user, households=page.items)
    return {
        "items": [household_item(h, current.get(h.pk)) for h in page.items],
        "next_cursor": page.next_cursor,
    }


MEMBER_FIELDS = (
    "name",
    "id_number_masked",
    "relation",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "labour",
    "work_status",
    "is_active",
    "ended_on",
    "end_reason",
)
INCOME_FIELDS = tuple(IncomeOut.model_fields)


@router.get(
    "/{household_id}",
    response={200: HouseholdDetailOut, 404: ErrorOut, **ERRORS},
    summary="A household with members, responsible cadre, pairing history and incomes",
    operation_id="household_get",
)
def households_detail(request: HttpRequest, household_id: int):
    detail = household_detail(user=request.user, pk=household_id)
    household = detail.household
    return {
        "id": household.pk,
        "number": household.number,
        "head_name": household.head_name,
        "village": region_ref(household.village),
        "township": region_ref(household.village.parent),
        "address": household.address,
        "phone_masked": household.phone_masked,
        "category": household.category,
        "poverty_cause_main": household.poverty_cause_main,
        "poverty_cause_secondary": household.poverty_cause_secondary,
        "member_count": household.member_count,
        "members": [
            {"id": m.pk, **{name: getattr(m, name) for name in MEMBER_FIELDS}}
            for m in [*detail.members, *detail.former_members]
        ],
        "current_cadre": cadre_ref(detail.current_pairing),
        "pairings": [
            {
                "id": p.pk,
                "cadre": cadre_ref(p),
                "start_date": p.start_date,
                "end_date": p.end_date,
                "is_active": p.is_active,
            }
            for p in detail.pairings
        ],
        "incomes": [{name: getattr(r, name) for name in INCOME_FIELDS} for r in detail.incomes],
    }
