from django.urls import path

from shuanglian.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("digest/", views.digest, name="digest"),
    path("refresh/", views.refresh, name="refresh"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
