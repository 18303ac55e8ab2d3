import datetime as dt

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuanglian.conftest import GUOJIA, HUAIMIAO, NUANQUAN
from shuanglian.households.tests import factories as households
from shuanglian.pairings.forms import VILLAGE_CODE_FORMAT
from shuanglian.pairings.models import HouseholdPairing, VillagePairing, VillageRole
from shuanglian.pairings.services import (
    HOUSEHOLD_PAIRING_OVERLAP,
    HOUSEHOLD_PAIRING_SAME,
    PAIRING_ALREADY_ENDED,
    PAIRING_END_BEFORE_START,
    PAIRING_NOT_VILLAGE,
    VILLAGE_LEAD_TAKEN,
    VILLAGE_PAIRING_OVERLAP,
)
from shuanglian.pairings.tests import factories
from shuanglian.regions.selectors import REGION_NOT_FOUND
from shuanglian.regions.tests.pages import (
    assert_login_redirect,
    assert_same_404,
    normalised,
    text,
    zh,
)
from shuanglian.units import services as unit_services
from shuanglian.units.tests import factories as units

MISSING = 999999
START = dt.date(2012, 3, 1)


@pytest.fixture
def data(admin_user):
    """Two units at 暖泉村 (lead, member), a third unpaired one; a household with a cadre."""
    lead = units.unit(actor=admin_user, name="天水市人大", region="620500000000")
    member = units.unit(actor=admin_user, name="郭嘉中学", region=GUOJIA)
    idle = units.unit(actor=admin_user, name="县建行")
    lead_pairing = factories.village_pairing(actor=admin_user, unit=lead, village=NUANQUAN)
    factories.village_pairing(
        actor=admin_user, unit=member, village=NUANQUAN, role=VillageRole.MEMBER
    )
    first = units.cadre(actor=admin_user, unit=lead, name="王建祥", position="副主任")
    second = units.cadre(actor=admin_user, unit=member, name="李爱仙")
    retired = units.cadre(actor=admin_user, unit=member, name="孙旺奎")
    unit_services.cadre_update(actor=admin_user, cadre=retired, name="孙旺奎", is_active=False)
    outsider = units.cadre(actor=admin_user, unit=idle, name="邵维基")
    household = households.household(actor=admin_user, village=NUANQUAN, head_name="张三")
    pairing = factories.household_pairing(
        actor=admin_user, household=household, cadre=first, start=START
    )
    return {
        "lead": lead,
        "member": member,
        "idle": idle,
        "lead_pairing": lead_pairing,
        "first": first,
        "second": second,
        "retired": retired,
        "outsider": outsider,
        "household": household,
        "pairing": pairing,
    }


def url(name, *args):
    return reverse(f"pairings:{name}", args=args)


def counts():
    return (
        VillagePairing.objects.count(),
        VillagePairing.objects.filter(end_date__isnull=True).count(),
        HouseholdPairing.objects.count(),
        HouseholdPairing.objects.filter(end_date__isnull=True).count(),
    )


def write_pages(data):
    """Every write page of this app with a valid payload."""
    return {
        url("village_create", data["idle"].pk): {
            "village": HUAIMIAO,
            "role": VillageRole.LEAD,
            "start_date": "2013-01-01",
        },
        url("village_end", data["lead_pairing"].pk): {"end_date": "2013-01-01"},
        url("household_assign", data["household"].pk): {
            "cadre": data["second"].pk,
            "start_date": "2013-01-01",
        },
        url("household_end", data["pairing"].pk): {"end_date": "2013-01-01"},
    }


# Anonymous, viewer, out of scope.


def test_anonymous_is_sent_to_login(client, data):
    before = counts()
    for address, payload in write_pages(data).items():
        assert_login_redirect(client.get(address))
        assert_login_redirect(client.post(address, payload))
    assert counts() == before


def test_viewer_gets_403_on_every_page(login, viewer, data):
    client = login(viewer)
    before = counts()
    for address, payload in write_pages(data).items():
        assert client.get(address).status_code == 403, address
        assert client.post(address, payload).status_code == 403, address
    assert counts() == before


