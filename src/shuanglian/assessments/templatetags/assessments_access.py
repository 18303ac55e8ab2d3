from django import template

from shuanglian.core.access import user_scope

register = template.Library()


@register.filter
def may_see_assessments(user) -> bool:
    """Cadres have no part in assessments: no menu entry for them (nor for the scopeless)."""
    scope = user_scope(user)
    return not scope.nothing and not scope.cadre_account_id
