"""Every error of the API has one shape: `{"message": ..., "extra": {...}}`."""

import logging

import pytest
from django.conf import settings
from django.http import Http404
from ninja.errors import HttpError

from shuanglian.core.api_errors import (
    API_INPUT_INVALID,
    API_LOGIN_REQUIRED,
    API_METHOD_NOT_ALLOWED,
    API_NOT_FOUND,
)
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.pagination import CURSOR_INVALID
from shuanglian.core.tests.api_helpers import error_body, zh

HOUSEHOLDS = "/api/v1/households"
ENDPOINTS = [
    "/api/v1/regions/620522",
    "/api/v1/units",
    "/api/v1/units/1",
    HOUSEHOLDS,
    f"{HOUSEHOLDS}/1",
]


def fail_with(monkeypatch, exc):
    def raise_it(**kwargs):
        raise exc

    monkeypatch.setattr("shuanglian.households.api.household_list", raise_it)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_401_on_every_endpoint(client, regions, url):
    body = error_body(client.get(url), 401)
    assert body == {"message": zh(API_LOGIN_REQUIRED), "extra": {}}


def test_message_follows_the_chosen_language(client, regions):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert error_body(client.get(HOUSEHOLDS), 401)["message"] == "Log in to use the API."


def test_400_domain_input_error(login, admin_user):
    body = error_body(login(admin_user).get(HOUSEHOLDS, {"cursor": "%%%"}), 400)
    assert body == {"message": zh(CURSOR_INVALID), "extra": {"field": "cursor"}}


def test_422_lists_what_is_wrong_without_echoing_input(login, admin_user):
    body = error_body(login(admin_user).get(HOUSEHOLDS, {"limit": "13812345678x"}), 422)
    assert body["message"] == zh(API_INPUT_INVALID)
    [error] = body["extra"]["errors"]
    assert set(error) == {"loc", "msg", "type"}
    assert error["loc"] == ["query", "limit"]
    assert "13812345678x" not in str(body)


def test_422_on_a_path_parameter(login, admin_user):
    body = error_body(login(admin_user).get(f"{HOUSEHOLDS}/abc"), 422)
    assert body["extra"]["errors"][0]["loc"] == ["path", "household_id"]


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (InvalidInput("bad", field="q"), 400),
        (Forbidden("not yours"), 403),
        (Conflict("taken", field="number", household="6205221042000001"), 409),
    ],
)
def test_domain_errors_keep_their_status_and_payload(monkeypatch, login, admin_user, exc, status):
    fail_with(monkeypatch, exc)
    body = error_body(login(admin_user).get(HOUSEHOLDS), status)
    assert body == exc.as_payload()


def test_django_404(monkeypatch, login, admin_user):
    fail_with(monkeypatch, Http404("no such thing"))
    body = error_body(login(admin_user).get(HOUSEHOLDS), 404)
    assert body == {"message": zh(API_NOT_FOUND), "extra": {}}


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_address_is_404_in_the_shape(client, regions, method):
    body = error_body(getattr(client, method)("/api/v1/no/such/thing"), 404)
    assert body["message"] == zh(API_NOT_FOUND)


def test_ninja_http_error(monkeypatch, login, admin_user):
    fail_with(monkeypatch, HttpError(429, "Too many requests."))
    assert error_body(login(admin_user).get(HOUSEHOLDS), 429) == {
        "message": "Too many requests.",
        "extra": {},
    }


def test_unexpected_error_is_500_in_the_shape_and_logged(monkeypatch, login, admin_user, caplog):
    fail_with(monkeypatch, RuntimeError("boom"))
    with caplog.at_level(logging.ERROR, logger="shuanglian.core.api_errors"):
        body = error_body(login(admin_user).get(HOUSEHOLDS), 500)
    assert body["extra"] == {}
    assert "boom" not in body["message"]
    assert any("boom" in (record.exc_text or "") for record in caplog.records)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method_is_405_in_the_shape(login, admin_user, method):
    response = getattr(login(admin_user), method)(HOUSEHOLDS)
    body = error_body(response, 405)
    assert body["message"] == zh(API_METHOD_NOT_ALLOWED).format(method=method.upper())
    assert body["extra"] == {"allowed": ["GET"]}
    assert response["Allow"] == "GET"
