"""The permission matrix: every route and API operation × every role × own, sibling, parent scope
and nonexistent records. Out of scope must answer exactly like nonexistent; read-only gets 403.

The guard tests at the end fail when a URL pattern or an API operation has no entry here, so a
new route cannot ship without being checked.

The world: 县委宣传部 (unit G) leads 暖泉村 of 郭嘉镇, 县水务局 (unit L) leads 常营村 of 陇城镇,
and 县妇联 (the unit administrator's unit P) is a member unit of 暖泉村. Household G (暖泉村) is
paired with the cadre persona 马秀英 of P; household G2 (暖泉村) with cadre G; household L (常营村)
with cadre L. Roles: the administrator; the 秦安县 officer (the parent scope of both towns); the
郭嘉镇 officer (own scope: G); the 陇城镇 officer (sibling scope: L); a 秦安县 viewer; the
administrator of P; the cadre 马秀英; and an anonymous visitor.
"""

import importlib
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from shuanglian.api import api
from shuanglian.conftest import NUANQUAN
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.regions.tests.pages import normalised
from shuanglian.units.tests import factories as uf

LONGCHENG_VILLAGE = "620522103200"  # 常营村, 陇城镇
MISSING_ID = 999_999
MISSING_VILLAGE = "620522104999"

ADMIN, COUNTY, TOWN, OTHER, VIEWER, UNIT_ADMIN, CADRE, ANON = (
    "admin",
    "county",
    "town",
    "other_town",
    "viewer",
    "unit_admin",
    "cadre",
    "anonymous",
)
ROLES = (ADMIN, COUNTY, TOWN, OTHER, VIEWER, UNIT_ADMIN, CADRE)
FIXTURE = {
    ADMIN: "admin_user",
    COUNTY: "county_officer",
    TOWN: "town_officer",
    OTHER: "other_town_officer",
    VIEWER: "viewer",
    UNIT_ADMIN: "unit_admin",
    CADRE: "cadre_user",
}
EVERYONE = frozenset(ROLES)
G_SIDE = frozenset({ADMIN, COUNTY, TOWN, VIEWER, UNIT_ADMIN, CADRE})
L_SIDE = frozenset({ADMIN, COUNTY, OTHER, VIEWER})
OFFICERS = frozenset({ADMIN, COUNTY, TOWN, OTHER})
# Who manages accounts at all (administrators, officers, unit administrators for their cadres).
MANAGERS = OFFICERS | {UNIT_ADMIN}

# Who sees each record of the world.
SEES = {
    "household_g": G_SIDE,
    "household_l": L_SIDE,
    "member_g": G_SIDE,
    "member_l": L_SIDE,
    "village_g": G_SIDE,
    "village_l": L_SIDE,
    "unit_g": G_SIDE - {CADRE},
    "unit_l": L_SIDE,
    "unit_p": G_SIDE,
    "cadre_g": G_SIDE - {CADRE},
    "cadre_l": L_SIDE,
    "cadre_p": G_SIDE,
    "vpair_g": G_SIDE,
    "vpair_l": L_SIDE,
    "hpair_g": G_SIDE,
    "hpair_l": L_SIDE,
    # The cadre 马秀英's account: her unit 县妇联 is based in 秦安县.
    "acct_cadre": frozenset({ADMIN, COUNTY, UNIT_ADMIN}),
}
# Who may change it, among those who see it (the others get 403).
REGISTRY = {"g": {ADMIN, COUNTY, TOWN}, "l": {ADMIN, COUNTY, OTHER}}
WRITES = {
    ("registry", "household_g"): REGISTRY["g"],
    ("registry", "household_l"): REGISTRY["l"],
    ("registry", "member_g"): REGISTRY["g"],
    ("registry", "member_l"): REGISTRY["l"],
    # Units are based in the county: its officers and the unit's own administrator.
    ("unit", "unit_g"): {ADMIN, COUNTY},
    ("unit", "unit_l"): {ADMIN, COUNTY},
    ("unit", "unit_p"): {ADMIN, COUNTY, UNIT_ADMIN},
    ("unit", "cadre_g"): {ADMIN, COUNTY},
    ("unit", "cadre_l"): {ADMIN, COUNTY},
    ("unit", "cadre_p"): {ADMIN, COUNTY, UNIT_ADMIN},
    # Pairings: officers of the village, and the administrator of a unit paired with it.
    ("pairing", "household_g"): {ADMIN, COUNTY, TOWN, UNIT_ADMIN},
    ("pairing", "household_l"): REGISTRY["l"],
    ("pairing", "vpair_g"): REGISTRY["g"],
    ("pairing", "vpair_l"): REGISTRY["l"],
    ("pairing", "hpair_g"): {ADMIN, COUNTY, TOWN, UNIT_ADMIN},
    ("pairing", "hpair_l"): REGISTRY["l"],
    # Starting a village pairing needs write rights somewhere before the village is chosen.
    ("any_write", "unit_g"): {ADMIN, COUNTY, TOWN},
    ("any_write", "unit_l"): {ADMIN, COUNTY, OTHER},
    ("any_write", "unit_p"): {ADMIN, COUNTY, TOWN},
    ("reveal", "household_g"): {ADMIN},
    ("reveal", "household_l"): {ADMIN},
    ("reveal", "member_g"): {ADMIN},
    ("reveal", "cadre_p"): {ADMIN},
}


