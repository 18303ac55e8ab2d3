"""Rules of the star ratings: who rates, one rating a year, the village sheet in one go, the star
list, the summary and the honour list."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.errors import Forbidden, InvalidInput
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.ratings import selectors, services
from shuanglian.ratings.models import Star, StarAward, StarRating
from shuanglian.ratings.services import SheetRow
from shuanglian.ratings.tests import factories as rf

pytestmark = pytest.mark.django_db

ALL = ("爱国守法", "诚信友善", "勤劳致富", "孝老爱亲", "卫生整洁")


def ids(*names):
    return [Star.objects.get(name=name).pk for name in names]


def rating_audits():
    return AuditEvent.objects.filter(object_type="ratings.StarRating")


def test_the_default_stars_come_from_the_migration(rw):
    assert [s.name for s in Star.objects.filter(active=True)] == list(ALL)


def test_town_officer_rates_a_household_of_the_town(rw, town_officer):
    rating = rf.rating(
        actor=town_officer, household=rw.household_g, names=ALL[:3], note="村民代表会议评议"
    )
    assert [a.star.name for a in rating.awards.all()] == list(ALL[:3])
    event = rating_audits().get()
    assert event.action == AuditAction.CREATE
    assert event.region_code == rw.household_g.village_id
    assert event.changes["stars"] == [None, list(ALL[:3])]


@pytest.mark.parametrize("persona", ["viewer", "unit_admin", "cadre_user", "other_town_officer"])
def test_only_officers_of_the_village_rate(rw, request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(Forbidden) as refused:
        rf.rating(actor=user, household=rw.household_g, names=ALL[:1])
    assert refused.value.message == WRITE_FORBIDDEN
    assert not StarRating.objects.exists()


def test_out_of_scope_households_are_not_found(rw, admin_user, other_town_officer, cadre_user):
    from shuanglian.core.errors import NotFound
    from shuanglian.households.selectors import household_get

    with pytest.raises(NotFound):
        household_get(user=other_town_officer, pk=rw.household_g.pk)
    # The cadre sees only her own household's ratings, not her neighbours'.
    rf.rating(actor=admin_user, household=rw.household_g2, names=ALL[:1])
    assert selectors.visible_ratings(cadre_user).count() == 0


def test_one_rating_per_household_and_year(rw, town_officer):
    first = rf.rating(actor=town_officer, household=rw.household_g, names=ALL[:2])
    again = rf.rating(actor=town_officer, household=rw.household_g, names=ALL[:4])
    assert again.pk == first.pk
    assert StarRating.objects.count() == 1
    assert StarAward.objects.filter(rating=first).count() == 4
    update = rating_audits().filter(action=AuditAction.UPDATE).get()
    assert update.changes["stars"] == [list(ALL[:2]), list(ALL[:4])]
    # The same again changes nothing and writes no audit row.
    rf.rating(actor=town_officer, household=rw.household_g, names=ALL[:4])
    assert rating_audits().count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        StarRating.objects.create(
            household=rw.household_g, year=2012, decided_on=dt.date(2012, 12, 1)
        )
    rf.rating(actor=town_officer, household=rw.household_g, year=2013, names=ALL)
    assert StarRating.objects.count() == 2


def test_bad_dates_and_years_are_refused(rw, town_officer):
    with pytest.raises(InvalidInput) as err:
        rf.rating(actor=town_officer, household=rw.household_g, year=1999)
    assert err.value.field == "year"
    with pytest.raises(InvalidInput) as err:
        rf.rating(actor=town_officer, household=rw.household_g, decided_on=dt.date(2011, 12, 1))
    assert err.value.message.format() == services.DECIDED_BEFORE_YEAR.format(year=2012)
    with pytest.raises(InvalidInput) as err:
        rf.rating(actor=town_officer, household=rw.household_g, decided_on=dt.date(2099, 1, 1))
    assert err.value.message == services.DECIDED_ON_FUTURE


def test_a_star_out_of_use_is_not_given_but_stays_on_old_ratings(rw, admin_user, town_officer):
    rating = rf.rating(actor=town_officer, household=rw.household_g, names=ALL[:2])
    star = Star.objects.get(name=ALL[0])
    assert services.star_remove(actor=admin_user, star=star) is False
    star.refresh_from_db()
    assert star.active is False
    with pytest.raises(InvalidInput):
        rf.rating(actor=town_officer, household=rw.household_g2, names=[ALL[0]])
    # Editing the old rating keeps the star it already had.
    services.star_rating_save(
        actor=town_officer,
        household=rw.household_g,
        year=2012,
        stars=ids(*ALL[:3]),
        decided_on=dt.date(2012, 12, 20),
    )
    assert {a.star.name for a in rating.awards.all()} == set(ALL[:3])


def test_star_list_is_for_administrators_and_audited(rw, admin_user, town_officer):
    with pytest.raises(Forbidden):
        services.star_create(actor=town_officer, name="热心公益")
    star = services.star_create(actor=admin_user, name="热心公益")
    assert star.order == 6
    services.star_update(actor=admin_user, star=star, name="热心公益", order=9, active=True)
    assert services.star_remove(actor=admin_user, star=star) is True
    assert not Star.objects.filter(name="热心公益").exists()
    actions = list(
        AuditEvent.objects.filter(object_type="ratings.Star", object_repr="热心公益")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.END]
    with pytest.raises(Exception) as taken:
        services.star_create(actor=admin_user, name=ALL[0])
    assert taken.value.message.format() == services.STAR_NAME_TAKEN.format(name=ALL[0])


def test_sheet_saves_the_village_in_one_call(rw, town_officer, admin_user):
    rf.rating(actor=admin_user, household=rw.household_g2, names=ALL[:1])
    before = rating_audits().count()
    result = services.village_ratings_save(
        actor=town_officer,
        village=rw.village_g,
        year=2012,
        decided_on=dt.date(2012, 12, 28),
        rows=[
            SheetRow(household_id=rw.household_g.pk, stars=ids(*ALL)),
            SheetRow(household_id=rw.household_g2.pk, stars=ids(*ALL[:2])),
        ],
    )
    assert (result.created, result.changed, result.unchanged) == (1, 1, 0)
    assert rating_audits().count() == before + 2
    again = services.village_ratings_save(
        actor=town_officer,
        village=rw.village_g,
        year=2012,
        decided_on=dt.date(2012, 12, 30),
        rows=[
            SheetRow(household_id=rw.household_g.pk, stars=ids(*ALL)),
            SheetRow(household_id=rw.household_g2.pk, stars=ids(*ALL[:2])),
        ],
    )
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert rating_audits().count() == before + 2


def test_a_bad_sheet_row_names_the_household_and_writes_nothing(rw, town_officer):
    rows = [
        SheetRow(household_id=rw.household_g.pk, stars=ids(*ALL)),
        SheetRow(household_id=rw.household_g2.pk, stars=[*ids(ALL[0]), 999_999]),
    ]
    with pytest.raises(InvalidInput) as err:
        services.village_ratings_save(
            actor=town_officer,
            village=rw.village_g,
            year=2012,
            decided_on=dt.date(2012, 12, 28),
            rows=rows,
        )
    label = f"{rw.household_g2.number} 邵维基"
    assert str(err.value.message) == str(
        services.SHEET_STAR_UNKNOWN.format(row=2, household=label, star=999_999)
    )
    assert not StarRating.objects.exists()
    assert not rating_audits().exists()
    # A household of another village on the sheet is refused by row, too.
    with pytest.raises(InvalidInput) as err:
        services.village_ratings_save(
            actor=town_officer,
            village=rw.village_g,
            year=2012,
            decided_on=dt.date(2012, 12, 28),
            rows=[SheetRow(household_id=rw.household_l.pk, stars=ids(ALL[0]))],
        )
    assert "1" in str(err.value.message) and str(rw.household_l.pk) in str(err.value.message)
    assert not StarRating.objects.exists()


def test_summary_counts_per_star_and_by_number_of_stars(rw, admin_user, town_officer, cadre_user):
    rf.rating(actor=admin_user, household=rw.household_g, year=2011, names=ALL[:2])
    rf.rating(actor=admin_user, household=rw.household_g, year=2012, names=ALL)
    rf.rating(actor=admin_user, household=rw.household_g2, year=2012, names=ALL[:3])
    summary = selectors.village_summary(user=town_officer, village=rw.village_g, year=2012)
    assert (summary.current.households, summary.current.rated, summary.previous.rated) == (2, 2, 1)
    per_star = {row.star.name: (row.count, row.previous) for row in summary.stars}
    assert per_star == {
        "爱国守法": (2, 1),
        "诚信友善": (2, 1),
        "勤劳致富": (2, 0),
        "孝老爱亲": (1, 0),
        "卫生整洁": (1, 0),
    }
    counts = {n: (now, before) for n, now, before in summary.counts}
    assert counts[5] == (1, 0) and counts[3] == (1, 0) and counts[2] == (0, 1)
    # The cadre sees only her own household in the same summary.
    mine = selectors.village_summary(user=cadre_user, village=rw.village_g, year=2012)
    assert (mine.current.households, mine.current.rated) == (1, 1)


def test_honour_list_holds_households_with_every_star_or_at_least_n(rw, admin_user, viewer):
    rf.rating(actor=admin_user, household=rw.household_g, names=ALL)
    rf.rating(actor=admin_user, household=rw.household_g2, names=ALL[:4])
    full = selectors.honour_list(user=viewer, village=rw.village_g, year=2012)
    assert [h.household.head_name for h in full] == ["孙旺奎"]
    four = selectors.honour_list(user=viewer, village=rw.village_g, year=2012, min_stars=4)
    assert {h.household.head_name for h in four} == {"孙旺奎", "邵维基"}
    # Taking 卫生整洁 out of use: four stars are now every star in use.
    services.star_remove(actor=admin_user, star=Star.objects.get(name="卫生整洁"))
    full = selectors.honour_list(user=viewer, village=rw.village_g, year=2012)
    assert {h.household.head_name for h in full} == {"孙旺奎", "邵维基"}
    with pytest.raises(InvalidInput):
        selectors.honour_list(user=viewer, village=rw.village_g, year=2012, min_stars=9)


def test_demo_seed_rates_two_years_and_is_idempotent(rw, admin_user):
    from shuanglian.ratings.demo import seed

    result = seed(actor=admin_user, today=dt.date(2026, 1, 1))
    assert result.villages == 2
    assert set(StarRating.objects.values_list("year", flat=True)) == {2012, 2013}
    count = StarRating.objects.count()
    audits = rating_audits().count()
    again = seed(actor=admin_user, today=dt.date(2026, 1, 1))
    assert (again.created, again.changed) == (0, 0)
    assert StarRating.objects.count() == count
    assert rating_audits().count() == audits
