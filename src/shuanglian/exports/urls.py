from django.urls import path

from shuanglian.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.my_exports, name="mine"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
    path("<slug:list_key>/", views.export_page, name="start"),
]