@dataclass(frozen=True)
class Route:
    """How to reach a route: URL kwargs from a record, the methods to try and the rule."""

    path: str  # with {key} from the record, e.g. "/households/{pk}/"
    access: str  # read, registry, unit, pairing, any_write, reveal, audit, list, public
    targets: tuple[str, ...] = ()
    methods: tuple[str, ...] = ("get",)


PAGES = {
    "home": Route("/", "list"),
    "set_language": Route("/i18n/setlang/", "public", methods=("post",)),
    "accounts:login": Route("/accounts/login/", "public"),
    "accounts:logout": Route("/accounts/logout/", "self", methods=("post",)),
    "accounts:me": Route("/accounts/me/", "self"),
    "accounts:password_change": Route("/accounts/password/", "self"),
    "accounts:token_revoke": Route(
        "/accounts/tokens/{pk}/revoke/", "own_token", ("token_admin",), ("post",)
    ),
    "regions:index": Route("/regions/", "list"),
    "regions:search": Route("/regions/search/?q=暖泉", "list"),
    "regions:detail": Route("/regions/{code}/", "read", ("village_g", "village_l")),
    "units:list": Route("/units/", "list"),
    "units:create": Route("/units/new/", "create", methods=("get", "post")),
    "units:detail": Route("/units/{pk}/", "read", ("unit_g", "unit_l", "unit_p")),
    "units:update": Route(
        "/units/{pk}/edit/", "unit", ("unit_g", "unit_l", "unit_p"), ("get", "post")
    ),
    "units:cadre_create": Route(
        "/units/{pk}/cadres/new/", "unit", ("unit_g", "unit_l", "unit_p"), ("get", "post")
    ),
    "units:cadre_detail": Route("/units/cadres/{pk}/", "read", ("cadre_g", "cadre_l", "cadre_p")),
    "units:cadre_update": Route(
        "/units/cadres/{pk}/edit/", "unit", ("cadre_g", "cadre_l", "cadre_p"), ("get", "post")
    ),
    "households:list": Route("/households/", "list"),
    "households:create": Route("/households/new/", "create", methods=("get", "post")),
    "households:detail": Route("/households/{pk}/", "read", ("household_g", "household_l")),
    "households:update": Route(
        "/households/{pk}/edit/", "registry", ("household_g", "household_l"), ("get", "post")
    ),
    "households:member_create": Route(
        "/households/{pk}/members/new/", "registry", ("household_g", "household_l"), ("get", "post")
    ),
    "households:income_save": Route(
        "/households/{pk}/income/", "registry", ("household_g", "household_l"), ("get", "post")
    ),
    "households:member_update": Route(
        "/households/members/{pk}/edit/", "registry", ("member_g", "member_l"), ("get", "post")
    ),
    "households:member_end": Route(
        "/households/members/{pk}/leave/", "registry", ("member_g", "member_l"), ("get", "post")
    ),
    "pairings:village_create": Route(
        "/pairings/villages/new/{pk}/", "any_write", ("unit_g", "unit_l", "unit_p"), ("get", "post")
    ),
    "pairings:village_end": Route(
        "/pairings/villages/{pk}/end/", "pairing", ("vpair_g", "vpair_l"), ("get", "post")
    ),
    "pairings:household_assign": Route(
        "/pairings/households/{pk}/assign/",
        "pairing",
        ("household_g", "household_l"),
        ("get", "post"),
    ),
    "pairings:household_end": Route(
        "/pairings/households/{pk}/end/", "pairing", ("hpair_g", "hpair_l"), ("get", "post")
    ),
    "accounts:user_list": Route("/accounts/users/", "users_list"),
    "accounts:user_create": Route("/accounts/users/new/", "users_list", methods=("get", "post")),
    "accounts:user_detail": Route("/accounts/users/{pk}/", "users", ("acct_cadre",)),
    "accounts:user_update": Route(
        "/accounts/users/{pk}/edit/", "users", ("acct_cadre",), ("get", "post")
    ),
    "accounts:user_deactivate": Route(
        "/accounts/users/{pk}/deactivate/", "users", ("acct_cadre",), ("post",)
    ),
    "accounts:user_activate": Route(
        "/accounts/users/{pk}/activate/", "users", ("acct_cadre",), ("post",)
    ),
    "accounts:user_force_password_change": Route(
        "/accounts/users/{pk}/force-password-change/", "users", ("acct_cadre",), ("post",)
    ),
    "accounts:user_unlock": Route(
        "/accounts/users/{pk}/unlock/", "users", ("acct_cadre",), ("post",)
    ),
    "core:audit": Route("/audit/", "audit"),
    "core:audit_export": Route("/audit/export.csv", "audit"),
    "core:reveal": Route(
        "/reveal/{kind}/{pk}/{field}/",
        "reveal",
        ("household_g", "household_l", "member_g", "cadre_p"),
        ("get", "post"),
    ),
}

