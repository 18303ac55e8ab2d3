import datetime as dt
import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuanglian.conftest import GUOJIA, LONGCHENG, NUANQUAN, QINAN
from shuanglian.core.idcard import ID_CHECKSUM, ID_DATE, ID_PROVINCE, build_id, check_char
from shuanglian.core.pagination import CURSOR_INVALID
from shuanglian.households.tests import factories as households
from shuanglian.pairings import services as pairing_services
from shuanglian.pairings.models import VillageRole
from shuanglian.pairings.tests import factories as pairings
from shuanglian.regions.selectors import REGION_NOT_FOUND
from shuanglian.regions.tests.pages import (
    assert_login_redirect,
    assert_same_404,
    normalised,
    text,
    zh,
)
from shuanglian.units.models import Cadre, CadreRank, Unit, UnitKind, UnitLevel
from shuanglian.units.services import (
    CADRE_DUPLICATE_ID,
    CADRE_DUPLICATE_ID_ELSEWHERE,
    CADRE_STILL_PAIRED,
    UNIT_DUPLICATE,
)
from shuanglian.units.tests import factories

MISSING = 999999


@pytest.fixture
def data(admin_user):
    """A county unit paired in 郭嘉镇, a town unit of 郭嘉镇, and a unit of 陇城镇."""
    county = factories.unit(actor=admin_user, name="县委宣传部", leader_name="李爱仙")
    pairings.village_pairing(actor=admin_user, unit=county, village=NUANQUAN)
    school = factories.unit(
        actor=admin_user,
        name="郭嘉中学",
        region=GUOJIA,
        kind=UnitKind.SCHOOL,
        level=UnitLevel.TOWNSHIP,
    )
    pairings.village_pairing(
        actor=admin_user, unit=school, village=NUANQUAN, role=VillageRole.MEMBER
    )
    other = factories.unit(
        actor=admin_user, name="陇城镇政府", region=LONGCHENG, level=UnitLevel.TOWNSHIP
    )
    cadre = factories.cadre(
        actor=admin_user,
        unit=county,
        name="王建祥",
        position="副部长",
        rank=CadreRank.SECTION,
        phone="13812345678",
        id_number=households.id_number(),
    )
    household = households.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    pairings.household_pairing(actor=admin_user, household=household, cadre=cadre)
    return {
        "county": county,
        "school": school,
        "other": other,
        "cadre": cadre,
        "household": household,
    }


def unit_form(**overrides):
    values = {
        "name": "县民政局",
        "short_name": "民政局",
        "kind": UnitKind.PARTY_GOVERNMENT,
        "level": UnitLevel.COUNTY,
        "home_region": QINAN,
        "leader_name": "邵维基",
        "leader_post": "局长",
    }
    values.update(overrides)
    return values


def cadre_form(**overrides):
    values = {
        "name": "李爱仙",
        "position": "科员",
        "rank": CadreRank.STAFF,
        "phone": "",
        "id_number": "",
    }
    values.update(overrides)
    return values


def url(name, *args):
    return reverse(f"units:{name}", args=args)


# Anonymous, viewer, out of scope.


def test_anonymous_is_sent_to_login(client, data):
    unit, cadre = data["county"].pk, data["cadre"].pk
    for address in (
        url("list"),
        url("create"),
        url("detail", unit),
        url("update", unit),
        url("cadre_create", unit),
        url("cadre_detail", cadre),
        url("cadre_update", cadre),
    ):
        assert_login_redirect(client.get(address))
        assert_login_redirect(client.post(address, {}))
    assert Unit.objects.count() == 3


