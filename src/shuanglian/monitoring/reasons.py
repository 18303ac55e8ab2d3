"""Reasons of a case as sentences. A reason is stored as a code with its figures, so that the
sentence follows the reader's language and the figures stay data."""

from django.utils.translation import gettext_lazy as _

from shuanglian.lifecycle.models import AssuranceItem, LineKind
from shuanglian.monitoring.models import ReasonCode

INCOME_SENTENCE = _(
    "Net income per person in {year} was {income} yuan, below that year's {line_name} of "
    "{line} yuan."
)
EXPENSE_SENTENCE = _(
    "Large unavoidable expenses of {expenses} yuan since {since} exceed {percent} of the "
    "household's yearly net income ({income} yuan)."
)
EXPENSE_NO_INCOME_SENTENCE = _(
    "Large unavoidable expenses of {expenses} yuan since {since}, and no net income to bear them."
)
ASSURANCE_SENTENCE = _("Not met at the latest check ({checked_on}): {item}.")
REPORT_SENTENCE = _("Reported by cadre {cadre} at the visit of {visited_on}: {note}")
OFFICER_SENTENCE = _("Entered by an officer: {note}")
UNKNOWN_SENTENCE = _("Other reason.")


def _money(value) -> str:
    return f"{float(value):,.2f}"


def reason_text(code: str, params: dict) -> str:
    """The sentence of one reason, in the active language."""
    p = params or {}
    try:
        if code == ReasonCode.INCOME_BELOW_LINE:
            return INCOME_SENTENCE.format(
                year=p["year"],
                income=_money(p["income"]),
                line=_money(p["line"]),
                line_name=LineKind(p.get("line_kind", LineKind.MONITORING)).label,
            )
        if code == ReasonCode.LARGE_EXPENSE:
            if float(p["income"]) <= 0:
                return EXPENSE_NO_INCOME_SENTENCE.format(
                    expenses=_money(p["expenses"]), since=p["since"]
                )
            return EXPENSE_SENTENCE.format(
                expenses=_money(p["expenses"]),
                since=p["since"],
                percent=f"{float(p['share']) * 100:g}%",
                income=_money(p["income"]),
            )
        if code == ReasonCode.ASSURANCE_FAILED:
            return ASSURANCE_SENTENCE.format(
                item=AssuranceItem(p["item"]).label, checked_on=p.get("checked_on", "")
            )
        if code == ReasonCode.CADRE_REPORT:
            return REPORT_SENTENCE.format(
                cadre=p.get("cadre", ""), visited_on=p.get("visited_on", ""), note=p.get("note", "")
            )
        if code == ReasonCode.OFFICER_NOTE:
            return OFFICER_SENTENCE.format(note=p.get("note", ""))
    except (KeyError, ValueError, TypeError):
        pass
    return str(UNKNOWN_SENTENCE)
