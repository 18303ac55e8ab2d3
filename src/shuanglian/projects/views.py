"""Pages for village projects (项目) and their fund ledger (资金)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import WRITE_FORBIDDEN, user_scope
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.forms import submit
from shuanglian.projects import selectors, services
from shuanglian.projects.forms import (
    FundingForm,
    PhotoForm,
    ProjectFilterForm,
    ProjectForm,
    ReverseForm,
    StatusForm,
)

PROJECT_CREATED = _("Project {name} was created.")
PROJECT_SAVED = _("Project {name} was saved.")
PROJECT_ADVANCED = _("Project {name} is now {status}.")
FUNDING_ADDED = _("The funding entry was added.")
FUNDING_REVERSED = _("The entry was reversed.")
PHOTO_ADDED = _("The photo was added.")
STATUS_INTRO = _(
    "Statuses go one step at a time: planned, under construction, completed, accepted."
)


def _form_page(request, form, *, title, cancel_url, status=200, intro=""):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "intro": intro}
    return render(request, "core/form.html", context, status=status)


def _require_project_write(user, project) -> None:
    if not selectors.may_write_project(user, project):
        raise Forbidden(WRITE_FORBIDDEN)


@login_required
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = {key: value for key, value in filters.items() if value not in (None, "")}
    page, error = None, None
    if not form.is_bound or form.is_valid():
        try:
            page = selectors.project_list(
                user=request.user, cursor=request.GET.get("cursor") or None, **filters
            )
        except InvalidInput as err:
            error = err
    next_url = None
    if page and page.next_cursor:
        next_url = "?" + urlencode({**filters, "cursor": page.next_cursor})
    context = {
        "form": form,
        "projects": page.items if page else [],
        "next_url": next_url,
        "first_url": "?" + urlencode(filters),
        "paged": bool(request.GET.get("cursor")),
        "error": error,
        "can_create": selectors.may_create_projects(request.user),
    }
    status = 400 if error or (form.is_bound and not form.is_valid()) else 200
    return render(request, "projects/list.html", context, status=status)


@login_required
def project_create(request):
    if not selectors.may_create_projects(request.user):
        raise Forbidden(WRITE_FORBIDDEN)
    scope = user_scope(request.user)
    initial = {"village": request.GET.get("village", ""), "lead_unit": scope.unit_id}
    form = ProjectForm(request.POST or None, initial=initial, user=request.user, creating=True)
    outcome = submit(
        request,
        form,
        lambda data: services.project_create(actor=request.user, **form.service_kwargs()),
    )
    if outcome.saved:
        project = outcome.value
        messages.success(request, PROJECT_CREATED.format(name=project.name))
        return redirect("projects:detail", pk=project.pk)
    return _form_page(
        request,
        form,
        title=_("New project"),
        cancel_url=reverse("projects:list"),
        status=outcome.status,
    )


@login_required
def project_detail(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    context = {
        "project": project,
        "history": selectors.project_history(project=project),
        "ledger": selectors.project_ledger(project=project),
        "totals": selectors.funding_totals(request.user, project=project),
        "photos": selectors.project_photos(project=project),
        "can_write": selectors.may_write_project(request.user, project),
        "next_status": services.next_status(project.status),
    }
    return render(request, "projects/detail.html", context)


@login_required
def project_update(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    _require_project_write(request.user, project)
    initial = {
        "village": project.village_id,
        "name": project.name,
        "type": project.type,
        "year": project.year,
        "quantity": project.quantity,
        "quantity_unit": project.quantity_unit,
        "budget": project.budget,
        "lead_unit": project.lead_unit_id,
        "contributing_units": [unit.pk for unit in project.contributing_units.all()],
        "description": project.description,
        "progress": project.progress,
    }
    form = ProjectForm(request.POST or None, initial=initial, user=request.user, creating=False)
    outcome = submit(
        request,
        form,
        lambda data: services.project_update(
            actor=request.user, project=project, **form.service_kwargs()
        ),
    )
    if outcome.saved:
        messages.success(request, PROJECT_SAVED.format(name=project.name))
        return redirect("projects:detail", pk=project.pk)
    return _form_page(
        request,
        form,
        title=_("Edit project {name}").format(name=project.name),
        cancel_url=reverse("projects:detail", args=[project.pk]),
        status=outcome.status,
    )


@login_required
def project_advance(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    _require_project_write(request.user, project)
    following = services.next_status(project.status)
    form = StatusForm(request.POST or None, initial={"to_status": following})
    outcome = submit(
        request,
        form,
        lambda data: services.project_status_advance(actor=request.user, project=project, **data),
    )
    if outcome.saved:
        change = outcome.value
        messages.success(
            request,
            PROJECT_ADVANCED.format(name=project.name, status=change.get_to_status_display()),
        )
        return redirect("projects:detail", pk=project.pk)
    return _form_page(
        request,
        form,
        title=_("Next step of {name}").format(name=project.name),
        intro=STATUS_INTRO,
        cancel_url=reverse("projects:detail", args=[project.pk]),
        status=outcome.status,
    )


@login_required
def funding_add(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    _require_project_write(request.user, project)
    raisers = selectors.funding_raiser_choices(user=request.user, project=project)
    form = FundingForm(request.POST or None, user=request.user, raisers=raisers)
    outcome = submit(
        request,
        form,
        lambda data: services.funding_add(
            actor=request.user, project=project, **form.service_kwargs()
        ),
    )
    if outcome.saved:
        messages.success(request, FUNDING_ADDED)
        return redirect("projects:detail", pk=project.pk)
    return _form_page(
        request,
        form,
        title=_("New funding entry for {name}").format(name=project.name),
        cancel_url=reverse("projects:detail", args=[project.pk]),
        status=outcome.status,
    )


@login_required
def funding_reverse(request, pk):
    entry = selectors.funding_get(user=request.user, pk=pk)
    _require_project_write(request.user, entry.project)
    form = ReverseForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.funding_reverse(actor=request.user, entry=entry, **data),
    )
    if outcome.saved:
        messages.success(request, FUNDING_REVERSED)
        return redirect("projects:detail", pk=entry.project_id)
    intro = _(
        "Reversing adds an entry of {amount} yuan that cancels the entry of {date}; the entry "
        "itself stays in the ledger."
    ).format(amount=-entry.amount, date=entry.received_on.isoformat())
    return _form_page(
        request,
        form,
        title=_("Reverse a funding entry of {name}").format(name=entry.project.name),
        intro=intro,
        cancel_url=reverse("projects:detail", args=[entry.project_id]),
        status=outcome.status,
    )


@login_required
def photo_add(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    _require_project_write(request.user, project)
    form = PhotoForm(request.POST or None, request.FILES or None)
    outcome = submit(
        request,
        form,
        lambda data: services.project_photo_add(
            actor=request.user,
            project=project,
            upload=data["photos"],
            keep_gps=data["keep_gps"],
            caption=data["caption"],
        ),
    )
    if outcome.saved:
        messages.success(request, PHOTO_ADDED)
        return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/photo_form.html",
        {
            "form": form,
            "title": _("New photo of {name}").format(name=project.name),
            "cancel_url": reverse("projects:detail", args=[project.pk]),
        },
        status=outcome.status,
    )


@login_required
def photo(request, pk):
    photo = selectors.project_photo_get(user=request.user, pk=pk)
    field = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
    response = FileResponse(field.open("rb"))
    # Served only through this scoped view; never kept by shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    return response
