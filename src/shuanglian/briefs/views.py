"""Pages of the work briefs (工作简报) and the statistical tables (报表)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuanglian.briefs import selectors, services
from shuanglian.briefs.documents import TABLES, child_rows, headline_rows
from shuanglian.briefs.forms import BriefCreateForm, BriefForm, TableForm
from shuanglian.briefs.models import SECTIONS
from shuanglian.core.access import can_write, require_any_write, require_write, user_scope
from shuanglian.core.errors import InvalidInput
from shuanglian.core.forms import FORM_ERRORS, submit

BRIEF_CREATED = _("Brief {title} was generated from the records; check and edit it.")
BRIEF_SAVED = _("Brief {title} was saved.")
BRIEF_FINALISED = _("Brief {title} is final.")
TABLE_DATE_INVALID = _("{field}: {value} is not a date (YYYY-MM-DD).")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_page(request, form, *, title, cancel_url, status=200, intro=""):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "intro": intro}
    return render(request, "core/form.html", context, status=status)


@login_required
def brief_list(request):
    status, error = 200, None
    try:
        page = selectors.brief_list(
            user=request.user,
            region=request.GET.get("region") or None,
            cursor=request.GET.get("cursor") or None,
        )
    except InvalidInput as err:
        page, error, status = None, err, 400
    query = {"region": request.GET["region"]} if request.GET.get("region") else {}
    context = {
        "briefs": page.items if page else [],
        "error": error,
        "next_url": "?" + urlencode({**query, "cursor": page.next_cursor})
        if page and page.next_cursor
        else None,
        "first_url": "?" + urlencode(query),
        "paged": bool(request.GET.get("cursor")),
        "can_create": user_scope(request.user).writable,
        "reads_regions": selectors.reads_regions(request.user),
    }
    return render(request, "briefs/list.html", context, status=status)


@login_required
def brief_create(request):
    require_any_write(request.user)
    today = timezone.localdate()
    initial = {
        "region": request.GET.get("region") or user_scope(request.user).region_code,
        "period_start": dt.date(today.year, 1, 1),
        "period_end": today,
    }
    form = BriefCreateForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.brief_create(actor=request.user, **form.service_kwargs()),
    )
    if outcome.saved:
        messages.success(request, BRIEF_CREATED.format(title=outcome.value.title))
        return redirect("briefs:detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("New work brief"),
        cancel_url=reverse("briefs:list"),
        status=outcome.status,
        intro=_(
            "The brief is written from the records of the region and period: figures, progress "
            "since the last brief, each paired unit's work, meetings, completed projects and "
            "overdue items. Edit it afterwards."
        ),
    )


# What the brief page says after an action. Passed in the address rather than as a session
# message, so that the note shows on this page only and never on whatever page comes next.
DONE = {"saved": BRIEF_SAVED, "final": BRIEF_FINALISED}


def _done(brief, done: str):
    return redirect(f"{reverse('briefs:detail', args=[brief.pk])}?{urlencode({'done': done})}")


def _detail_page(request, brief, *, error=None, status=200):
    header, rows, total = child_rows(brief)
    done = DONE.get(request.GET.get("done", "")) if request.method == "GET" else None
    context = {
        "brief": brief,
        "sections": [(heading, getattr(brief, name)) for name, heading in SECTIONS],
        "headline": headline_rows(brief),
        "child_header": header,
        "child_rows": rows,
        "child_total": total,
        "can_write": can_write(request.user, brief.region_id) and not brief.is_final,
        "error": error,
        "notice": done.format(title=brief.title) if done else None,
    }
    return render(request, "briefs/detail.html", context, status=status)


@login_required
def brief_detail(request, pk):
    return _detail_page(request, selectors.brief_get(user=request.user, pk=pk))


@login_required
def brief_update(request, pk):
    brief = selectors.brief_get(user=request.user, pk=pk)
    require_write(request.user, brief.region_id)
    if brief.is_final:
        return _detail_page(request, brief, error=services.BRIEF_FINAL, status=409)
    form = BriefForm(request.POST or None, initial=BriefForm.initial_of(brief))
    outcome = submit(
        request, form, lambda data: services.brief_update(actor=request.user, brief=brief, **data)
    )
    if outcome.saved:
        return _done(brief, "saved")
    return _form_page(
        request,
        form,
        title=_("Edit brief {title}").format(title=brief.title),
        cancel_url=reverse("briefs:detail", args=[brief.pk]),
        status=outcome.status,
        intro=_(
            "The figures stay as generated; the text is yours to edit until the brief is final."
        ),
    )


@login_required
@require_POST
def brief_finalise(request, pk):
    brief = selectors.brief_get(user=request.user, pk=pk)
    require_write(request.user, brief.region_id)
    try:
        brief = services.brief_finalise(actor=request.user, brief=brief)
    except FORM_ERRORS as err:
        return _detail_page(request, brief, error=err.message, status=err.status)
    return _done(brief, "final")


@login_required
def brief_print(request, pk):
    brief = selectors.brief_get(user=request.user, pk=pk)
    header, rows, total = child_rows(brief)
    context = {
        "brief": brief,
        "sections": [(heading, getattr(brief, name)) for name, heading in SECTIONS],
        "headline": headline_rows(brief),
        "child_header": header,
        "child_rows": rows,
        "child_total": total,
    }
    return render(request, "briefs/print.html", context)


@login_required
def brief_download(request, pk):
    brief = selectors.brief_get(user=request.user, pk=pk)
    response = HttpResponse(
        services.brief_export(actor=request.user, brief=brief), content_type=DOCX
    )
    name = f"brief-{brief.region_id}-{brief.number}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    found = []
    for field, default in (("start", dt.date(today.year, 1, 1)), ("end", today)):
        value = request.GET.get(field) or ""
        try:
            day = parse_date(value) if value else default
        except ValueError:
            day = None
        if day is None:
            raise InvalidInput(TABLE_DATE_INVALID.format(field=field, value=value), field=field)
        found.append(day)
    return found[0], found[1]


@login_required
def tables(request):
    """Choose a region and period; the tables download from links on this page."""
    today = timezone.localdate()
    initial = {
        "region": user_scope(request.user).region_code or "",
        "start": dt.date(today.year, 1, 1),
        "end": today,
    }
    form = TableForm(request.GET or None, initial=initial)
    links = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = urlencode({"start": data["start"].isoformat(), "end": data["end"].isoformat()})
        links = [
            (table.title, reverse("briefs:table", args=[data["region"], slug]) + "?" + query)
            for slug, table in TABLES.items()
        ]
    context = {
        "form": form,
        "links": links,
        "reads_regions": selectors.reads_regions(request.user),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "briefs/tables.html", context, status=status)


@login_required
def table_download(request, code, slug):
    region = selectors.table_region(user=request.user, code=code)
    try:
        start, end = _period(request)
        content = services.table_export(
            actor=request.user, region=region, slug=slug, start=start, end=end
        )
    except InvalidInput as err:
        context = {"form": TableForm(), "links": [], "reads_regions": True, "error": err.message}
        return render(request, "briefs/tables.html", context, status=400)
    response = HttpResponse(content, content_type=XLSX)
    name = f"{slug}-{region.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
