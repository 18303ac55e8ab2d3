from django import template

from shuanglian.lifecycle import registry, rules, selectors
from shuanglian.lifecycle.models import AssuranceItem, ProcedureKind

register = template.Library()


@register.inclusion_tag("lifecycle/panel.html", takes_context=True)
def lifecycle_panel(context, household):
    """The household page's panel: its procedures, the checklist, the actions the user may take.
    The household was fetched through the user's scope by the page."""
    user = context["request"].user
    procedures = selectors.household_procedures(user=user, household=household)
    open_kinds = {p.kind for p in procedures if p.is_open}
    starts = []
    for kind in registry.registered_kinds():
        spec = registry.spec_of(kind)
        if kind not in open_kinds and rules.may_record(user, household, spec.steps[0]):
            starts.append((kind, ProcedureKind(kind).label))
    current = selectors.current_assurance(household)
    return {
        "request": context["request"],
        "household": household,
        "procedures": procedures,
        "starts": starts,
        "checklist": [(item.label, current.get(item.value)) for item in AssuranceItem],
        "may_check": rules.may_check(user, household),
    }
