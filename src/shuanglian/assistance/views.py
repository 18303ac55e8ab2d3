"""Pages of the assistance work: visits (for cadres on a phone), follow-ups, plans and
measures, deeds, work logs. Thin: the selectors scope, the services decide.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance import rules, selectors, services
from shuanglian.assistance.forms import (
    DeedForm,
    DeedUpdateForm,
    FollowUpCreateForm,
    FollowUpFilterForm,
    FollowUpUpdateForm,
    MeasureForm,
    MeasureUpdateForm,
    PeriodForm,
    PlanForm,
    VillagePlanForm,
    VisitForm,
    VisitUpdateForm,
    VoidForm,
)
from shuanglian.core.access import user_scope
from shuanglian.core.errors import InvalidInput
from shuanglian.core.forms import submit
from shuanglian.households.selectors import household_get, visible_households
from shuanglian.pairings.models import VillagePairing
from shuanglian.regions.models import Region
from shuanglian.regions.selectors import region_get
from shuanglian.units.models import Unit
from shuanglian.units.selectors import (
    cadre_get,
    cadres_for_village,
    unit_get,
    visible_cadres,
    visible_units,
)

VISIT_SAVED = _("The visit was logged; {count} request(s) became follow-ups.")
FOLLOW_UP_SAVED = _("The follow-up was closed.")
PLAN_SAVED = _("The plan for {year} was saved.")
MEASURE_SAVED = _("The measure was saved.")
VILLAGE_PLAN_SAVED = _("The village plan for {year} was saved.")
DEED_SAVED = _("The deed was recorded.")
VISIT_ON_BEHALF = _("The visit is filed under the household's cadre, {name}.")
DEED_HOUSEHOLD_UNKNOWN = _("No household numbered {number} in this village.")
VISIT_UPDATED = _("The visit was saved.")
VISIT_VOIDED = _("The visit was voided.")
DEED_UPDATED = _("The deed was saved.")
DEED_VOIDED = _("The deed was voided.")
FOLLOW_UP_CREATED = _("The follow-up was added.")
# Owner choices on the follow-up page without a household: enough for a unit or a township.
CHOICES = 300


def _form_page(request, form, *, title, cancel_url, status=200, multipart=False, **context):
    context.update(form=form, title=title, cancel_url=cancel_url, multipart=multipart)
    return render(request, "assistance/form.html", context, status=status)


def _next_url(request, cursor) -> str | None:
    if not cursor:
        return None
    query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    return "?" + urlencode({**query, "cursor": cursor})


def _paged(request, page) -> dict:
    return {
        "next_url": _next_url(request, page.next_cursor),
        "paged": bool(request.GET.get("cursor")),
    }


# Visits ----------------------------------------------------------------------------------------


@login_required
def visit_create(request, pk):
    household = household_get(user=request.user, pk=pk)
    rules.require(rules.may_visit(request.user, household))
    form = VisitForm(request.POST or None, request.FILES or None)
    outcome = submit(
        request,
        form,
        lambda data: services.visit_create(
            actor=request.user,
            household=household,
            visited_on=data["visited_on"],
            mode=data["mode"],
            discussion=data["discussion"],
            satisfaction=data["satisfaction"],
            requests=form.request_list(),
            photos=form.photo_list(),
        ),
    )
    if outcome.saved:
        visit = outcome.value
        messages.success(request, VISIT_SAVED.format(count=visit.follow_ups.count()))
        return redirect("assistance:visit_detail", pk=visit.pk)
    return _form_page(
        request,
        form,
        title=_("Log a visit to {name}").format(name=household.head_name),
        cancel_url=reverse("assistance:household_visits", kwargs={"pk": household.pk}),
        status=outcome.status,
        multipart=True,
        household=household,
        intro=_on_behalf(request.user, household),
    )


def _on_behalf(user, household) -> str:
    """For an officer: whose visit this will be (a cadre logs their own)."""
    if rules.cadre_of(user) is not None:
        return ""
    pairing = household.pairings.select_related("cadre").filter(end_date__isnull=True).first()
    return VISIT_ON_BEHALF.format(name=pairing.cadre.name) if pairing else ""


@login_required
def household_visits(request, pk):
    household = household_get(user=request.user, pk=pk)
    page = selectors.visit_list(
        user=request.user, household=household, cursor=request.GET.get("cursor") or None
    )
    context = {
        "household": household,
        "visits": page.items,
        "can_visit": rules.may_visit(request.user, household),
        **_paged(request, page),
    }
    return render(request, "assistance/household_visits.html", context)


@login_required
def visit_detail(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    context = {
        "visit": visit,
        "can_edit": not visit.is_voided and rules.may_edit_visit(request.user, visit),
        "void_form": VoidForm(),
    }
    return render(request, "assistance/visit_detail.html", context)


@login_required
def visit_update(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    rules.require(rules.may_edit_visit(request.user, visit))
    initial = {
        "visited_on": visit.visited_on,
        "mode": visit.mode,
        "discussion": visit.discussion,
        "satisfaction": visit.satisfaction,
    }
    form = VisitUpdateForm(request.POST or None, request.FILES or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.visit_update(
            actor=request.user,
            visit=visit,
            visited_on=data["visited_on"],
            mode=data["mode"],
            discussion=data["discussion"],
            satisfaction=data["satisfaction"],
            photos=form.photo_list(),
        ),
    )
    detail_url = reverse("assistance:visit_detail", kwargs={"pk": visit.pk})
    if outcome.saved:
        messages.success(request, VISIT_UPDATED)
        return redirect(detail_url)
    return _form_page(
        request,
        form,
        title=_("Edit the visit to {name}").format(name=visit.household.head_name),
        cancel_url=detail_url,
        status=outcome.status,
        multipart=True,
    )


def _void_page(request, void, *, detail_url: str, done: str, title: str):
    """The void form of a visit or deed; `void(reason)` calls the service."""
    form = VoidForm(request.POST or None)
    outcome = submit(request, form, lambda data: void(data["reason"]))
    if outcome.saved:
        messages.success(request, done)
        return redirect(detail_url)
    return _form_page(request, form, title=title, cancel_url=detail_url, status=outcome.status)


@login_required
def visit_void(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    rules.require(rules.may_edit_visit(request.user, visit))
    return _void_page(
        request,
        lambda reason: services.visit_void(actor=request.user, visit=visit, reason=reason),
        detail_url=reverse("assistance:visit_detail", kwargs={"pk": visit.pk}),
        done=VISIT_VOIDED,
        title=_("Void the visit to {name}").format(name=visit.household.head_name),
    )


def _photo(request, kind, pk):
    photo = selectors.photo_get(user=request.user, kind=kind, pk=pk)
    field = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
    response = FileResponse(field.open("rb"))
    # Photos show households' homes: never kept by shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def visit_photo(request, pk):
    return _photo(request, "visit", pk)


@login_required
def deed_photo(request, pk):
    return _photo(request, "deed", pk)


# Follow-ups ------------------------------------------------------------------------------------


@login_required
def follow_up_list(request):
    form = FollowUpFilterForm(request.GET or None)
    status_code, items, paging = 200, [], {}
    try:
        page = selectors.follow_up_list(
            user=request.user,
            status=request.GET.get("status", "open" if "status" not in request.GET else ""),
            cursor=request.GET.get("cursor") or None,
        )
    except InvalidInput as err:
        form.add_domain_error(err)
        status_code = 400
    else:
        items, paging = page.items, _paged(request, page)
    if "status" not in request.GET:
        form = FollowUpFilterForm(initial={"status": "open"})
    context = {"form": form, "follow_ups": items, "today": timezone.localdate(), **paging}
    return render(request, "assistance/follow_up_list.html", context, status=status_code)


@login_required
def follow_up_update(request, pk):
    follow_up = selectors.follow_up_get(user=request.user, pk=pk)
    rules.require(rules.may_follow_up(request.user, follow_up))
    form = FollowUpUpdateForm(request.POST or None, initial={"done_on": timezone.localdate()})
    outcome = submit(
        request,
        form,
        lambda data: services.follow_up_update(
            actor=request.user,
            follow_up=follow_up,
            status=data["status"],
            result=data["result"],
            done_on=data["done_on"],
        ),
    )
    if outcome.saved:
        messages.success(request, FOLLOW_UP_SAVED)
        return redirect("assistance:follow_up_list")
    return _form_page(
        request,
        form,
        title=_("Close the follow-up: {title}").format(title=follow_up.title),
        cancel_url=reverse("assistance:follow_up_list"),
        status=outcome.status,
    )


@login_required
def follow_up_create(request):
    """A follow-up on its own (not from a visit); `?household=` ties it to a household."""
    household = None
    if household_id := request.GET.get("household"):
        if not household_id.isdigit():
            household_id = 0
        household = household_get(user=request.user, pk=household_id)
    if household is not None:
        cadres, units = _responsible_choices(request.user, household)
    else:
        cadres = list(
            visible_cadres(request.user).filter(is_active=True).order_by("name", "id")[:CHOICES]
        )
        units = list(visible_units(request.user).order_by("name", "id")[:CHOICES])
    form = FollowUpCreateForm(request.POST or None, cadres=cadres, units=units)
    by_id_cadre = {c.pk: c for c in cadres}
    by_id_unit = {u.pk: u for u in units}
    outcome = submit(
        request,
        form,
        lambda data: services.follow_up_create(
            actor=request.user,
            title=data["title"],
            due_date=data["due_date"],
            owner_cadre=by_id_cadre.get(data["owner_cadre"]),
            owner_unit=by_id_unit.get(data["owner_unit"]),
            household=household,
        ),
    )
    if outcome.saved:
        messages.success(request, FOLLOW_UP_CREATED)
        return redirect("assistance:follow_up_list")
    return _form_page(
        request,
        form,
        title=_("Add a follow-up"),
        cancel_url=reverse("assistance:follow_up_list"),
        status=outcome.status,
        household=household,
    )


# Plans and measures ---------------------------------------------------------------------------


@login_required
def household_plans(request, pk):
    household = household_get(user=request.user, pk=pk)
    context = {
        "household": household,
        "plans": selectors.household_plans(user=request.user, household=household),
        "overdue": selectors.overdue_measures(request.user, household=household).items,
        "can_plan": rules.may_plan(request.user, household),
        "today": timezone.localdate(),
    }
    return render(request, "assistance/household_plans.html", context)


@login_required
def plan_save(request, pk):
    household = household_get(user=request.user, pk=pk)
    rules.require(rules.may_plan(request.user, household))
    year = request.GET.get("year") or timezone.localdate().year
    plan = selectors.visible_plans(request.user).filter(household=household, year=year).first()
    initial = {"year": year}
    if plan is not None:
        initial.update(
            target_net_per_capita=plan.target_net_per_capita,
            target_exit_year=plan.target_exit_year,
            goals=plan.goals,
        )
    form = PlanForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.household_plan_save(actor=request.user, household=household, **data),
    )
    plans_url = reverse("assistance:household_plans", kwargs={"pk": household.pk})
    if outcome.saved:
        messages.success(request, PLAN_SAVED.format(year=outcome.value.year))
        return redirect(plans_url)
    return _form_page(
        request,
        form,
        title=_("Plan of household {number}").format(number=household.number),
        cancel_url=plans_url,
        status=outcome.status,
    )


def _responsible_choices(user, household):
    cadres = list(cadres_for_village(user=user, village_code=household.village_id))
    paired = VillagePairing.objects.filter(village_id=household.village_id, end_date__isnull=True)
    units = list(visible_units(user).filter(pk__in=paired.values("unit_id")).order_by("name"))
    return cadres, units


@login_required
def measure_add(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    household = plan.household
    rules.require(rules.may_plan(request.user, household))
    cadres, units = _responsible_choices(request.user, household)
    form = MeasureForm(request.POST or None, cadres=cadres, units=units)
    by_id_cadre = {c.pk: c for c in cadres}
    by_id_unit = {u.pk: u for u in units}
    outcome = submit(
        request,
        form,
        lambda data: services.measure_add(
            actor=request.user,
            plan=plan,
            type=data["type"],
            description=data["description"],
            responsible_cadre=by_id_cadre.get(data["responsible_cadre"]),
            responsible_unit=by_id_unit.get(data["responsible_unit"]),
            planned_cost=data["planned_cost"],
            funding=data["funding"],
            due_date=data["due_date"],
        ),
    )
    plans_url = reverse("assistance:household_plans", kwargs={"pk": household.pk})
    if outcome.saved:
        messages.success(request, MEASURE_SAVED)
        return redirect(plans_url)
    return _form_page(
        request,
        form,
        title=_("Add a measure to the {year} plan").format(year=plan.year),
        cancel_url=plans_url,
        status=outcome.status,
    )


@login_required
def measure_update(request, pk):
    measure = selectors.measure_get(user=request.user, pk=pk)
    household = measure.plan.household
    rules.require(rules.may_plan(request.user, household))
    initial = {
        "status": measure.status,
        "outcome": measure.outcome,
        "due_date": measure.due_date,
        "done_on": measure.done_on,
        "reason": measure.status_reason,
    }
    form = MeasureUpdateForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.measure_update(
            actor=request.user,
            measure=measure,
            status=data["status"],
            reason=data["reason"],
            done_on=data["done_on"],
            outcome=data["outcome"],
            due_date=data["due_date"],
        ),
    )
    plans_url = reverse("assistance:household_plans", kwargs={"pk": household.pk})
    if outcome.saved:
        messages.success(request, MEASURE_SAVED)
        return redirect(plans_url)
    return _form_page(
        request,
        form,
        title=_("Measure: {description}").format(description=measure.description),
        cancel_url=plans_url,
        status=outcome.status,
    )


@login_required
def overdue(request):
    page = selectors.overdue_measures(request.user, cursor=request.GET.get("cursor") or None)
    context = {"measures": page.items, "today": timezone.localdate(), **_paged(request, page)}
    return render(request, "assistance/overdue.html", context)


@login_required
def village_plans(request, code):
    village = region_get(user=request.user, code=code)
    context = {
        "village": village,
        "plans": selectors.village_plans(user=request.user, village=village),
        "can_plan": rules.may_village_plan(request.user, village.code),
    }
    return render(request, "assistance/village_plans.html", context)


def _planning_units(user, village):
    """Officers choose among the units paired with the village now; None for a unit's own."""
    if user_scope(user).unit_id is not None:
        return None
    paired = VillagePairing.objects.filter(village=village, end_date__isnull=True)
    return list(Unit.objects.filter(pk__in=paired.values("unit_id")).order_by("name", "id"))


