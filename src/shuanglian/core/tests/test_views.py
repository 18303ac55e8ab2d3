"""The start page: a cadre's own work; everyone else their area."""

import datetime as dt

from django.urls import reverse

from shuanglian.conftest import QINAN
from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf


def test_a_cadre_starts_from_their_households_and_overdue_measures(login, admin_user, cadre_user):
    from shuanglian.assistance.services import household_plan_save, measure_add

    mine = hf.household(actor=admin_user, head_name="孙旺奎")
    hf.household(actor=admin_user, head_name="邵维基")
    pf.household_pairing(actor=admin_user, household=mine, cadre=cadre_user.cadre)
    plan = household_plan_save(actor=admin_user, household=mine, year=2012)
    measure_add(
        actor=admin_user,
        plan=plan,
        type="training",
        description="参加苹果修剪技术培训",
        responsible_cadre=cadre_user.cadre,
        due_date=dt.date(2012, 9, 1),
    )
    page = login(cadre_user).get(reverse("home")).content.decode()
    assert "孙旺奎" in page and "邵维基" not in page
    assert "参加苹果修剪技术培训" in page
    assert reverse("assistance:visit_create", args=[mine.pk]) in page


def test_an_officer_starts_from_their_region(login, county_officer):
    response = login(county_officer).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("regions:detail", args=[QINAN])
