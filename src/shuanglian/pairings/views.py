"""Pages that pair units with villages (单位联村) and cadres with households (干部联户)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import require_any_write, require_pairing_write
from shuanglian.core.forms import submit
from shuanglian.households.selectors import household_get, households_with_current_cadre
from shuanglian.pairings import selectors, services
from shuanglian.pairings.forms import EndForm, HouseholdAssignForm, VillagePairingForm
from shuanglian.units.selectors import cadres_for_village, unit_get

VILLAGE_PAIRED = _("{unit} is now paired with {village}.")
VILLAGE_PAIRING_ENDED = _("The pairing of {unit} with {village} has ended.")
HOUSEHOLD_ASSIGNED = _("{cadre} is now the responsible cadre of household {household}.")
HOUSEHOLD_PAIRING_ENDED = _("{cadre} is no longer the responsible cadre of household {household}.")


def _next_url(request, default: str) -> str:
    """Where to go after an end action: back to the page that linked here, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@login_required
def village_create(request, unit_pk):
    unit = unit_get(user=request.user, pk=unit_pk)
    # The village is not known before the form is sent; the service checks the one chosen.
    require_any_write(request.user)
    form = VillagePairingForm(
        request.POST or None, initial={"village": request.GET.get("village", "")}
    )
    outcome = submit(
        request,
        form,
        lambda data: services.village_pairing_create(
            actor=request.user,
            unit=unit,
            village_code=data["village"],
            role=data["role"],
            start_date=data["start_date"],
        ),
    )
    if outcome.saved:
        pairing = outcome.value
        messages.success(request, VILLAGE_PAIRED.format(unit=unit.name, village=pairing.village))
        return redirect("units:detail", pk=unit.pk)
    status = outcome.status
    context = {
        "form": form,
        "title": _("Pair {unit} with a village").format(unit=unit.name),
        "submit_label": _("Pair"),
        "cancel_url": reverse("units:detail", args=[unit.pk]),
    }
    return render(request, "core/form.html", context, status=status)


@login_required
def village_end(request, pk):
    pairing = selectors.village_pairing_get(user=request.user, pk=pk)
    require_pairing_write(request.user, unit_id=pairing.unit_id, village_code=pairing.village_id)
    default = reverse("units:detail", args=[pairing.unit_id])
    form = EndForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.village_pairing_end(
            actor=request.user, pairing=pairing, end_date=data["end_date"]
        ),
    )
    if outcome.saved:
        messages.success(
            request,
            VILLAGE_PAIRING_ENDED.format(unit=pairing.unit.name, village=pairing.village),
        )
        return redirect(_next_url(request, default))
    status = outcome.status
    context = {"form": form, "pairing": pairing, "cancel_url": _next_url(request, default)}
    return render(request, "pairings/village_end.html", context, status=status)


@login_required
def household_assign(request, household_pk):
    household = household_get(user=request.user, pk=household_pk)
    # The unit is known once a cadre is chosen; the service checks it.
    require_pairing_write(request.user, unit_id=None, village_code=household.village_id)
    current = households_with_current_cadre(user=request.user, households=[household]).get(
        household.pk
    )
    cadres = cadres_for_village(user=request.user, village_code=household.village_id)
    form = HouseholdAssignForm(request.POST or None, cadres=cadres)
    outcome = submit(
        request,
        form,
        lambda data: services.household_pairing_assign(
            actor=request.user,
            household=household,
            cadre=data["cadre"],
            start_date=data["start_date"],
        ),
    )
    if outcome.saved:
        cadre = outcome.value.cadre
        messages.success(request, HOUSEHOLD_ASSIGNED.format(cadre=cadre.name, household=household))
        return redirect("households:detail", pk=household.pk)
    status = outcome.status
    context = {
        "form": form,
        "household": household,
        "current": current,
        "has_cadres": cadres.exists(),
        "cancel_url": reverse("households:detail", args=[household.pk]),
    }
    return render(request, "pairings/household_assign.html", context, status=status)


@login_required
def household_end(request, pk):
    pairing = selectors.household_pairing_get(user=request.user, pk=pk)
    require_pairing_write(
        request.user, unit_id=pairing.cadre.unit_id, village_code=pairing.household.village_id
    )
    default = reverse("households:detail", args=[pairing.household_id])
    form = EndForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.household_pairing_end(
            actor=request.user, pairing=pairing, end_date=data["end_date"]
        ),
    )
    if outcome.saved:
        messages.success(
            request,
            HOUSEHOLD_PAIRING_ENDED.format(cadre=pairing.cadre.name, household=pairing.household),
        )
        return redirect(_next_url(request, default))
    status = outcome.status
    context = {"form": form, "pairing": pairing, "cancel_url": _next_url(request, default)}
    return render(request, "pairings/household_end.html", context, status=status)
