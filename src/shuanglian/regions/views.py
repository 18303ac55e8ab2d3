"""Region pages: where the user's work starts, the drill-down with counts, short-name search."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shuanglian.core.access import can_write
from shuanglian.households.models import Category
from shuanglian.pairings.selectors import village_pairings_of_village
from shuanglian.regions import selectors

SEARCH_LIMIT = 50


@login_required
def index(request):
    roots = selectors.region_roots(user=request.user)
    return render(request, "regions/index.html", {"roots": roots})


@login_required
def detail(request, code):
    region = selectors.region_get(user=request.user, code=code)
    breadcrumbs = selectors.region_ancestors(user=request.user, region=region)
    context = {
        "region": region,
        "breadcrumbs": breadcrumbs,
        "children": selectors.region_children(user=request.user, region=region),
        "totals": selectors.region_totals(user=request.user, region=region),
        "categories": Category.choices,
        "can_write": can_write(request.user, region.code),
    }
    if region.is_village:
        context["pairings"] = village_pairings_of_village(user=request.user, village=region)
    return render(request, "regions/detail.html", context)


@login_required
def search(request):
    q = request.GET.get("q", "").strip()
    results = selectors.region_search(user=request.user, q=q, limit=SEARCH_LIMIT) if q else []
    context = {"q": q, "results": results, "limit": SEARCH_LIMIT}
    return render(request, "regions/search.html", context)
