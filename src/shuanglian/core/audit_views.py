"""The audit search page and its exports, for administrators and region officers."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from shuanglian.core.audit_exports import FORMATS, audit_trail_export, csv_response, xlsx_response
from shuanglian.core.audit_forms import AuditFilterForm
from shuanglian.core.audit_selectors import (
    audit_filters,
    audit_search,
    present,
    require_audit_search,
)
from shuanglian.core.errors import InvalidInput


def _page(request, form, *, rows=(), next_cursor=None, status=200):
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "is_first_page": not request.GET.get("cursor"),
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "core/audit.html", context, status=status)


@login_required
def audit_search_page(request):
    require_audit_search(request.user)
    form = AuditFilterForm(request.GET or None)
    try:
        filters = audit_filters(request.GET)
        page = audit_search(
            user=request.user, filters=filters, cursor=request.GET.get("cursor") or None
        )
    except InvalidInput as err:
        form.add_domain_error(err)
        return _page(request, form, status=400)
    rows = [present(event) for event in page.items]
    return _page(request, form, rows=rows, next_cursor=page.next_cursor)


@login_required
def audit_export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    require_audit_search(request.user)
    try:
        export = audit_trail_export(actor=request.user, filters=audit_filters(request.GET), fmt=fmt)
    except InvalidInput as err:
        form = AuditFilterForm(request.GET)
        form.add_domain_error(err)
        return _page(request, form, status=400)
    return csv_response(export) if fmt == "csv" else xlsx_response(export)