API = {
    ("post", "/api/v1/auth/token"): Route("/api/v1/auth/token", "token", methods=("post",)),
    ("delete", "/api/v1/auth/token"): Route("/api/v1/auth/token", "bearer", methods=("delete",)),
    ("get", "/api/v1/regions/{code}"): Route(
        "/api/v1/regions/{code}", "read", ("village_g", "village_l")
    ),
    ("get", "/api/v1/units"): Route("/api/v1/units", "list"),
    ("get", "/api/v1/units/{unit_id}"): Route(
        "/api/v1/units/{pk}", "read", ("unit_g", "unit_l", "unit_p")
    ),
    ("get", "/api/v1/households"): Route("/api/v1/households", "list"),
    ("get", "/api/v1/households/{household_id}"): Route(
        "/api/v1/households/{pk}", "read", ("household_g", "household_l")
    ),
    ("post", "/api/v1/reveal"): Route(
        "/api/v1/reveal", "reveal", ("household_g", "household_l", "member_g", "cadre_p"), ("post",)
    ),
}


# Apps add their routes here: a module `<app>.tests.matrix` with PAGES and API (Route entries),
# SEES and WRITES (for its records and access kinds) and `extend_world(world, admin)` that adds
# its records to the world (names ending in _g for 郭嘉镇's side, _l for 陇城镇's).
# Every installed app of the project is asked, so a new app only writes its own matrix.py.
EXTENSIONS = []
for _app in settings.INSTALLED_APPS:
    if not _app.startswith("shuanglian."):
        continue
    try:
        EXTENSIONS.append(importlib.import_module(f"{_app}.tests.matrix"))
    except ModuleNotFoundError as error:
        if error.name not in (f"{_app}.tests", f"{_app}.tests.matrix"):
            raise
for _extension in EXTENSIONS:
    PAGES.update(getattr(_extension, "PAGES", {}))
    API.update(getattr(_extension, "API", {}))
    SEES.update(getattr(_extension, "SEES", {}))
    WRITES.update(getattr(_extension, "WRITES", {}))