@login_required
def village_plan_save(request, code):
    village = region_get(user=request.user, code=code)
    rules.require(rules.may_village_plan(request.user, village.code))
    year = request.GET.get("year") or timezone.localdate().year
    plan = selectors.visible_village_plans(request.user).filter(village=village, year=year).first()
    initial = {"year": year}
    if plan is not None:
        initial.update(
            leading_industries=plan.leading_industries,
            targets=plan.targets,
            unit=plan.unit_id,
            projects=[p.pk for p in plan.projects.all()],
        )
    projects = selectors.village_plan_projects(user=request.user, village=village)
    by_id = {p.pk: p for p in projects}
    form = VillagePlanForm(
        request.POST or None,
        initial=initial,
        units=_planning_units(request.user, village),
        projects=projects,
    )

    def write(data):
        units = {u.pk: u for u in _planning_units(request.user, village) or ()}
        return services.village_plan_save(
            actor=request.user,
            village=village,
            year=data["year"],
            leading_industries=data["leading_industries"],
            targets=data["targets"],
            unit=units.get(data.get("unit")),
            projects=[by_id[pk] for pk in data["projects"]],
        )

    outcome = submit(request, form, write)
    plans_url = reverse("assistance:village_plans", kwargs={"code": village.code})
    if outcome.saved:
        messages.success(request, VILLAGE_PLAN_SAVED.format(year=outcome.value.year))
        return redirect(plans_url)
    return _form_page(
        request,
        form,
        title=_("Development plan of {village}").format(village=village.name),
        cancel_url=plans_url,
        status=outcome.status,
    )


