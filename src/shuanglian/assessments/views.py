"""Pages of unit assessment (效能风暴): schemes, indicators, computing, rankings, a unit's scores
with their evidence, adjustments, freezing and publishing."""

import io

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from shuanglian.assessments import selectors, services
from shuanglian.assessments.evidence import evidence_row
from shuanglian.assessments.forms import AdjustmentForm, ConfirmForm, IndicatorForm, SchemeForm
from shuanglian.assessments.models import Score
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.errors import Forbidden, InvalidInput, NotFound
from shuanglian.core.forms import submit

SCHEME_CREATED = _("Scheme {name} was created with the standard indicators.")
SCHEME_SAVED = _("Scheme {name} was saved.")
INDICATOR_SAVED = _("Indicator {name} was saved.")
INDICATOR_REMOVED = _("Indicator {name} was removed; compute the scores again.")
SCHEME_COMPUTED = _("The scores of {count} units were computed.")
SCHEME_FROZEN = _("The scheme is frozen: its scores are final.")
SCHEME_PUBLISHED = _("The scheme is published: the assessed units' administrators see it.")
ADJUSTMENT_ADDED = _("The adjustment was added.")
COMPUTE_INTRO = _(
    "Computes every unit's value on every indicator from the recorded work and replaces the "
    "previous scores; adjustments are kept."
)
FREEZE_INTRO = _(
    "After freezing, the scores are final: no more computing, adjusting or editing indicators."
)
PUBLISH_INTRO = _(
    "Publishing shows the ranking and each unit's own scores to the administrators of the "
    "assessed units."
)


def _require_manage(user, scheme) -> None:
    if not selectors.may_manage(user, scheme):
        raise Forbidden(WRITE_FORBIDDEN)


def _form_page(request, form, *, title, cancel_url, status=200, intro="", submit_label=None):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "intro": intro}
    if submit_label:
        context["submit_label"] = submit_label
    return render(request, "core/form.html", context, status=status)


@login_required
def scheme_list(request):
    try:
        page = selectors.scheme_list(user=request.user, cursor=request.GET.get("cursor") or None)
    except InvalidInput as err:
        context = {"schemes": [], "error": err, "can_create": False}
        return render(request, "assessments/list.html", context, status=400)
    context = {
        "schemes": page.items,
        "next_url": "?" + urlencode({"cursor": page.next_cursor}) if page.next_cursor else None,
        "paged": bool(request.GET.get("cursor")),
        "can_create": selectors.may_create_schemes(request.user),
    }
    return render(request, "assessments/list.html", context)


@login_required
def scheme_create(request):
    if not selectors.may_create_schemes(request.user):
        raise Forbidden(WRITE_FORBIDDEN)
    initial = {"region": getattr(request.user, "region_id", "") or ""}
    form = SchemeForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.scheme_create(actor=request.user, **form.service_kwargs()),
    )
    if outcome.saved:
        messages.success(request, SCHEME_CREATED.format(name=outcome.value.name))
        return redirect("assessments:detail", pk=outcome.value.pk)
    return _form_page(
        request,
        form,
        title=_("New assessment scheme"),
        cancel_url=reverse("assessments:list"),
        status=outcome.status,
    )


