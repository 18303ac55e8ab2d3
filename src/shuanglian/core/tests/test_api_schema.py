"""The OpenAPI schema is valid and the API keeps to it (schemathesis)."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from shuanglian.api import api
from shuanglian.conftest import NUANQUAN
from shuanglian.households.tests.factories import household, member
from shuanglian.pairings.tests.factories import household_pairing, village_pairing
from shuanglian.units.tests.factories import cadre, unit

PATHS = {
    "/api/v1/regions/{code}",
    "/api/v1/units",
    "/api/v1/units/{unit_id}",
    "/api/v1/households",
    "/api/v1/households/{household_id}",
    "/api/v1/auth/token",
    "/api/v1/reveal",
}


def test_openapi_json_lists_the_paths(client, regions):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    # The core of the read API; the permission matrix checks that every operation is covered.
    assert set(schema["paths"]) >= PATHS
    # Every operation but asking for a token needs a login, and says so.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (path, method) != ("/api/v1/auth/token", "post"):
                assert operation["responses"]["401"], (method, path)


def test_docs_page_is_served(client, regions):
    assert client.get("/api/v1/docs").status_code == 200


def test_schemas_expose_no_sealed_fields(client, regions):
    text = client.get("/api/v1/openapi.json").content.decode()
    assert "cipher" not in text
    assert "_index" not in text


# Built from the API object, not fetched: schemathesis' fixture-based loader does not work with
# the pytest this project uses.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
)
schema.app = WSGIHandler()
# The session cookie is supplied by the test; generating broken cookies would only show that
# the cookie given on top of them logs in.
schema.config.generation.update(with_security_parameters=False)


@pytest.fixture
def keep_connection():
    """Calls go straight to the WSGI handler, whose request signals would close the database
    connection that holds the test's transaction (the test client disconnects them the same way).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_session(client, admin_user, keep_connection):
    """Some real data, and the session cookie of the logged-in admin."""
    h = household(actor=admin_user, village=NUANQUAN, head_name="李爱仙", phone="13812345678")
    member(actor=admin_user, household=h)
    u = unit(actor=admin_user)
    village_pairing(actor=admin_user, unit=u)
    household_pairing(actor=admin_user, household=h, cadre=cadre(actor=admin_user, unit=u))
    client.force_login(admin_user)
    return {"sessionid": client.cookies["sessionid"].value}


@schema.parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_keeps_to_its_schema(case, admin_session):
    response = case.call(cookies=admin_session)
    # A cursor is opaque: no schema can tell a well-formed one, so "valid-looking data refused"
    # is expected for it and checked in the households and units tests instead.
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])
    if response.status_code >= 400:
        assert set(response.json()) == {"message", "extra"}
