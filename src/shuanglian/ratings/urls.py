from django.urls import path

from shuanglian.ratings import views

app_name = "ratings"
urlpatterns = [
    path("", views.index, name="index"),
    path("villages/<str:code>/<int:year>/", views.village_sheet, name="village_sheet"),
    path(
        "villages/<str:code>/<int:year>/save/", views.village_sheet_save, name="village_sheet_save"
    ),
    path("villages/<str:code>/<int:year>/summary/", views.village_summary, name="village_summary"),
    path("villages/<str:code>/<int:year>/honour/", views.honour_list, name="honour_list"),
    path("households/<int:pk>/<int:year>/", views.household_rating, name="household_rating"),
    path("stars/", views.stars, name="stars"),
    path("stars/<int:pk>/edit/", views.star_update, name="star_update"),
    path("stars/<int:pk>/remove/", views.star_remove, name="star_remove"),
]
