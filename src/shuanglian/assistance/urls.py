from django.urls import path

from shuanglian.assistance import views

app_name = "assistance"
urlpatterns = [
    path("households/<int:pk>/visits/", views.household_visits, name="household_visits"),
    path("households/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_update, name="visit_update"),
    path("visits/<int:pk>/void/", views.visit_void, name="visit_void"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:pk>/close/", views.follow_up_update, name="follow_up_update"),
    path("households/<int:pk>/plans/", views.household_plans, name="household_plans"),
    path("households/<int:pk>/plans/save/", views.plan_save, name="plan_save"),
    path("plans/<int:pk>/measures/new/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/edit/", views.measure_update, name="measure_update"),
    path("plans/overdue/", views.overdue, name="overdue"),
    path("villages/<str:code>/plans/", views.village_plans, name="village_plans"),
    path("villages/<str:code>/plans/save/", views.village_plan_save, name="village_plan_save"),
    path("deeds/", views.deed_list, name="deed_list"),
    path("units/<int:pk>/deeds/new/", views.deed_create, name="deed_create"),
    path("deeds/<int:pk>/", views.deed_detail, name="deed_detail"),
    path("deeds/<int:pk>/edit/", views.deed_update, name="deed_update"),
    path("deeds/<int:pk>/void/", views.deed_void, name="deed_void"),
    path("deeds/photos/<int:pk>/", views.deed_photo, name="deed_photo"),
    path("units/<int:pk>/log/", views.unit_log, name="unit_log"),
    path("cadres/<int:pk>/log/", views.cadre_log, name="cadre_log"),
]
