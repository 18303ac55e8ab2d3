"""The booklet as a Word document (.docx, python-docx), from the same sections as the page."""

import io

from django.utils.translation import gettext as _

from shuanglian.booklet.sections import PAGE_BREAK_BEFORE, Section
from shuanglian.households.models import Household


def _section(document, section: Section) -> None:
    document.add_heading(section.title, level=1)
    for label, value in section.facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(value)
    for text in section.paragraphs:
        document.add_paragraph(text)
    if section.rows:
        table = document.add_table(rows=1, cols=len(section.headers))
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, section.headers, strict=True):
            cell.text = str(label)
        for row in section.rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = value
    elif not section.facts and not section.paragraphs:
        document.add_paragraph(section.empty or "—")


def booklet_docx(household: Household, sections: list[Section]) -> bytes:
    from docx import Document  # imported here: only the download needs it
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    document = Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Mm(210), Mm(297)  # A4
    document.add_heading(_("Household booklet"), level=0)
    document.add_paragraph(f"{household.head_name} · {household.number}")
    for section in sections:
        if section.key in PAGE_BREAK_BEFORE:
            document.add_page_break()
        _section(document, section)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