@login_required
def scheme_detail(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    own_unit = selectors.own_unit_only(request.user)
    own_result = scheme.results.filter(unit_id=own_unit).first() if own_unit else None
    context = {
        "scheme": scheme,
        "indicators": selectors.scheme_indicators(scheme=scheme),
        "can_manage": selectors.may_manage(request.user, scheme),
        "own_result": own_result,
        "officer": own_unit is None,
        "adjustments": selectors.scheme_adjustments(user=request.user, scheme=scheme)
        if own_unit is None
        else [],
    }
    return render(request, "assessments/detail.html", context)


@login_required
def scheme_update(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    _require_manage(request.user, scheme)
    initial = {
        "name": scheme.name,
        "region": scheme.region_id,
        "period_start": scheme.period_start,
        "period_end": scheme.period_end,
    }
    form = SchemeForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.scheme_update(
            actor=request.user, scheme=scheme, **form.service_kwargs()
        ),
    )
    if outcome.saved:
        messages.success(request, SCHEME_SAVED.format(name=outcome.value.name))
        return redirect("assessments:detail", pk=scheme.pk)
    return _form_page(
        request,
        form,
        title=_("Edit scheme {name}").format(name=scheme.name),
        cancel_url=reverse("assessments:detail", args=[scheme.pk]),
        status=outcome.status,
    )


@login_required
def indicator_add(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    _require_manage(request.user, scheme)
    form = IndicatorForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.indicator_add(actor=request.user, scheme=scheme, **data),
    )
    if outcome.saved:
        messages.success(request, INDICATOR_SAVED.format(name=outcome.value.name))
        return redirect("assessments:detail", pk=scheme.pk)
    return _form_page(
        request,
        form,
        title=_("New indicator of {name}").format(name=scheme.name),
        cancel_url=reverse("assessments:detail", args=[scheme.pk]),
        status=outcome.status,
    )


@login_required
def indicator_update(request, pk):
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    _require_manage(request.user, indicator.scheme)
    initial = {
        "name": indicator.name,
        "weight": indicator.weight,
        "target": indicator.target,
        "floor": indicator.floor,
    }
    form = IndicatorForm(request.POST or None, initial=initial, editing=True)
    outcome = submit(
        request,
        form,
        lambda data: services.indicator_update(actor=request.user, indicator=indicator, **data),
    )
    if outcome.saved:
        messages.success(request, INDICATOR_SAVED.format(name=outcome.value.name))
        return redirect("assessments:detail", pk=indicator.scheme_id)
    return _form_page(
        request,
        form,
        title=_("Edit indicator {name}").format(name=indicator.name),
        intro=indicator.get_rule_display(),
        cancel_url=reverse("assessments:detail", args=[indicator.scheme_id]),
        status=outcome.status,
    )


@login_required
def indicator_remove(request, pk):
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    _require_manage(request.user, indicator.scheme)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    outcome = submit(
        request,
        form,
        lambda data: services.indicator_remove(actor=request.user, indicator=indicator),
    )
    if outcome.saved:
        messages.success(request, INDICATOR_REMOVED.format(name=indicator.name))
        return redirect("assessments:detail", pk=indicator.scheme_id)
    return _form_page(
        request,
        form,
        title=_("Remove indicator {name}").format(name=indicator.name),
        cancel_url=reverse("assessments:detail", args=[indicator.scheme_id]),
        status=outcome.status,
        submit_label=_("Remove"),
    )


def _scheme_action(request, pk, *, service, title, intro, done, submit_label):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    _require_manage(request.user, scheme)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    outcome = submit(request, form, lambda data: service(actor=request.user, scheme=scheme))
    if outcome.saved:
        messages.success(request, done(outcome.value))
        return redirect("assessments:detail", pk=scheme.pk)
    return _form_page(
        request,
        form,
        title=title.format(name=scheme.name),
        intro=intro,
        cancel_url=reverse("assessments:detail", args=[scheme.pk]),
        status=outcome.status,
        submit_label=submit_label,
    )


@login_required
def scheme_compute(request, pk):
    return _scheme_action(
        request,
        pk,
        service=services.scheme_compute,
        title=_("Compute the scores of {name}"),
        intro=COMPUTE_INTRO,
        done=lambda results: SCHEME_COMPUTED.format(count=len(results)),
        submit_label=_("Compute"),
    )


@login_required
def scheme_freeze(request, pk):
    return _scheme_action(
        request,
        pk,
        service=services.scheme_freeze,
        title=_("Freeze {name}"),
        intro=FREEZE_INTRO,
        done=lambda scheme: SCHEME_FROZEN,
        submit_label=_("Freeze"),
    )


@login_required
def scheme_publish(request, pk):
    return _scheme_action(
        request,
        pk,
        service=services.scheme_publish,
        title=_("Publish {name}"),
        intro=PUBLISH_INTRO,
        done=lambda scheme: SCHEME_PUBLISHED,
        submit_label=_("Publish"),
    )


# Rankings -------------------------------------------------------------------------------------


def _ranking_context(request, scheme):
    indicator = selectors.ranking_indicator(scheme=scheme, value=request.GET.get("indicator"))
    indicators = selectors.scheme_indicators(scheme=scheme)
    rows = selectors.scheme_ranking(scheme=scheme, indicator=indicator)
    by_result: dict = {}
    if indicator is None:
        for score in Score.objects.filter(scheme=scheme).only("result_id", "indicator_id", "score"):
            by_result.setdefault(score.result_id, {})[score.indicator_id] = score.score
    own_unit = selectors.own_unit_only(request.user)
    table = []
    for rank, row in rows:
        result = row if indicator is None else row.result
        scores = by_result.get(result.pk, {})
        table.append(
            {
                "rank": rank,
                "result": result,
                "score": None if indicator is None else row,
                "scores": [scores.get(ind.pk) for ind in indicators],
                "linked": own_unit is None or own_unit == result.unit_id,
            }
        )
    return {
        "scheme": scheme,
        "indicator": indicator,
        "indicators": indicators,
        "rows": table,
    }


@login_required
def ranking(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    try:
        context = _ranking_context(request, scheme)
    except InvalidInput as err:
        context = {"scheme": scheme, "error": err, "rows": [], "indicators": []}
        return render(request, "assessments/ranking.html", context, status=400)
    return render(request, "assessments/ranking.html", context)


@login_required
def ranking_print(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    context = _ranking_context(request, scheme)
    return render(request, "assessments/ranking_print.html", context)


@login_required
def ranking_xlsx(request, pk):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    context = _ranking_context(request, scheme)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_gettext("Ranking")[:31])
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "0.00"})
    indicators = context["indicators"]
    headers = [_gettext("Rank"), _gettext("Unit"), _gettext("Paired villages")]
    headers += [_gettext("Paired households")]
    headers += [ind.name for ind in indicators]
    headers += [_gettext("Computed score"), _gettext("Adjustment"), _gettext("Total")]
    sheet.merge_range(0, 0, 0, len(headers) - 1, f"{scheme.name}（{scheme.region.name}）", title)
    period = f"{scheme.period_start:%Y-%m-%d} — {scheme.period_end:%Y-%m-%d}"
    sheet.write(1, 0, f"{_gettext('Period')}: {period}  {scheme.get_status_display()}")
    for col, text in enumerate(headers):
        sheet.write(3, col, text, head)
    for line, row in enumerate(context["rows"], start=4):
        result = row["result"]
        values = [row["rank"], result.unit.name, result.villages, result.households]
        sheet.write_row(line, 0, values, cell)
        for offset, value in enumerate(row["scores"]):
            if value is not None:
                sheet.write_number(line, 4 + offset, float(value), number)
            else:
                sheet.write_blank(line, 4 + offset, None, cell)
        base = 4 + len(indicators)
        for offset, value in enumerate((result.computed, result.adjustment, result.total)):
            sheet.write_number(line, base + offset, float(value), number)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, len(headers) - 1, 12)
    book.close()
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ranking-{scheme.pk}.xlsx"'
    return response


