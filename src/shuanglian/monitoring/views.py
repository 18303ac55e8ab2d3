"""Pages of relapse monitoring: the region page with its drill-down, the case list and detail
with the actions the user may take, the forms of each step, risk events and screening runs.
Thin: the selectors scope, the services decide.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuanglian.assistance.models import Visit
from shuanglian.core.access import can_write, require_write, user_scope
from shuanglian.core.errors import InvalidInput
from shuanglian.core.forms import submit
from shuanglian.households.selectors import household_get
from shuanglian.monitoring import rules, selectors, services, tasks
from shuanglian.monitoring.forms import (
    AssessForm,
    ConfirmForm,
    DismissForm,
    FlagForm,
    IncomeCheckForm,
    MeasureForm,
    ReportForm,
    ResolveForm,
    RiskEventForm,
)
from shuanglian.monitoring.models import CaseStage, MonitoringCategory
from shuanglian.regions.selectors import region_ancestors, region_get

SAVED = _("Saved.")


def _region_of_request(request):
    code = (request.GET.get("region") or "").strip()
    if code:
        return region_get(user=request.user, code=code)
    scope = user_scope(request.user)
    if scope.region_code:
        return region_get(user=request.user, code=scope.region_code)
    return None


def _next_url(request, cursor) -> str | None:
    if not cursor:
        return None
    query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    return "?" + urlencode({**query, "cursor": cursor})


def _form_page(request, form, *, title, cancel_url, status=200, **context):
    context.update(form=form, title=title, cancel_url=cancel_url)
    return render(request, "monitoring/form.html", context, status=status)


@login_required
def index(request):
    region = _region_of_request(request)
    summary = selectors.monitoring_summary(user=request.user, region=region)
    context = {
        "region": region,
        "ancestors": region_ancestors(user=request.user, region=region) if region else [],
        "summary": summary,
        "may_screen": region is not None and can_write(request.user, region.code),
        "runs": selectors.recent_runs(user=request.user, region=region),
    }
    return render(request, "monitoring/index.html", context)


@login_required
def case_list(request):
    region = _region_of_request(request)
    page = selectors.case_list(
        user=request.user,
        region=region,
        stage=request.GET.get("stage"),
        category=request.GET.get("category"),
        overdue=request.GET.get("overdue") == "1",
        not_visited=request.GET.get("not_visited") == "1",
        cursor=request.GET.get("cursor") or None,
    )
    context = {
        "region": region,
        "cases": page.items,
        "next_url": _next_url(request, page.next_cursor),
        "paged": bool(request.GET.get("cursor")),
        "stages": CaseStage.choices,
        "categories": MonitoringCategory.choices,
        "filters": request.GET,
    }
    return render(request, "monitoring/case_list.html", context)


@login_required
def case_detail(request, pk):
    detail = selectors.case_detail(user=request.user, pk=pk)
    case = detail.case
    household = case.household
    manage = rules.may_manage(request.user, household)
    context = {
        "detail": detail,
        "case": case,
        "may_assess": manage and case.stage == CaseStage.FLAGGED,
        "may_confirm": manage and case.stage == CaseStage.ASSESSED,
        "may_dismiss": manage and case.stage in (CaseStage.FLAGGED, CaseStage.ASSESSED),
        "may_resolve": manage and case.is_open,
        "may_check": case.stage == CaseStage.CONFIRMED
        and rules.may_report(request.user, household),
        "may_plan": case.stage == CaseStage.CONFIRMED and rules.may_plan(request.user, household),
    }
    return render(request, "monitoring/case_detail.html", context)


def _case_form(request, pk, *, form_class, write, title, allowed, form_kwargs=None):
    case = selectors.case_get(user=request.user, pk=pk)
    rules.require(allowed(request.user, case.household))
    form = form_class(request.POST or None, **(form_kwargs(case) if form_kwargs else {}))
    outcome = submit(request, form, lambda data: write(case, data))
    detail_url = reverse("monitoring:case_detail", kwargs={"pk": case.pk})
    if outcome.saved:
        messages.success(request, SAVED)
        return redirect(detail_url)
    return _form_page(
        request,
        form,
        title=title.format(name=case.household.head_name),
        cancel_url=detail_url,
        status=outcome.status,
        household=case.household,
    )


def _household_visits(household):
    return (
        Visit.objects.filter(household=household, voided_at__isnull=True)
        .select_related("cadre")
        .order_by("-visited_on", "-id")
    )


@login_required
def case_assess(request, pk):
    return _case_form(
        request,
        pk,
        form_class=AssessForm,
        form_kwargs=lambda case: {"visits": _household_visits(case.household)},
        allowed=rules.may_manage,
        title=_("Assess the case of {name}"),
        write=lambda case, data: services.case_assess(
            actor=request.user,
            case=case,
            visit=data["visit"],
            deliberated_on=data["deliberated_on"],
            participants=data["participants"],
            result=data["result"],
            notes=data["notes"],
        ),
    )


@login_required
def case_confirm(request, pk):
    return _case_form(
        request,
        pk,
        form_class=ConfirmForm,
        allowed=rules.may_manage,
        title=_("Confirm {name} as a monitored household"),
        write=lambda case, data: services.case_confirm(
            actor=request.user,
            case=case,
            category=data["category"],
            confirmed_on=data["confirmed_on"],
        ),
    )


@login_required
def case_dismiss(request, pk):
    return _case_form(
        request,
        pk,
        form_class=DismissForm,
        allowed=rules.may_manage,
        title=_("Dismiss the case of {name}"),
        write=lambda case, data: services.case_dismiss(
            actor=request.user, case=case, reason=data["reason"]
        ),
    )


@login_required
def income_check_add(request, pk):
    return _case_form(
        request,
        pk,
        form_class=IncomeCheckForm,
        allowed=rules.may_report,
        title=_("Record an income check of {name}"),
        write=lambda case, data: services.income_check_add(
            actor=request.user,
            case=case,
            checked_on=data["checked_on"],
            per_capita_income=data["per_capita_income"],
            notes=data["notes"],
        ),
    )


@login_required
def measure_add(request, pk):
    return _case_form(
        request,
        pk,
        form_class=MeasureForm,
        allowed=rules.may_plan,
        title=_("Add a measure for {name}"),
        write=lambda case, data: services.case_measure_add(
            actor=request.user,
            case=case,
            type=data["type"],
            description=data["description"],
            due_date=data["due_date"],
            planned_cost=data["planned_cost"] or 0,
        ),
    )


@login_required
def reason_resolve(request, pk):
    reason = selectors.reason_get(user=request.user, pk=pk)
    case = reason.case
    rules.require(rules.may_manage(request.user, case.household))
    form = ResolveForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.case_reason_resolve(
            actor=request.user, reason=reason, note=data["note"]
        ),
    )
    detail_url = reverse("monitoring:case_detail", kwargs={"pk": case.pk})
    if outcome.saved:
        messages.success(request, SAVED)
        return redirect(detail_url)
    return _form_page(
        request,
        form,
        title=_("Resolve: {reason}").format(reason=str(reason)),
        cancel_url=detail_url,
        status=outcome.status,
    )


@login_required
def household_flag(request, pk):
    household = household_get(user=request.user, pk=pk)
    rules.require(rules.may_manage(request.user, household))
    form = FlagForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.case_flag(actor=request.user, household=household, note=data["note"]),
    )
    if outcome.saved:
        messages.success(request, SAVED)
        return redirect("monitoring:case_detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("Flag {name} for monitoring").format(name=household.head_name),
        cancel_url=reverse("households:detail", kwargs={"pk": household.pk}),
        status=outcome.status,
        household=household,
    )


@login_required
def household_report(request, pk):
    household = household_get(user=request.user, pk=pk)
    rules.require(rules.may_report(request.user, household))
    form = ReportForm(request.POST or None, visits=_household_visits(household))
    outcome = submit(
        request,
        form,
        lambda data: services.case_report(
            actor=request.user, household=household, visit=data["visit"], note=data["note"]
        ),
    )
    if outcome.saved:
        messages.success(request, SAVED)
        return redirect("monitoring:case_detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("Report {name} at risk").format(name=household.head_name),
        cancel_url=reverse("households:detail", kwargs={"pk": household.pk}),
        status=outcome.status,
        household=household,
        intro=_("Choose the visit at which you saw the risk; log the visit first if needed."),
    )


@login_required
def risk_events(request, pk):
    household = household_get(user=request.user, pk=pk)
    page = selectors.risk_event_list(
        user=request.user, household=household, cursor=request.GET.get("cursor") or None
    )
    context = {
        "household": household,
        "events": page.items,
        "next_url": _next_url(request, page.next_cursor),
        "paged": bool(request.GET.get("cursor")),
        "may_record": rules.may_report(request.user, household),
    }
    return render(request, "monitoring/risk_events.html", context)


@login_required
def risk_event_create(request, pk):
    household = household_get(user=request.user, pk=pk)
    rules.require(rules.may_report(request.user, household))
    form = RiskEventForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.risk_event_create(
            actor=request.user,
            household=household,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            amount=data["amount"],
            description=data["description"],
        ),
    )
    events_url = reverse("monitoring:risk_events", kwargs={"pk": household.pk})
    if outcome.saved:
        messages.success(request, SAVED)
        return redirect(events_url)
    return _form_page(
        request,
        form,
        title=_("Record a risk event of {name}").format(name=household.head_name),
        cancel_url=events_url,
        status=outcome.status,
        household=household,
    )


@login_required
@require_POST
def screening_start(request):
    code = (request.POST.get("region") or request.GET.get("region") or "").strip()
    region = region_get(user=request.user, code=code)
    require_write(request.user, region.code)
    try:
        run = tasks.screening_start(actor=request.user, region_code=region.code)
    except InvalidInput as error:
        messages.error(request, str(error.message))
        return redirect(reverse("monitoring:index") + "?" + urlencode({"region": region.code}))
    # No flash message: the page it leads to says the run's state itself.
    return redirect("monitoring:screening_detail", pk=run.pk)


@login_required
def screening_detail(request, pk):
    run = selectors.screening_run_get(user=request.user, pk=pk)
    if request.htmx:
        return render(request, "monitoring/_run_progress.html", {"run": run})
    return render(request, "monitoring/screening_detail.html", {"run": run})
