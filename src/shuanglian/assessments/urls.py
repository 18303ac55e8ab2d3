from django.urls import path

from shuanglian.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("new/", views.scheme_create, name="create"),
    path("<int:pk>/", views.scheme_detail, name="detail"),
    path("<int:pk>/edit/", views.scheme_update, name="update"),
    path("<int:pk>/indicators/new/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/edit/", views.indicator_update, name="indicator_update"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("<int:pk>/compute/", views.scheme_compute, name="compute"),
    path("<int:pk>/freeze/", views.scheme_freeze, name="freeze"),
    path("<int:pk>/publish/", views.scheme_publish, name="publish"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/ranking/print/", views.ranking_print, name="ranking_print"),
    path("<int:pk>/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("results/<int:pk>/adjust/", views.adjustment_add, name="adjust"),
    path("scores/<int:pk>/", views.score_evidence, name="score"),
    path("adjustments/<int:pk>/document/", views.adjustment_document, name="document"),
]
