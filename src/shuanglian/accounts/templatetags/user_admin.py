"""Template helpers for the account pages and the navigation bar."""

from django import template

from shuanglian.accounts import selectors

register = template.Library()


@register.filter
def may_manage_users(user) -> bool:
    """Whether the navigation offers the user management pages to `user`."""
    return selectors.may_manage_users(user)
