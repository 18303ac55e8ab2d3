"""The ratings app's rows of the permission matrix (core/tests/test_permission_matrix.py).

Records: the default stars, one of them (star_a) used by a rating of household G, so that
removing it takes it out of use instead of deleting it. Villages and households are the world's.
"""

from shuanglian.core.tests.test_permission_matrix import ADMIN, COUNTY, EVERYONE, OTHER, TOWN, Route
from shuanglian.ratings.tests import factories as rf

HOUSEHOLDS = ("household_g", "household_l")
VILLAGES = ("village_g", "village_l")
GET_POST = ("get", "post")
YEAR = 2012

SEES = {"star_a": EVERYONE}
WRITES = {
    ("rate", "village_g"): {ADMIN, COUNTY, TOWN},
    ("rate", "village_l"): {ADMIN, COUNTY, OTHER},
    ("rate", "household_g"): {ADMIN, COUNTY, TOWN},
    ("rate", "household_l"): {ADMIN, COUNTY, OTHER},
    # The list of stars is the administrators' alone.
    ("star_admin", None): {ADMIN},
    ("star_admin", "star_a"): {ADMIN},
}

R = "/ratings"
PAGES = {
    "ratings:index": Route(f"{R}/", "list"),
    "ratings:village_sheet": Route(f"{R}/villages/{{code}}/{YEAR}/", "read", VILLAGES),
    "ratings:village_sheet_save": Route(
        f"{R}/villages/{{code}}/{YEAR}/save/", "rate", VILLAGES, ("post",)
    ),
    "ratings:village_summary": Route(f"{R}/villages/{{code}}/{YEAR}/summary/", "read", VILLAGES),
    "ratings:honour_list": Route(f"{R}/villages/{{code}}/{YEAR}/honour/", "read", VILLAGES),
    "ratings:household_rating": Route(
        f"{R}/households/{{pk}}/{YEAR}/", "rate", HOUSEHOLDS, GET_POST
    ),
    "ratings:stars": Route(f"{R}/stars/", "star_admin", methods=GET_POST),
    "ratings:star_update": Route(f"{R}/stars/{{pk}}/edit/", "star_admin", ("star_a",), GET_POST),
    "ratings:star_remove": Route(f"{R}/stars/{{pk}}/remove/", "star_admin", ("star_a",), ("post",)),
}

A = "/api/v1/ratings"
API = {
    ("get", f"{A}/stars"): Route(f"{A}/stars", "list"),
    ("get", f"{A}/households/{{household_id}}"): Route(
        f"{A}/households/{{pk}}", "read", HOUSEHOLDS
    ),
    ("post", f"{A}/households/{{household_id}}"): Route(
        f"{A}/households/{{pk}}", "rate", HOUSEHOLDS, ("post",)
    ),
    ("get", f"{A}/villages/{{code}}/{{year}}/summary"): Route(
        f"{A}/villages/{{code}}/{YEAR}/summary", "read", VILLAGES
    ),
}


def extend_world(world, admin) -> None:
    stars = rf.stars(actor=admin)
    rf.rating(actor=admin, household=world["household_g"], year=YEAR, names=[stars[0].name])
    world["star_a"] = stars[0]
