from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.assistance.selectors import follow_up_list, overdue_measures
from shuanglian.core.access import may_reveal, user_scope
from shuanglian.core.errors import Forbidden
from shuanglian.core.forms import StyledForm, submit
from shuanglian.core.reveal import KINDS
from shuanglian.core.services import (
    REVEAL_NOT_ALLOWED,
    REVEAL_REASON_MAX,
    personal_data_reveal,
)
from shuanglian.households.selectors import visible_households
from shuanglian.regions.selectors import region_roots
from shuanglian.units.models import Cadre

FIELD_LABELS = {"id_number": _("ID number"), "phone": _("Phone")}


class RevealForm(StyledForm):
    reason = forms.CharField(
        label=pgettext_lazy("reveal", "Reason"),
        max_length=REVEAL_REASON_MAX,
        help_text=_("Recorded in the audit trail with your name, e.g. 核实低保申请材料."),
    )


@login_required
def home(request):
    """Start where the user's work is: a cadre's own households and what is due; otherwise their
    region, or the list of provinces."""
    if user_scope(request.user).cadre_account_id:
        return _cadre_home(request)
    roots = region_roots(user=request.user)
    if len(roots) == 1:
        return redirect("regions:detail", code=roots[0].code)
    return render(request, "core/home.html", {"roots": roots})


@login_required
def reveal(request, kind, pk, field):
    """Show one protected field of one record in full, after the user states why."""
    spec = KINDS.get(kind)
    if spec is None or field not in spec.fields:
        raise Http404
    obj = spec.get(user=request.user, pk=pk)
    if not may_reveal(request.user):
        if request.method == "POST":
            # An attempt is audited as refused, whatever was typed; the service raises Forbidden.
            personal_data_reveal(
                actor=request.user, obj=obj, field=field, reason=request.POST.get("reason", "")
            )
        raise Forbidden(REVEAL_NOT_ALLOWED)
    form = RevealForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: personal_data_reveal(
            actor=request.user, obj=obj, field=field, reason=data["reason"]
        ),
    )
    context = {
        "form": form,
        "record": obj,
        "field_label": FIELD_LABELS[field],
        "value": outcome.value,
        "back_url": spec.back_url(obj),
    }
    response = render(request, "core/reveal.html", context, status=outcome.status)
    # The page holds personal data in full: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


def _cadre_home(request):
    cadre = Cadre.objects.select_related("unit").filter(user=request.user).first()
    households = list(
        visible_households(request.user).select_related("village").order_by("village_id", "id")
    )
    context = {
        "cadre": cadre,
        "households": households,
        "overdue": overdue_measures(request.user, cadre=cadre, limit=50).items if cadre else [],
        "follow_ups": follow_up_list(user=request.user, status="open", cadre=cadre, limit=50).items
        if cadre
        else [],
    }
    return render(request, "core/cadre_home.html", context)
