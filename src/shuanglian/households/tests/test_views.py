import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from shuanglian.conftest import NUANQUAN
from shuanglian.core.access import WRITE_FORBIDDEN
from shuanglian.core.idcard import ID_CHECKSUM, ID_DATE, ID_PROVINCE, build_id, mask_id
from shuanglian.core.models import AuditEvent
from shuanglian.core.pagination import CURSOR_INVALID
from shuanglian.core.phone import PHONE_INVALID
from shuanglian.households import selectors, services
from shuanglian.households.models import Household, IncomeRecord, Member, Sex
from shuanglian.households.tests import factories as f
from shuanglian.pairings.tests import factories as pf
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import REGION_CODE_INVALID, REGION_NOT_FOUND
from shuanglian.regions.tests.pages import normalised, zh
from shuanglian.units.tests import factories as uf

LONGCHENG_VILLAGE = "620522103200"  # 常营村, 陇城镇
GUOJIA_TOWNSHIP = "620522104000"
NONEXISTENT = 987654321


CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def page_body(response, url) -> str:
    """The body with what differs per request (CSRF token, the page's own path) blanked."""
    return CSRF.sub(r"\1", response.content.decode()).replace(url, "<url>")


def in_chinese(label) -> str:
    """A lazy label (a level, a sex) as the Chinese page shows it."""
    with translation.override("zh-hans"):
        return str(label)


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in text)


def id_ending_in_x() -> str:
    for serial in range(1, 1000):
        number = build_id("620522", dt.date(1975, 5, 5), serial)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID with check character X")


class Pages:
    """A logged-in (or anonymous) client that checks every page for plaintext ID numbers.

    The secrets are every ID number stored (decrypted here, in the test only) plus every
    number the test typed, in the forms typed.
    """

    def __init__(self, client):
        self.client = client
        self.typed: set[str] = set()

    def get(self, url, **params):
        response = self.client.get(url, params)
        self.check(response)
        return response

    def post(self, url, data):
        for key in ("id_number", "phone"):
            if data.get(key):
                self.typed.add(data[key])
        response = self.client.post(url, data)
        self.check(response)
        return response

    def check(self, response):
        body = response.content.decode()
        stored = {m.reveal_id_number() for m in Member.objects.all()}
        for secret in (stored | self.typed) - {""}:
            assert secret not in body


@pytest.fixture
def pages(client):
    def _pages(user=None):
        if user is not None:
            client.force_login(user)
        return Pages(client)

    return _pages


@pytest.fixture
def household(admin_user):
    household = f.household(actor=admin_user, head_name="李爱仙", phone="13812345678")
    f.member(actor=admin_user, household=household, name="王建祥", relation="spouse")
    return household


@pytest.fixture
def far_household(admin_user):
    """A household of 陇城镇: outside the 郭嘉镇 officer's area."""
    return f.household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="孙旺奎")


@pytest.fixture
def paired(admin_user, household):
    """A unit paired with 暖泉村, two cadres, the second currently responsible."""
    unit = uf.unit(actor=admin_user, name="天水市人大", region="620500000000", level="city")
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN)
    first = uf.cadre(actor=admin_user, unit=unit, name="邵维基")
    second = uf.cadre(actor=admin_user, unit=unit, name="孙旺奎", phone="13912345678")
    pf.household_pairing(actor=admin_user, household=household, cadre=first)
    pf.household_pairing(
        actor=admin_user, household=household, cadre=second, start=dt.date(2013, 1, 1)
    )
    return second


def counts():
    return (
        Household.objects.count(),
        Member.objects.count(),
        IncomeRecord.objects.count(),
        AuditEvent.objects.count(),
    )


def head_of(household):
    return household.members.get(relation="head")


def spouse_of(household):
    return household.members.get(relation="spouse")


def household_pages(household):
    """Every page about one household, by (name, url), for scope and role checks."""
    member = spouse_of(household)
    return [
        ("detail", reverse("households:detail", args=[household.pk])),
        ("update", reverse("households:update", args=[household.pk])),
        ("member_create", reverse("households:member_create", args=[household.pk])),
        ("income_save", reverse("households:income_save", args=[household.pk])),
        ("member_update", reverse("households:member_update", args=[member.pk])),
        ("member_end", reverse("households:member_end", args=[member.pk])),
    ]


