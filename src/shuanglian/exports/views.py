"""The export page of each list, the file sent back, and the page of the user's background
exports.
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import may_reveal
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.exports import services
from shuanglian.exports.forms import ExportForm
from shuanglian.exports.models import ExportFormat, ExportJob, ExportStatus
from shuanglian.exports.writers import CSV_MIME, XLSX_MIME, csv_lines, write_xlsx

EXPORT_QUEUED = _(
    "The export is large; it is being written in the background. Download it here when ready."
)


def _filename(plan, fmt: str) -> str:
    return f"{plan.spec.key}-{timezone.localtime():%Y%m%d-%H%M%S}.{fmt}"


def _csv_response(plan) -> StreamingHttpResponse:
    language = translation.get_language()

    def lines():
        # The body is produced after the view returned: keep the request's language for it.
        with translation.override(language):
            yield from csv_lines(plan.headers(), plan.cells())

    response = StreamingHttpResponse(lines(), content_type=CSV_MIME)
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "csv")}"'
    return response


def _xlsx_response(plan) -> FileResponse:
    # FileResponse closes the file once sent, which deletes it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(
        handle,
        title=str(plan.spec.title),
        headers=plan.headers(),
        kinds=plan.kinds(),
        rows=plan.cells(),
    )
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=_filename(plan, "xlsx"), content_type=XLSX_MIME
    )


@login_required
def export_page(request, list_key):
    """GET: the choices (format, reveal) for the list as filtered by the query string; POST:
    the file, or a background export for a large one.

    The filters are checked on GET too, so a bad or out-of-scope filter answers as the list
    page would before anything is chosen.
    """
    spec = services.list_spec(list_key)
    revealer = may_reveal(request.user)
    form = ExportForm(request.POST or None, may_reveal=revealer)
    status, filter_error = 200, None
    try:
        spec.rows(request.user, request.GET)
    except InvalidInput as err:
        # A filter of the list, not a field of this form: shown above it, as the list would.
        filter_error, status = err.message, 400
    else:
        if request.method == "POST":
            if form.is_valid():
                try:
                    plan = services.export_start(
                        actor=request.user,
                        list_key=list_key,
                        params=request.GET,
                        fmt=form.cleaned_data["format"],
                        # Read from the request, not the form: a refused attempt is audited.
                        reveal=bool(request.POST.get("reveal")),
                        reason=request.POST.get("reason", ""),
                    )
                except InvalidInput as err:
                    form.add_domain_error(err)
                else:
                    if plan.in_background:
                        messages.success(request, EXPORT_QUEUED)
                        return redirect("exports:mine")
                    if plan.fmt == ExportFormat.CSV:
                        return _csv_response(plan)
                    return _xlsx_response(plan)
            status = 400
    filters = spec.given_filters(request.GET)
    back = reverse(spec.list_url)
    # The other lists reached from the same page (households → members, visits), same filters.
    others = [
        (other, urlencode(other.given_filters(request.GET)))
        for other in services.LISTS.values()
        if other.list_url == spec.list_url and other.key != spec.key
    ]
    context = {
        "spec": spec,
        "others": others,
        "form": form,
        "filters": filters,
        "filter_error": filter_error,
        "back_url": f"{back}?{urlencode(filters)}" if filters else back,
        "may_reveal": revealer,
        "has_personal": bool(spec.personal_fields),
    }
    return render(request, "exports/export.html", context, status=status)


@login_required
def my_exports(request):
    """The user's background exports, newest first (their own only)."""
    jobs = list(ExportJob.objects.filter(user=request.user)[:50])
    for job in jobs:
        spec = services.LISTS.get(job.list_key)
        job.title = spec.title if spec else job.list_key
    return render(request, "exports/mine.html", {"jobs": jobs})


@login_required
def download(request, pk):
    """A finished export's file, for the user who asked for it; anyone else's is a 404."""
    job = ExportJob.objects.filter(pk=pk, user=request.user, status=ExportStatus.DONE).first()
    path = services.export_dir() / job.file_name if job is not None else None
    if path is None or not path.is_file():
        raise NotFound(services.EXPORT_JOB_NOT_FOUND.format(id=pk))
    mime = CSV_MIME if job.fmt == ExportFormat.CSV else XLSX_MIME
    filename = f"{job.list_key}-{timezone.localtime(job.created_at):%Y%m%d-%H%M%S}.{job.fmt}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=mime)
