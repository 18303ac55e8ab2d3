"""Pages for meetings (推进会, 座谈会, 现场观摩), unit reports and decisions (督办事项)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuanglian.core.access import WRITE_FORBIDDEN, require_any_write, require_write, user_scope
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.forms import FORM_ERRORS, submit
from shuanglian.meetings import selectors, services
from shuanglian.meetings.forms import (
    DecisionForm,
    MeetingCancelForm,
    MeetingFilterForm,
    MeetingForm,
    UnitReportForm,
)
from shuanglian.meetings.models import ReportStatus
from shuanglian.meetings.records import meeting_docx, meeting_record
from shuanglian.units.selectors import visible_units

MEETING_CREATED = _("Meeting {title} was created.")
MEETING_SAVED = _("Meeting {title} was saved.")
REPORT_SAVED = _("The report of {unit} was saved.")
REPORT_DRAFTED = _(
    "The draft of {unit}'s report was written from its recorded work; check and complete it."
)
REPORT_SUBMITTED_OK = _("The report of {unit} was submitted.")
DECISION_ADDED = _("The decision was added and assigned to {unit}.")
MEETING_CANCELLED_OK = _("Meeting {title} was cancelled.")


def _units_for(user):
    return list(visible_units(user).order_by("name", "id"))


def _form_page(request, form, *, title, cancel_url, status=200, intro="", submit_label=None):
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "intro": intro,
        "submit_label": submit_label,
    }
    return render(request, "core/form.html", context, status=status)


@login_required
def meeting_list(request):
    form = MeetingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page, error = None, None
    if not form.is_bound or form.is_valid():
        try:
            page = selectors.meeting_list(
                user=request.user, cursor=request.GET.get("cursor") or None, **filters
            )
        except InvalidInput as err:
            error = err
    query = {key: value for key, value in filters.items() if value}
    context = {
        "form": form,
        "meetings": page.items if page else [],
        "next_url": "?" + urlencode({**query, "cursor": page.next_cursor})
        if page and page.next_cursor
        else None,
        "first_url": "?" + urlencode(query),
        "paged": bool(request.GET.get("cursor")),
        "error": error,
        "can_create": user_scope(request.user).writable,
    }
    status = 400 if error or (form.is_bound and not form.is_valid()) else 200
    return render(request, "meetings/list.html", context, status=status)


@login_required
def meeting_create(request):
    require_any_write(request.user)
    initial = {"place": request.GET.get("place") or user_scope(request.user).region_code}
    form = MeetingForm(request.POST or None, initial=initial, units=_units_for(request.user))
    outcome = submit(
        request,
        form,
        lambda data: services.meeting_create(actor=request.user, **form.service_kwargs()),
    )
    if outcome.saved:
        messages.success(request, MEETING_CREATED.format(title=outcome.value.title))
        return redirect("meetings:detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("New meeting"),
        cancel_url=reverse("meetings:list"),
        status=outcome.status,
    )


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    today = timezone.localdate()
    context = {
        "meeting": meeting,
        "speakers": selectors.meeting_speakers(meeting),
        "attendance": selectors.meeting_attendance(meeting),
        "stops": selectors.meeting_stops(meeting),
        "decisions": [
            (decision, selectors.is_overdue(decision, today))
            for decision in selectors.meeting_decisions(meeting)
        ],
        "can_write": selectors.may_write_meeting(request.user, meeting)
        and not meeting.is_cancelled,
        "cancel_form": MeetingCancelForm(),
    }
    return render(request, "meetings/detail.html", context)


@login_required
def meeting_cancel(request, pk):
    """The form is on the meeting page; this page shows it again when the reason is refused."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    require_write(request.user, meeting.place_id)
    form = MeetingCancelForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=data["reason"]
        ),
    )
    if outcome.saved:
        messages.success(request, MEETING_CANCELLED_OK.format(title=meeting.title))
        return redirect("meetings:detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Cancel meeting {title}").format(title=meeting.title),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
        status=outcome.status,
        intro=_("A cancelled meeting stays on record; it and its reports can no longer change."),
        submit_label=_("Cancel meeting"),
    )


