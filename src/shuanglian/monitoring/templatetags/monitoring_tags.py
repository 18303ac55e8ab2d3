"""The monitoring panel on a household's page: its open case and what the user may do."""

from django import template

from shuanglian.monitoring import rules
from shuanglian.monitoring.selectors import open_case_of

register = template.Library()


@register.inclusion_tag("monitoring/_panel.html", takes_context=True)
def monitoring_panel(context, household):
    user = context["request"].user
    return {
        "household": household,
        "open_case": open_case_of(user=user, household=household),
        "may_report": rules.may_report(user, household),
        "may_manage": rules.may_manage(user, household),
        "request": context["request"],
    }
