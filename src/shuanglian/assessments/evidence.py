"""One row per evidence record, the same for the page, the API and every rule: when, which
household, who, what, and the figure it adds."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from shuanglian.assessments.models import Rule
from shuanglian.assistance.models import FollowUpStatus, MeasureStatus


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    date: object
    household_id: int | None
    household: str
    who: str
    detail: str
    figure: str


def _household(household) -> tuple[int | None, str]:
    if household is None:
        return None, ""
    return household.pk, f"{household.head_name}（{household.number}）"


def _money(value) -> str:
    return f"{Decimal(str(value or 0)).quantize(Decimal('0.01'))}"


def evidence_row(rule: str, record, scheme) -> EvidenceRow:
    if rule in (Rule.VISITS, Rule.SATISFACTION):
        pk, house = _household(record.household)
        figure = str(record.satisfaction) if rule == Rule.SATISFACTION else "1"
        return EvidenceRow(
            record.pk,
            record.visited_on,
            pk,
            house,
            record.cadre.name,
            record.get_mode_display(),
            figure,
        )
    if rule == Rule.MEASURES:
        pk, house = _household(record.plan.household)
        done = record.status == MeasureStatus.DONE and record.done_on <= scheme.period_end
        state = record.get_status_display()
        if done:
            state = _("done on {date}").format(date=record.done_on)
        return EvidenceRow(record.pk, record.due_date, pk, house, "", record.description, state)
    if rule == Rule.FOLLOW_UPS:
        pk, house = _household(record.household)
        owner = record.owner_cadre.name if record.owner_cadre else record.owner_unit.name
        on_time = record.status == FollowUpStatus.DONE and record.done_on <= record.due_date
        state = _("done on time") if on_time else record.get_status_display()
        if record.status == FollowUpStatus.DONE and not on_time:
            state = _("done late ({date})").format(date=record.done_on)
        return EvidenceRow(record.pk, record.due_date, pk, house, owner, record.title, state)
    if rule == Rule.FUNDS:
        raiser = record.raised_by.name if record.raised_by else ""
        return EvidenceRow(
            record.pk,
            record.received_on,
            None,
            "",
            raiser,
            f"{record.project.name} · {record.get_source_display()}",
            _money(record.amount),
        )
    if rule == Rule.PROJECTS:
        who = record.changed_by.username if record.changed_by else ""
        return EvidenceRow(
            record.pk, record.changed_on, None, "", who, record.project.name, _("completed")
        )
    if rule == Rule.EXITS:
        pk, house = _household(record.household)
        when = timezone.localtime(record.exited_at).date() if record.exited_at else None
        return EvidenceRow(
            record.pk, when, pk, house, "", record.household.get_category_display(), "1"
        )
    # Rule.INCOME
    pk, house = _household(record.household)
    detail = f"{_money(record.previous)} → {_money(record.current)}"
    return EvidenceRow(record.pk, None, pk, house, "", detail, detail)