def test_viewer_may_not_open_write_pages(login, viewer, data):
    client = login(viewer)
    unit, cadre = data["county"], data["cadre"]
    writes = {
        url("create"): unit_form(),
        url("update", unit.pk): unit_form(name="改名"),
        url("cadre_create", unit.pk): cadre_form(),
        url("cadre_update", cadre.pk): cadre_form(name="改名", is_active="on"),
    }
    for address, payload in writes.items():
        assert client.get(address).status_code == 403
        assert client.post(address, payload).status_code == 403
    assert Unit.objects.count() == 3 and Cadre.objects.count() == 1
    unit.refresh_from_db()
    assert unit.name == "县委宣传部"
    page = text(client.get(url("detail", unit.pk)))
    assert url("update", unit.pk) not in page and url("cadre_create", unit.pk) not in page


def test_out_of_scope_is_like_nonexistent(login, other_town_officer, data):
    client = login(other_town_officer)
    unit, cadre = data["county"].pk, data["cadre"].pk
    for name in ("detail", "update", "cadre_create"):
        assert_same_404(client, url(name, unit), url(name, MISSING))
        assert_same_404(client, url(name, unit), url(name, MISSING), method="post")
    for name in ("cadre_detail", "cadre_update"):
        assert_same_404(client, url(name, cadre), url(name, MISSING))
    assert client.get(url("detail", data["other"].pk)).status_code == 200


def _unit_state(unit):
    unit.refresh_from_db()
    return (
        unit.name,
        unit.short_name,
        unit.kind,
        unit.level,
        unit.home_region_id,
        unit.leader_name,
    )


def _cadre_state(cadre):
    cadre.refresh_from_db()
    return (
        cadre.name,
        cadre.position,
        cadre.rank,
        cadre.is_active,
        cadre.phone_index,
        cadre.phone_masked,
        cadre.id_number_index,
    )


def test_out_of_scope_post_to_update_and_cadre_update_is_like_nonexistent(
    login, other_town_officer, data
):
    """A full, valid payload sent to another town's unit or cadre: 404 as if absent; no change."""
    from shuanglian.core.models import AuditEvent

    client = login(other_town_officer)
    unit, cadre = data["county"], data["cadre"]
    unit_before, cadre_before = _unit_state(unit), _cadre_state(cadre)
    events = AuditEvent.objects.count()

    assert_same_404(client, url("update", unit.pk), url("update", MISSING), method="post")
    assert_same_404(
        client, url("cadre_update", cadre.pk), url("cadre_update", MISSING), method="post"
    )
    writes = {
        "update": (unit.pk, unit_form(name="改名", home_region=LONGCHENG)),
        "cadre_update": (
            cadre.pk,
            cadre_form(name="改名", phone="13987654321", clear_id_number="on", is_active=""),
        ),
    }
    for name, (pk, payload) in writes.items():
        hidden = client.post(url(name, pk), payload)
        absent = client.post(url(name, MISSING), payload)
        assert hidden.status_code == absent.status_code == 404, name
        assert normalised(hidden, url(name, pk)) == normalised(absent, url(name, MISSING)), name
        assert "改名" not in text(hidden)

    assert _unit_state(unit) == unit_before
    assert _cadre_state(cadre) == cadre_before
    assert AuditEvent.objects.count() == events


# The list.


def test_list_shows_the_units_in_scope(login, town_officer, data):
    response = login(town_officer).get(url("list"))
    assert response.status_code == 200
    page = text(response)
    assert "县委宣传部" in page and "郭嘉中学" in page
    assert "陇城镇政府" not in page
    assert 'href="?' not in page  # one page only: no next link


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": UnitKind.SCHOOL}, {"郭嘉中学"}),
        ({"level": UnitLevel.COUNTY}, {"县委宣传部"}),
        ({"region": LONGCHENG}, {"陇城镇政府"}),
        ({"region": "620522104"}, {"县委宣传部", "郭嘉中学"}),
        ({"q": "中学"}, {"郭嘉中学"}),
    ],
)
def test_list_filters(login, admin_user, data, params, expected):
    page = text(login(admin_user).get(url("list"), params))
    shown = {name for name in ("县委宣传部", "郭嘉中学", "陇城镇政府") if f">{name}</a>" in page}
    assert shown == expected