def nonexistent_url(name):
    return reverse(f"households:{name}", args=[NONEXISTENT])


WRITE_PAGES = ["update", "member_create", "income_save", "member_update", "member_end"]


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin_user", "county_officer", "town_officer"])
def test_every_page_opens_in_scope(request, pages, persona, household, paired):
    user = request.getfixturevalue(persona)
    web = pages(user)
    for name, url in household_pages(household):
        response = web.get(url)
        assert response.status_code == 200, name
    assert web.get(reverse("households:list")).status_code == 200
    assert web.get(reverse("households:create")).status_code == 200
    assert web.get(reverse("households:create"), village=NUANQUAN).status_code == 200
    income = reverse("households:income_save", args=[household.pk])
    assert web.get(income, year="2012").status_code == 200


def test_out_of_scope_answers_exactly_like_nonexistent(
    pages, other_town_officer, household, paired
):
    web = pages(other_town_officer)
    for name, url in household_pages(household):
        response = web.get(url)
        missing = web.get(nonexistent_url(name))
        assert response.status_code == missing.status_code == 404, name
        assert page_body(response, url) == page_body(missing, nonexistent_url(name)), name
        before = counts()
        response = web.post(url, {"name": "x", "ended_on": "2013-01-01", "reason": "other"})
        missing = web.post(nonexistent_url(name), {"name": "x"})
        assert response.status_code == missing.status_code == 404, name
        assert page_body(response, url) == page_body(missing, nonexistent_url(name)), name
        assert counts() == before
    assert web.get(reverse("households:create"), village=NUANQUAN).status_code == 404


def test_out_of_scope_households_are_not_listed(pages, town_officer, household, far_household):
    response = pages(town_officer).get(reverse("households:list"))
    assert household.number in response.content.decode()
    assert far_household.number not in response.content.decode()


def test_viewer_reads_but_every_write_page_is_403(pages, viewer, household, paired):
    web = pages(viewer)
    assert web.get(reverse("households:list")).status_code == 200
    detail = web.get(reverse("households:detail", args=[household.pk]))
    assert detail.status_code == 200
    # No write buttons for a reader.
    assert reverse("households:update", args=[household.pk]) not in detail.content.decode()
    urls = [url for name, url in household_pages(household) if name in WRITE_PAGES]
    urls.append(reverse("households:create"))
    forbidden = zh(WRITE_FORBIDDEN)
    for url in urls:
        before = counts()
        response = web.get(url)
        assert response.status_code == 403, url
        assert forbidden in response.content.decode()
        response = web.post(url, {"name": "x", "year": "2012", "ended_on": "2013-01-01"})
        assert response.status_code == 403, url
        assert counts() == before


def test_users_without_scope_cannot_create(pages, cadre_user, regions):
    web = pages(cadre_user)
    before = counts()
    for response in (
        web.get(reverse("households:create")),
        web.post(reverse("households:create"), create_data()),
    ):
        assert response.status_code == 403
        assert zh(WRITE_FORBIDDEN) in response.content.decode()
    assert counts() == before


def test_anonymous_is_sent_to_login(pages, household):
    web = pages()
    urls = [url for _, url in household_pages(household)]
    urls += [reverse("households:list"), reverse("households:create")]
    for url in urls:
        response = web.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


# --- list ---------------------------------------------------------------------------------


def list_body(web, **params):
    response = web.get(reverse("households:list"), **params)
    return response.status_code, response.content.decode()


