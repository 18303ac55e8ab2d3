from django.urls import path

from shuanglian.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("regions/<str:code>/", views.region, name="region"),
    path("units/<int:pk>/", views.unit, name="unit"),
]