@pytest.fixture
def world(admin_user, unit_admin, cadre_user):
    unit_g = uf.unit(actor=admin_user, name="县委宣传部")
    unit_l = uf.unit(actor=admin_user, name="县水务局")
    unit_p = unit_admin.unit
    vpair_g = pf.village_pairing(actor=admin_user, unit=unit_g, village=NUANQUAN)
    vpair_l = pf.village_pairing(actor=admin_user, unit=unit_l, village=LONGCHENG_VILLAGE)
    cadre_g = uf.cadre(actor=admin_user, unit=unit_g, name="李爱仙", phone="13700001111")
    cadre_l = uf.cadre(actor=admin_user, unit=unit_l, name="王建祥", phone="13700002222")
    cadre_p = cadre_user.cadre
    household_g = hf.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎",
                               phone="13812345678")  # fmt: skip
    household_g2 = hf.household(actor=admin_user, village=NUANQUAN, head_name="邵维基")
    household_l = hf.household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="张三",
                               phone="13812345679")  # fmt: skip
    member_g = hf.member(actor=admin_user, household=household_g, name="李秀英")
    member_l = hf.member(actor=admin_user, household=household_l, name="赵四")
    hpair_g = pf.household_pairing(actor=admin_user, household=household_g, cadre=cadre_p)
    pf.household_pairing(actor=admin_user, household=household_g2, cadre=cadre_g)
    hpair_l = pf.household_pairing(actor=admin_user, household=household_l, cadre=cadre_l)
    world = {
        "household_g": household_g,
        "household_l": household_l,
        "household_g2": household_g2,
        "member_g": member_g,
        "member_l": member_l,
        "village_g": household_g.village,
        "village_l": household_l.village,
        "unit_g": unit_g,
        "unit_l": unit_l,
        "unit_p": unit_p,
        "cadre_g": cadre_g,
        "cadre_l": cadre_l,
        "cadre_p": cadre_p,
        "vpair_g": vpair_g,
        "vpair_l": vpair_l,
        "hpair_g": hpair_g,
        "hpair_l": hpair_l,
        "acct_cadre": cadre_user,
    }
    for extension in EXTENSIONS:
        extension.extend_world(world, admin_user)
    return world


REVEAL_FIELD = {"household": "phone", "member": "id_number", "cadre": "phone"}


def address(route: Route, target: str | None, record) -> str:
    if target is None:
        return route.path
    kind = target.rsplit("_", 1)[0]
    if record is None:  # the nonexistent twin
        pk, code = MISSING_ID, MISSING_VILLAGE
    else:
        pk, code = record.pk, getattr(record, "code", "")
    return route.path.format(pk=pk, code=code, kind=kind, field=REVEAL_FIELD.get(kind, ""))


def send(client, method: str, path: str, target: str | None, record):
    if path.startswith("/api/v1/reveal"):
        kind = target.rsplit("_", 1)[0]
        body = {
            "kind": kind,
            "id": record.pk if record is not None else MISSING_ID,
            "field": REVEAL_FIELD[kind],
            "reason": "核实身份信息",
        }
        return client.post(path, body, content_type="application/json")
    return getattr(client, method)(path)


def same_answer(hidden, hidden_path: str, record, missing, missing_path: str) -> bool:
    """The two 404s are the same but for the address (and, in an API message, the id asked)."""
    if hidden["Content-Type"].startswith("application/json"):
        ident = str(getattr(record, "code", None) or record.pk)
        missing_ident = MISSING_VILLAGE if hasattr(record, "code") else str(MISSING_ID)
        one, other = hidden.json(), missing.json()
        return (one["message"].replace(ident, "ID"), one["extra"]) == (
            other["message"].replace(missing_ident, "ID"),
            other["extra"],
        )
    return normalised(hidden, hidden_path) == normalised(missing, missing_path)


def allowed(route: Route, target: str | None, role: str) -> bool:
    if route.access in ("read", "list", "self", "public"):
        return True
    if route.access == "create":
        return role in OFFICERS
    if route.access == "audit":
        return role in OFFICERS
    if route.access == "own_token":
        return role == ADMIN
    if route.access in ("users", "users_list"):
        return role in MANAGERS
    return role in WRITES.get((route.access, target), set())