def test_list_filters_by_region_category_and_search(pages, admin_user, household, far_household):
    demo = f.household(actor=admin_user, head_name="单志强", category="demonstration")
    web = pages(admin_user)
    status, body = list_body(web, region="620522104")
    assert status == 200
    assert household.number in body and demo.number in body
    assert far_household.number not in body
    _, body = list_body(web, region=LONGCHENG_VILLAGE)
    assert far_household.number in body and household.number not in body
    _, body = list_body(web, category="demonstration")
    assert demo.number in body and household.number not in body
    for q in ("lax", "liaixian", "李爱", household.number):
        _, body = list_body(web, q=q)
        assert household.number in body, q
        assert demo.number not in body, q
    _, body = list_body(web, q="szq")
    assert demo.number in body


def test_list_shows_village_category_members_and_current_cadre(pages, admin_user, paired):
    _, body = list_body(pages(admin_user))
    assert "暖泉村" in body
    assert "村民委员会" not in body
    with translation.override("zh-hans"):
        assert "贫困户" in body
    assert paired.name in body


def test_list_pages_with_a_cursor(pages, admin_user, settings):
    settings.PAGE_SIZE = 2
    numbers = [f.household(actor=admin_user).number for _ in range(5)]
    web = pages(admin_user)
    seen = []
    params = {"region": "620522104"}
    while True:
        response = web.get(reverse("households:list"), **params)
        assert response.status_code == 200
        body = response.content.decode()
        seen += [n for n in numbers if n in body]
        if not response.context["next_cursor"]:
            break
        params = {"region": "620522104", "cursor": response.context["next_cursor"]}
        assert "region=620522104" in body and "cursor=" in body
    assert seen == numbers


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "abc"}, lambda: zh(REGION_CODE_INVALID, value="abc")),
        ({"category": "rich"}, lambda: zh(selectors.CATEGORY_UNKNOWN, value="rich")),
        ({"cursor": "not-a-cursor"}, lambda: zh(CURSOR_INVALID)),
    ],
)
def test_list_bad_filters_are_400_with_the_message(pages, admin_user, household, params, message):
    status, body = list_body(pages(admin_user), **params)
    assert status == 400
    assert message() in body


def test_list_query_count_is_bounded(client, admin_user, django_assert_max_num_queries):
    unit = uf.unit(actor=admin_user)
    pf.village_pairing(actor=admin_user, unit=unit, village=NUANQUAN)
    for i in range(6):
        household = f.household(actor=admin_user)
        cadre = uf.cadre(actor=admin_user, unit=unit, name=f"干部{i}")
        pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    client.force_login(admin_user)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("households:list"), {"region": NUANQUAN})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 6
    assert "干部5" in response.content.decode()


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_members_masked_income_and_pairings(pages, admin_user, household, paired):
    services.income_record_save(
        actor=admin_user, household=household, year=2012, wage_income="3000", population=2
    )
    leaver = f.member(actor=admin_user, household=household, name="孙小红", relation="daughter")
    services.member_end(
        actor=admin_user, member=leaver, ended_on=dt.date(2013, 5, 1), reason="married_out"
    )
    response = pages(admin_user).get(reverse("households:detail", args=[household.pk]))
    body = response.content.decode()
    head = head_of(household)
    assert f'<span class="masked">{head.id_number_masked}</span>' in body
    assert f'<span class="masked">{household.phone_masked}</span>' in body
    assert "13812345678" not in body
    assert "孙小红" in body and "2013-05-01" in body
    assert "1500.00" in body
    assert "邵维基" in body and "孙旺奎" in body and "天水市人大" in body
    assert response.context["detail"].current_pairing.cadre == paired
    assert reverse("households:member_end", args=[spouse_of(household).pk]) in body
    assert reverse("households:member_end", args=[head.pk]) not in body
    assert f"{reverse('households:income_save', args=[household.pk])}?year=2012" in body


def test_detail_query_count_is_bounded(
    client, admin_user, household, paired, django_assert_max_num_queries
):
    for i in range(4):
        f.member(actor=admin_user, household=household, name=f"成员{i}", relation="son")
    for year in (2011, 2012, 2013):
        services.income_record_save(actor=admin_user, household=household, year=year)
    client.force_login(admin_user)
    # 8 for the household itself, and a fixed few for the panels of the procedures, the
    # monitoring and the star ratings, however many members, incomes and records there are.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    assert len(response.context["detail"].members) == 6


