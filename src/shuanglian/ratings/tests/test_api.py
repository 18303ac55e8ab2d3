"""The ratings API: read a household's ratings, write one, a village's summary; scope and errors."""

import pytest

from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.tests.api_helpers import error_body, zh
from shuanglian.ratings import services
from shuanglian.ratings.models import Star, StarRating
from shuanglian.ratings.tests import factories as rf

pytestmark = pytest.mark.django_db
A = "/api/v1/ratings"
ALL = ("爱国守法", "诚信友善", "勤劳致富", "孝老爱亲", "卫生整洁")


def star_ids(*names):
    return [Star.objects.get(name=n).pk for n in names]


def test_officer_writes_and_reads_a_households_rating(rw, town_officer, login):
    client = login(town_officer)
    url = f"{A}/households/{rw.household_g.pk}"
    response = client.post(
        url, {"year": "2012", "stars": star_ids(*ALL[:3]), "decided_on": "2012-12-20"}
    )
    assert response.status_code == 200, response.content
    assert [s["name"] for s in response.json()["stars"]] == list(ALL[:3])
    listed = client.get(url).json()
    assert [(r["year"], len(r["stars"])) for r in listed] == [(2012, 3)]


def test_errors_have_the_shape_and_save_nothing(rw, town_officer, viewer, login):
    client = login(town_officer)
    url = f"{A}/households/{rw.household_g.pk}"
    body = error_body(client.post(url, {"year": "2012", "stars": [999_999],
                                        "decided_on": "2012-12-20"}), 400)  # fmt: skip
    assert body["message"] == zh(services.STAR_UNKNOWN).format(star=999_999)
    body = error_body(client.post(url, {"year": "1850", "decided_on": "2012-12-20"}), 400)
    assert body["message"] == zh(services.YEAR_INVALID).format(value="1850")
    body = error_body(login(viewer).post(url, {"year": "2012", "decided_on": "2012-12-20"}), 403)
    assert body["message"] == zh(WRITE_FORBIDDEN)
    assert not StarRating.objects.exists()


def test_summary_and_scope(rw, admin_user, other_town_officer, town_officer, login):
    rf.rating(actor=admin_user, household=rw.household_g, year=2011, names=ALL[:1])
    rf.rating(actor=admin_user, household=rw.household_g, year=2012, names=ALL)
    body = login(town_officer).get(f"{A}/villages/{rw.village_g.code}/2012/summary").json()
    assert (body["households"], body["rated"], body["rated_previous_year"]) == (2, 1, 1)
    first = body["by_star"][0]
    assert (first["star"]["name"], first["households"], first["previous_year"]) == (
        "爱国守法",
        1,
        1,
    )
    assert {row["stars"]: row["households"] for row in body["by_count"]}[5] == 1
    other = login(other_town_officer)
    hidden = error_body(other.get(f"{A}/villages/{rw.village_g.code}/2012/summary"), 404)
    missing = error_body(other.get(f"{A}/villages/620522104999/2012/summary"), 404)
    assert hidden["extra"] == missing["extra"]
    error_body(other.get(f"{A}/households/{rw.household_g.pk}"), 404)
    error_body(other.post(f"{A}/households/{rw.household_g.pk}", {"year": "2012"}), 404)