def check(client, role: str, route: Route, method: str, world) -> None:
    for target in route.targets or (None,):
        record = world[target] if target else None
        path = address(route, target, record)
        response = send(client, method, path, target, record)
        where = f"{role} {method.upper()} {path}"
        if route.access == "users" and role not in MANAGERS:
            # No right to manage accounts at all: refused before any account is looked up.
            assert response.status_code == 403, where
            missing = send(client, method, address(route, target, None), target, None)
            assert missing.status_code == 403, where
            continue
        if route.access == "own_token":
            # Another user's token reads as nonexistent.
            assert response.status_code in ((302, 200) if role == ADMIN else (404,)), where
            continue
        if target is not None and role not in SEES[target]:
            missing_path = address(route, target, None)
            missing = send(client, method, missing_path, target, None)
            assert response.status_code == 404, where
            assert missing.status_code == 404, f"{role} {method.upper()} {missing_path}"
            assert same_answer(response, path, record, missing, missing_path), where
            continue
        if allowed(route, target, role):
            assert response.status_code not in (401, 403, 404, 500), where
        else:
            assert response.status_code == 403, where


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(request, login, world, role):
    client = login(request.getfixturevalue(FIXTURE[role]))
    token_owner = request.getfixturevalue("admin_user")
    world["token_admin"] = _token_of(token_owner)
    for name, route in PAGES.items():
        if route.access in ("public", "self") and name in ("accounts:logout", "set_language"):
            continue
        for method in route.methods:
            check(client, role, route, method, world)


@pytest.mark.parametrize("role", ROLES)
def test_api_by_role(request, login, world, role):
    client = login(request.getfixturevalue(FIXTURE[role]))
    for route in API.values():
        if route.access in ("token", "bearer"):
            continue
        for method in route.methods:
            check(client, role, route, method, world)


def test_anonymous_is_sent_to_login_or_gets_401(client, world):
    for name, route in PAGES.items():
        if route.access == "public":
            continue
        for target in route.targets or (None,):
            path = address(route, target, world.get(target) if target else None)
            response = getattr(client, route.methods[0])(path)
            assert response.status_code == 302, name
            assert response["Location"].startswith("/accounts/login/"), name
    for (method, _path), route in API.items():
        if route.access == "token":
            continue
        for target in route.targets or (None,):
            path = address(route, target, world.get(target) if target else None)
            response = send(client, method, path, target, world.get(target))
            assert response.status_code == 401, (method, path)
            assert set(response.json()) == {"message", "extra"}


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_exactly_the_scoped_records(request, login, world, role):
    client = login(request.getfixturevalue(FIXTURE[role]))
    households = {world[t].pk for t in ("household_g", "household_l") if role in SEES[t]}
    if role in SEES["household_g"] and role != CADRE:
        # G2 lives in 暖泉村 too but is paired with another cadre.
        households.add(world["household_g2"].pk)
    listed = {item["id"] for item in client.get("/api/v1/households?limit=100").json()["items"]}
    assert listed == households
    units = {world[t].pk for t in ("unit_g", "unit_l", "unit_p") if role in SEES[t]}
    listed = {item["id"] for item in client.get("/api/v1/units?limit=100").json()["items"]}
    assert listed == units
    page = client.get("/households/").content.decode()
    for target in ("household_g", "household_l"):
        assert (f'/households/{world[target].pk}/"' in page) == (role in SEES[target]), target


def _token_of(user):
    """An API token of `user`, asked for the way a client would."""
    from django.test import Client

    from shuanglian.accounts.models import ApiToken

    Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "Test@12345"},
        content_type="application/json",
    )
    return ApiToken.objects.get(user=user)


def _page_routes() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns)
    return names


def test_every_page_route_is_in_the_matrix():
    routes = {name for name in _page_routes() if not name.startswith("api:")}
    assert routes - set(PAGES) == set(), "add these routes to PAGES in the permission matrix"


def test_every_api_operation_is_in_the_matrix():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert operations - set(API) == set(), "add these operations to API in the permission matrix"