# Deeds ---------------------------------------------------------------------------------------


@login_required
def deed_list(request):
    page = selectors.deed_list(user=request.user, cursor=request.GET.get("cursor") or None)
    return render(
        request, "assistance/deed_list.html", {"deeds": page.items, **_paged(request, page)}
    )


def _deed_villages(user, unit):
    paired = VillagePairing.objects.filter(unit=unit).values("village_id")
    return list(
        Region.objects.filter(user_scope(user).region_q("code"), code__in=paired).order_by("code")
    )


def _households_by_number(user, village_code: str, text: str):
    numbers = [n.strip() for n in text.replace("，", ",").split(",") if n.strip()]
    found = {
        h.number: h
        for h in visible_households(user).filter(village_id=village_code, number__in=numbers)
    }
    for number in numbers:
        if number not in found:
            raise InvalidInput(DEED_HOUSEHOLD_UNKNOWN.format(number=number), field="households")
    return [found[n] for n in dict.fromkeys(numbers)]


@login_required
def deed_create(request, pk):
    unit = unit_get(user=request.user, pk=pk)
    rules.require(rules.may_deed(request.user, unit))
    villages = _deed_villages(request.user, unit)
    by_code = {v.code: v for v in villages}
    form = DeedForm(request.POST or None, request.FILES or None, villages=villages)

    def write(data):
        village = by_code[data["village"]]
        return services.deed_create(
            actor=request.user,
            unit=unit,
            village=village,
            type=data["type"],
            description=data["description"],
            value=data["value"],
            done_on=data["done_on"],
            households=_households_by_number(request.user, village.code, data["households"]),
            photos=form.photo_list(),
        )

    outcome = submit(request, form, write)
    if outcome.saved:
        messages.success(request, DEED_SAVED)
        return redirect("assistance:deed_detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("Record a deed of {unit}").format(unit=unit.name),
        cancel_url=reverse("assistance:deed_list"),
        status=outcome.status,
        multipart=True,
    )


