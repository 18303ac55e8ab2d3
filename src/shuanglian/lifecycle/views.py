"""Pages of identification and exit: procedures per region, a procedure with its next step,
starting one, notices (print and .docx), income lines, the checklist. Thin: the selectors scope,
`rules` says who acts on which step, the services decide.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shuanglian.core.errors import NotFound
from shuanglian.core.forms import submit
from shuanglian.households.selectors import household_get
from shuanglian.lifecycle import registry, rules, selectors, services
from shuanglian.lifecycle.criteria import exit_criteria
from shuanglian.lifecycle.forms import (
    ApplicationForm,
    AssuranceForm,
    ConfirmForm,
    LineForm,
    NoticeForm,
    ProcedureFilterForm,
    StepForm,
    WithdrawForm,
)
from shuanglian.lifecycle.models import (
    AssuranceItem,
    ProcedureKind,
    ProcedureStatus,
    Step,
)
from shuanglian.lifecycle.notices import notice_context, notice_docx

STEP_SAVED = _("{step} was recorded.")
PROCEDURE_STARTED = _("The procedure was started.")
PROCEDURE_WITHDRAWN = _("The procedure was withdrawn.")
CHECKLIST_SAVED = _("The checklist was saved.")
LINE_SAVED = _("The income line was saved.")
NOTICE_SAVED = _("The notice was posted for {count} household(s).")
KIND_UNKNOWN = _("No such kind of procedure.")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_page(request, form, *, title, cancel_url, status=200, multipart=False, **context):
    context.update(form=form, title=title, cancel_url=cancel_url, multipart=multipart)
    return render(request, "lifecycle/form.html", context, status=status)


def _next_url(request, cursor) -> str | None:
    if not cursor:
        return None
    query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    return "?" + urlencode({**query, "cursor": cursor})


# Procedures --------------------------------------------------------------------------------


@login_required
def procedure_list(request):
    form = ProcedureFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.procedure_list(
        user=request.user,
        kind=filters.get("kind"),
        step=filters.get("step"),
        status=filters.get("status"),
        region=filters.get("region"),
        cursor=request.GET.get("cursor"),
    )
    return render(
        request,
        "lifecycle/procedure_list.html",
        {
            "form": form,
            "procedures": page.items,
            "next_url": _next_url(request, page.next_cursor),
            "paged": bool(request.GET.get("cursor")),
        },
    )


@login_required
def procedure_detail(request, pk):
    procedure = selectors.procedure_get(user=request.user, pk=pk)
    household = procedure.household
    step = procedure.next_step
    may_act = bool(step) and rules.may_record(request.user, household, step)
    form = None
    if may_act:
        form = StepForm(step=step, notice_days=settings.NOTICE_DAYS)
    return render(
        request,
        "lifecycle/procedure_detail.html",
        {
            "procedure": procedure,
            "household": household,
            "steps": selectors.procedure_steps(procedure),
            "form": form,
            "may_withdraw": procedure.is_open and rules.may_withdraw(request.user, procedure),
            "criteria": exit_criteria(household)
            if procedure.kind == ProcedureKind.EXIT and procedure.is_open
            else None,
            "sequence": _sequence(procedure),
        },
    )


def _sequence(procedure) -> list[tuple[str, str, str]]:
    """(step, label, state) of each step of the kind: done, next, or to come."""
    spec = registry.spec_of(procedure.kind)
    if spec is None:
        return []
    done = set(procedure.steps.values_list("step", flat=True))
    return [
        (
            step,
            Step(step).label,
            "done" if step in done else ("next" if step == procedure.next_step else "later"),
        )
        for step in spec.steps
    ]


@login_required
def step_record(request, pk):
    procedure = selectors.procedure_get(user=request.user, pk=pk)
    if not procedure.is_open:
        return redirect("lifecycle:procedure_detail", pk=procedure.pk)
    step = procedure.next_step
    rules.require_record(request.user, procedure.household, step)
    form = StepForm(
        request.POST or None,
        request.FILES or None,
        step=step,
        notice_days=settings.NOTICE_DAYS,
    )
    outcome = submit(
        request,
        form,
        lambda data: services.step_record(
            actor=request.user,
            procedure=procedure,
            step=step,
            data=form.step_data(),
            documents=data.get("documents") or [],
        ),
    )
    if outcome.saved:
        messages.success(request, STEP_SAVED.format(step=Step(step).label))
        return redirect("lifecycle:procedure_detail", pk=procedure.pk)
    return _form_page(
        request,
        form,
        title=_("{step}: {name}").format(step=Step(step).label, name=procedure.household.head_name),
        cancel_url=reverse("lifecycle:procedure_detail", kwargs={"pk": procedure.pk}),
        status=outcome.status,
        multipart=True,
        household=procedure.household,
    )


@login_required
def procedure_start(request, pk, kind):
    household = household_get(user=request.user, pk=pk)
    if kind not in ProcedureKind.values:
        raise NotFound(KIND_UNKNOWN, field="kind")
    spec = registry.spec_of(kind)
    if spec is None:
        raise NotFound(KIND_UNKNOWN, field="kind")
    first = spec.steps[0]
    rules.require_record(request.user, household, first)
    automatic = first == Step.CRITERIA_CHECK
    form = (ConfirmForm if automatic else ApplicationForm)(
        request.POST or None, request.FILES or None
    )
    outcome = submit(
        request,
        form,
        lambda data: services.procedure_start(
            actor=request.user,
            household=household,
            kind=kind,
            data=None if automatic else form.step_data(),
            documents=data.get("documents") or [],
        ),
    )
    if outcome.saved:
        messages.success(request, PROCEDURE_STARTED)
        return redirect("lifecycle:procedure_detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("Start {kind}: {name}").format(
            kind=ProcedureKind(kind).label, name=household.head_name
        ),
        cancel_url=reverse("households:detail", kwargs={"pk": household.pk}),
        status=outcome.status,
        multipart=not automatic,
        household=household,
        criteria=exit_criteria(household) if kind == ProcedureKind.EXIT else None,
        failures=spec.failures(household) if automatic else None,
    )


@login_required
def procedure_withdraw(request, pk):
    procedure = selectors.procedure_get(user=request.user, pk=pk)
    rules.require_withdraw(request.user, procedure)
    form = WithdrawForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.procedure_withdraw(
            actor=request.user, procedure=procedure, reason=data["reason"]
        ),
    )
    if outcome.saved:
        messages.success(request, PROCEDURE_WITHDRAWN)
        return redirect("lifecycle:procedure_detail", pk=procedure.pk)
    return _form_page(
        request,
        form,
        title=_("Withdraw the procedure of {name}").format(name=procedure.household.head_name),
        cancel_url=reverse("lifecycle:procedure_detail", kwargs={"pk": procedure.pk}),
        status=outcome.status,
        household=procedure.household,
    )


@login_required
def document(request, pk):
    stored = selectors.document_get(user=request.user, pk=pk)
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = f'inline; filename="document-{stored.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The checklist -----------------------------------------------------------------------------


@login_required
def assurance_form(request, pk):
    household = household_get(user=request.user, pk=pk)
    rules.require_check(request.user, household)
    current = selectors.current_assurance(household)
    form = AssuranceForm(request.POST or None, current=current)
    outcome = submit(
        request,
        form,
        lambda data: services.assurance_record(
            actor=request.user,
            household=household,
            checked_on=data["checked_on"],
            checks=form.check_list(),
        ),
    )
    if outcome.saved:
        messages.success(request, CHECKLIST_SAVED)
        return redirect("households:detail", pk=household.pk)
    return _form_page(
        request,
        form,
        title=_("Two assurances, three guarantees: {name}").format(name=household.head_name),
        cancel_url=reverse("households:detail", kwargs={"pk": household.pk}),
        status=outcome.status,
        household=household,
        items=list(AssuranceItem),
    )


# Notices -----------------------------------------------------------------------------------


@login_required
def notice_list(request):
    page = selectors.notice_list(user=request.user, cursor=request.GET.get("cursor"))
    return render(
        request,
        "lifecycle/notice_list.html",
        {
            "notices": page.items,
            "next_url": _next_url(request, page.next_cursor),
            "paged": bool(request.GET.get("cursor")),
        },
    )


@login_required
def notice_detail(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return render(request, "lifecycle/notice.html", notice_context(notice, request.user))


@login_required
def notice_download(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    response = HttpResponse(notice_docx(notice, request.user), content_type=DOCX)
    name = f"notice-{notice.pk}-{notice.starts_on:%Y%m%d}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _notice_candidates(user, step: str):
    """Open procedures waiting for this notice that the user may post it for."""
    procedures = (
        selectors.visible_procedures(user)
        .filter(status=ProcedureStatus.IN_PROGRESS, next_step=step)
        .select_related("household", "household__village")
        .order_by("household__village_id", "id")[:300]
    )
    return [p for p in procedures if rules.may_record(user, p.household, step)]


@login_required
def notice_create(request):
    """Post one notice for several households; who may post it depends on the households chosen
    (the service checks each), so the page offers only those the user may act on."""
    step = request.POST.get("step") or request.GET.get("step") or Step.FIRST_NOTICE
    if step not in services.NOTICE_STEPS:
        step = Step.FIRST_NOTICE
    candidates = _notice_candidates(request.user, step)
    form = NoticeForm(
        request.POST or None,
        candidates=candidates,
        notice_days=settings.NOTICE_DAYS,
        initial={"step": step},
    )
    by_pk = {p.pk: p for p in candidates}
    outcome = submit(
        request,
        form,
        lambda data: services.notice_publish(
            actor=request.user,
            procedures=[by_pk[pk] for pk in data["procedures"] if pk in by_pk],
            step=data["step"],
            starts_on=data["starts_on"],
            objection_channel=data["objection_channel"],
            days=data.get("notice_days"),
            note=data.get("note", ""),
        ),
    )
    if outcome.saved:
        messages.success(request, NOTICE_SAVED.format(count=outcome.value.steps.count()))
        return redirect("lifecycle:notice_detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("Post a public notice"),
        cancel_url=reverse("lifecycle:notice_list"),
        status=outcome.status,
        step_links=[(s, s.label) for s in services.NOTICE_STEPS],
        current_step=step,
    )


# Income lines ------------------------------------------------------------------------------


@login_required
def line_list(request):
    return render(
        request,
        "lifecycle/line_list.html",
        {"lines": selectors.line_list(), "may_edit": rules.may_edit_lines(request.user)},
    )


def _line_page(request, line=None):
    rules.require_edit_lines(request.user)
    initial = {}
    if line is not None:
        initial = {
            "kind": line.kind,
            "year": line.year,
            "province_code": line.province_id or "",
            "amount": line.amount,
            "source": line.source,
        }
    form = LineForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.income_line_save(
            actor=request.user,
            line=line,
            kind=data["kind"],
            year=data["year"],
            province_code=data["province_code"],
            amount=data["amount"],
            source=data["source"],
        ),
    )
    if outcome.saved:
        messages.success(request, LINE_SAVED)
        return redirect("lifecycle:line_list")
    return _form_page(
        request,
        form,
        title=_("Income line") if line is None else str(line),
        cancel_url=reverse("lifecycle:line_list"),
        status=outcome.status,
    )


@login_required
def line_create(request):
    return _line_page(request)


@login_required
def line_update(request, pk):
    line = selectors.line_get(pk)
    return _line_page(request, line)
