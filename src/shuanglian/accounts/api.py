"""API sign-in: bearer tokens for programs, and the two ways an API call is authenticated.

A program posts its username and password to /auth/token and sends the token it gets back as
`Authorization: Bearer <token>`. A browser that is logged in uses its session instead, with the
CSRF token on writes.
"""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from shuanglian.accounts import services
from shuanglian.core.api_errors import ErrorOut
from shuanglian.core.errors import Forbidden

API_CSRF_FAILED = _("The request lacks a valid CSRF token; reload the page and try again.")


class BearerAuth(HttpBearer):
    """A live API token. An unknown, expired or revoked one is refused (401) even when a session
    cookie comes along, so a client learns its token is no good."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = services.api_token_authenticate(raw=token)
        user = api_token.user
        if user.must_change_password:
            raise Forbidden(services.PASSWORD_CHANGE_REQUIRED)
        # The selectors read request.user, as for a session.
        request.user = user
        request.api_token = api_token
        return user


class CsrfSessionAuth(SessionAuth):
    """Django's session, with ninja's CSRF check on writes, refusing in the API's words."""

    def _get_key(self, request: HttpRequest):
        try:
            return super()._get_key(request)
        except HttpError:
            raise Forbidden(API_CSRF_FAILED) from None


bearer_auth = BearerAuth()
API_AUTH = [bearer_auth, CsrfSessionAuth()]

router = Router(tags=["auth"])


# No NUL characters: PostgreSQL cannot store or compare them, and no account has one (the
# login page refuses them the same way).
NO_NUL = r"^[^\x00]*$"


class Credentials(Schema):
    username: str = Field(..., min_length=1, max_length=150, pattern=NO_NUL)
    password: str = Field(..., min_length=1, max_length=4096, pattern=NO_NUL)


class TokenOut(Schema):
    token: str = Field(..., description="Send as `Authorization: Bearer <token>`; shown once.")
    expires_at: dt.datetime


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Get an API token",
    operation_id="auth_token_create",
)
def token_create(request: HttpRequest, credentials: Credentials):
    """A new bearer token. Wrong credentials and locked accounts get the same 401; repeated
    failures lock the account as on the login page."""
    token, raw = services.api_token_create(
        request=request, username=credentials.username, password=credentials.password
    )
    return {"token": raw, "expires_at": token.expires_at}


@router.delete(
    "/token",
    auth=bearer_auth,
    response={204: None, 401: ErrorOut, 403: ErrorOut},
    summary="Revoke the API token of this request",
    operation_id="auth_token_delete",
)
def token_delete(request: HttpRequest):
    services.api_token_revoke(actor=request.auth, token=request.api_token)
    return Status(204, None)
