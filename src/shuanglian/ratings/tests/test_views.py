"""Pages of the star ratings: the sheet (bulk save, bad input), summary, honour list, the
household panel, the star list; scope and query counts."""

import re

import pytest

from shuanglian.core.models import AuditEvent
from shuanglian.households.tests import factories as hf
from shuanglian.ratings import services, views
from shuanglian.ratings.models import Star, StarRating
from shuanglian.ratings.tests import factories as rf
from shuanglian.regions.tests.pages import assert_same_404, text, zh

pytestmark = pytest.mark.django_db

ALL = ("爱国守法", "诚信友善", "勤劳致富", "孝老爱亲", "卫生整洁")


def star_id(name):
    return str(Star.objects.get(name=name).pk)


def sheet_post(rw, ticks: dict, **extra):
    data = {"decided_on": "2012-12-28", "household": [], **extra}
    for household, names in ticks.items():
        data["household"].append(str(household.pk))
        data[f"stars_{household.pk}"] = [star_id(n) for n in names]
    return data


def test_officer_saves_the_sheet_and_sees_the_summary(rw, town_officer, login):
    client = login(town_officer)
    url = f"/ratings/villages/{rw.village_g.code}/2012/"
    page = text(client.get(url))
    assert page.count('type="checkbox"') == 2 * 5
    assert "孙旺奎" in page and "邵维基" in page
    response = client.post(
        url + "save/", sheet_post(rw, {rw.household_g: ALL, rw.household_g2: ALL[:2]})
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ratings/villages/{rw.village_g.code}/2012/summary/"
    assert StarRating.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="ratings.StarRating").count() == 2
    summary = text(client.get(response["Location"]))
    row = re.search(r'data-star="诚信友善">(.*?)</tr>', summary, re.S).group(1)
    assert re.search(r'data-count="current">2<', row)
    sheet = text(client.get(url))
    assert sheet.count(" checked") == 7


def test_bad_sheet_names_the_row_keeps_the_ticks_and_saves_nothing(rw, town_officer, login):
    client = login(town_officer)
    data = sheet_post(rw, {rw.household_g: ALL, rw.household_g2: ALL[:1]})
    data[f"note_{rw.household_g2.pk}"] = "长" * (services.NOTE_MAX + 1)
    response = client.post(f"/ratings/villages/{rw.village_g.code}/2012/save/", data)
    assert response.status_code == 400
    label = f"{rw.household_g2.number} 邵维基"
    assert zh(services.SHEET_NOTE_TOO_LONG, row=2, household=label, max=services.NOTE_MAX) in text(
        response
    )
    assert text(response).count(" checked") == 6
    assert not StarRating.objects.exists()
    missing_date = client.post(
        f"/ratings/villages/{rw.village_g.code}/2012/save/", {**data, "decided_on": ""}
    )
    assert missing_date.status_code == 400
    assert not StarRating.objects.exists()


def test_readers_see_the_sheet_read_only_and_cannot_save(rw, viewer, login):
    client = login(viewer)
    url = f"/ratings/villages/{rw.village_g.code}/2012/"
    page = text(client.get(url))
    assert page.count(" disabled") == 10
    assert 'type="submit"' not in page.split('id="rating-sheet"')[1]
    response = client.post(url + "save/", sheet_post(rw, {rw.household_g: ALL}))
    assert response.status_code == 403
    assert not StarRating.objects.exists()


def test_other_town_gets_the_same_404(rw, other_town_officer, login):
    client = login(other_town_officer)
    for suffix in ("", "summary/", "honour/"):
        assert_same_404(
            client,
            f"/ratings/villages/{rw.village_g.code}/2012/{suffix}",
            f"/ratings/villages/620522104999/2012/{suffix}",
        )
    assert_same_404(
        client,
        f"/ratings/households/{rw.household_g.pk}/2012/",
        "/ratings/households/999999/2012/",
    )


def test_honour_list_prints_the_households_with_every_star(rw, admin_user, viewer, login):
    rf.rating(actor=admin_user, household=rw.household_g, names=ALL)
    rf.rating(actor=admin_user, household=rw.household_g2, names=ALL[:3])
    client = login(viewer)
    url = f"/ratings/villages/{rw.village_g.code}/2012/honour/"
    page = text(client.get(url))
    table = page.split('id="honour-table"')[1]
    assert "孙旺奎" in table and "邵维基" not in table
    assert "@page { size: A4" in page
    three = text(client.get(url, {"min": "3"})).split('id="honour-table"')[1]
    assert "孙旺奎" in three and "邵维基" in three
    wrong = client.get(url, {"min": "x"})
    assert wrong.status_code == 400
    assert zh(views.MIN_NOT_A_NUMBER, value="x") in text(wrong)
    assert client.get(f"/ratings/villages/{rw.village_g.code}/1900/honour/").status_code == 404


def test_household_panel_shows_the_history_and_links(rw, admin_user, town_officer, login):
    rf.rating(actor=admin_user, household=rw.household_g, year=2012, names=ALL[:2])
    rf.rating(actor=admin_user, household=rw.household_g, year=2013, names=ALL, note="全票通过")
    client = login(town_officer)
    page = text(client.get(f"/households/{rw.household_g.pk}/"))
    panel = page.split('id="star-ratings"')[1]
    assert "全票通过" in panel
    assert panel.index("2013") < panel.index("2012")
    assert f"/booklet/households/{rw.household_g.pk}/" in panel
    assert "/ratings/households/" in panel
    assert f"/ratings/villages/{rw.village_g.code}/2013/summary/" in panel


def test_household_rating_form(rw, town_officer, viewer, login):
    client = login(town_officer)
    url = f"/ratings/households/{rw.household_g.pk}/2012/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"stars": [star_id(ALL[0])], "decided_on": "2099-01-01", "note": ""}
    )
    assert response.status_code == 400
    assert zh(services.DECIDED_ON_FUTURE) in text(response)
    response = client.post(
        url, {"stars": [star_id(ALL[0]), star_id(ALL[1])], "decided_on": "2012-12-20"}
    )
    assert response.status_code == 302
    assert StarRating.objects.get().awards.count() == 2
    assert login(viewer).get(url).status_code == 403


def test_star_list_page_for_administrators(rw, admin_user, town_officer, login):
    assert login(town_officer).get("/ratings/stars/").status_code == 403
    client = login(admin_user)
    assert client.post("/ratings/stars/", {"name": "热心公益", "order": ""}).status_code == 302
    star = Star.objects.get(name="热心公益")
    response = client.post("/ratings/stars/", {"name": "热心公益"})
    assert response.status_code == 409
    assert zh(services.STAR_NAME_TAKEN, name="热心公益") in text(response)
    rf.rating(actor=admin_user, household=rw.household_g, names=["热心公益"])
    response = client.post(f"/ratings/stars/{star.pk}/remove/", follow=True)
    assert zh(services.STAR_DEACTIVATED, name="热心公益") in text(response)
    star.refresh_from_db()
    assert star.active is False


def test_sheet_and_summary_query_counts_do_not_grow(
    rw, admin_user, town_officer, login, django_assert_max_num_queries
):
    for i in range(12):
        household = hf.household(actor=admin_user, village=rw.village_g.code, head_name=f"村民{i}")
        rf.rating(actor=admin_user, household=household, names=ALL[: i % 5 + 1])
    client = login(town_officer)
    base = f"/ratings/villages/{rw.village_g.code}/2012/"
    for suffix in ("", "summary/", "honour/?min=1"):
        with django_assert_max_num_queries(12):
            response = client.get(base + suffix)
        assert response.status_code == 200
