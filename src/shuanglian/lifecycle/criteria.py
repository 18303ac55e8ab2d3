"""The exit criteria (退出标准): the latest year's 人均纯收入 above that year's poverty line of the
household's province, and 两不愁三保障 plus safe drinking water all met now."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from shuanglian.households.models import IncomeRecord
from shuanglian.lifecycle.models import AssuranceItem, LineKind
from shuanglian.lifecycle.selectors import current_assurance, income_line

NO_INCOME = _("No income record: the net income per person is not known.")
NO_LINE = _("No poverty line for {year}: an administrator must enter it first.")
INCOME_BELOW_LINE = _(
    "Net income per person in {year} is {income} yuan, not above the poverty line of {line} yuan."
)
ITEM_NOT_CHECKED = _("{item}: not checked yet.")
ITEM_NOT_MET = _("{item}: not met.")


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool
    detail: str


def exit_criteria(household) -> list[Criterion]:
    """Every criterion with whether it is met, in the order of the page's checklist."""
    result = []
    record = IncomeRecord.objects.filter(household=household).order_by("-year").first()
    label = str(_("Net income per person above the poverty line"))
    if record is None:
        result.append(Criterion("income", label, False, str(NO_INCOME)))
    else:
        line = income_line(LineKind.POVERTY, record.year, household.village_id)
        if line is None:
            result.append(Criterion("income", label, False, str(NO_LINE.format(year=record.year))))
        else:
            met = record.net_per_capita > line.amount
            detail = INCOME_BELOW_LINE.format(
                year=record.year, income=_yuan(record.net_per_capita), line=_yuan(line.amount)
            )
            if met:
                detail = str(
                    _("Net income per person in {year}: {income} yuan; line {line} yuan.").format(
                        year=record.year,
                        income=_yuan(record.net_per_capita),
                        line=_yuan(line.amount),
                    )
                )
            result.append(Criterion("income", label, met, str(detail)))
    checks = current_assurance(household)
    for item in AssuranceItem:
        check = checks.get(item.value)
        if check is None:
            result.append(
                Criterion(
                    item.value,
                    str(item.label),
                    False,
                    str(ITEM_NOT_CHECKED.format(item=item.label)),
                )
            )
        else:
            detail = check.evidence if check.met else str(ITEM_NOT_MET.format(item=item.label))
            result.append(Criterion(item.value, str(item.label), check.met, detail))
    return result


def exit_failures(household) -> list[str]:
    return [criterion.detail for criterion in exit_criteria(household) if not criterion.met]


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"