@login_required
def meeting_update(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    require_write(request.user, meeting.place_id)
    form = MeetingForm(
        request.POST or None,
        initial=MeetingForm.initial_of(meeting),
        units=_units_for(request.user),
    )
    outcome = submit(
        request,
        form,
        lambda data: services.meeting_update(
            actor=request.user, meeting=meeting, **form.service_kwargs()
        ),
    )
    if outcome.saved:
        messages.success(request, MEETING_SAVED.format(title=meeting.title))
        return redirect("meetings:detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Edit meeting {title}").format(title=meeting.title),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
        status=outcome.status,
    )


@login_required
def meeting_print(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "meetings/record.html", meeting_record(meeting))


@login_required
def meeting_download(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    response = HttpResponse(
        meeting_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"meeting-{meeting.pk}-{meeting.held_on:%Y%m%d}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def decision_create(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    require_write(request.user, meeting.place_id)
    form = DecisionForm(request.POST or None, units=_units_for(request.user))
    outcome = submit(
        request,
        form,
        lambda data: services.meeting_decision_add(
            actor=request.user, meeting=meeting, **form.service_kwargs()
        ),
    )
    if outcome.saved:
        messages.success(request, DECISION_ADDED.format(unit=outcome.value.owner_unit))
        return redirect("meetings:detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("New decision of {title}").format(title=meeting.title),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
        status=outcome.status,
        intro=_("A decision becomes a follow-up (督办事项) of the unit, due by the date."),
    )


@login_required
def decision_list(request):
    overdue = request.GET.get("overdue") == "1"
    status = 200
    try:
        page = selectors.decision_list(
            user=request.user, overdue=overdue, cursor=request.GET.get("cursor") or None
        )
        error = None
    except InvalidInput as err:
        page, error, status = None, err, 400
    today = timezone.localdate()
    query = {"overdue": "1"} if overdue else {}
    context = {
        "decisions": [(d, selectors.is_overdue(d, today)) for d in page.items] if page else [],
        "overdue": overdue,
        "error": error,
        "next_url": "?" + urlencode({**query, "cursor": page.next_cursor})
        if page and page.next_cursor
        else None,
        "first_url": "?" + urlencode(query),
        "paged": bool(request.GET.get("cursor")),
    }
    return render(request, "meetings/decisions.html", context, status=status)


def _report_page(request, report, form, status=200, *, notice=None, error=None):
    context = {
        "report": report,
        "form": form,
        "notice": notice,
        "error": error,
        "can_write": selectors.may_write_report(
            request.user, meeting=report.meeting, unit=report.unit
        )
        and report.status == ReportStatus.DRAFT
        and not report.meeting.is_cancelled,
    }
    return render(request, "meetings/report.html", context, status=status)


# What the report page says after an action. Passed in the address rather than as a session
# message, so that the note shows on this page only and never on whatever page comes next.
DONE = {"draft": REPORT_DRAFTED, "submitted": REPORT_SUBMITTED_OK}


@login_required
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    done = DONE.get(request.GET.get("done", ""))
    return _report_page(
        request, report, None, notice=done.format(unit=report.unit) if done else None
    )


def _require_report_write(request, report) -> None:
    if not selectors.may_write_report(request.user, meeting=report.meeting, unit=report.unit):
        raise Forbidden(WRITE_FORBIDDEN)


@login_required
def report_update(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    _require_report_write(request, report)
    initial = {
        "work_done": report.work_done,
        "problems": report.problems,
        "next_plans": report.next_plans,
    }
    form = UnitReportForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.unit_report_update(actor=request.user, report=report, **data),
    )
    if outcome.saved:
        messages.success(request, REPORT_SAVED.format(unit=report.unit))
        return redirect("meetings:report_detail", pk=report.pk)
    return _report_page(request, report, form, status=outcome.status)


def _report_action(request, pk, write, done: str):
    report = selectors.report_get(user=request.user, pk=pk)
    _require_report_write(request, report)
    try:
        report = write(report)
    except FORM_ERRORS as err:
        return _report_page(request, report, None, status=err.status, error=err.message)
    url = reverse("meetings:report_detail", args=[report.pk])
    return redirect(f"{url}?{urlencode({'done': done})}")


@login_required
@require_POST
def report_generate(request, pk):
    return _report_action(
        request,
        pk,
        lambda report: services.unit_report_generate_draft(
            actor=request.user, meeting=report.meeting, unit=report.unit
        ),
        "draft",
    )


@login_required
@require_POST
def report_submit(request, pk):
    return _report_action(
        request,
        pk,
        lambda report: services.unit_report_submit(actor=request.user, report=report),
        "submitted",
    )