# --- household create and update ----------------------------------------------------------


def create_data(**overrides):
    data = {
        "village": NUANQUAN,
        "number": "",
        "category": "poor",
        "poverty_cause_main": "illness",
        "poverty_cause_secondary": "",
        "address": "暖泉村二社",
        "phone": "",
        "name": "孙旺奎",
        "id_number": f.id_number(birth=dt.date(1960, 2, 3)),
        "sex": "",
        "birth_date": "",
        "ethnicity": "汉族",
        "education": "primary",
        "school_status": "",
        "health": "chronic",
        "labour": "ordinary",
        "work_status": "",
    }
    data.update(overrides)
    return data


def test_create_registers_household_and_head(pages, town_officer, regions):
    web = pages(town_officer)
    data = create_data(phone="13812345678")
    response = web.post(reverse("households:create"), data)
    household = Household.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[household.pk])
    assert household.number.startswith(NUANQUAN)
    assert household.phone_masked == "138****5678"
    head = head_of(household)
    assert head.name == "孙旺奎" and head.birth_date == dt.date(1960, 2, 3)
    assert head.reveal_id_number() == data["id_number"]
    follow = web.get(response.url)
    assert household.number in follow.content.decode()


def test_create_with_preselected_village_hides_the_code(pages, town_officer):
    response = pages(town_officer).get(reverse("households:create"), village=NUANQUAN)
    body = response.content.decode()
    assert "暖泉村" in body
    assert f'type="hidden" name="village" value="{NUANQUAN}"' in body


def test_create_accepts_full_width_digits_lower_case_x_and_15_digits(pages, admin_user, regions):
    web = pages(admin_user)
    with_x = id_ending_in_x()
    old = "620522700101123"
    converted = "62052219700101123"
    for typed, stored in [
        (full_width(f.id_number()), None),
        (with_x.lower(), with_x),
        (old, converted),
    ]:
        response = web.post(reverse("households:create"), create_data(id_number=typed))
        assert response.status_code == 302, typed
        head = Household.objects.order_by("-pk").first().members.get()
        if stored:
            assert head.reveal_id_number().startswith(stored)
    head = Household.objects.order_by("-pk").first().members.get()
    assert len(head.reveal_id_number()) == 18
    assert head.birth_date == dt.date(1970, 1, 1) and head.sex == "male"


def bad_id_cases():
    good = f.id_number()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    bad_date = build_id("620522", dt.date(1970, 1, 1), 5).replace("19700101", "19701301")
    bad_date = bad_date[:17] + "0"
    bad_province = "99" + good[2:]
    return [
        (wrong_check, lambda: zh(ID_CHECKSUM)),
        (bad_date, lambda: zh(ID_DATE, date="1970-13-01")),
        (bad_province, lambda: zh(ID_PROVINCE, code="99")),
    ]


@pytest.mark.parametrize(("typed", "message"), bad_id_cases())
def test_create_refuses_invalid_id_numbers(pages, admin_user, regions, typed, message):
    before = counts()
    response = pages(admin_user).post(reverse("households:create"), create_data(id_number=typed))
    assert response.status_code == 400
    assert message() in response.content.decode()
    assert counts() == before


def test_create_refuses_a_duplicate_person(pages, admin_user, household):
    web = pages(admin_user)
    person = head_of(household)
    existing_id = person.reveal_id_number()
    before = counts()
    response = web.post(reverse("households:create"), create_data(id_number=existing_id))
    assert response.status_code == 409
    body = response.content.decode()
    assert duplicate_message(existing_id, household) in body
    assert household.number in body
    assert mask_id(existing_id) in body
    assert counts() == before


def duplicate_message(id_number: str, household) -> str:
    return zh(
        services.MEMBER_DUPLICATE,
        masked=mask_id(id_number),
        number=household.number,
        village=household.village,
    )