@login_required
def deed_detail(request, pk):
    deed = selectors.deed_get(user=request.user, pk=pk)
    context = {
        "deed": deed,
        "can_edit": not deed.is_voided and rules.may_edit_deed(request.user, deed),
        "void_form": VoidForm(),
    }
    return render(request, "assistance/deed_detail.html", context)


@login_required
def deed_update(request, pk):
    deed = selectors.deed_get(user=request.user, pk=pk)
    rules.require(rules.may_edit_deed(request.user, deed))
    initial = {
        "type": deed.type,
        "description": deed.description,
        "value": deed.value,
        "done_on": deed.done_on,
        "households": ", ".join(h.number for h in deed.household_list),
    }
    form = DeedUpdateForm(request.POST or None, request.FILES or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.deed_update(
            actor=request.user,
            deed=deed,
            type=data["type"],
            description=data["description"],
            value=data["value"],
            done_on=data["done_on"],
            households=_households_by_number(request.user, deed.village_id, data["households"]),
            photos=form.photo_list(),
        ),
    )
    detail_url = reverse("assistance:deed_detail", kwargs={"pk": deed.pk})
    if outcome.saved:
        messages.success(request, DEED_UPDATED)
        return redirect(detail_url)
    return _form_page(
        request,
        form,
        title=_("Edit the deed: {description}").format(description=deed.description),
        cancel_url=detail_url,
        status=outcome.status,
        multipart=True,
    )


