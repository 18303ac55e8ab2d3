"""Printable public notices (公示) and announcements (公告): the page's context and a Word
document (.docx, python-docx). Only masked ID numbers ever reach either.

The caller has fetched the notice through the scoped selector; the rows are those of the
households the user sees.
"""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from shuanglian.lifecycle import selectors
from shuanglian.lifecycle.models import Notice, NoticeKind, ProcedureKind

TITLES = {
    (ProcedureKind.IDENTIFICATION, NoticeKind.FIRST_NOTICE): gettext_lazy(
        "Public notice of the proposed poor households (first)"
    ),
    (ProcedureKind.IDENTIFICATION, NoticeKind.SECOND_NOTICE): gettext_lazy(
        "Public notice of the proposed poor households (second)"
    ),
    (ProcedureKind.IDENTIFICATION, NoticeKind.ANNOUNCEMENT): gettext_lazy(
        "Announcement of the poor households identified"
    ),
    (ProcedureKind.EXIT, NoticeKind.FIRST_NOTICE): gettext_lazy(
        "Public notice of the households proposed to exit poverty (first)"
    ),
    (ProcedureKind.EXIT, NoticeKind.SECOND_NOTICE): gettext_lazy(
        "Public notice of the households proposed to exit poverty (second)"
    ),
    (ProcedureKind.EXIT, NoticeKind.ANNOUNCEMENT): gettext_lazy(
        "Announcement of the households that exited poverty"
    ),
    (ProcedureKind.RISK_ELIMINATION, NoticeKind.FIRST_NOTICE): gettext_lazy(
        "Public notice of the households proposed for risk elimination (first)"
    ),
    (ProcedureKind.RISK_ELIMINATION, NoticeKind.SECOND_NOTICE): gettext_lazy(
        "Public notice of the households proposed for risk elimination (second)"
    ),
    (ProcedureKind.RISK_ELIMINATION, NoticeKind.ANNOUNCEMENT): gettext_lazy(
        "Announcement of the households whose risk was eliminated"
    ),
}


def notice_title(notice: Notice) -> str:
    return str(TITLES[(notice.procedure_kind, notice.kind)])


def notice_context(notice: Notice, user) -> dict:
    return {
        "notice": notice,
        "title": notice_title(notice),
        "region_name": notice.region.name,
        "rows": selectors.notice_rows(notice, user),
    }


def notice_docx(notice: Notice, user) -> bytes:
    from docx import Document  # imported here: only the download needs it

    context = notice_context(notice, user)
    document = Document()
    document.add_heading(context["title"], level=0)
    document.add_paragraph(
        _("Posted in {region}. The following households are made public:").format(
            region=context["region_name"]
        )
    )
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    headers = (
        _("No."),
        _("Head of household"),
        _("Village"),
        pgettext("public notice", "Members"),
        _("ID number"),
    )
    for cell, label in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(label)
    for number, row in enumerate(context["rows"], start=1):
        cells = table.add_row().cells
        cells[0].text = str(number)
        cells[1].text = row.household.head_name
        cells[2].text = row.village
        cells[3].text = str(row.household.member_count)
        cells[4].text = row.head_id_masked
    paragraph = document.add_paragraph()
    paragraph.add_run(pgettext("public notice", "Period") + "：").bold = True
    paragraph.add_run(
        _("from {start} to {end}").format(
            start=notice.starts_on.isoformat(), end=notice.ends_on.isoformat()
        )
    )
    paragraph = document.add_paragraph()
    paragraph.add_run(_("Objections") + "：").bold = True
    paragraph.add_run(notice.objection_channel)
    document.add_paragraph(notice.starts_on.isoformat())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
