"""Exporting an audit search: the audited export itself, and the CSV and Excel files.

Both files stream: the CSV row by row from a database iterator, the workbook through
xlsxwriter's constant-memory mode into a temporary file that is then sent in blocks. Memory
stays flat however many rows the trail holds.
"""

import csv
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuanglian.core.audit import audit, region_of_user
from shuanglian.core.audit_selectors import AuditFilters, AuditRow, audit_events, present
from shuanglian.core.errors import InvalidInput
from shuanglian.core.models import AuditAction, AuditEvent

FORMATS = ("csv", "xlsx")
# An Excel sheet holds 1,048,576 rows, one of them the header.
XLSX_MAX_ROWS = 1_048_575
EXPORT_TOO_BIG_FOR_XLSX = _(
    "{count} rows match, more than an Excel sheet holds ({limit}): narrow the search or export CSV."
)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = (
    pgettext_lazy("audit column", "Time ({zone})"),
    pgettext_lazy("audit column", "User"),
    pgettext_lazy("audit column", "IP address"),
    pgettext_lazy("audit column", "Action"),
    pgettext_lazy("audit column", "Record type"),
    pgettext_lazy("audit column", "Record ID"),
    pgettext_lazy("audit column", "Record"),
    pgettext_lazy("audit column", "Region code"),
    pgettext_lazy("audit column", "Region"),
    pgettext_lazy("audit column", "Changes (old → new)"),
    pgettext_lazy("audit column", "Outcome"),
)


@dataclass(frozen=True)
class AuditExport:
    events: QuerySet[AuditEvent]
    count: int
    fmt: str


@transaction.atomic
def audit_trail_export(*, actor, filters: AuditFilters, fmt: str) -> AuditExport:
    """The rows of an audit search to export, after recording the export in the trail.

    The rows are fixed up to the newest id before the export's own row is written, so the
    file holds exactly the number of rows the audit row states.
    """
    events = audit_events(user=actor, filters=filters)
    newest = AuditEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0
    events = events.filter(pk__lte=newest)
    count = events.count()
    if fmt == "xlsx" and count > XLSX_MAX_ROWS:
        message = EXPORT_TOO_BIG_FOR_XLSX.format(count=count, limit=XLSX_MAX_ROWS)
        raise InvalidInput(message, field="format")
    audit(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="core.AuditEvent",
        changes={"format": fmt, "rows": count, "filters": filters.as_dict()},
        # Filed under the exporting officer's region: their superiors see who exported what.
        region_code=region_of_user(actor),
    )
    return AuditExport(events=events.order_by("-pk"), count=count, fmt=fmt)


def headers() -> list[str]:
    return [str(column).format(zone=settings.TIME_ZONE) for column in COLUMNS]


def cells(row: AuditRow) -> list[str]:
    return [
        row.at.strftime("%Y-%m-%d %H:%M:%S"),
        row.username,
        row.ip,
        row.action,
        row.object_type,
        row.object_id,
        row.object_repr,
        row.region_code,
        row.region_name,
        row.changes_text,
        row.outcome,
    ]


def _rows(export: AuditExport) -> Iterator[AuditRow]:
    for event in export.events.iterator(chunk_size=2000):
        yield present(event)


def _filename(fmt: str) -> str:
    return f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.{fmt}"


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields text."""

    def write(self, value: str) -> str:
        return value


def _safe(text: str) -> str:
    # A cell starting like a formula would be run by Excel (usernames typed at a failed login,
    # names of records are user input): a leading apostrophe keeps it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(export: AuditExport) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark, which Excel needs to read Chinese from a CSV."""
    language = translation.get_language()

    def lines() -> Iterator[str]:
        # The body is produced after the view returned: keep the request's language for it.
        with translation.override(language):
            writer = csv.writer(_Echo())
            yield "\ufeff" + writer.writerow(headers())
            for row in _rows(export):
                yield writer.writerow([_safe(cell) for cell in cells(row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(export: AuditExport) -> FileResponse:
    # FileResponse closes the file once sent, which deletes it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet("audit")
    bold = workbook.add_format({"bold": True})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for col, title in enumerate(headers()):
        sheet.write_string(0, col, title, bold)
    sheet.set_column(0, 0, 20)
    sheet.set_column(9, 9, 60)
    for number, row in enumerate(_rows(export), start=1):
        sheet.write_datetime(number, 0, row.at.replace(tzinfo=None), when)
        for col, cell in enumerate(cells(row)[1:], start=1):
            sheet.write_string(number, col, cell)
    workbook.close()
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_MIME
    )
