from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuanglian.accounts import services
from shuanglian.accounts.forms import LoginForm

LOGIN_FAILED = _("The username or password is wrong.")


def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        user = services.user_login(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
            return redirect(next_url if safe and next_url else "home")
        form.add_error(None, LOGIN_FAILED)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    services.user_logout(request=request)
    return redirect("accounts:login")
