from django.urls import path

from shuanglian.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("procedures/<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path("procedures/<int:pk>/next/", views.step_record, name="step_record"),
    path("procedures/<int:pk>/withdraw/", views.procedure_withdraw, name="procedure_withdraw"),
    path("households/<int:pk>/start/<str:kind>/", views.procedure_start, name="procedure_start"),
    path("households/<int:pk>/checklist/", views.assurance_form, name="assurance_form"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>.docx", views.notice_download, name="notice_docx"),
    path("lines/", views.line_list, name="line_list"),
    path("lines/new/", views.line_create, name="line_create"),
    path("lines/<int:pk>/edit/", views.line_update, name="line_update"),
]
