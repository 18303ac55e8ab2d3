"""Pages of the alerts: the inbox, the digest, dismissing, starting a refresh."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuanglian.alerts import selectors, services
from shuanglian.alerts.forms import DismissForm, InboxFilterForm
from shuanglian.alerts.sources import kind_label, link_of
from shuanglian.core.access import user_scope
from shuanglian.core.errors import InvalidInput
from shuanglian.core.forms import submit

ALERT_DISMISSED = _("The alert was dismissed for you.")
REFRESH_QUEUED = _("The refresh was queued; the digest shows its progress.")


@login_required
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page, error = None, None
    if not form.is_bound or form.is_valid():
        try:
            page = selectors.inbox(
                user=request.user, cursor=request.GET.get("cursor") or None, **filters
            )
        except InvalidInput as err:
            error = err
    query = {key: value for key, value in filters.items() if value}
    context = {
        "form": form,
        "items": page.items if page else [],
        "next_url": "?" + urlencode({**query, "cursor": page.next_cursor})
        if page and page.next_cursor
        else None,
        "first_url": "?" + urlencode(query),
        "paged": bool(request.GET.get("cursor")),
        "error": error,
        "dismissed": bool(filters.get("dismissed")),
    }
    status = 400 if error or (form.is_bound and not form.is_valid()) else 200
    return render(request, "alerts/inbox.html", context, status=status)


@login_required
def digest(request):
    result = selectors.digest(user=request.user, region=request.GET.get("region") or None)
    context = {
        "digest": result,
        "rows": [
            (row, [row.counts.get(kind, 0) for kind, _label in result.kinds]) for row in result.rows
        ],
        "totals": [result.totals.get(kind, 0) for kind, _label in result.kinds],
        "may_refresh": user_scope(request.user).everything,
        "notice": REFRESH_QUEUED if request.GET.get("queued") else None,
    }
    return render(request, "alerts/digest.html", context)


@login_required
def dismiss(request, pk):
    alert = selectors.alert_get(user=request.user, pk=pk)
    form = DismissForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.alert_dismiss(actor=request.user, alert=alert, reason=data["reason"]),
    )
    if outcome.saved:
        messages.success(request, ALERT_DISMISSED)
        return redirect("alerts:inbox")
    context = {
        "alert": alert,
        "label": kind_label(alert.kind),
        "link": link_of(alert),
        "form": form,
        "cancel_url": reverse("alerts:inbox"),
    }
    return render(request, "alerts/dismiss.html", context, status=outcome.status)


@login_required
@require_POST
def refresh(request):
    """Administrators start a refresh now (it also runs from `shuanglian alerts_refresh`)."""
    services.alerts_refresh_queue(actor=request.user)
    # In the address, not the session: the note belongs to the digest page only.
    return redirect(f"{reverse('alerts:digest')}?queued=1")
