from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from shuanglian.regions.selectors import region_roots


@login_required
def home(request):
    """Start where the user's work is: their region, or the list of provinces."""
    roots = region_roots(user=request.user)
    if len(roots) == 1:
        return redirect("regions:detail", code=roots[0].code)
    return render(request, "core/home.html", {"roots": roots})
