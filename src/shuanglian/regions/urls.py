from django.urls import path

from shuanglian.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("<str:code>/", views.detail, name="detail"),
]