# A unit's result, its scores' evidence, adjustments -------------------------------------------


@login_required
def result_detail(request, pk):
    result = selectors.result_get(user=request.user, pk=pk)
    context = {
        "result": result,
        "scheme": result.scheme,
        "scores": selectors.result_scores(result=result),
        "adjustments": selectors.result_adjustments(result=result),
        "can_manage": selectors.may_manage(request.user, result.scheme),
    }
    return render(request, "assessments/result.html", context)


@login_required
def score_evidence(request, pk):
    score = selectors.score_get(user=request.user, pk=pk)
    try:
        page = selectors.score_evidence(score=score, cursor=request.GET.get("cursor") or None)
    except InvalidInput as err:
        context = {"score": score, "error": err, "rows": []}
        return render(request, "assessments/evidence.html", context, status=400)
    rule = score.indicator.rule
    context = {
        "score": score,
        "scheme": score.scheme,
        "rows": [evidence_row(rule, record, score.scheme) for record in page.items],
        "next_url": "?" + urlencode({"cursor": page.next_cursor}) if page.next_cursor else None,
        "paged": bool(request.GET.get("cursor")),
        "current_count": None if score.scheme.is_draft else selectors.evidence_count(score=score),
    }
    return render(request, "assessments/evidence.html", context)


@login_required
def adjustment_add(request, pk):
    result = selectors.result_get(user=request.user, pk=pk)
    _require_manage(request.user, result.scheme)
    form = AdjustmentForm(request.POST or None, request.FILES or None)
    outcome = submit(
        request,
        form,
        lambda data: services.adjustment_add(actor=request.user, result=result, **data),
    )
    if outcome.saved:
        messages.success(request, ADJUSTMENT_ADDED)
        return redirect("assessments:result", pk=result.pk)
    context = {
        "form": form,
        "title": _("Adjust the score of {unit}").format(unit=result.unit.name),
        "cancel_url": reverse("assessments:result", args=[result.pk]),
        "result": result,
    }
    return render(request, "assessments/adjust.html", context, status=outcome.status)


@login_required
def adjustment_document(request, pk):
    adjustment = selectors.adjustment_get(user=request.user, pk=pk)
    if not adjustment.document:
        raise NotFound(selectors.ADJUSTMENT_NOT_FOUND.format(id=pk), field="id")
    name = adjustment.document.name.rsplit("/", 1)[-1]
    response = FileResponse(adjustment.document.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    return response
