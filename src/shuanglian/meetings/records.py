"""The meeting record (会议纪要材料): attendance, speakers, unit reports and decisions, as a
printable page and as a Word document (.docx, python-docx).

The caller has fetched the meeting through the scoped selector: what a user may see of the
meeting, they may print.
"""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shuanglian.meetings import selectors
from shuanglian.meetings.models import Meeting


def meeting_record(meeting: Meeting) -> dict:
    reports = {report.unit_id: report for report in selectors.meeting_reports(meeting)}
    units = [unit for unit, _report in selectors.meeting_attendance(meeting)]
    return {
        "meeting": meeting,
        "speakers": selectors.meeting_speakers(meeting),
        "units": units,
        "reports": [reports[unit.pk] for unit in units if unit.pk in reports],
        "stops": selectors.meeting_stops(meeting),
        "decisions": selectors.meeting_decisions(meeting),
    }


def _paragraphs(document, text: str) -> None:
    for line in (text or "").splitlines() or [""]:
        document.add_paragraph(line)


def meeting_docx(meeting: Meeting) -> bytes:
    """The record as a .docx, in the page's language (headings) with the text as written."""
    from docx import Document  # imported here: only the download needs it

    record = meeting_record(meeting)
    document = Document()
    document.add_heading(meeting.title, level=0)
    facts = [
        (_("Meeting type"), meeting.get_type_display()),
        (_("Date"), meeting.held_on.isoformat()),
        (_("Place"), meeting.place.name),
        (_("Host unit"), meeting.host_unit.name if meeting.host_unit else "—"),
        (_("Presiding"), meeting.presiding or "—"),
    ]
    if meeting.is_cancelled:
        facts.append((pgettext("meeting", "cancelled"), meeting.cancel_reason))
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(str(value))
    if meeting.agenda:
        document.add_heading(_("Agenda"), level=1)
        _paragraphs(document, meeting.agenda)

    document.add_heading(_("Attending units"), level=1)
    document.add_paragraph("、".join(unit.name for unit in record["units"]) or "—")

    document.add_heading(_("Speakers"), level=1)
    for speaker in record["speakers"]:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(speaker.name).bold = True
        if speaker.post:
            paragraph.add_run(f"（{speaker.post}）")
        if speaker.summary:
            paragraph.add_run(f"：{speaker.summary}")

    if record["stops"]:
        document.add_heading(_("Site-visit stops"), level=1)
        for stop in record["stops"]:
            line = f"{stop.project.village.short_name}{stop.project.name}"
            document.add_paragraph(f"{line}　{stop.note}".strip(), style="List Number")

    document.add_heading(_("Unit reports"), level=1)
    for report in record["reports"]:
        document.add_heading(report.unit.name, level=2)
        for label, text in (
            (_("Work done"), report.work_done),
            (_("Problems"), report.problems),
            (_("Next plans"), report.next_plans),
        ):
            if text:
                document.add_paragraph().add_run(label).bold = True
                _paragraphs(document, text)

    document.add_heading(_("Decisions"), level=1)
    if record["decisions"]:
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, label in zip(
            table.rows[0].cells,
            (_("Decision"), _("Responsible unit"), _("Due date"), _("Status")),
            strict=True,
        ):
            cell.text = str(label)
        for decision in record["decisions"]:
            cells = table.add_row().cells
            cells[0].text = decision.title
            cells[1].text = decision.owner_unit.name if decision.owner_unit else ""
            cells[2].text = decision.due_date.isoformat()
            cells[3].text = str(decision.get_status_display())
    else:
        document.add_paragraph("—")

    if meeting.minutes:
        document.add_heading(_("Minutes"), level=1)
        _paragraphs(document, meeting.minutes)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
