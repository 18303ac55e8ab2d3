from django.urls import path

from shuanglian.booklet import views

app_name = "booklet"
urlpatterns = [
    path("households/<int:pk>/", views.household_booklet, name="household"),
    path("households/<int:pk>/reveal/", views.household_reveal, name="reveal"),
    path("households/<int:pk>/booklet.docx", views.household_docx, name="docx"),
]
