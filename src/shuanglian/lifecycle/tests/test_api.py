import pytest

from shuanglian.households.models import Category, Member, Relation
from shuanglian.lifecycle import services
from shuanglian.lifecycle.models import Step
from shuanglian.lifecycle.tests import factories as lf

pytestmark = pytest.mark.django_db
A = "/api/v1/lifecycle"


def test_start_and_record_the_next_step(login, town_officer, lw):
    client = login(town_officer)
    response = client.post(
        f"{A}/households/{lw.g.pk}/procedures/identification",
        {"done_on": lf.days_ago(60).isoformat(), "note": "申请"},
    )
    assert response.status_code == 201
    procedure = response.json()
    assert procedure["next_step"] == Step.DELIBERATION
    response = client.post(
        f"{A}/procedures/{procedure['id']}/steps",
        {
            "step": "township_review",
            "done_on": lf.days_ago(59).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.json()["extra"]["field"] == "step"
    response = client.post(
        f"{A}/procedures/{procedure['id']}/steps",
        {
            "done_on": lf.days_ago(59).isoformat(),
            "participants": 20,
            "votes_for": 15,
            "votes_against": 2,
        },
    )
    assert response.status_code == 201
    assert [s["step"] for s in response.json()["steps"]] == ["application", "deliberation"]


def test_exit_refused_lists_the_failures(login, admin_user, lw):
    lf.lines()
    lw.g.category = Category.POOR
    lw.g.save()
    response = login(admin_user).post(f"{A}/households/{lw.g.pk}/procedures/exit")
    assert response.status_code == 400
    assert len(eval(response.json()["extra"]["failures"])) == 7


def test_a_cadre_cannot_apply_for_another_household(login, cadre_user, lw):
    response = login(cadre_user).post(f"{A}/households/{lw.g2.pk}/procedures/identification")
    assert response.status_code == 404  # not paired: not even visible


def test_lists_are_scoped_and_notices_mask_ids(login, admin_user, other_town_officer, lw):
    procedure = lf.identification(actor=admin_user, household=lw.g)
    lf.advance(admin_user, procedure, until=Step.TOWNSHIP_REVIEW)
    client = login(other_town_officer)
    assert client.get(f"{A}/procedures").json()["items"] == []
    assert client.get(f"{A}/notices").json()["items"] == []
    client = login(admin_user)
    items = client.get(f"{A}/procedures?status=in_progress&step=township_review").json()["items"]
    assert [p["id"] for p in items] == [procedure.pk]
    notice = client.get(f"{A}/notices").json()["items"][0]
    detail = client.get(f"{A}/notices/{notice['id']}").json()
    head = Member.objects.get(household=lw.g, relation=Relation.HEAD)
    assert detail["households"][0]["head_id_number_masked"] == head.id_number_masked
    assert head.reveal_id_number() not in str(detail)


def test_a_county_announcement_lists_only_the_households_in_scope(
    login, admin_user, county_officer, other_town_officer, lw
):
    procedures = []
    for household in (lw.g, lw.l):
        procedure = lf.identification(actor=admin_user, household=household)
        on = lf.advance(admin_user, procedure, until=Step.ANNOUNCEMENT)
        procedures.append(procedure)
    notice = services.notice_publish(
        actor=admin_user,
        procedures=procedures,
        step=Step.ANNOUNCEMENT,
        starts_on=on,
        objection_channel=lf.OBJECTIONS,
    )

    def listed(user) -> list[str]:
        response = login(user).get(f"{A}/notices/{notice.pk}")
        assert response.status_code == 200
        return [row["household"]["head_name"] for row in response.json()["households"]]

    assert listed(other_town_officer) == [lw.l.head_name]
    assert sorted(listed(county_officer)) == sorted([lw.g.head_name, lw.l.head_name])


def test_lines_are_read_by_everyone(login, viewer):
    lf.lines()
    lines = login(viewer).get(f"{A}/lines").json()
    assert {(line["kind"], line["year"]) for line in lines} >= {
        ("poverty", 2014),
        ("monitoring", 2021),
    }