def test_list_pages_with_a_cursor(login, admin_user, data, settings):
    settings.PAGE_SIZE = 2
    client = login(admin_user)
    first = text(client.get(url("list"), {"level": ""}))
    assert ">县委宣传部</a>" in first and ">郭嘉中学</a>" in first
    assert ">陇城镇政府</a>" not in first
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "cursor=" in next_link and "page=" not in next_link
    second = text(client.get(url("list") + next_link))
    assert ">陇城镇政府</a>" in second and ">县委宣传部</a>" not in second
    assert 'rel="next"' not in second


def test_list_keeps_filters_on_the_next_page(login, admin_user, data, settings):
    settings.PAGE_SIZE = 1
    page = text(login(admin_user).get(url("list"), {"region": "620522104"}))
    assert "region=620522104&amp;cursor=" in page


def test_list_bad_cursor_and_bad_filter(login, admin_user, data):
    client = login(admin_user)
    response = client.get(url("list"), {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert zh(CURSOR_INVALID) in text(response)
    assert client.get(url("list"), {"region": "abc"}).status_code == 400
    assert client.get(url("list"), {"kind": "nonsense"}).status_code == 400


def test_list_queries_are_bounded(login, admin_user, django_assert_max_num_queries):
    for n in range(8):
        unit = factories.unit(actor=admin_user, name=f"单位{n}")
        factories.cadre(actor=admin_user, unit=unit, name=f"干部{n}")
    client = login(admin_user)
    with django_assert_max_num_queries(6):
        response = client.get(url("list"))
    assert text(response).count('href="/units/') >= 8


def queries_of(client, address, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, params or {})
    assert response.status_code == 200
    return len(queries)


def _more_units(admin_user, how_many: int, prefix: str):
    """Units of the county and of 郭嘉镇, each with cadres and paired with 暖泉村."""
    for n in range(how_many):
        region = QINAN if n % 2 else GUOJIA
        level = UnitLevel.COUNTY if n % 2 else UnitLevel.TOWNSHIP
        unit = factories.unit(actor=admin_user, name=f"{prefix}{n}", region=region, level=level)
        pairings.village_pairing(
            actor=admin_user, unit=unit, village=NUANQUAN, role=VillageRole.MEMBER
        )
        for k in range(3):
            factories.cadre(actor=admin_user, unit=unit, name=f"{prefix}干部{n}{k}")


@pytest.mark.parametrize(
    ("persona", "params"),
    [
        ("admin_user", {}),
        ("town_officer", {}),
        ("county_officer", {"region": "620522104"}),
        ("county_officer", {"kind": UnitKind.PARTY_GOVERNMENT, "q": "单位"}),
    ],
)
def test_list_queries_do_not_grow_with_units(
    request, login, admin_user, data, persona, params, django_assert_num_queries
):
    client = login(request.getfixturevalue(persona))
    _more_units(admin_user, 2, "单位")
    few = queries_of(client, url("list"), params)
    _more_units(admin_user, 10, "新单位")
    with django_assert_num_queries(few):
        response = client.get(url("list"), params)
    assert response.status_code == 200
    assert len(response.context["units"]) >= 12


def test_detail_queries_do_not_grow_with_cadres_and_pairings(
    login, admin_user, town_officer, data, django_assert_num_queries
):
    unit = data["county"]
    villages = ["620522104201", "620522104202", "620522104204", "620522104205"]
    personas = (admin_user, town_officer)
    few = {persona: queries_of(login(persona), url("detail", unit.pk)) for persona in personas}
    # Many more cadres, each with households, and the unit paired with more villages
    # (one of those pairings ended: history is listed too).
    for n, village in enumerate(villages):
        pairing = pairings.village_pairing(actor=admin_user, unit=unit, village=village)
        for k in range(2):
            cadre = factories.cadre(
                actor=admin_user, unit=unit, name=f"干部{n}{k}", phone=f"1391234{n}{k}00"
            )
            household = households.household(
                actor=admin_user, village=village, head_name=f"户主{n}{k}"
            )
            pairings.household_pairing(actor=admin_user, household=household, cadre=cadre)
        if n == 0:
            pairing_services.village_pairing_end(
                actor=admin_user, pairing=pairing, end_date=dt.date(2013, 1, 1)
            )
    for persona in personas:
        client = login(persona)
        with django_assert_num_queries(few[persona]):
            response = client.get(url("detail", unit.pk))
        assert response.status_code == 200
        assert len(response.context["cadres"]) == 9
        assert len(response.context["pairings"]) == 5


def test_cadre_detail_queries_do_not_grow_with_household_pairings(
    login, admin_user, town_officer, data, django_assert_num_queries
):
    cadre = data["cadre"]
    personas = (admin_user, town_officer)
    one = {
        persona: queries_of(login(persona), url("cadre_detail", cadre.pk)) for persona in personas
    }
    made = []
    for n in range(8):
        household = households.household(actor=admin_user, village=NUANQUAN, head_name=f"户{n}")
        made.append(pairings.household_pairing(actor=admin_user, household=household, cadre=cadre))
    for pairing in made[:3]:
        pairing_services.household_pairing_end(
            actor=admin_user, pairing=pairing, end_date=dt.date(2013, 1, 1)
        )
    for persona in personas:
        client = login(persona)
        with django_assert_num_queries(one[persona]):
            response = client.get(url("cadre_detail", cadre.pk))
        assert response.status_code == 200
        assert len(response.context["pairings"]) == 9


# Units: create, detail, update.


def test_create_unit(login, county_officer, regions):
    client = login(county_officer)
    assert client.get(url("create")).status_code == 200
    response = client.post(url("create"), unit_form())
    unit = Unit.objects.get(name="县民政局")
    assert response.status_code == 302 and response["Location"] == url("detail", unit.pk)
    assert unit.home_region_id == QINAN and unit.kind == UnitKind.PARTY_GOVERNMENT


def test_create_unit_with_unknown_region(login, admin_user, regions):
    response = login(admin_user).post(url("create"), unit_form(home_region="620522104999"))
    assert response.status_code == 400
    assert zh(REGION_NOT_FOUND, code="620522104999") in text(response)
    assert not Unit.objects.exists()


def test_create_unit_with_malformed_region(login, admin_user, regions):
    response = login(admin_user).post(url("create"), unit_form(home_region="6205"))
    assert response.status_code == 400
    assert not Unit.objects.exists()


def test_create_duplicate_unit(login, admin_user, data):
    response = login(admin_user).post(url("create"), unit_form(name="县委宣传部"))
    assert response.status_code == 409
    assert zh(UNIT_DUPLICATE, name="县委宣传部", region="秦安县") in text(response)
    assert Unit.objects.count() == 3


def test_town_officer_cannot_create_a_county_unit(login, town_officer, regions):
    # The county is above the officer's area: it reads like any region they cannot see.
    response = login(town_officer).post(url("create"), unit_form())
    assert response.status_code == 400
    assert zh(REGION_NOT_FOUND, code="620522000000") in text(response)
    assert not Unit.objects.exists()


def test_unit_detail(login, town_officer, data):
    unit = data["county"]
    response = login(town_officer).get(url("detail", unit.pk))
    assert response.status_code == 200
    page = text(response)
    assert "县委宣传部" in page and "李爱仙" in page
    # Cadres with household counts, phone masked only.
    assert url("cadre_detail", data["cadre"].pk) in page
    assert data["cadre"].phone_masked in page and "13812345678" not in page
    assert 'data-count="households">1</td>' in page
    # Village pairings with an end button the town officer may use.
    pairing = unit.village_pairings.get()
    assert reverse("regions:detail", args=[NUANQUAN]) in page
    assert reverse("pairings:village_end", args=[pairing.pk]) in page
    assert reverse("pairings:village_create", args=[unit.pk]) in page
    # The unit itself belongs to the county: the town officer may not edit it.
    assert url("update", unit.pk) not in page
    assert url("cadre_create", unit.pk) not in page


def test_unit_detail_shows_pairing_history(login, admin_user, data):
    from shuanglian.pairings.services import village_pairing_end

    pairing = data["county"].village_pairings.get()
    village_pairing_end(actor=admin_user, pairing=pairing, end_date=pairing.start_date)
    page = text(login(admin_user).get(url("detail", data["county"].pk)))
    assert "暖泉村" in page
    assert reverse("pairings:village_end", args=[pairing.pk]) not in page


def test_update_unit(login, county_officer, data):
    unit = data["county"]
    client = login(county_officer)
    response = client.get(url("update", unit.pk))
    assert response.status_code == 200 and 'value="县委宣传部"' in text(response)
    response = client.post(url("update", unit.pk), unit_form(name="县委宣传部（新）"))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "县委宣传部（新）" and unit.leader_name == "邵维基"


def test_create_unit_without_a_name(login, admin_user, regions):
    """A blank name never reaches the service (UNIT_NAME_REQUIRED): the form refuses it first."""
    client = login(admin_user)
    required = zh(forms.Field.default_error_messages["required"])
    for blank in ("", "   "):
        response = client.post(url("create"), unit_form(name=blank))
        assert response.status_code == 400
        assert required in text(response)
        assert not Unit.objects.exists()


def test_update_unit_to_a_blank_name(login, county_officer, data):
    unit = data["county"]
    before = _unit_state(unit)
    response = login(county_officer).post(url("update", unit.pk), unit_form(name=" "))
    assert response.status_code == 400
    assert zh(forms.Field.default_error_messages["required"]) in text(response)
    assert _unit_state(unit) == before


def _invalid_choice(value: str) -> str:
    """The form's refusal of a value outside the choices (CADRE_RANK_INVALID never shows)."""
    return zh(forms.ChoiceField.default_error_messages["invalid_choice"]) % {"value": value}


def test_create_cadre_with_an_unknown_rank(login, admin_user, data):
    response = login(admin_user).post(
        url("cadre_create", data["county"].pk), cadre_form(rank="marshal")
    )
    assert response.status_code == 400
    assert _invalid_choice("marshal") in text(response)
    assert Cadre.objects.count() == 1


def test_update_cadre_with_an_unknown_rank(login, county_officer, data):
    cadre = data["cadre"]
    before = _cadre_state(cadre)
    response = login(county_officer).post(
        url("cadre_update", cadre.pk), cadre_form(name="王建祥", rank="marshal", is_active="on")
    )
    assert response.status_code == 400
    assert _invalid_choice("marshal") in text(response)
    assert _cadre_state(cadre) == before


def test_update_unit_to_a_duplicate_name(login, admin_user, data):
    factories.unit(actor=admin_user, name="县民政局")
    unit = data["county"]
    response = login(admin_user).post(url("update", unit.pk), unit_form())
    assert response.status_code == 409
    assert zh(UNIT_DUPLICATE, name="县民政局", region="秦安县") in text(response)
    unit.refresh_from_db()
    assert unit.name == "县委宣传部"


# Cadres.


def test_create_cadre(login, county_officer, data):
    unit = data["county"]
    client = login(county_officer)
    assert client.get(url("cadre_create", unit.pk)).status_code == 200
    number = households.id_number()
    response = client.post(
        url("cadre_create", unit.pk), cadre_form(phone="13987654321", id_number=number)
    )
    assert response.status_code == 302 and response["Location"] == url("detail", unit.pk)
    cadre = Cadre.objects.get(name="李爱仙")
    assert cadre.unit == unit and cadre.rank == CadreRank.STAFF
    page = text(client.get(url("cadre_detail", cadre.pk)))
    assert cadre.id_number_masked in page and number not in page
    assert cadre.phone_masked in page and "13987654321" not in page
    assert 'class="masked"' in page


def _broken(number: str, how: str) -> str:
    if how == "checksum":
        return number[:-1] + ("0" if number[-1] != "0" else "1")
    if how == "date":
        body = "620522" + "19701345" + "001"
        return body + check_char(body)
    return build_id("990522", dt.date(1970, 1, 1), 1)


@pytest.mark.parametrize(
    ("how", "message", "values"),
    [
        ("checksum", ID_CHECKSUM, {}),
        ("date", ID_DATE, {"date": "1970-13-45"}),
        ("province", ID_PROVINCE, {"code": "99"}),
    ],
)
def test_create_cadre_with_a_bad_id_number(login, admin_user, data, how, message, values):
    bad = _broken(households.id_number(), how)
    response = login(admin_user).post(
        url("cadre_create", data["county"].pk), cadre_form(id_number=bad, phone="13987654321")
    )
    assert response.status_code == 400
    assert zh(message, **values) in text(response)
    # The form comes back without the personal data that was typed.
    assert bad not in text(response) and "13987654321" not in text(response)
    assert Cadre.objects.count() == 1


def test_create_cadre_with_a_registered_id_number(login, admin_user, data):
    cadre = data["cadre"]
    response = login(admin_user).post(
        url("cadre_create", data["school"].pk),
        cadre_form(id_number=cadre.reveal_id_number()),
    )
    assert response.status_code == 409
    expected = zh(
        CADRE_DUPLICATE_ID, masked=cadre.id_number_masked, name="王建祥", unit="县委宣传部"
    )
    assert expected in text(response)
    assert cadre.reveal_id_number() not in text(response)
    assert Cadre.objects.count() == 1


def test_registered_id_number_outside_the_area_does_not_name_the_cadre(
    login, other_town_officer, data
):
    cadre = data["cadre"]
    response = login(other_town_officer).post(
        url("cadre_create", data["other"].pk), cadre_form(id_number=cadre.reveal_id_number())
    )
    assert response.status_code == 409
    assert zh(CADRE_DUPLICATE_ID_ELSEWHERE, masked=cadre.id_number_masked) in text(response)
    assert "王建祥" not in text(response)
    assert Cadre.objects.count() == 1


def test_unit_page_shows_only_pairings_and_households_in_the_area(
    login, admin_user, other_town_officer, data
):
    county, cadre = data["county"], data["cadre"]
    longcheng_village = "620522103200"
    pairings.village_pairing(actor=admin_user, unit=county, village=longcheng_village)
    far = households.household(actor=admin_user, village=longcheng_village, head_name="李四")
    pairings.household_pairing(actor=admin_user, household=far, cadre=cadre)

    page = text(login(other_town_officer).get(url("detail", county.pk)))
    assert longcheng_village in page and NUANQUAN not in page
    cadre_row = re.search(rf'<tr[^>]*data-cadre="{cadre.pk}".*?</tr>', page, re.S).group(0)
    assert re.search(r'data-count="households">1<', cadre_row)

    api = login(other_town_officer).get(f"/api/v1/units/{county.pk}").json()
    assert [p["village"]["code"] for p in api["village_pairings"]] == [longcheng_village]


def test_cadre_detail_lists_household_pairings(login, town_officer, data):
    response = login(town_officer).get(url("cadre_detail", data["cadre"].pk))
    assert response.status_code == 200
    page = text(response)
    household = data["household"]
    assert reverse("households:detail", args=[household.pk]) in page
    assert household.number in page and "孙旺奎" in page
    pairing = household.pairings.get()
    assert reverse("pairings:household_end", args=[pairing.pk]) in page
    assert "13812345678" not in page


def test_cadre_detail_hides_households_outside_the_scope(login, admin_user, town_officer, data):
    cadre, county = data["cadre"], data["county"]
    pairings.village_pairing(actor=admin_user, unit=county, village="620522103200")
    elsewhere = households.household(actor=admin_user, village="620522103200", head_name="赵六")
    pairings.household_pairing(actor=admin_user, household=elsewhere, cadre=cadre)
    page = text(login(town_officer).get(url("cadre_detail", cadre.pk)))
    assert "孙旺奎" in page and "赵六" not in page
    assert "赵六" in text(login(admin_user).get(url("cadre_detail", cadre.pk)))


def test_cadre_detail_keeps_ended_household_pairings(login, admin_user, town_officer, data):
    cadre, household = data["cadre"], data["household"]
    pairing = household.pairings.get()
    pairing_services.household_pairing_end(
        actor=admin_user, pairing=pairing, end_date=dt.date(2013, 6, 30)
    )
    current = households.household(actor=admin_user, village=NUANQUAN, head_name="赵四")
    pairings.household_pairing(actor=admin_user, household=current, cadre=cadre)
    response = login(town_officer).get(url("cadre_detail", cadre.pk))
    assert response.status_code == 200
    page = text(response)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page.split('id="household-pairings"')[1], re.S)
    ended = next(row for row in rows if household.number in row)
    assert "孙旺奎" in ended
    assert "2012-03-01" in ended and "2013-06-30" in ended
    assert 'class="text-body-secondary"' in ended
    assert reverse("pairings:household_end", args=[pairing.pk]) not in page
    # The current pairing is listed first and can still be ended.
    assert current.number in rows[1] and household.number in rows[2]
    current_pairing = current.pairings.get()
    assert reverse("pairings:household_end", args=[current_pairing.pk]) in page


def test_update_cadre_keeps_phone_unless_changed(login, county_officer, data):
    cadre = data["cadre"]
    client = login(county_officer)
    response = client.get(url("cadre_update", cadre.pk))
    assert response.status_code == 200
    page = text(response)
    assert cadre.phone_masked in page and "13812345678" not in page
    masked = cadre.phone_masked
    response = client.post(
        url("cadre_update", cadre.pk), cadre_form(name="王建祥", position="部长", is_active="on")
    )
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.position == "部长" and cadre.phone_masked == masked and cadre.is_active
    response = client.post(
        url("cadre_update", cadre.pk), cadre_form(name="王建祥", clear_phone="on")
    )
    # Still responsible for a household: cannot be made inactive, and nothing changes.
    assert response.status_code == 409
    assert zh(CADRE_STILL_PAIRED, cadre="王建祥", count=1) in text(response)
    cadre.refresh_from_db()
    assert cadre.phone_masked == masked and cadre.is_active
    pairing = cadre.household_pairings.get()
    pairing_services.household_pairing_end(
        actor=county_officer, pairing=pairing, end_date=pairing.start_date
    )
    client.post(url("cadre_update", cadre.pk), cadre_form(name="王建祥", clear_phone="on"))
    cadre.refresh_from_db()
    assert cadre.phone_masked == "" and not cadre.is_active


def test_unit_page_shows_overdue_measures_and_decisions(login, admin_user, town_officer, data):
    from shuanglian.assistance.services import household_plan_save, measure_add
    from shuanglian.meetings.services import meeting_create, meeting_decision_add

    unit = data["county"]
    plan = household_plan_save(actor=admin_user, household=data["household"], year=2012)
    measure_add(
        actor=admin_user,
        plan=plan,
        type="water",
        description="接通自来水入户",
        responsible_unit=unit,
        due_date=dt.date(2012, 10, 1),
    )
    meeting = meeting_create(
        actor=admin_user,
        type="progress",
        title="郭嘉镇双联推进会",
        held_on=dt.date(2012, 8, 14),
        place_code=GUOJIA,
        attending_unit_ids=[unit.pk],
    )
    meeting_decision_add(
        actor=admin_user,
        meeting=meeting,
        title="九月底前完成联系户帮扶计划",
        owner_unit=unit,
        due_date=dt.date(2012, 9, 30),
    )
    page = text(login(town_officer).get(url("detail", unit.pk)))
    assert "接通自来水入户" in page
    assert "九月底前完成联系户帮扶计划" in page
