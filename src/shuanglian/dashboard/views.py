"""Dashboard pages: a region at any level (drill-down to its children), a unit."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from shuanglian.dashboard import charts, maps, selectors
from shuanglian.regions.selectors import region_roots


@login_required
def index(request):
    target = selectors.default_dashboard(request.user)
    if target is None:
        roots = region_roots(user=request.user)
        if len(roots) == 1:
            return redirect("dashboard:region", code=roots[0].code)
        return render(request, "dashboard/index.html", {"roots": roots})
    kind, key = target
    if kind == "region":
        return redirect("dashboard:region", code=key)
    if kind == "unit":
        return redirect("dashboard:unit", pk=key)
    return redirect("home")


@login_required
def region(request, code):
    board = selectors.dashboard_region(user=request.user, code=code)
    children = [
        {
            "code": child.code,
            "name": child.short_name,
            "url": reverse("dashboard:region", args=[child.code]),
            "households": figures.households,
            "poor": figures.poor,
            "poor_covered": figures.poor_covered,
            "people": figures.people,
            "villages": figures.villages,
            "paired_villages": figures.paired_villages,
        }
        for child, figures in board.children
    ]
    context = {
        "board": board,
        "region": board.region,
        "f": board.figures,
        "children": children,
        "chart_data": charts.region_charts(board.figures, children),
        "map_data": maps.outlines(board.region, board.children),
        "list_region": board.region.code,
        "households_link": reverse("households:list") + "?region=" + board.region.code,
    }
    return render(request, "dashboard/region.html", context)


@login_required
def unit(request, pk):
    unit, figures = selectors.dashboard_unit(user=request.user, pk=pk)
    context = {
        "unit": unit,
        "f": figures,
        "paired_categories": [row for row in figures.by_category("paired_households") if row[2]],
        "chart_data": charts.holder_charts(figures),
    }
    return render(request, "dashboard/unit.html", context)
