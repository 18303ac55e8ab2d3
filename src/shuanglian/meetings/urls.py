from django.urls import path

from shuanglian.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_update, name="update"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/record/", views.meeting_print, name="record"),
    path("<int:pk>/record.docx", views.meeting_download, name="record_docx"),
    path("<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_update, name="report_update"),
    path("reports/<int:pk>/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
]