def test_create_refuses_a_township(pages, admin_user, regions):
    before = counts()
    response = pages(admin_user).post(
        reverse("households:create"), create_data(village=GUOJIA_TOWNSHIP)
    )
    assert response.status_code == 400
    expected = zh(
        services.HOUSEHOLD_VILLAGE_LEVEL,
        name="郭嘉镇",
        code=GUOJIA_TOWNSHIP,
        level=in_chinese(Level.TOWNSHIP.label),
    )
    assert expected in response.content.decode()
    assert counts() == before


def test_create_in_another_town_reads_like_an_unknown_village(pages, town_officer, regions):
    web = pages(town_officer)
    before = counts()
    far = web.post(reverse("households:create"), create_data(village=LONGCHENG_VILLAGE))
    unknown = web.post(reverse("households:create"), create_data(village="620522104999"))
    assert far.status_code == unknown.status_code == 400
    assert zh(REGION_NOT_FOUND, code=LONGCHENG_VILLAGE) in far.content.decode()
    assert zh(REGION_NOT_FOUND, code="620522104999") in unknown.content.decode()
    assert normalised(far, LONGCHENG_VILLAGE) == normalised(unknown, "620522104999")
    assert counts() == before


def test_create_refuses_a_sex_that_contradicts_the_id(pages, admin_user, regions):
    before = counts()
    male_id = f.id_number(male=True)
    response = pages(admin_user).post(
        reverse("households:create"), create_data(id_number=male_id, sex="female")
    )
    assert response.status_code == 400
    assert zh(services.MEMBER_SEX_MISMATCH, given="女", derived="男") in response.content.decode()
    assert counts() == before


def test_create_refuses_a_taken_household_number(pages, admin_user, household):
    before = counts()
    response = pages(admin_user).post(
        reverse("households:create"), create_data(number=household.number)
    )
    assert response.status_code == 409
    assert zh(services.HOUSEHOLD_NUMBER_TAKEN, number=household.number) in (
        response.content.decode()
    )
    assert counts() == before


def update_data(**overrides):
    data = {
        "category": "exited",
        "poverty_cause_main": "illness",
        "poverty_cause_secondary": "",
        "address": "新址",
        "phone": "",
    }
    data.update(overrides)
    return data


def test_update_keeps_replaces_or_clears_the_phone(pages, town_officer, household):
    web = pages(town_officer)
    url = reverse("households:update", args=[household.pk])
    assert "138****5678" in web.get(url).content.decode()
    assert web.post(url, update_data()).status_code == 302
    household.refresh_from_db()
    assert (household.category, household.address) == ("exited", "新址")
    assert household.phone_masked == "138****5678"
    assert web.post(url, update_data(phone="13987654321")).status_code == 302
    household.refresh_from_db()
    assert household.phone_masked == "139****4321"
    assert web.post(url, update_data(clear_phone="on")).status_code == 302
    household.refresh_from_db()
    assert household.phone_masked == "" and household.phone_cipher is None


def test_update_refuses_a_bad_phone(pages, town_officer, household):
    before = counts()
    response = pages(town_officer).post(
        reverse("households:update", args=[household.pk]), update_data(phone="12345678901")
    )
    assert response.status_code == 400
    assert zh(PHONE_INVALID, value="123****8901") in response.content.decode()
    assert "12345678901" not in response.content.decode()
    household.refresh_from_db()
    assert household.category == "poor"
    assert household.phone_masked == "138****5678"
    assert counts() == before


# --- members ------------------------------------------------------------------------------


def member_form_data(**overrides):
    data = {
        "name": "孙小明",
        "relation": "son",
        "id_number": f.id_number(birth=dt.date(2001, 9, 1)),
        "sex": "",
        "birth_date": "",
        "ethnicity": "汉族",
        "education": "junior",
        "school_status": "junior",
        "health": "healthy",
        "labour": "",
        "work_status": "student",
    }
    data.update(overrides)
    return data


