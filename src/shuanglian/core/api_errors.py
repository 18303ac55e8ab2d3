"""One error shape for the whole JSON API: `{"message": ..., "extra": {...}}`.

Whatever goes wrong — a service or selector rule, a malformed parameter, a missing login, an
unknown record, a bug — the client gets the same two keys, the message in the user's language.
"""

import functools
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from shuanglian.core.errors import DomainError

logger = logging.getLogger(__name__)

API_INPUT_INVALID = _("Some parameters of the request are not valid.")
API_LOGIN_REQUIRED = _("Log in to use the API.")
API_NOT_FOUND = _("The page or record does not exist, or it is outside your area of work.")
API_METHOD_NOT_ALLOWED = _("This address does not accept {method} requests.")
API_SERVER_ERROR = _("Something went wrong on the server; the error has been logged.")

# Pydantic's error details that help a client fix its request; the rest (input values, internal
# context objects) could echo personal data back or fail to serialise.
VALIDATION_KEYS = ("loc", "msg", "type")


class ErrorOut(Schema):
    message: str
    extra: dict[str, Any]


def error_response(api: NinjaAPI, request: HttpRequest, status: int, message, **extra):
    return api.create_response(request, {"message": str(message), "extra": extra}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace django-ninja's `{"detail": ...}` handlers with the project's error shape."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_payload(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {key: error[key] for key in VALIDATION_KEYS if key in error} for error in exc.errors
        ]
        return error_response(api, request, 422, API_INPUT_INVALID, errors=errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, API_LOGIN_REQUIRED)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, exc.message)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, API_NOT_FOUND)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        return error_response(api, request, 500, API_SERVER_ERROR)


class ErrorShapedAPI(NinjaAPI):
    """A NinjaAPI whose every error, including 405, comes in the project's error shape."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_error_handlers(self)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        return [self._shape_not_allowed(p) for p in patterns], app_name, namespace

    def _shape_not_allowed(self, pattern):
        # django-ninja answers a wrong method itself, with a bare text body, before any
        # exception handler could run; the view is wrapped to restate that answer.
        if not isinstance(pattern, URLPattern):
            return pattern
        view = pattern.callback

        @functools.wraps(view)
        def shaped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if not isinstance(response, HttpResponseNotAllowed):
                return response
            allowed = sorted(m.strip() for m in response["Allow"].split(",") if m.strip())
            restated = error_response(
                self,
                request,
                405,
                API_METHOD_NOT_ALLOWED.format(method=request.method),
                allowed=allowed,
            )
            restated["Allow"] = response["Allow"]
            return restated

        return URLPattern(pattern.pattern, shaped, pattern.default_args, pattern.name)
