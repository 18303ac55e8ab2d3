"""Reads of the lifecycle: income lines (public reference data), the checklist, procedures and
notices (through the user's scope)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import prefix_q, user_scope
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.pagination import Page, keyset_page
from shuanglian.households.models import Household, Member, Relation
from shuanglian.lifecycle.models import (
    AssuranceCheck,
    IncomeLine,
    LineKind,
    Notice,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    ProcedureStep,
    Step,
    StepDocument,
)
from shuanglian.regions.selectors import region_filter_prefix

PROCEDURE_NOT_FOUND = _("No procedure with id {id}.")
NOTICE_NOT_FOUND = _("No notice with id {id}.")
DOCUMENT_NOT_FOUND = _("No document with id {id}.")
LINE_NOT_FOUND = _("No income line with id {id}.")
FILTER_INVALID = _("{value} is not a valid {field}.")


def province_code_of(region_code: str) -> str:
    """The 12-digit code of the province a region lies in: 620522104200 → 620000000000."""
    return region_code[:2].ljust(12, "0")


def income_line(kind: str, year: int, province_code: str | None) -> IncomeLine | None:
    """The line of a kind for a year: the province's own if it has one, else the national one.

    `province_code` may be any code inside the province (a village's code works too).
    """
    LineKind(kind)
    q = Q(province__isnull=True)
    code = province_code_of(province_code) if province_code else None
    if code:
        q |= Q(province_id=code)
    lines = list(IncomeLine.objects.filter(q, kind=kind, year=year))
    for line in lines:
        if line.province_id:
            return line
    return lines[0] if lines else None


def income_lines_for(
    kind: str, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], IncomeLine | None]:
    """`income_line` for many (year, province code) pairs in one query, keyed by the pairs given."""
    pairs = list(pairs)
    if not pairs:
        return {}
    years = {year for year, _code in pairs}
    rows = IncomeLine.objects.filter(kind=kind, year__in=years)
    national: dict[int, IncomeLine] = {}
    own: dict[tuple[int, str], IncomeLine] = {}
    for line in rows:
        if line.province_id:
            own[(line.year, line.province_id)] = line
        else:
            national[line.year] = line
    return {
        (year, code): own.get((year, province_code_of(code))) or national.get(year)
        for year, code in pairs
    }


def current_assurance(household) -> dict[str, AssuranceCheck]:
    """The latest check of each item of one household (items never checked are absent)."""
    household_id = getattr(household, "pk", household)
    return current_assurance_bulk([household_id]).get(household_id, {})


def current_assurance_bulk(households: Iterable) -> dict[int, dict[str, AssuranceCheck]]:
    """`current_assurance` for many households in one query: {household id: {item: check}}."""
    ids = [getattr(h, "pk", h) for h in households]
    result: dict[int, dict[str, AssuranceCheck]] = defaultdict(dict)
    if not ids:
        return {}
    # Ordered oldest first, so a later check of the same item overwrites an earlier one.
    checks = AssuranceCheck.objects.filter(household_id__in=ids).order_by(
        "household_id", "item", "checked_on", "id"
    )
    for check in checks:
        result[check.household_id][check.item] = check
    return {household_id: result.get(household_id, {}) for household_id in ids}


# Procedures and notices --------------------------------------------------------------------


def visible_procedures(user) -> QuerySet[Procedure]:
    """Procedures of the households the user sees."""
    return Procedure.objects.filter(user_scope(user).household_q("household__"))


def _filter(value, choices, field: str, label) -> str:
    value = (value or "").strip()
    if value and value not in choices.values:
        raise InvalidInput(FILTER_INVALID.format(value=value, field=label), field=field)
    return value


def procedure_list(
    *,
    user,
    kind: str | None = None,
    step: str | None = None,
    status: str | None = None,
    region: str | None = None,
    household: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Procedure]:
    """Procedures in scope, filtered by kind, next step, status and region (any level)."""
    procedures = visible_procedures(user).select_related("household", "household__village")
    if value := _filter(kind, ProcedureKind, "kind", _("procedure")):
        procedures = procedures.filter(kind=value)
    if value := _filter(step, Step, "step", _("step")):
        procedures = procedures.filter(next_step=value)
    if value := _filter(status, ProcedureStatus, "status", _("status")):
        procedures = procedures.filter(status=value)
    if prefix := region_filter_prefix(user=user, value=region):
        procedures = procedures.filter(prefix_q("household__village_id", prefix))
    if household:
        procedures = procedures.filter(household_id=household)
    return keyset_page(procedures, cursor=cursor, limit=limit)


def procedure_get(*, user, pk) -> Procedure:
    procedure = (
        visible_procedures(user)
        .select_related("household", "household__village", "started_by")
        .filter(pk=pk)
        .first()
    )
    if procedure is None:
        raise NotFound(PROCEDURE_NOT_FOUND.format(id=pk), field="id")
    return procedure


def procedure_steps(procedure: Procedure) -> list[ProcedureStep]:
    return list(
        procedure.steps.select_related("recorded_by", "notice")
        .prefetch_related("documents")
        .order_by("id")
    )


def household_procedures(*, user, household) -> list[Procedure]:
    """A household's procedures, newest first (the household was fetched through scope)."""
    return list(visible_procedures(user).filter(household=household).order_by("-id")[:50])


def visible_notices(user) -> QuerySet[Notice]:
    """Notices listing at least one household the user sees: what is posted about the
    households of one's area. A notice of another township lists none of them: not found."""
    listed = ProcedureStep.objects.filter(
        notice=OuterRef("pk"),
    ).filter(user_scope(user).household_q("procedure__household__"))
    return Notice.objects.filter(Exists(listed))


def notice_list(*, user, cursor: str | None = None, limit: int | None = None) -> Page[Notice]:
    return keyset_page(visible_notices(user).select_related("region"), cursor=cursor, limit=limit)


def notice_get(*, user, pk) -> Notice:
    notice = visible_notices(user).select_related("region", "region__parent").filter(pk=pk).first()
    if notice is None:
        raise NotFound(NOTICE_NOT_FOUND.format(id=pk), field="id")
    return notice


@dataclass(frozen=True)
class NoticeRow:
    procedure: Procedure
    household: Household
    village: str
    head_id_masked: str


def notice_rows(notice: Notice, user) -> list[NoticeRow]:
    """The households a notice lists that the user sees, with the head's masked ID number
    (never the number). A county announcement lists every township's households: an officer
    of one township gets that township's rows only, a cadre the households paired with them."""
    heads = Prefetch(
        "household__members",
        queryset=Member.objects.filter(is_active=True, relation=Relation.HEAD).only(
            "id", "household_id", "id_number_masked"
        ),
        to_attr="heads",
    )
    procedures = (
        Procedure.objects.filter(steps__notice=notice)
        .filter(user_scope(user).household_q("household__"))
        .select_related("household", "household__village")
        .prefetch_related(heads)
        .order_by("household__village_id", "household__number")
    )
    rows = []
    for procedure in procedures:
        household = procedure.household
        head = household.heads[0] if household.heads else None
        rows.append(
            NoticeRow(
                procedure=procedure,
                household=household,
                village=household.village.short_name or household.village.name,
                head_id_masked=head.id_number_masked if head else "",
            )
        )
    return rows


def document_get(*, user, pk) -> StepDocument:
    document = (
        StepDocument.objects.filter(step__procedure__in=visible_procedures(user))
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise NotFound(DOCUMENT_NOT_FOUND.format(id=pk), field="id")
    return document


def line_list() -> list[IncomeLine]:
    """Income lines are public reference data: every user reads them."""
    return list(
        IncomeLine.objects.select_related("province").order_by("kind", "-year", "province_id")
    )


def line_get(pk) -> IncomeLine:
    line = IncomeLine.objects.select_related("province").filter(pk=pk).first()
    if line is None:
        raise NotFound(LINE_NOT_FOUND.format(id=pk), field="id")
    return line
