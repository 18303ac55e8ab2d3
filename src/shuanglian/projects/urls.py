from django.urls import path

from shuanglian.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_update, name="update"),
    path("<int:pk>/status/", views.project_advance, name="advance"),
    path("<int:pk>/funding/new/", views.funding_add, name="funding_add"),
    path("funding/<int:pk>/reverse/", views.funding_reverse, name="funding_reverse"),
    path("<int:pk>/photos/new/", views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
