from django.http import HttpResponse
from django.urls import path

app_name = "households"
# Placeholder until the pages are built; replace entirely.
urlpatterns = [path("", lambda request: HttpResponse("todo"), name="list")]
