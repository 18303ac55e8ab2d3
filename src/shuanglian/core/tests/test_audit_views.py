"""The audit search page: who may open it, what each officer sees, the filters, the pages."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from shuanglian.conftest import GUOJIA, NUANQUAN, QINAN
from shuanglian.core.audit import audit
from shuanglian.core.audit_selectors import (
    AUDIT_FORBIDDEN,
    CHOICE_UNKNOWN,
    DATE_INVALID,
    DATE_ORDER,
    FIELD_LABELS,
    AuditFilters,
    audit_search,
    visible_audit_events,
)
from shuanglian.core.models import AuditAction, AuditEvent
from shuanglian.core.pagination import CURSOR_INVALID
from shuanglian.households import services as households
from shuanglian.households.tests import factories as hf
from shuanglian.regions.tests.pages import assert_login_redirect
from shuanglian.units.tests import factories as uf

URL = "/audit/"
LONGCHENG_VILLAGE = "620522103200"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def chinese(message, **values) -> str:
    """A message as the Chinese page shows it, its lazy parts (field labels) in Chinese too."""
    with translation.override("zh-hans"):
        text = str(message).format(**{key: str(value) for key, value in values.items()})
    return escape(text)


@pytest.fixture
def trail(admin_user):
    """Writes in 郭嘉镇 (暖泉村), in 陇城镇, of a county unit, and a failed login nowhere."""
    near = hf.household(actor=admin_user, village=NUANQUAN, head_name="李爱仙", phone="13812345678")
    households.household_update(
        actor=admin_user, household=near, address="", category="poor", phone="13987654321"
    )
    far = hf.household(actor=admin_user, village=LONGCHENG_VILLAGE, head_name="孙旺奎")
    unit = uf.unit(actor=admin_user, name="县委宣传部", region=QINAN)
    audit(actor=None, action=AuditAction.LOGIN_FAILED, username="nobody", outcome="failure")
    return {"near": near, "far": far, "unit": unit}


def object_ids(response, object_type: str) -> set[str]:
    return {row.object_id for row in response.context["rows"] if row.object_type == object_type}


def test_the_page_needs_a_login(client):
    assert_login_redirect(client.get(URL))


def test_only_administrators_and_region_officers_may_search(
    login, admin_user, county_officer, town_officer, viewer, unit_admin, cadre_user
):
    for user in (admin_user, county_officer, town_officer):
        assert login(user).get(URL).status_code == 200, user.username
    for user in (viewer, unit_admin, cadre_user):
        response = login(user).get(URL)
        assert response.status_code == 403, user.username
        assert chinese(AUDIT_FORBIDDEN) in response.content.decode()
        assert not visible_audit_events(user).exists()


def test_each_officer_searches_their_own_region(
    login, admin_user, county_officer, town_officer, other_town_officer, trail
):
    near, far, unit = (str(trail[key].pk) for key in ("near", "far", "unit"))
    page = login(town_officer).get(URL)
    assert {row.region_code for row in page.context["rows"]} == {NUANQUAN}
    assert object_ids(page, "联系户") == {near}

    page = login(other_town_officer).get(URL)
    assert {row.region_code for row in page.context["rows"]} == {LONGCHENG_VILLAGE}
    assert object_ids(page, "联系户") == {far}

    page = login(county_officer).get(URL)
    assert {row.region_code for row in page.context["rows"]} == {NUANQUAN, LONGCHENG_VILLAGE, QINAN}
    assert unit in {row.object_id for row in page.context["rows"]}

    # Rows with no region (a failed login under an unknown name) are the administrators' only.
    page = login(admin_user).get(URL)
    assert "nobody" in {row.username for row in page.context["rows"]}
    assert "" in {row.region_code for row in page.context["rows"]}


def test_rows_show_time_user_action_object_region_and_masked_changes(login, town_officer, trail):
    body = login(town_officer).get(URL).content.decode()
    update = AuditEvent.objects.get(action="update", object_type="households.Household")
    local = update.at.astimezone(SHANGHAI)
    assert f"{local:%Y-%m-%d %H:%M:%S}" in body
    assert "admin" in body and "修改" in body
    assert "暖泉村" in body and NUANQUAN in body
    assert "138****5678 → 139****4321" in body
    assert reverse("households:detail", args=[trail["near"].pk]) in body
    assert "13812345678" not in body and "13987654321" not in body


def test_filters_by_user_record_action(login, admin_user, county_officer, trail):
    client = login(county_officer)
    audit(actor=county_officer, action=AuditAction.LOGIN, obj=county_officer)

    rows = client.get(URL, {"user": "county"}).context["rows"]
    assert [(row.username, row.action_code) for row in rows] == [("county", "login")]

    rows = client.get(URL, {"object_type": "units.Unit"}).context["rows"]
    assert [row.object_id for row in rows] == [str(trail["unit"].pk)]

    params = {"object_type": "households.Household", "object_id": str(trail["near"].pk)}
    rows = client.get(URL, params).context["rows"]
    assert [row.action_code for row in rows] == ["update", "create"]

    rows = client.get(URL, {"action": "update"}).context["rows"]
    assert [row.object_id for row in rows] == [str(trail["near"].pk)]


def _at(moment: dt.datetime, **kwargs) -> AuditEvent:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit(action=AuditAction.UPDATE, region_code=NUANQUAN, **kwargs)


def test_dates_are_whole_days_in_beijing_time(login, admin_user, town_officer):
    late = _at(dt.datetime(2024, 3, 1, 23, 30, tzinfo=SHANGHAI), actor=admin_user, object_id="a")
    early = _at(dt.datetime(2024, 3, 2, 0, 30, tzinfo=SHANGHAI), actor=admin_user, object_id="b")
    client = login(town_officer)

    def ids(**params):
        return [row.object_id for row in client.get(URL, params).context["rows"]]

    assert ids(date_from="2024-03-01", date_to="2024-03-01") == [late.object_id]
    assert ids(date_from="2024-03-02") == [early.object_id]
    assert ids(date_to="2024-03-02") == [early.object_id, late.object_id]
    assert ids(date_from="2024/3/2", date_to="2024-03-02") == [early.object_id]
    body = client.get(URL, {"date_from": "2024-03-01"}).content.decode()
    assert "2024-03-01 23:30:00" in body


@pytest.mark.parametrize(
    ("params", "field", "message", "values"),
    [
        ({"date_from": "2024-13-01"}, "date_from", DATE_INVALID, {"field": "date_from"}),
        ({"date_to": "yesterday"}, "date_to", DATE_INVALID, {"field": "date_to"}),
        ({"date_from": "1999-12-31"}, "date_from", DATE_INVALID, {"field": "date_from"}),
        (
            {"date_from": "2024-03-02", "date_to": "2024-03-01"},
            "date_to",
            DATE_ORDER,
            {"later": "date_to", "earlier": "date_from"},
        ),
        ({"action": "drop"}, "action", CHOICE_UNKNOWN, {"field": "action"}),
        ({"object_type": "auth.Group"}, "object_type", CHOICE_UNKNOWN, {"field": "object_type"}),
    ],
)
def test_bad_filters_are_explained_next_to_their_field(
    login, town_officer, trail, params, field, message, values
):
    response = login(town_officer).get(URL, params)
    assert response.status_code == 400
    body = response.content.decode()
    expected = chinese(message, **{key: FIELD_LABELS[name] for key, name in values.items()})
    assert expected in body
    assert chinese(FIELD_LABELS[field]) in expected
    assert response.context["form"].errors[field] == [expected.replace("&amp;", "&")]
    assert response.context["rows"] == ()


def test_a_bad_date_message_names_the_field_in_chinese(login, town_officer):
    body = login(town_officer).get(URL, {"date_from": "2024-02-30"}).content.decode()
    assert "起始日期" in body


def test_a_bad_cursor_is_explained(login, town_officer):
    response = login(town_officer).get(URL, {"cursor": "nonsense"})
    assert response.status_code == 400
    assert chinese(CURSOR_INVALID) in response.content.decode()


def test_pages_run_newest_first_by_cursor(login, admin_user, town_officer, settings):
    settings.PAGE_SIZE = 2
    made = [
        audit(actor=admin_user, action=AuditAction.UPDATE, object_id=str(n), region_code=GUOJIA)
        for n in range(5)
    ]
    client = login(town_officer)
    seen, params = [], {"object_type": ""}
    while True:
        response = client.get(URL, params)
        seen += [row.pk for row in response.context["rows"]]
        cursor = response.context["next_cursor"]
        if not cursor:
            break
        assert f"cursor={cursor}" in response.content.decode()
        params = {"cursor": cursor}
    assert seen == [event.pk for event in reversed(made)]


def test_the_query_count_does_not_grow_with_the_rows(login, admin_user, town_officer, settings):
    settings.PAGE_SIZE = 100
    client = login(town_officer)

    def queries(rows: int) -> int:
        for n in range(rows):
            audit(
                actor=admin_user,
                action=AuditAction.UPDATE,
                object_type="households.Household",
                object_id=str(n),
                region_code=NUANQUAN,
                changes={"category": ["poor", "exited"], "phone": [None, "138****5678"]},
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries(2)
    assert queries(40) == few
    assert len(client.get(URL).context["rows"]) == 42


def test_the_page_is_in_chinese_and_english(login, town_officer, trail):
    client = login(town_officer)
    body = client.get(URL).content.decode()
    assert "审计日志" in body and "导出" in body and "起始日期" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(URL).content.decode()
    assert "Audit trail" in body and "Export CSV" in body and "From date" in body
    assert "Household" in body and "update" in body


def test_the_selector_refuses_those_who_may_not_search(viewer):
    from shuanglian.core.errors import Forbidden

    with pytest.raises(Forbidden):
        audit_search(user=viewer, filters=AuditFilters())


def test_the_navigation_offers_the_audit_trail_to_those_who_may_search_it(
    login, county_officer, viewer
):
    from django.urls import reverse

    link = f'href="{reverse("core:audit")}"'
    assert link in login(county_officer).get(reverse("regions:index")).content.decode()
    assert link not in login(viewer).get(reverse("regions:index")).content.decode()


def test_a_change_named_like_a_reverse_relation_is_shown(login, admin_user, regions):
    from django.urls import reverse

    from shuanglian.core.audit import audit
    from shuanglian.core.models import AuditAction

    # "members" is the reverse relation of households.Member to its household.
    audit(
        actor=admin_user,
        action=AuditAction.UPDATE,
        object_type="households.Household",
        object_id="1",
        changes={"members": ["1", "2"]},
    )
    response = login(admin_user).get(reverse("core:audit"))
    assert response.status_code == 200
    assert "members" in response.content.decode()
