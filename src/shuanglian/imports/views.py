"""Pages of the registry import: upload a file, watch the job, download the template and the
error report."""

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from shuanglian.core.access import require_any_write
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.imports.forms import ImportForm, ImportUploadHandler
from shuanglian.imports.layouts import LAYOUTS, write_template
from shuanglian.imports.models import ImportKind, ImportStatus
from shuanglian.imports.selectors import import_job_get, visible_import_jobs
from shuanglian.imports.tasks import KIND_UNKNOWN, error_report, import_start, read_progress

NO_ERROR_REPORT = _("This import has no error report.")
RECENT_JOBS = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@csrf_exempt
@login_required
def import_page(request):
    # The upload handler must be in place before anything reads the body, and the CSRF check
    # reads it: so the check is made below, after the handler is set.
    handler = ImportUploadHandler(request)
    if request.method == "POST":
        require_any_write(request.user)
        request.upload_handlers = [handler]
    try:
        return _import_page(request, handler)
    finally:
        if handler.path is not None and not handler.queued:
            # Refused uploads (bad form, failed CSRF check) are not kept.
            handler.path.unlink(missing_ok=True)


@csrf_protect
def _import_page(request, handler):
    require_any_write(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, handler=handler)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_start(
                    actor=request.user,
                    path=upload.stored_path,
                    file_name=upload.name,
                    kind=form.cleaned_data["kind"],
                    mode=form.cleaned_data["mode"],
                )
            except InvalidInput as error:
                form.add_domain_error(error)
            else:
                handler.queued = True
                return redirect("imports:detail", pk=job.pk)
        status = 400
    jobs = visible_import_jobs(request.user).filter(user=request.user)[:RECENT_JOBS]
    context = {"form": form, "jobs": jobs, "kinds": ImportKind.choices}
    return render(request, "imports/index.html", context, status=status)


@login_required
def template(request):
    """The template of `?kind=` (households when not given)."""
    kind = request.GET.get("kind") or ImportKind.HOUSEHOLDS
    if kind not in LAYOUTS:
        # No such template, as for any address that names nothing.
        raise NotFound(KIND_UNKNOWN.format(value=kind), field="kind")
    with tempfile.TemporaryDirectory() as directory:
        content = write_template(Path(directory) / "template.xlsx", LAYOUTS[kind]).read_bytes()
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


def job_context(job) -> dict:
    return {
        "job": job,
        "progress": read_progress(job),
        "finished": job.status != ImportStatus.RUNNING,
        "has_errors": error_report(job) is not None,
    }


@login_required
def job_detail(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    context = job_context(job)
    if request.htmx:
        return render(request, "imports/_progress.html", context)
    return render(request, "imports/detail.html", context)


@login_required
def job_errors(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    path = error_report(job)
    if path is None:
        raise NotFound(NO_ERROR_REPORT)
    name = f"{Path(job.file_name).stem or 'import'}-errors.xlsx"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response
