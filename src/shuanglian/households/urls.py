from django.urls import path

from shuanglian.households import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_update, name="update"),
    path("<int:pk>/members/new/", views.member_create, name="member_create"),
    path("<int:pk>/income/", views.income_save, name="income_save"),
    path("members/<int:pk>/edit/", views.member_update, name="member_update"),
    path("members/<int:pk>/leave/", views.member_end, name="member_end"),
]