def test_out_of_scope_is_like_nonexistent(login, other_town_officer, data):
    client = login(other_town_officer)
    before = counts()
    targets = {
        "village_create": data["idle"].pk,
        "village_end": data["lead_pairing"].pk,
        "household_assign": data["household"].pk,
        "household_end": data["pairing"].pk,
    }
    for name, pk in targets.items():
        assert_same_404(client, url(name, pk), url(name, MISSING))
        assert_same_404(client, url(name, pk), url(name, MISSING), method="post")
    assert counts() == before


# Units with villages.


def test_pair_a_unit_with_a_village(login, county_officer, data):
    client = login(county_officer)
    unit = data["idle"]
    response = client.get(url("village_create", unit.pk), {"village": HUAIMIAO})
    assert response.status_code == 200 and f'value="{HUAIMIAO}"' in text(response)
    response = client.post(
        url("village_create", unit.pk), write_pages(data)[url("village_create", unit.pk)]
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[unit.pk])
    pairing = VillagePairing.objects.get(unit=unit)
    assert pairing.village_id == HUAIMIAO and pairing.role == VillageRole.LEAD
    assert pairing.start_date == dt.date(2013, 1, 1) and pairing.is_active


def test_town_officer_pairs_a_county_unit_with_a_village_of_the_town(login, town_officer, data):
    response = login(town_officer).post(
        url("village_create", data["lead"].pk),
        {"village": HUAIMIAO, "role": VillageRole.MEMBER, "start_date": "2013-01-01"},
    )
    assert response.status_code == 302
    assert VillagePairing.objects.filter(unit=data["lead"], village_id=HUAIMIAO).exists()


def test_a_village_outside_the_scope_reads_as_unknown(login, town_officer, data):
    before = counts()
    client = login(town_officer)
    answers = []
    for code in ("620522103200", "620522104999"):
        response = client.post(
            url("village_create", data["lead"].pk),
            {"village": code, "role": VillageRole.MEMBER, "start_date": "2013-01-01"},
        )
        assert response.status_code == 400
        assert zh(REGION_NOT_FOUND, code=code) in text(response)
        answers.append(normalised(response, code))
    assert answers[0] == answers[1]
    assert counts() == before


def test_pair_with_a_township_is_refused(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("village_create", data["idle"].pk),
        {"village": GUOJIA, "role": VillageRole.MEMBER, "start_date": "2013-01-01"},
    )
    assert response.status_code == 400
    with_level = zh(PAIRING_NOT_VILLAGE, name="郭嘉镇", code=GUOJIA, level="{level}")
    from django.utils.translation import override

    from shuanglian.regions.models import Level

    with override("zh-hans"):
        level = str(Level.TOWNSHIP.label)
    assert with_level.replace("{level}", level) in text(response)
    assert counts() == before


def test_pair_twice_with_the_same_village_is_refused(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("village_create", data["member"].pk),
        {"village": NUANQUAN, "role": VillageRole.MEMBER, "start_date": "2013-01-01"},
    )
    assert response.status_code == 409
    expected = zh(VILLAGE_PAIRING_OVERLAP, unit="郭嘉中学", village="暖泉村", start=START)
    assert expected in text(response)
    assert counts() == before


def test_second_lead_unit_is_refused(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("village_create", data["idle"].pk),
        {"village": NUANQUAN, "role": VillageRole.LEAD, "start_date": "2013-01-01"},
    )
    assert response.status_code == 409
    assert zh(VILLAGE_LEAD_TAKEN, village="暖泉村", unit="天水市人大") in text(response)
    assert counts() == before


def test_malformed_village_code(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("village_create", data["idle"].pk),
        {"village": "62052210", "role": VillageRole.MEMBER, "start_date": "2013-01-01"},
    )
    assert response.status_code == 400
    assert zh(VILLAGE_CODE_FORMAT) in text(response)
    assert counts() == before


@pytest.mark.parametrize("typed", ["62052210420a", "6205221042000", "暖泉村"])
def test_village_code_must_be_twelve_digits(login, admin_user, data, typed):
    before = counts()
    response = login(admin_user).post(
        url("village_create", data["idle"].pk),
        {"village": typed, "role": VillageRole.MEMBER, "start_date": "2013-01-01"},
    )
    assert response.status_code == 400
    assert zh(VILLAGE_CODE_FORMAT) in text(response)
    assert counts() == before


