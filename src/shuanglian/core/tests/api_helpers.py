"""Assertions shared by the API tests: every error has the one shape."""

from django.utils.translation import override


def error_body(response, status: int) -> dict:
    """The error payload, after checking the status and the shape `{"message", "extra"}`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["extra"], dict)
    return body


def zh(message) -> str:
    """A message constant as the API renders it by default (Simplified Chinese)."""
    with override("zh-hans"):
        return str(message)


def walk_pages(client, url: str, **params) -> tuple[list[int], int]:
    """Follow `next_cursor` to the end: the ids seen in order and the number of pages."""
    ids: list[int] = []
    pages = 0
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        body = response.json()
        pages += 1
        ids.extend(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages
        assert pages < 100, "pagination does not end"
