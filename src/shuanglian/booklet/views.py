"""The household booklet: a printable page, an audited reveal of its ID numbers, a .docx file."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shuanglian.booklet import services
from shuanglian.booklet.docx import booklet_docx
from shuanglian.booklet.sections import booklet_sections
from shuanglian.core.access import may_reveal
from shuanglian.core.errors import Forbidden
from shuanglian.core.forms import submit
from shuanglian.core.services import REVEAL_NOT_ALLOWED
from shuanglian.core.views import RevealForm
from shuanglian.households.selectors import household_get

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(request, household, *, revealed=None, form=None, status=200):
    context = {
        "household": household,
        "sections": booklet_sections(user=request.user, household=household, revealed=revealed),
        "revealed": bool(revealed),
        "can_reveal": may_reveal(request.user),
        "form": form,
        "printed_on": timezone.localdate(),
    }
    response = render(request, "booklet/booklet.html", context, status=status)
    if revealed:
        # The page holds ID numbers in full: no browser or proxy may keep a copy.
        response["Cache-Control"] = "no-store"
    return response


@login_required
def household_booklet(request, pk):
    household = household_get(user=request.user, pk=pk)
    return _page(request, household)


@login_required
def household_reveal(request, pk):
    """The booklet with its members' ID numbers in full, after the user states why."""
    household = household_get(user=request.user, pk=pk)
    if not may_reveal(request.user):
        if request.method == "POST":
            # The refused attempt is audited; the service raises Forbidden.
            services.booklet_reveal(
                actor=request.user, household=household, reason=request.POST.get("reason", "")
            )
        raise Forbidden(REVEAL_NOT_ALLOWED)
    form = RevealForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.booklet_reveal(
            actor=request.user, household=household, reason=data["reason"]
        ),
    )
    if outcome.saved:
        return _page(request, household, revealed=outcome.value)
    return render(
        request,
        "booklet/reveal.html",
        {"household": household, "form": form},
        status=outcome.status,
    )


@login_required
def household_docx(request, pk):
    household = household_get(user=request.user, pk=pk)
    sections = booklet_sections(user=request.user, household=household)
    content = booklet_docx(household, sections)
    services.booklet_export(actor=request.user, household=household, fmt="docx")
    response = HttpResponse(content, content_type=DOCX)
    name = f"booklet-{household.number}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
