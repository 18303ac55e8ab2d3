from django.urls import path

from shuanglian.briefs import views

app_name = "briefs"
urlpatterns = [
    path("", views.brief_list, name="list"),
    path("new/", views.brief_create, name="create"),
    path("tables/", views.tables, name="tables"),
    path("tables/<str:code>/<slug:slug>.xlsx", views.table_download, name="table"),
    path("<int:pk>/", views.brief_detail, name="detail"),
    path("<int:pk>/edit/", views.brief_update, name="update"),
    path("<int:pk>/finalise/", views.brief_finalise, name="finalise"),
    path("<int:pk>/print/", views.brief_print, name="print"),
    path("<int:pk>/brief.docx", views.brief_download, name="docx"),
]
