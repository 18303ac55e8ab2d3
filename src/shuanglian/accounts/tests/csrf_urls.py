"""A session-authenticated write endpoint for the CSRF tests (pytest.mark.urls).

The real API has no such write yet; this one sits behind exactly the API's authentication.
"""

from django.http import HttpRequest
from django.urls import path

from shuanglian.accounts.api import API_AUTH
from shuanglian.core.api_errors import ErrorShapedAPI

api = ErrorShapedAPI(urls_namespace="csrf_probe", auth=API_AUTH)


@api.post("/write")
def write(request: HttpRequest):
    return {"username": request.user.username}


urlpatterns = [path("probe/", api.urls)]
