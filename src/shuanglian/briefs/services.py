"""Writes of briefs: generate, edit the sections, finalise. Every write audited."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.briefs import figures as fig
from shuanglian.briefs import writing
from shuanglian.briefs.models import SECTION_NAMES, Brief, BriefStatus
from shuanglian.core.access import require_write, user_scope
from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.regions.selectors import region_for_input

BRIEF_START_REQUIRED = _("The period needs a first day.")
BRIEF_END_REQUIRED = _("The period needs a last day.")
BRIEF_PERIOD_REVERSED = _("The period ends ({end}) before it starts ({start}).")
BRIEF_END_FUTURE = _("The period cannot end after today ({today}).")
BRIEF_TITLE_TOO_LONG = _("The title is too long (200 characters at most).")
BRIEF_FINAL = _("This brief is final and can no longer change.")

CREATE_FIELDS = ("region", "period_start", "period_end", "number", "title", "status")


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if start is None:
        raise InvalidInput(BRIEF_START_REQUIRED, field="period_start")
    if end is None:
        raise InvalidInput(BRIEF_END_REQUIRED, field="period_end")
    if end < start:
        raise InvalidInput(BRIEF_PERIOD_REVERSED.format(start=start, end=end), field="period_end")
    today = timezone.localdate()
    if end > today:
        raise InvalidInput(BRIEF_END_FUTURE.format(today=today), field="period_end")
    return start, end


def _previous(region, end: dt.date) -> Brief | None:
    """The last brief of the same region before this one: final ones first."""
    earlier = Brief.objects.filter(region=region, period_end__lte=end).order_by(
        "-period_end", "-id"
    )
    return earlier.filter(status=BriefStatus.FINAL).first() or earlier.first()


@transaction.atomic
def brief_create(
    *,
    actor,
    region_code: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    title: str = "",
) -> Brief:
    """Generate a brief: figures from the records of the region and period, the sections
    written from them, the next issue number of the region."""
    region = region_for_input(user=actor, code=region_code, field="region")
    require_write(actor, region.code)
    start, end = _period(period_start, period_end)
    title = (title or "").strip()
    if len(title) > 200:
        raise InvalidInput(BRIEF_TITLE_TOO_LONG, field="title")
    scope = user_scope(actor)
    # Lock the region's briefs so two briefs generated at once do not take the same number.
    numbers = Brief.objects.select_for_update().filter(region=region)
    number = (numbers.aggregate(n=Max("number"))["n"] or 0) + 1
    previous = _previous(region, end)
    headline = fig.headline(scope=scope, region=region, start=start, end=end)
    rows = fig.table_rows(scope=scope, region=region, start=start, end=end)
    difference = fig.difference(headline, previous.figures.get("headline", {})) if previous else {}
    figures = {
        "headline": headline,
        "previous": previous.figures.get("headline", {}) if previous else None,
        "difference": difference,
        "rows": [{"code": r.code, "name": r.name, "figures": f} for r, f in rows],
        "totals": fig.totals(rows),
    }
    brief = Brief.objects.create(
        region=region,
        period_start=start,
        period_end=end,
        number=number,
        title=title or f"{region.name}双联行动工作简报（第{number}期）",
        figures=figures,
        previous=previous,
        overview=writing.overview(region=region, start=start, end=end, figures=headline),
        progress=writing.progress(previous=previous, difference=difference),
        unit_work=writing.unit_work(region=region, start=start, end=end),
        meetings=writing.meetings(scope=scope, region=region, start=start, end=end),
        projects=writing.projects(scope=scope, region=region, start=start, end=end),
        problems=writing.problems(scope=scope, region=region, end=end),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=brief,
        changes=diff({}, snapshot(brief, CREATE_FIELDS)),
        region_code=brief.region_id,
    )
    return brief


def _require_draft(actor, brief: Brief) -> Brief:
    require_write(actor, brief.region_id)
    brief = Brief.objects.select_for_update().get(pk=brief.pk)
    if brief.is_final:
        raise Conflict(BRIEF_FINAL, field="status")
    return brief


@transaction.atomic
def brief_update(*, actor, brief: Brief, title: str | None = None, **sections: str) -> Brief:
    """Save the edited sections (and title) of a draft; the figures stay as generated."""
    brief = _require_draft(actor, brief)
    unknown = set(sections) - set(SECTION_NAMES)
    if unknown:
        raise TypeError(f"not sections of a brief: {sorted(unknown)}")
    fields = ["title", *SECTION_NAMES]
    before = snapshot(brief, fields)
    if title is not None:
        title = title.strip()
        if not title:
            title = brief.title
        if len(title) > 200:
            raise InvalidInput(BRIEF_TITLE_TOO_LONG, field="title")
        brief.title = title
    for name, text in sections.items():
        setattr(brief, name, (text or "").strip())
    brief.save()
    changes = diff(before, snapshot(brief, fields))
    if changes:
        audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=brief,
            changes=changes,
            region_code=brief.region_id,
        )
    return brief


@transaction.atomic
def brief_finalise(*, actor, brief: Brief) -> Brief:
    """Freeze the brief: nothing of it changes afterwards."""
    brief = _require_draft(actor, brief)
    brief.status = BriefStatus.FINAL
    brief.finalised_at = timezone.now()
    brief.finalised_by = actor if getattr(actor, "pk", None) else None
    brief.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=brief,
        changes={"status": [BriefStatus.DRAFT, BriefStatus.FINAL]},
        region_code=brief.region_id,
    )
    return brief


TABLE_UNKNOWN = _("{value} is not a statistical table.")


def table_export(*, actor, region, slug: str, start: dt.date, end: dt.date) -> bytes:
    """A statistical table (.xlsx) of the region's children; the caller fetched the region
    through the actor's scope. Audited as an export with its row count."""
    from shuanglian.briefs.documents import TABLES, table_xlsx

    table = TABLES.get(slug)
    if table is None:
        raise InvalidInput(TABLE_UNKNOWN.format(value=slug), field="table")
    start, end = _period(start, end)
    rows = fig.table_rows(scope=user_scope(actor), region=region, start=start, end=end)
    content = table_xlsx(table, region=region, start=start, end=end, rows=rows)
    audit(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="briefs.Table",
        object_id=slug,
        object_repr=f"{region.name}{table.title}",
        changes={"start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)},
        region_code=region.code,
    )
    return content


def brief_export(*, actor, brief: Brief) -> bytes:
    """The brief as .docx; the caller fetched it through the actor's scope. Audited."""
    from shuanglian.briefs.documents import brief_docx

    content = brief_docx(brief)
    audit(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=brief,
        changes={"format": "docx"},
        region_code=brief.region_id,
    )
    return content