@login_required
def deed_void(request, pk):
    deed = selectors.deed_get(user=request.user, pk=pk)
    rules.require(rules.may_edit_deed(request.user, deed))
    return _void_page(
        request,
        lambda reason: services.deed_void(actor=request.user, deed=deed, reason=reason),
        detail_url=reverse("assistance:deed_detail", kwargs={"pk": deed.pk}),
        done=DEED_VOIDED,
        title=_("Void the deed: {description}").format(description=deed.description),
    )


# Work logs -----------------------------------------------------------------------------------


def _work_log(request, *, title, **subject):
    form = PeriodForm(request.GET or None)
    status, log = 200, None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        period = form.cleaned_data if form.is_bound else {}
        try:
            log = selectors.work_log(
                user=request.user, start=period.get("start"), end=period.get("end"), **subject
            )
        except InvalidInput as err:
            form.add_domain_error(err)
            status = 400
    context = {"form": form, "log": log, "title": title, **subject}
    return render(request, "assistance/work_log.html", context, status=status)


@login_required
def unit_log(request, pk):
    unit = unit_get(user=request.user, pk=pk)
    return _work_log(request, title=_("Work log of {name}").format(name=unit.name), unit=unit)


@login_required
def cadre_log(request, pk):
    cadre = cadre_get(user=request.user, pk=pk)
    return _work_log(request, title=_("Work log of {name}").format(name=cadre.name), cadre=cadre)
