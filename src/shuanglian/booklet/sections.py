"""The household booklet (扶贫手册) as an ordered list of sections.

Each section function takes the booklet's context and returns a `Section` (a title with facts,
a table and paragraphs) or None when it has nothing to say; the HTML page and the .docx file
render the same list. A new part of the booklet (monitoring, say) is one more function added to
SECTIONS.

Everything is read through the user's scope: the caller fetched the household with the same
selector the household page uses, and the records hanging off it are filtered the same way.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shuanglian.assistance.selectors import household_plans, visible_deeds, visible_visits
from shuanglian.households.models import Household
from shuanglian.households.selectors import HouseholdDetail, household_detail

# Sections that start a new printed page (A4): the plan, and the record of the work done.
PAGE_BREAK_BEFORE = ("plan", "visits")


@dataclass
class Section:
    key: str
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    empty: str = ""  # said when the section has no rows and no paragraphs

    @property
    def page_break(self) -> bool:
        return self.key in PAGE_BREAK_BEFORE


@dataclass
class BookletContext:
    user: object
    household: Household
    detail: HouseholdDetail
    # Member id → ID number in full, only after an audited reveal of this booklet.
    revealed: dict[int, str] = field(default_factory=dict)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _text(value) -> str:
    return str(value) if value not in (None, "") else "—"


def household_section(ctx: BookletContext) -> Section:
    h = ctx.household
    current = ctx.detail.current_pairing
    return Section(
        key="household",
        title=_("Household"),
        facts=[
            (_("Household number"), h.number),
            (_("Head of household"), h.head_name),
            (_("Village"), f"{h.village.parent.name if h.village.parent else ''}{h.village.name}"),
            (_("Address"), _text(h.address)),
            (_("Phone"), _text(h.phone_masked)),
            (_("Category"), str(h.get_category_display())),
            (_("Members"), str(h.member_count)),
            (_("Responsible cadre"), current.cadre.name if current else "—"),
        ],
    )


def members_section(ctx: BookletContext) -> Section:
    rows = [
        [
            m.name,
            str(m.get_relation_display()),
            str(m.get_sex_display()),
            _date(m.birth_date),
            ctx.revealed.get(m.pk) or m.id_number_masked or "—",
            str(m.get_education_display() or "—"),
            str(m.get_health_display()),
            str(m.get_labour_display() or "—"),
        ]
        for m in ctx.detail.members
    ]
    return Section(
        key="members",
        title=_("Members"),
        headers=[
            pgettext("person", "Name"),
            _("Relation to head"),
            _("Sex"),
            _("Birth date"),
            _("ID number"),
            _("Education"),
            _("Health"),
            _("Labour capacity"),
        ],
        rows=rows,
        empty=_("No members recorded."),
    )


def causes_section(ctx: BookletContext) -> Section:
    h = ctx.household
    return Section(
        key="causes",
        title=_("Poverty causes"),
        facts=[
            (_("Main poverty cause"), str(h.get_poverty_cause_main_display() or "—")),
            (_("Secondary poverty cause"), str(h.get_poverty_cause_secondary_display() or "—")),
        ],
    )


def cadres_section(ctx: BookletContext) -> Section:
    rows = [
        [
            p.cadre.name,
            p.cadre.unit.name,
            p.cadre.position or "—",
            _date(p.start_date),
            _date(p.end_date) if p.end_date else pgettext("pairing", "current"),
        ]
        for p in ctx.detail.pairings
    ]
    return Section(
        key="cadres",
        title=_("Responsible cadres"),
        headers=[_("Cadre"), _("Unit"), _("Position"), _("Start date"), _("End date")],
        rows=rows,
        empty=_("No cadre has been responsible for this household yet."),
    )


def plan_section(ctx: BookletContext) -> Section:
    plans = household_plans(user=ctx.user, household=ctx.household)
    rows, paragraphs = [], []
    for plan in plans:
        goals = f"{plan.year}：{plan.goals}" if plan.goals else ""
        target = plan.target_net_per_capita
        if target is not None:
            goals += f"（{_('target net income per person (yuan)')} {target}）"
        if goals:
            paragraphs.append(goals)
        for m in plan.measures.all():
            who = m.responsible_cadre.name if m.responsible_cadre else ""
            if m.responsible_unit:
                who = f"{who} {m.responsible_unit.name}".strip()
            rows.append(
                [
                    str(plan.year),
                    str(m.get_type_display()),
                    m.description,
                    who or "—",
                    _date(m.due_date),
                    str(m.get_status_display()),
                ]
            )
    return Section(
        key="plan",
        title=_("Plan and measures"),
        headers=[
            _("Year"),
            _("Measure type"),
            _("Measure"),
            _("Responsible"),
            _("Due date"),
            _("Status"),
        ],
        rows=rows,
        paragraphs=paragraphs,
        empty=_("No plan yet."),
    )


def incomes_section(ctx: BookletContext) -> Section:
    rows = [
        [
            str(i.year),
            str(i.wage_income),
            str(i.business_income),
            str(i.property_income),
            str(i.transfer_income),
            str(i.production_cost),
            str(i.population),
            str(i.net_per_capita),
        ]
        for i in sorted(ctx.detail.incomes, key=lambda i: i.year)
    ]
    return Section(
        key="incomes",
        title=_("Income by year"),
        headers=[
            _("Year"),
            _("Wage income"),
            _("Business income"),
            _("Property income"),
            _("Transfer income"),
            _("Production costs"),
            _("People counted"),
            _("Net income per person"),
        ],
        rows=rows,
        empty=_("No income recorded yet."),
    )


def visits_section(ctx: BookletContext) -> Section:
    # Voided visits count nowhere, here neither.
    visits = (
        visible_visits(ctx.user)
        .filter(household=ctx.household, voided_at__isnull=True)
        .select_related("cadre")
        .order_by("visited_on", "id")
    )
    rows = [
        [_date(v.visited_on), v.cadre.name, str(v.get_mode_display()), v.discussion or "—"]
        for v in visits
    ]
    return Section(
        key="visits",
        title=_("Visits"),
        headers=[_("Date"), _("Cadre"), _("Mode"), _("What was discussed")],
        rows=rows,
        empty=_("No visits yet."),
    )


def deeds_section(ctx: BookletContext) -> Section:
    deeds = (
        visible_deeds(ctx.user)
        .filter(households=ctx.household, voided_at__isnull=True)
        .select_related("unit", "cadre")
        .order_by("done_on", "id")
    )
    rows = [
        [
            _date(d.done_on),
            d.unit.name + (f" {d.cadre.name}" if d.cadre else ""),
            str(d.get_type_display()),
            d.description,
            str(d.value),
        ]
        for d in deeds
    ]
    return Section(
        key="deeds",
        title=_("Deeds"),
        headers=[_("Date"), _("By"), _("Type of help"), _("What was done"), _("Value (yuan)")],
        rows=rows,
        empty=_("No deeds yet."),
    )


def ratings_section(ctx: BookletContext) -> Section | None:
    if not apps.is_installed("shuanglian.ratings"):
        return None
    from shuanglian.ratings.selectors import household_ratings

    ratings = sorted(
        household_ratings(user=ctx.user, household=ctx.household), key=lambda r: r.year
    )
    rows = [
        [
            str(r.year),
            "★" * len(r.awards.all()),
            "、".join(a.star.name for a in r.awards.all()) or "—",
            _date(r.decided_on),
            r.note or "—",
        ]
        for r in ratings
    ]
    return Section(
        key="ratings",
        title=_("Star ratings"),
        headers=[_("Year"), _("Stars"), _("Stars awarded"), _("Decided on"), _("Note")],
        rows=rows,
        empty=_("Not rated yet."),
    )


def lifecycle_section(ctx: BookletContext) -> Section | None:
    """Identification, exit and risk elimination procedures, step by step (the lifecycle app)."""
    if not apps.is_installed("shuanglian.lifecycle"):
        return None
    try:
        procedure_model = apps.get_model("lifecycle", "Procedure")
    except LookupError:
        return None
    procedures = (
        procedure_model.objects.filter(household=ctx.household)
        .prefetch_related("steps")
        .order_by("started_on", "id")
    )
    rows = []
    for procedure in procedures:
        kind = str(procedure.get_kind_display())
        rows.append(
            [
                kind,
                _("started"),
                _date(procedure.started_on),
                str(procedure.get_status_display()),
                procedure.rejection_reason or "—",
            ]
        )
        for step in sorted(procedure.steps.all(), key=lambda s: (s.done_on, s.pk)):
            rows.append(
                [
                    kind,
                    str(step.get_step_display()),
                    _date(step.done_on),
                    str(step.get_outcome_display()),
                    step.reason or step.note or "—",
                ]
            )
    return Section(
        key="lifecycle",
        title=_("Identification and exit"),
        headers=[
            _("Procedure"),
            _("Step"),
            _("Date"),
            pgettext("procedure step", "Outcome"),
            _("Note"),
        ],
        rows=rows,
        empty=_("No procedure recorded."),
    )


SECTIONS: list[Callable[[BookletContext], Section | None]] = [
    household_section,
    members_section,
    causes_section,
    cadres_section,
    plan_section,
    incomes_section,
    visits_section,
    deeds_section,
    lifecycle_section,
    ratings_section,
]


def booklet_sections(*, user, household: Household, revealed=None) -> list[Section]:
    """The booklet of a household the caller fetched through `household_get`."""
    ctx = BookletContext(
        user=user,
        household=household,
        detail=household_detail(user=user, pk=household.pk),
        revealed=dict(revealed or {}),
    )
    return [section for build in SECTIONS if (section := build(ctx)) is not None]