def test_end_a_village_pairing(login, town_officer, data):
    client = login(town_officer)
    pairing = data["lead_pairing"]
    response = client.get(url("village_end", pairing.pk))
    assert response.status_code == 200
    assert "天水市人大" in text(response)
    response = client.post(url("village_end", pairing.pk), {"end_date": "2013-01-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[data["lead"].pk])
    pairing.refresh_from_db()
    assert pairing.end_date == dt.date(2013, 1, 1)
    # The unit's cadres leave the village's households too; the history stays.
    data["pairing"].refresh_from_db()
    assert data["pairing"].end_date == dt.date(2013, 1, 1)
    assert HouseholdPairing.objects.count() == 1


def test_end_a_village_pairing_before_it_started(login, admin_user, data):
    before = counts()
    pairing = data["lead_pairing"]
    response = login(admin_user).post(url("village_end", pairing.pk), {"end_date": "2011-01-01"})
    assert response.status_code == 400
    expected = zh(PAIRING_END_BEFORE_START, end=dt.date(2011, 1, 1), start=START)
    assert expected in text(response)
    assert counts() == before


@pytest.mark.parametrize("kind", ["village", "household"])
def test_ending_an_ended_pairing_again_is_refused(login, admin_user, data, kind):
    from shuanglian.pairings.services import household_pairing_end, village_pairing_end

    if kind == "village":
        pairing = data["lead_pairing"]
        village_pairing_end(actor=admin_user, pairing=pairing, end_date=START)
    else:
        pairing = data["pairing"]
        household_pairing_end(actor=admin_user, pairing=pairing, end_date=START)
    before = counts()
    response = login(admin_user).post(url(f"{kind}_end", pairing.pk), {"end_date": "2013-01-01"})
    assert response.status_code == 400
    assert counts() == before
    pairing.refresh_from_db()
    assert pairing.end_date == START
    assert zh(PAIRING_ALREADY_ENDED) in text(response)


def test_ended_pairing_shows_no_form(login, admin_user, data):
    from shuanglian.pairings.services import village_pairing_end

    pairing = data["lead_pairing"]
    village_pairing_end(actor=admin_user, pairing=pairing, end_date=START)
    response = login(admin_user).get(url("village_end", pairing.pk))
    assert response.status_code == 200
    assert 'name="end_date"' not in text(response)


# Cadres with households.


def test_assign_page_shows_current_cadre_and_the_allowed_choices(login, town_officer, data):
    response = login(town_officer).get(url("household_assign", data["household"].pk))
    assert response.status_code == 200
    page = text(response)
    current = page.split('id="current-cadre"')[1].split("</dd>")[0]
    assert "王建祥" in current and "天水市人大" in current
    assert f'value="{data["second"].pk}"' in page and "李爱仙（郭嘉中学）" in page
    assert "王建祥（天水市人大，副主任）" in page
    assert f'value="{data["retired"].pk}"' not in page
    assert f'value="{data["outsider"].pk}"' not in page


def test_change_the_responsible_cadre(login, town_officer, data):
    household = data["household"]
    response = login(town_officer).post(
        url("household_assign", household.pk),
        {"cadre": data["second"].pk, "start_date": "2013-01-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    data["pairing"].refresh_from_db()
    assert data["pairing"].end_date == dt.date(2013, 1, 1)
    current = HouseholdPairing.objects.get(household=household, end_date__isnull=True)
    assert current.cadre == data["second"]
    assert HouseholdPairing.objects.filter(household=household).count() == 2


def test_assign_a_first_cadre(login, admin_user, data):
    household = households.household(actor=admin_user, village=NUANQUAN, head_name="赵四")
    response = login(admin_user).get(url("household_assign", household.pk))
    assert response.status_code == 200
    response = login(admin_user).post(
        url("household_assign", household.pk),
        {"cadre": data["first"].pk, "start_date": "2013-01-01"},
    )
    assert response.status_code == 302
    assert household.pairings.get().cadre == data["first"]


def test_assign_overlapping_the_active_pairing_is_refused(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("household_assign", data["household"].pk),
        {"cadre": data["second"].pk, "start_date": "2011-01-01"},
    )
    assert response.status_code == 409
    assert zh(HOUSEHOLD_PAIRING_OVERLAP, cadre="王建祥", start=START) in text(response)
    assert counts() == before
    data["pairing"].refresh_from_db()
    assert data["pairing"].is_active


def test_assign_a_cadre_of_an_unpaired_unit_is_refused(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("household_assign", data["household"].pk),
        {"cadre": data["outsider"].pk, "start_date": "2013-01-01"},
    )
    assert response.status_code == 400
    # The choices hold only cadres of units paired with the village, so the form refuses it
    # before the service could say CADRE_UNIT_NOT_PAIRED.
    assert not_a_choice() in text(response)
    assert counts() == before
    data["pairing"].refresh_from_db()
    assert data["pairing"].is_active


def not_a_choice() -> str:
    """The form's refusal of a cadre who is not among the choices offered."""
    return zh(forms.ModelChoiceField.default_error_messages["invalid_choice"])


def test_assign_an_inactive_cadre_is_refused(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("household_assign", data["household"].pk),
        {"cadre": data["retired"].pk, "start_date": "2013-01-01"},
    )
    assert response.status_code == 400
    # Inactive cadres are not offered, so the form refuses it before CADRE_INACTIVE.
    assert not_a_choice() in text(response)
    assert counts() == before


def test_assign_the_current_cadre_again_is_refused(login, town_officer, data):
    before = counts()
    response = login(town_officer).post(
        url("household_assign", data["household"].pk),
        {"cadre": data["first"].pk, "start_date": "2013-01-01"},
    )
    assert response.status_code == 409
    assert zh(HOUSEHOLD_PAIRING_SAME, cadre="王建祥") in text(response)
    assert counts() == before
    data["pairing"].refresh_from_db()
    assert data["pairing"].is_active and data["pairing"].start_date == START


def test_assign_page_queries_do_not_grow_with_cadres(
    login, admin_user, town_officer, data, django_assert_num_queries
):
    address = url("household_assign", data["household"].pk)
    personas = (admin_user, town_officer)
    few = {}
    for persona in personas:
        client = login(persona)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        few[persona] = len(queries)
    for n in range(12):
        unit = data["lead"] if n % 2 else data["member"]
        units.cadre(actor=admin_user, unit=unit, name=f"干部{n}", position=f"科员{n}")
    for persona in personas:
        client = login(persona)
        with django_assert_num_queries(few[persona]):
            response = client.get(address)
        page = text(response)
        assert page.count('<option value="') == 1 + 2 + 12  # the empty choice, 2 + 12 cadres
        assert "干部11（天水市人大，科员11）" in page
        with django_assert_num_queries(few[persona] + 1):  # the form's lookup of the choice
            response = client.post(address, {"cadre": data["outsider"].pk, "start_date": ""})
        assert response.status_code == 400


def test_assign_without_any_paired_unit(login, admin_user, data):
    household = households.household(actor=admin_user, village=HUAIMIAO, head_name="钱七")
    response = login(admin_user).get(url("household_assign", household.pk))
    assert response.status_code == 200
    assert '<select name="cadre"' not in text(response)


def test_end_a_household_pairing(login, town_officer, data):
    client = login(town_officer)
    pairing = data["pairing"]
    response = client.get(url("household_end", pairing.pk))
    assert response.status_code == 200 and "张三" in text(response)
    response = client.post(url("household_end", pairing.pk), {"end_date": "2013-01-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[data["household"].pk])
    pairing.refresh_from_db()
    assert pairing.end_date == dt.date(2013, 1, 1)


def test_end_returns_to_the_cadre_page(login, admin_user, data):
    pairing = data["pairing"]
    back = reverse("units:cadre_detail", args=[data["first"].pk])
    response = login(admin_user).post(
        url("household_end", pairing.pk), {"end_date": "2013-01-01", "next": back}
    )
    assert response["Location"] == back
    response = login(admin_user).post(
        url("village_end", data["lead_pairing"].pk),
        {"end_date": "2013-01-01", "next": "https://example.com/"},
    )
    assert response["Location"] == reverse("units:detail", args=[data["lead"].pk])


def test_end_a_household_pairing_before_it_started(login, admin_user, data):
    before = counts()
    response = login(admin_user).post(
        url("household_end", data["pairing"].pk), {"end_date": "2011-01-01"}
    )
    assert response.status_code == 400
    expected = zh(PAIRING_END_BEFORE_START, end=dt.date(2011, 1, 1), start=START)
    assert expected in text(response)
    assert counts() == before
