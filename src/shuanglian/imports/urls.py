from django.urls import path

from shuanglian.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_page, name="index"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/errors.xlsx", views.job_errors, name="errors"),
]
