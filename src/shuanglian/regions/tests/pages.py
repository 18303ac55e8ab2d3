"""Assertions shared by the page tests of regions, units and pairings."""

import re

from django.utils.html import escape
from django.utils.translation import override

_TOKEN = re.compile(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')


def zh(message, **values) -> str:
    """A message constant as the page shows it (Simplified Chinese, HTML-escaped)."""
    with override("zh-hans"):
        text = str(message)
    return escape(text.format(**values) if values else text)


def text(response) -> str:
    return response.content.decode()


def normalised(response, path: str) -> str:
    # The CSRF token is salted on every render and the language switch echoes the path.
    return _TOKEN.sub(r"\1TOKEN", text(response)).replace(path, "PATH")


def assert_same_404(client, out_of_scope: str, missing: str, method: str = "get") -> None:
    """Out of scope answers exactly like nonexistent."""
    send = getattr(client, method)
    hidden, absent = send(out_of_scope), send(missing)
    assert hidden.status_code == 404
    assert absent.status_code == 404
    assert normalised(hidden, out_of_scope) == normalised(absent, missing)


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def row_counts(response, code: str) -> dict[str, int]:
    """The counts of one child row of a region page, by column (units, cadres, categories)."""
    row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', text(response), re.S)
    assert row, f"no row for {code}"
    cells = re.findall(r'data-count="(\w+)">(\d+)<', row.group(1))
    return {name: int(value) for name, value in cells}
