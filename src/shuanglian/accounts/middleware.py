"""Idle sessions end; a user who must change their password does that before anything else."""

import datetime as dt

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from shuanglian.accounts.services import PASSWORD_CHANGE_REQUIRED

API_PREFIX = "/api/"
# How stale the stored end of a session may get before a request pushes it back.
SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=1)


class SessionIdleMiddleware:
    """A session ends SESSION_COOKIE_AGE after its last request, give or take a minute.

    Each request that finds the stored end more than a minute old marks the session modified, so
    SessionMiddleware saves it with a fresh end. Saving on every request would cost a write per
    page and API call for the same effect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        stored_expiry = getattr(session, "stored_expiry", None)
        if stored_expiry is not None and not session.modified:
            age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
            if stored_expiry - timezone.now() < age - SESSION_TOUCH_INTERVAL:
                session.modified = True
        return response


class PasswordChangeRequiredMiddleware:
    """Pages redirect to the change-password page; API calls get 403 in the API's error shape.

    Logging out and switching the language stay open (WhiteNoise serves static files before
    this runs). Bearer-token requests are refused by the API's own authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return self.get_response(request)
        open_paths = {
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("set_language"),
        }
        if request.path in open_paths:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"message": str(PASSWORD_CHANGE_REQUIRED), "extra": {}}, status=403)
        return redirect("accounts:password_change")
