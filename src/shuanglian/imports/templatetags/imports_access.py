"""Template helper for the navigation bar: whether to offer the import page."""

from django import template

from shuanglian.core.access import user_scope

register = template.Library()


@register.filter
def may_import(user) -> bool:
    """Importing writes records, so it is offered to those who may write somewhere."""
    return user_scope(user).writable
