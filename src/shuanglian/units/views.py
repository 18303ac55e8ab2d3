"""Pages for member units (联系单位) and their cadres (干部)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance.rules import may_deed
from shuanglian.assistance.selectors import overdue_measures
from shuanglian.core.access import (
    may_reveal,
    may_write_pairing,
    may_write_unit,
    require_any_write,
    require_unit_write,
    user_scope,
)
from shuanglian.core.errors import InvalidInput
from shuanglian.core.forms import submit
from shuanglian.meetings.selectors import unit_overdue_decisions
from shuanglian.units import selectors, services
from shuanglian.units.forms import CadreForm, CadreUpdateForm, UnitFilterForm, UnitForm

UNIT_CREATED = _("Unit {name} was created.")
UNIT_SAVED = _("Unit {name} was saved.")
CADRE_CREATED = _("Cadre {name} was added.")
CADRE_SAVED = _("Cadre {name} was saved.")


def _form_page(request, form, *, title, cancel_url, status=200, intro=""):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "intro": intro}
    return render(request, "core/form.html", context, status=status)


@login_required
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page, error = None, None
    if not form.is_bound or form.is_valid():
        try:
            page = selectors.unit_list(
                user=request.user, cursor=request.GET.get("cursor") or None, **filters
            )
        except InvalidInput as err:
            error = err
    next_url = None
    if page and page.next_cursor:
        query = {key: value for key, value in filters.items() if value}
        next_url = "?" + urlencode({**query, "cursor": page.next_cursor})
    scope = user_scope(request.user)
    context = {
        "form": form,
        "units": page.items if page else [],
        "next_url": next_url,
        "first_url": "?" + urlencode({k: v for k, v in filters.items() if v}),
        "paged": bool(request.GET.get("cursor")),
        "error": error,
        "can_create": scope.writable,
    }
    status = 400 if error or (form.is_bound and not form.is_valid()) else 200
    return render(request, "units/list.html", context, status=status)


@login_required
def unit_create(request):
    require_any_write(request.user)
    initial = {"home_region": request.GET.get("region") or user_scope(request.user).region_code}
    form = UnitForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.unit_create(actor=request.user, **form.service_kwargs()),
    )
    if outcome.saved:
        unit = outcome.value
        messages.success(request, UNIT_CREATED.format(name=unit.name))
        return redirect("units:detail", pk=unit.pk)
    status = outcome.status
    return _form_page(
        request, form, title=_("New unit"), cancel_url=reverse("units:list"), status=status
    )


@login_required
def unit_detail(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk)
    pairings = selectors.unit_village_pairings(user=request.user, unit=unit)
    scope = user_scope(request.user)
    context = {
        "unit": unit,
        "cadres": selectors.unit_cadres(user=request.user, unit=unit),
        "pairings": [
            (
                pairing,
                pairing.is_active
                and may_write_pairing(
                    request.user, unit_id=pairing.unit_id, village_code=pairing.village_id
                ),
            )
            for pairing in pairings
        ],
        "can_write": may_write_unit(request.user, unit),
        "can_pair": scope.writable,
        "may_deed": may_deed(request.user, unit),
        "overdue_measures": overdue_measures(request.user, unit=unit, limit=20).items,
        "overdue_decisions": unit_overdue_decisions(user=request.user, unit=unit),
    }
    return render(request, "units/detail.html", context)


@login_required
def unit_update(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk)
    require_unit_write(request.user, unit)
    title = _("Edit unit {name}").format(name=unit.name)
    initial = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "level": unit.level,
        "home_region": unit.home_region_id,
        "leader_name": unit.leader_name,
        "leader_post": unit.leader_post,
    }
    form = UnitForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.unit_update(actor=request.user, unit=unit, **form.service_kwargs()),
    )
    if outcome.saved:
        messages.success(request, UNIT_SAVED.format(name=unit.name))
        return redirect("units:detail", pk=unit.pk)
    status = outcome.status
    return _form_page(
        request,
        form,
        title=title,
        cancel_url=reverse("units:detail", args=[unit.pk]),
        status=status,
    )


@login_required
def cadre_create(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk)
    require_unit_write(request.user, unit)
    form = CadreForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.cadre_create(actor=request.user, unit=unit, **data),
    )
    if outcome.saved:
        cadre = outcome.value
        messages.success(request, CADRE_CREATED.format(name=cadre.name))
        return redirect("units:detail", pk=unit.pk)
    status = outcome.status
    return _form_page(
        request,
        form,
        title=_("New cadre of {unit}").format(unit=unit.name),
        cancel_url=reverse("units:detail", args=[unit.pk]),
        status=status,
    )


@login_required
def cadre_detail(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    pairings = selectors.cadre_household_pairings(user=request.user, cadre=cadre)
    context = {
        "cadre": cadre,
        "pairings": [
            (
                pairing,
                pairing.is_active
                and may_write_pairing(
                    request.user,
                    unit_id=cadre.unit_id,
                    village_code=pairing.household.village_id,
                ),
            )
            for pairing in pairings
        ],
        "can_write": may_write_unit(request.user, cadre.unit),
        "can_reveal": may_reveal(request.user),
    }
    return render(request, "units/cadre_detail.html", context)


@login_required
def cadre_update(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    require_unit_write(request.user, cadre.unit)
    title = _("Edit cadre {name}").format(name=cadre.name)
    initial = {
        "name": cadre.name,
        "position": cadre.position,
        "rank": cadre.rank,
        "is_active": cadre.is_active,
    }
    form = CadreUpdateForm(request.POST or None, initial=initial, cadre=cadre)
    outcome = submit(
        request,
        form,
        lambda data: services.cadre_update(
            actor=request.user, cadre=cadre, **form.service_kwargs()
        ),
    )
    if outcome.saved:
        messages.success(request, CADRE_SAVED.format(name=cadre.name))
        return redirect("units:cadre_detail", pk=cadre.pk)
    status = outcome.status
    return _form_page(
        request,
        form,
        title=title,
        cancel_url=reverse("units:cadre_detail", args=[cadre.pk]),
        status=status,
    )
