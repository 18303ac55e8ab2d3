from django.urls import path

from shuanglian.pairings import views

app_name = "pairings"
urlpatterns = [
    path("villages/new/<int:unit_pk>/", views.village_create, name="village_create"),
    path("villages/<int:pk>/end/", views.village_end, name="village_end"),
    path("households/<int:household_pk>/assign/", views.household_assign, name="household_assign"),
    path("households/<int:pk>/end/", views.household_end, name="household_end"),
]
