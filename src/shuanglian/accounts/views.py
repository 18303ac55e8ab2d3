"""Signing in and out, "my account", changing one's password, revoking one's API tokens, and
the user management pages of administrators and region officers."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuanglian.accounts import selectors, services
from shuanglian.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
)
from shuanglian.core.errors import InvalidInput
from shuanglian.core.forms import FORM_ERRORS, submit

PASSWORD_CHANGED = _("Your password was changed. Your other sessions and API tokens have ended.")
PASSWORD_CHANGE_INTRO = _(
    "Your password must be changed before you can go on. Choose one only you know."
)
TOKEN_REVOKED = _("The API token {prefix}… was revoked.")


def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            services.user_login(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.LoginFailed as err:
            form.add_error(None, str(err.message))
        else:
            safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
            return redirect(next_url if safe and next_url else "home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    services.user_logout(request=request)
    return redirect("accounts:login")


@login_required
def me(request):
    context = {
        "account": selectors.account_summary(user=request.user),
        "tokens": selectors.api_token_list(user=request.user),
        "form": PasswordChangeForm(),
        "now": timezone.now(),
    }
    return render(request, "accounts/me.html", context)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.user_password_change(
            actor=request.user,
            user=request.user,
            old_password=data["old_password"],
            new_password=data["new_password"],
        ),
    )
    if outcome.saved:
        # The new password hash ended every session; this one goes on.
        update_session_auth_hash(request, outcome.value)
        messages.success(request, PASSWORD_CHANGED)
        return redirect("accounts:me")
    forced = request.user.must_change_password
    context = {
        "form": form,
        "title": _("Change password"),
        "intro": PASSWORD_CHANGE_INTRO if forced else "",
        "cancel_url": "" if forced else reverse("accounts:me"),
        "submit_label": _("Change password"),
    }
    return render(request, "core/form.html", context, status=outcome.status)


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, TOKEN_REVOKED.format(prefix=token.prefix))
    return redirect("accounts:me")


# --- Managing accounts: administrators, and region officers within their region. ---

USER_CREATED = _("The account {username} was created.")
USER_SAVED = _("The account {username} was saved.")
USER_DEACTIVATED = _("The account {username} was deactivated; it can no longer sign in.")
USER_ACTIVATED = _("The account {username} was activated again.")
USER_FORCED = _("{username} must choose a new password at their next sign-in.")
USER_UNLOCKED = _("The account {username} was unlocked.")


def _user_form_page(request, form, *, title, cancel_url, status=200):
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    return render(request, "core/form.html", context, status=status)


@login_required
def user_list(request):
    selectors.require_user_management(request.user)
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page, error = None, None
    if not form.is_bound or form.is_valid():
        try:
            page = selectors.user_list(
                user=request.user, cursor=request.GET.get("cursor") or None, **filters
            )
        except InvalidInput as err:
            error = err
            form.add_domain_error(err)
    query = {key: value for key, value in filters.items() if value}
    next_url = None
    if page and page.next_cursor:
        next_url = "?" + urlencode({**query, "cursor": page.next_cursor})
    context = {
        "form": form,
        "users": page.items if page else [],
        "next_url": next_url,
        "first_url": "?" + urlencode(query),
        "paged": bool(request.GET.get("cursor")),
        "error": error,
        "now": timezone.now(),
    }
    status = 400 if error or (form.is_bound and not form.is_valid()) else 200
    return render(request, "accounts/user_list.html", context, status=status)


@login_required
def user_create(request):
    selectors.require_user_management(request.user)
    form = UserCreateForm(request.POST or None, actor=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.user_create(actor=request.user, **form.service_kwargs()),
    )
    if outcome.saved:
        messages.success(request, USER_CREATED.format(username=outcome.value.username))
        return redirect("accounts:user_detail", pk=outcome.value.pk)
    return _user_form_page(
        request,
        form,
        title=_("New user account"),
        cancel_url=reverse("accounts:user_list"),
        status=outcome.status,
    )


@login_required
def user_detail(request, pk):
    account = selectors.user_get(user=request.user, pk=pk)
    context = {
        "account": account,
        "cadre": selectors.cadre_of(account),
        "pairings": selectors.account_households(user=request.user, account=account),
        "locked": bool(account.locked_until and account.locked_until > timezone.now()),
        "is_self": account.pk == request.user.pk,
        "now": timezone.now(),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_update(request, pk):
    account = selectors.user_get(user=request.user, pk=pk)
    cadre = selectors.cadre_of(account)
    initial = {
        "display_name": account.display_name,
        "role": account.role,
        "region": account.region_id or "",
        "unit": account.unit_id,
        "cadre": cadre.pk if cadre else None,
        "can_reveal": account.can_reveal,
    }
    form = UserForm(request.POST or None, initial=initial, actor=request.user, account=account)
    outcome = submit(
        request,
        form,
        lambda data: services.user_update(
            actor=request.user, user=account, **_keep_reveal(form, account)
        ),
    )
    if outcome.saved:
        messages.success(request, USER_SAVED.format(username=account.username))
        return redirect("accounts:user_detail", pk=account.pk)
    return _user_form_page(
        request,
        form,
        title=_("Edit account {username}").format(username=account.username),
        cancel_url=reverse("accounts:user_detail", args=[account.pk]),
        status=outcome.status,
    )


def _keep_reveal(form, account) -> dict:
    """The form's values; an actor not offered the reveal box leaves the account's as it is."""
    kwargs = form.service_kwargs()
    if "can_reveal" not in form.fields:
        kwargs["can_reveal"] = account.can_reveal
    return kwargs


def _user_action(request, pk, action, done_message):
    """A button on the user page: run the service, say what happened, back to the page."""
    account = selectors.user_get(user=request.user, pk=pk)
    try:
        action(actor=request.user, user=account)
    except FORM_ERRORS as err:
        messages.error(request, err.message)
    else:
        messages.success(request, done_message.format(username=account.username))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def user_deactivate(request, pk):
    return _user_action(request, pk, services.user_deactivate, USER_DEACTIVATED)


@login_required
@require_POST
def user_activate(request, pk):
    return _user_action(request, pk, services.user_activate, USER_ACTIVATED)


@login_required
@require_POST
def user_force_password_change(request, pk):
    return _user_action(request, pk, services.user_force_password_change, USER_FORCED)


@login_required
@require_POST
def user_unlock(request, pk):
    return _user_action(request, pk, services.user_unlock, USER_UNLOCKED)
