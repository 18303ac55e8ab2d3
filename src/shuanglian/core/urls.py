from django.urls import path

from shuanglian.core import audit_views, views

app_name = "core"
urlpatterns = [
    path("audit/", audit_views.audit_search_page, name="audit"),
    path("audit/export.<slug:fmt>", audit_views.audit_export, name="audit_export"),
    path("reveal/<slug:kind>/<int:pk>/<slug:field>/", views.reveal, name="reveal"),
]
