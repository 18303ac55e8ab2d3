"""Request-wide context: the interface language and the client address for the audit trail."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from shuanglian.core.audit import current_ip
from shuanglian.core.errors import Forbidden, NotFound

SUPPORTED = {code for code, _ in settings.LANGUAGES}


class LanguageMiddleware:
    """Simplified Chinese unless the user picked another language (cookie).

    The browser's Accept-Language is ignored on purpose: the users are Chinese officials whose
    machines are often set up in English, and the system must open in Chinese for them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            response = self.get_response(request)
        finally:
            current_ip.reset(token)
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorMiddleware:
    """A NotFound or Forbidden raised by a selector or service becomes the standard page.

    Out of scope and nonexistent render the very same 404 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, Forbidden):
            return render(request, "403.html", {"message": exception.message}, status=403)
        return None
