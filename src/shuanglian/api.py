"""The JSON API under /api/v1/: each app's router, one error shape for every error."""

from django.http import Http404, HttpRequest
from ninja import Router

from shuanglian.accounts.api import API_AUTH
from shuanglian.accounts.api import router as auth_router
from shuanglian.alerts.api import router as alerts_router
from shuanglian.assessments.api import router as assessments_router
from shuanglian.assistance.api import router as assistance_router
from shuanglian.briefs.api import router as briefs_router
from shuanglian.core.api import router as reveal_router
from shuanglian.core.api_errors import ErrorShapedAPI
from shuanglian.dashboard.api import router as dashboard_router
from shuanglian.households.api import router as households_router
from shuanglian.imports.api import router as imports_router
from shuanglian.lifecycle.api import router as lifecycle_router
from shuanglian.meetings.api import router as meetings_router
from shuanglian.monitoring.api import router as monitoring_router
from shuanglian.projects.api import router as projects_router
from shuanglian.ratings.api import router as ratings_router
from shuanglian.regions.api import router as regions_router
from shuanglian.units.api import router as units_router

api = ErrorShapedAPI(
    title="Shuanglian API",
    version="1",
    description="Read access to regions, member units and households (双联), scoped to the "
    'logged-in user. Personal data is masked. Errors: `{"message": ..., "extra": {...}}`. '
    "Authenticate with `Authorization: Bearer <token>` (POST /auth/token) or a browser session "
    "(with the CSRF token on writes).",
    urls_namespace="api",
    auth=API_AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/auth", auth_router)
api.add_router("/regions", regions_router)
api.add_router("/units", units_router)
api.add_router("/households", households_router)
api.add_router("", reveal_router)
api.add_router("/assistance", assistance_router)
api.add_router("/projects", projects_router)
api.add_router("/meetings", meetings_router)
api.add_router("/imports", imports_router)
api.add_router("/assessments", assessments_router)
api.add_router("/alerts", alerts_router)
api.add_router("/briefs", briefs_router)
api.add_router("/lifecycle", lifecycle_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/ratings", ratings_router)
api.add_router("/dashboard", dashboard_router)

# Added last so that it only catches what no other route matched: a mistyped API address gets
# the error shape instead of the HTML 404 page.
fallback = Router(auth=None)


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", include_in_schema=False
)
def unknown(request: HttpRequest, path: str):
    raise Http404(path)


api.add_router("", fallback)