def test_member_create_adds_a_member(pages, town_officer, household):
    response = pages(town_officer).post(
        reverse("households:member_create", args=[household.pk]), member_form_data()
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.member_count == 3
    son = household.members.get(name="孙小明")
    assert son.birth_date == dt.date(2001, 9, 1) and son.school_status == "junior"


def test_member_create_refuses_a_person_of_another_household(
    pages, admin_user, household, far_household
):
    person = head_of(far_household).reveal_id_number()
    before = counts()
    response = pages(admin_user).post(
        reverse("households:member_create", args=[household.pk]),
        member_form_data(id_number=person),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert duplicate_message(person, far_household) in body
    assert far_household.number in body and mask_id(person) in body
    assert counts() == before


def test_member_create_refuses_a_birth_date_that_contradicts_the_id(pages, admin_user, household):
    before = counts()
    response = pages(admin_user).post(
        reverse("households:member_create", args=[household.pk]),
        member_form_data(birth_date="2001-09-02"),
    )
    assert response.status_code == 400
    expected = zh(services.MEMBER_BIRTH_MISMATCH, given="2001-09-02", derived="2001-09-01")
    assert expected in response.content.decode()
    assert counts() == before


def test_member_update_keeps_the_id_when_left_blank(pages, town_officer, household):
    spouse = spouse_of(household)
    old_id, old_index = spouse.reveal_id_number(), spouse.id_number_index
    web = pages(town_officer)
    url = reverse("households:member_update", args=[spouse.pk])
    page = web.get(url).content.decode()
    assert spouse.id_number_masked in page
    response = web.post(
        url,
        member_form_data(
            name="王建祥", relation="spouse", id_number="", health="disabled", sex="male"
        ),
    )
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.health == "disabled"
    assert spouse.reveal_id_number() == old_id and spouse.id_number_index == old_index


def test_member_update_with_a_kept_id_still_checks_the_sex(pages, town_officer, household):
    spouse = spouse_of(household)
    wrong = "female" if spouse.sex == "male" else "male"
    before = counts()
    response = pages(town_officer).post(
        reverse("households:member_update", args=[spouse.pk]),
        member_form_data(name="王建祥", relation="spouse", id_number="", sex=wrong),
    )
    assert response.status_code == 400
    expected = zh(
        services.MEMBER_SEX_MISMATCH,
        given=in_chinese(Sex(wrong).label),
        derived=in_chinese(Sex(spouse.sex).label),
    )
    assert expected in response.content.decode()
    assert counts() == before
    spouse.refresh_from_db()
    assert spouse.sex != wrong


def test_member_update_replaces_the_id(pages, town_officer, household):
    spouse = spouse_of(household)
    new_id = f.id_number(birth=dt.date(1971, 3, 4), male=False)
    response = pages(town_officer).post(
        reverse("households:member_update", args=[spouse.pk]),
        member_form_data(name="王建祥", relation="spouse", id_number=new_id),
    )
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.reveal_id_number() == new_id
    assert (spouse.birth_date, spouse.sex) == (dt.date(1971, 3, 4), "female")


def test_member_update_refuses_an_id_active_in_another_household(
    pages, admin_user, town_officer, household
):
    other = f.household(actor=admin_user, head_name="赵四")
    spouse = spouse_of(household)
    stored = (
        spouse.id_number_index,
        spouse.id_number_masked,
        spouse.reveal_id_number(),
        spouse.sex,
        spouse.birth_date,
        spouse.name,
        spouse.health,
    )
    person = head_of(other).reveal_id_number()
    before = counts()
    web = pages(town_officer)
    response = web.post(
        reverse("households:member_update", args=[spouse.pk]),
        member_form_data(name="王建国", relation="spouse", id_number=person, health="disabled"),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert duplicate_message(person, other) in body
    assert other.number in body and mask_id(person) in body
    assert person not in body  # Pages checks it too, for every stored and typed number
    assert counts() == before  # no member, and no audit row, written
    spouse.refresh_from_db()
    assert (
        spouse.id_number_index,
        spouse.id_number_masked,
        spouse.reveal_id_number(),
        spouse.sex,
        spouse.birth_date,
        spouse.name,
        spouse.health,
    ) == stored
    assert head_of(other).reveal_id_number() == person


def test_member_update_may_take_an_id_of_someone_who_has_left(
    pages, admin_user, town_officer, household, far_household
):
    """Only an active membership blocks: a person who left another household may be recorded."""
    leaver = f.member(actor=admin_user, household=far_household, name="钱七", relation="son")
    person = leaver.reveal_id_number()
    services.member_end(
        actor=admin_user, member=leaver, ended_on=dt.date(2013, 5, 1), reason="moved_out"
    )
    spouse = spouse_of(household)
    response = pages(town_officer).post(
        reverse("households:member_update", args=[spouse.pk]),
        member_form_data(name="王建祥", relation="spouse", id_number=person),
    )
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.reveal_id_number() == person


def test_member_end_and_the_head_cannot_leave(pages, town_officer, household):
    web = pages(town_officer)
    spouse = spouse_of(household)
    data = {"ended_on": "2013-06-01", "reason": "deceased"}
    response = web.post(reverse("households:member_end", args=[spouse.pk]), data)
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert not spouse.is_active and spouse.end_reason == "deceased"
    household.refresh_from_db()
    assert household.member_count == 1
    before = counts()
    head = head_of(household)
    response = web.post(reverse("households:member_end", args=[head.pk]), data)
    assert response.status_code == 400
    assert zh(services.MEMBER_HEAD_CANNOT_LEAVE) in response.content.decode()
    assert counts() == before


def test_member_end_refuses_a_future_date(pages, town_officer, household):
    before = counts()
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = pages(town_officer).post(
        reverse("households:member_end", args=[spouse_of(household).pk]),
        {"ended_on": future, "reason": "moved_out"},
    )
    assert response.status_code == 400
    assert zh(services.MEMBER_END_IN_FUTURE) in response.content.decode()
    assert counts() == before


# --- income -------------------------------------------------------------------------------


def income_data(**overrides):
    data = {
        "year": "2012",
        "wage_income": "3,000",
        "business_income": "2000.50",
        "property_income": "",
        "transfer_income": "500",
        "production_cost": "1000",
        "population": "",
    }
    data.update(overrides)
    return data


def test_income_save_creates_then_edits_a_year(pages, town_officer, household):
    web = pages(town_officer)
    url = reverse("households:income_save", args=[household.pk])
    assert web.post(url, income_data()).status_code == 302
    record = IncomeRecord.objects.get()
    assert record.population == 2
    assert record.net_per_capita == Decimal("2250.25")
    form = web.get(url, year="2012").context["form"]
    assert form.initial["wage_income"] == Decimal("3000.00")
    assert web.post(url, income_data(population="4")).status_code == 302
    record.refresh_from_db()
    assert IncomeRecord.objects.count() == 1
    assert record.net_per_capita == Decimal("1125.13")
    body = web.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "1125.13" in body


def test_income_save_refuses_a_bad_amount(pages, town_officer, household):
    before = counts()
    response = pages(town_officer).post(
        reverse("households:income_save", args=[household.pk]),
        income_data(wage_income="三千"),
    )
    assert response.status_code == 400
    assert zh(services.INCOME_AMOUNT_INVALID, value="三千") in response.content.decode()
    assert counts() == before


def test_detail_shows_overdue_measures_and_offers_the_paired_cadre_a_visit(
    pages, admin_user, cadre_user, viewer, regions
):
    from shuanglian.assistance.services import household_plan_save, measure_add

    household = f.household(actor=admin_user, village=NUANQUAN, head_name="孙旺奎")
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre_user.cadre)
    plan = household_plan_save(actor=admin_user, household=household, year=2012)
    measure_add(
        actor=admin_user,
        plan=plan,
        type="industry",
        description="发展花椒种植两亩",
        due_date=dt.date(2012, 10, 1),
    )
    visit_link = reverse("assistance:visit_create", args=[household.pk])
    page = pages(cadre_user).get(reverse("households:detail", args=[household.pk]))
    body = page.content.decode()
    assert "发展花椒种植两亩" in body and visit_link in body
    page = pages(viewer).get(reverse("households:detail", args=[household.pk]))
    assert visit_link not in page.content.decode()
