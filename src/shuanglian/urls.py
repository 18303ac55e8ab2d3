from django.urls import include, path
from django.views.i18n import set_language

from shuanglian.api import api
from shuanglian.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("shuanglian.accounts.urls")),
    path("regions/", include("shuanglian.regions.urls")),
    path("units/", include("shuanglian.units.urls")),
    path("households/", include("shuanglian.households.urls")),
    path("imports/", include("shuanglian.imports.urls")),
    path("pairings/", include("shuanglian.pairings.urls")),
    path("assistance/", include("shuanglian.assistance.urls")),
    path("projects/", include("shuanglian.projects.urls")),
    path("meetings/", include("shuanglian.meetings.urls")),
    path("exports/", include("shuanglian.exports.urls")),
    path("ratings/", include("shuanglian.ratings.urls")),
    path("booklet/", include("shuanglian.booklet.urls")),
    path("monitoring/", include("shuanglian.monitoring.urls")),
    path("lifecycle/", include("shuanglian.lifecycle.urls")),
    path("alerts/", include("shuanglian.alerts.urls")),
    path("briefs/", include("shuanglian.briefs.urls")),
    path("dashboard/", include("shuanglian.dashboard.urls")),
    path("assessments/", include("shuanglian.assessments.urls")),
    path("", include("shuanglian.core.urls")),
    path("api/v1/", api.urls),
]
