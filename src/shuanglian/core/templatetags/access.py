"""Template helpers for the navigation bar."""

from django import template

from shuanglian.core.audit_selectors import can_search_audit

register = template.Library()


@register.filter
def may_search_audit(user) -> bool:
    """Whether the navigation offers the audit trail to `user`."""
    return can_search_audit(user)
