"""The JSON API under /api/v1/: each app's router, one error shape for every error."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Shuanglian API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
