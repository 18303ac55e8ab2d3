import hashlib

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from shuanglian.accounts.api import API_CSRF_FAILED
from shuanglian.accounts.models import ApiToken
from shuanglian.accounts.services import (
    LOGIN_FAILED,
    PASSWORD_CHANGE_REQUIRED,
    TOKEN_INVALID,
    api_token_create,
    user_force_password_change,
)
from shuanglian.conftest import GUOJIA, LONGCHENG
from shuanglian.core.api_errors import API_LOGIN_REQUIRED
from shuanglian.core.models import AuditEvent
from shuanglian.core.tests.api_helpers import error_body, zh

PASSWORD = "Test@12345"
TOKEN_URL = "/api/v1/auth/token"


def _token(client, username, password=PASSWORD):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_is_issued_and_authenticates_in_the_users_scope(client, town_officer, clock):
    response = _token(client, "guojia")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    stored = ApiToken.objects.get(user=town_officer)
    assert stored.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["expires_at"].startswith(stored.expires_at.isoformat()[:19])
    api = Client()
    assert api.get(f"/api/v1/regions/{GUOJIA}", **_bearer(body["token"])).status_code == 200
    error_body(api.get(f"/api/v1/regions/{LONGCHENG}", **_bearer(body["token"])), 404)
    assert AuditEvent.objects.filter(
        action="login", actor_username="guojia", object_type="accounts.ApiToken"
    ).exists()


def test_wrong_credentials_and_lockout_get_one_401(client, county_officer, clock):
    unknown = error_body(_token(client, "nobody", "x"), 401)
    for _ in range(5):
        wrong = error_body(_token(client, "county", "x"), 401)
    locked = error_body(_token(client, "county", PASSWORD), 401)
    assert unknown == wrong == locked == {"message": zh(LOGIN_FAILED), "extra": {}}
    assert AuditEvent.objects.filter(action="login_failed", actor_username="county").count() == 6
    assert AuditEvent.objects.filter(action="lockout", actor_username="county").count() == 1
    # The lock reached the login page too.
    page = Client().post("/accounts/login/", {"username": "county", "password": PASSWORD})
    assert page.status_code == 200
    clock.advance(minutes=15, seconds=1)
    assert _token(client, "county").status_code == 200


def test_malformed_credentials_get_400_or_422(client, regions):
    error_body(client.post(TOKEN_URL, "not json", content_type="application/json"), 400)
    error_body(client.post(TOKEN_URL, {"username": "x"}, content_type="application/json"), 422)
    nul = {"username": "county\x00", "password": "x"}
    error_body(client.post(TOKEN_URL, nul, content_type="application/json"), 422)


@pytest.mark.parametrize("header", ["Bearer unknown-token", "Bearer ", "Bearer"])
def test_unknown_tokens_get_401(client, regions, header):
    body = error_body(client.get("/api/v1/households", HTTP_AUTHORIZATION=header), 401)
    assert body["message"] in (zh(TOKEN_INVALID), zh(API_LOGIN_REQUIRED))


def test_a_bad_token_is_refused_even_beside_a_session(login, county_officer):
    client = login(county_officer)
    assert client.get("/api/v1/households").status_code == 200
    body = error_body(client.get("/api/v1/households", **_bearer("made-up")), 401)
    assert body["message"] == zh(TOKEN_INVALID)


def test_an_expired_token_gets_401(client, county_officer, clock):
    raw = _token(client, "county").json()["token"]
    clock.advance(hours=11, minutes=59)
    assert client.get("/api/v1/households", **_bearer(raw)).status_code == 200
    clock.advance(minutes=1)
    body = error_body(client.get("/api/v1/households", **_bearer(raw)), 401)
    assert body["message"] == zh(TOKEN_INVALID)


def test_delete_revokes_the_token_of_the_request(client, county_officer):
    raw = _token(client, "county").json()["token"]
    other = _token(client, "county").json()["token"]
    response = client.delete(TOKEN_URL, **_bearer(raw))
    assert response.status_code == 204
    body = error_body(client.get("/api/v1/households", **_bearer(raw)), 401)
    assert body["message"] == zh(TOKEN_INVALID)
    error_body(client.delete(TOKEN_URL, **_bearer(raw)), 401)
    assert client.get("/api/v1/households", **_bearer(other)).status_code == 200
    assert AuditEvent.objects.filter(action="end", object_type="accounts.ApiToken").count() == 1


def test_delete_needs_the_token_not_a_session(login, county_officer):
    body = error_body(login(county_officer).delete(TOKEN_URL), 401)
    assert body["message"] == zh(API_LOGIN_REQUIRED)


def test_last_use_is_recorded(client, county_officer, clock):
    raw = _token(client, "county").json()["token"]
    client.get("/api/v1/households", **_bearer(raw))
    assert ApiToken.objects.get().last_used_at is not None


def test_a_forced_password_change_stops_the_api(client, county_officer, admin_user):
    raw = _token(client, "county").json()["token"]
    session = Client()
    session.force_login(county_officer)
    user_force_password_change(actor=admin_user, user=county_officer)
    expected = {"message": zh(PASSWORD_CHANGE_REQUIRED), "extra": {}}
    assert error_body(session.get("/api/v1/households"), 403) == expected
    assert error_body(_token(client, "county"), 403) == expected
    # Forcing the change revoked the token that existed.
    assert error_body(client.get("/api/v1/households", **_bearer(raw)), 401)["message"] == zh(
        TOKEN_INVALID
    )


def test_the_schema_documents_both_ways_in(client, regions):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}
    token = schema["paths"]["/api/v1/auth/token"]
    assert "security" not in token["post"]
    assert token["delete"]["security"] == [{"BearerAuth": []}]


@pytest.mark.urls("shuanglian.accounts.tests.csrf_urls")
def test_a_session_write_needs_the_csrf_token(county_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county_officer)
    refused = error_body(client.post("/probe/write"), 403)
    assert refused["message"] == zh(API_CSRF_FAILED)
    # What a page gives the browser: the secret in the cookie, a masked token in the header.
    page_request = RequestFactory().get("/")
    header_token = get_token(page_request)
    client.cookies[settings.CSRF_COOKIE_NAME] = page_request.META["CSRF_COOKIE"]
    accepted = client.post("/probe/write", HTTP_X_CSRFTOKEN=header_token)
    assert accepted.status_code == 200
    assert accepted.json() == {"username": "county"}


@pytest.mark.urls("shuanglian.accounts.tests.csrf_urls")
def test_a_bearer_write_needs_no_csrf_token(county_officer):
    _token_row, raw = api_token_create(request=None, username="county", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/probe/write", **_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"username": "county"}
