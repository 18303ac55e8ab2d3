import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from shuanglian.accounts.forms import INITIAL_PASSWORDS_DIFFER
from shuanglian.accounts.models import User
from shuanglian.accounts.selectors import USER_MANAGE_FORBIDDEN
from shuanglian.accounts.services import (
    DEACTIVATE_SELF,
    LOGIN_FAILED,
    OWN_SCOPE_FORBIDDEN,
    REGION_OUT_OF_REACH,
    api_token_create,
)
from shuanglian.accounts.views import (
    PASSWORD_CHANGED,
    TOKEN_REVOKED,
    USER_CREATED,
    USER_DEACTIVATED,
)
from shuanglian.conftest import GUOJIA, QINAN
from shuanglian.core.models import AuditEvent
from shuanglian.regions.tests.pages import (
    assert_login_redirect,
    assert_same_404,
    normalised,
    text,
    zh,
)

PASSWORD = "Test@12345"
NEW_PASSWORD = "Shuanglian@2012"
LOGIN = "/accounts/login/"
ME = "/accounts/me/"
PASSWORD_PAGE = "/accounts/password/"


def _refusal(response) -> str:
    """The message above the login form."""
    found = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', text(response))
    assert found, "no refusal shown"
    return found.group(1)


def _post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_chinese_and_failure_does_not_say_which_part_was_wrong(
    client, county_officer
):
    assert "登录" in text(client.get(LOGIN))
    wrong_user = _post_login(client, "nobody", "x")
    wrong_password = _post_login(client, "county", "x")
    assert wrong_user.status_code == wrong_password.status_code == 200
    assert _refusal(wrong_user) == _refusal(wrong_password) == zh(LOGIN_FAILED)
    ok = _post_login(client, "county", PASSWORD)
    assert ok.status_code == 302


def test_a_locked_account_reads_like_a_wrong_password(client, county_officer, clock):
    for _ in range(5):
        _post_login(client, "county", "x")
    locked = _post_login(client, "county", PASSWORD)
    unknown = _post_login(client, "nobody", PASSWORD)
    assert locked.status_code == unknown.status_code == 200
    assert _refusal(locked) == _refusal(unknown) == zh(LOGIN_FAILED)
    # The whole page too, down to the username typed in again.
    assert normalised(locked, LOGIN) == normalised(_post_login(client, "county", "x"), LOGIN)
    assert AuditEvent.objects.filter(action="lockout", actor_username="county").count() == 1
    clock.advance(minutes=16)
    assert _post_login(client, "county", PASSWORD).status_code == 302


def test_login_follows_only_local_next(client, county_officer):
    local = client.post(LOGIN, {"username": "county", "password": PASSWORD, "next": ME})
    assert local["Location"] == ME
    client.post(reverse("accounts:logout"))
    away = client.post(
        LOGIN, {"username": "county", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert away["Location"] == reverse("home")


def test_logout_ends_the_session_and_is_audited(client, county_officer):
    _post_login(client, "county", PASSWORD)
    key = client.session.session_key
    assert client.get(ME).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    assert not Session.objects.filter(session_key=key).exists()
    assert_login_redirect(client.get(ME))
    assert AuditEvent.objects.filter(action="logout", actor_username="county").count() == 1


def test_logout_is_post_only(login, county_officer):
    assert login(county_officer).get(reverse("accounts:logout")).status_code == 405


def test_an_idle_session_ends_after_thirty_minutes(client, county_officer, clock, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    _post_login(client, "county", PASSWORD)
    # Each request moves the end of the session: activity keeps it alive past 30 minutes.
    for _ in range(3):
        clock.advance(minutes=29)
        assert client.get(ME).status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert_login_redirect(client.get(ME))


def _session_end(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_end_of_a_session_is_written_at_most_once_a_minute(client, county_officer, clock):
    _post_login(client, "county", PASSWORD)
    first = _session_end(client)
    clock.advance(seconds=50)
    client.get(ME)
    assert _session_end(client) == first
    clock.advance(seconds=20)
    client.get(ME)
    assert _session_end(client) - first > dt.timedelta(seconds=69)


def test_me_page_shows_the_account_in_chinese(login, town_officer):
    town_officer.display_name = "王建国"
    town_officer.can_reveal = True
    town_officer.save()
    page = login(town_officer).get(ME)
    assert page.status_code == 200
    body = text(page)
    for shown in ("我的账户", "王建国", "guojia", "双联办工作人员", "郭嘉镇", "620522104000"):
        assert shown in body
    assert 'data-can-reveal="1"' in body
    assert "修改密码" in body
    assert "您还没有 API 令牌。" in body


def test_me_page_in_english(login, viewer):
    client = login(viewer)
    client.cookies["django_language"] = "en"
    body = text(client.get(ME))
    for shown in ("My account", "viewer", "Change password", "Shown masked", "API tokens"):
        assert shown in body
    assert QINAN in body


def test_me_page_scope_of_unit_administrator_and_cadre(login, unit_admin, cadre_user):
    assert "秦安县妇女联合会" in text(login(unit_admin).get(ME))
    body = text(login(cadre_user).get(ME))
    assert "秦安县妇女联合会" in body and "干部" in body


def test_me_page_lists_tokens_and_revokes_one(client, county_officer, town_officer, clock):
    token, _raw = api_token_create(request=None, username="county", password=PASSWORD)
    other, _raw = api_token_create(request=None, username="guojia", password=PASSWORD)
    client.force_login(county_officer)
    body = text(client.get(ME))
    assert f"<code>{token.prefix}…</code>" in body
    assert other.prefix not in body
    revoke = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(revoke).status_code == 405
    response = client.post(revoke, follow=True)
    assert zh(TOKEN_REVOKED, prefix=token.prefix) in text(response)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert revoke not in text(response)
    # Someone else's token reads like none at all.
    assert client.post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[99999])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_expired_tokens_have_no_revoke_button(client, county_officer, clock):
    token, _raw = api_token_create(request=None, username="county", password=PASSWORD)
    client.force_login(county_officer)
    clock.advance(hours=13)
    assert reverse("accounts:token_revoke", args=[token.pk]) not in text(client.get(ME))


def test_password_change_keeps_this_session_and_ends_the_others(county_officer):
    here, elsewhere = Client(), Client()
    _post_login(here, "county", PASSWORD)
    _post_login(elsewhere, "county", PASSWORD)
    response = here.post(
        PASSWORD_PAGE,
        {
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
        follow=True,
    )
    assert zh(PASSWORD_CHANGED) in text(response)
    assert here.get(ME).status_code == 200
    assert_login_redirect(elsewhere.get(ME))
    assert _post_login(Client(), "county", NEW_PASSWORD).status_code == 302


def test_password_change_page_shows_the_rules_and_refusals(login, county_officer):
    client = login(county_officer)
    body = text(client.get(PASSWORD_PAGE))
    assert "你的密码必须包含至少 10 个字符。" in body
    response = client.post(
        PASSWORD_PAGE,
        {"old_password": PASSWORD, "new_password": "short", "new_password_again": "short"},
    )
    assert response.status_code == 400
    assert "密码长度太短。密码必须包含至少 10 个字符。" in text(response)
    differ = client.post(
        PASSWORD_PAGE,
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": "x"},
    )
    assert differ.status_code == 400
    assert "两次输入的新密码不一致。" in text(differ)
    county_officer.refresh_from_db()
    assert county_officer.check_password(PASSWORD)


def test_pages_need_a_login(client, regions):
    for path in (ME, PASSWORD_PAGE):
        assert_login_redirect(client.get(path))
    assert_login_redirect(client.post(reverse("accounts:token_revoke", args=[1])))


def test_session_expiry_is_set_from_the_setting(client, county_officer, clock):
    _post_login(client, "county", PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date - clock.at <= dt.timedelta(minutes=30)
    assert session.expire_date - clock.at > dt.timedelta(minutes=29)


# --- User management pages ---

USERS = "/accounts/users/"
NEW_USER = "/accounts/users/new/"


def _detail(user) -> str:
    return f"{USERS}{user.pk}/"


def _create_form(**overrides) -> dict:
    data = {
        "username": "sunwk",
        "display_name": "孙旺奎",
        "role": "cadre",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "must_change_password": "on",
    }
    data.update(overrides)
    return data


def test_the_navigation_offers_user_management_to_managers_only(
    login, county_officer, viewer, unit_admin
):
    for manager in (county_officer, unit_admin):
        page = text(login(manager).get(reverse("regions:index")))
        assert f'href="{USERS}">用户</a>' in page
    assert f'href="{ME}" id="nav-me">unitadmin</a>' in page
    for user in (viewer,):
        page = text(login(user).get(reverse("regions:index")))
        assert f'href="{USERS}"' not in page
        assert f'href="{ME}"' in page


def test_a_unit_admin_reaches_only_the_units_cadre_accounts(login, unit_admin, county_officer):
    client = login(unit_admin)
    assert client.get(USERS).status_code == 200
    assert client.get(_detail(county_officer)).status_code == 404
    # The form offers the cadre role only; the service refuses any other (test_services).
    response = client.post(NEW_USER, _create_form(role="viewer", region=QINAN))
    assert response.status_code == 400
    assert 'value="viewer"' not in text(response)
    assert not User.objects.filter(username="sunwk").exists()


@pytest.mark.parametrize("name", ["viewer", "cadre_user"])
def test_no_one_else_reaches_the_user_pages(request, login, name, county_officer):
    user = request.getfixturevalue(name)
    client = login(user)
    for path in (USERS, NEW_USER, _detail(user), f"{_detail(user)}edit/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert zh(USER_MANAGE_FORBIDDEN) in text(response)
    for action in ("deactivate", "activate", "force-password-change", "unlock"):
        assert client.post(f"{_detail(county_officer)}{action}/").status_code == 403
    assert client.post(NEW_USER, _create_form(role="viewer", region=QINAN)).status_code == 403
    assert not User.objects.filter(username="sunwk").exists()


def test_the_user_pages_need_a_login(client, county_officer):
    for path in (USERS, NEW_USER, _detail(county_officer)):
        assert_login_redirect(client.get(path))


def test_an_account_out_of_reach_answers_like_a_missing_one(login, town_officer, county_officer):
    client = login(town_officer)
    for suffix, method in (("", "get"), ("edit/", "get"), ("deactivate/", "post")):
        assert_same_404(
            client, f"{_detail(county_officer)}{suffix}", f"{USERS}999999/{suffix}", method
        )
    county_officer.refresh_from_db()
    assert county_officer.is_active


def test_the_user_list_in_chinese_and_english(login, client, county_officer, town_officer, viewer):
    response = login(county_officer).get(USERS)
    page = text(response)
    assert response.status_code == 200
    assert "<h1" in page and "用户管理" in page and "新增" in page
    assert re.search(r'data-user="\d+">\s*<td><a href="/accounts/users/\d+/">guojia</a>', page)
    assert "双联办工作人员" in page and "只读用户" in page
    filtered = text(client.get(USERS, {"role": "viewer"}))
    assert ">viewer</a>" in filtered and ">guojia</a>" not in filtered
    bad = client.get(USERS, {"region": "12x"})
    assert bad.status_code == 400
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = text(client.get(USERS))
    assert "User accounts" in english and "New user" in english and "region officer" in english


def test_the_user_list_pages_by_cursor(login, admin_user, settings, regions):
    settings.PAGE_SIZE = 2
    for n in range(3):
        User.objects.create_user(username=f"v{n}", role="viewer", region_id=QINAN)
    client = login(admin_user)
    first = text(client.get(USERS))
    link = re.search(r'rel="next" href="\?cursor=([^"]+)"', first)
    assert link and first.count('data-user="') == 2
    second = text(client.get(USERS, {"cursor": link.group(1)}))
    assert second.count('data-user="') == 2 and ">v1</a>" in second
    broken = client.get(USERS, {"cursor": "nonsense"})
    assert broken.status_code == 400 and "返回第一页" in text(broken)


def test_an_officer_creates_a_cadre_account_and_sees_its_households(
    login, town_officer, guojia_cadre
):
    client = login(town_officer)
    form = text(client.get(NEW_USER))
    assert "新增用户账号" in form
    assert '<option value="admin"' not in form  # an officer cannot appoint administrators
    assert 'name="can_reveal"' not in form  # nor grant a permission they lack
    assert f'<option value="{guojia_cadre.pk}">孙旺奎（镇卫生院，现联系 2 户）</option>' in form
    response = client.post(NEW_USER, _create_form(cadre=guojia_cadre.pk))
    account = User.objects.get(username="sunwk")
    assert response["Location"] == _detail(account)
    detail = text(client.get(_detail(account)))
    assert zh(USER_CREATED, username="sunwk") in detail
    assert "干部孙旺奎（镇卫生院）的联系户" in detail
    table = re.search(r'<table[^>]*id="account-households".*?</table>', detail, re.S).group()
    assert table.count('<tr data-household="') == 2
    assert "邵维基" in table and "王建祥" in table
    assert "须修改密码" in detail and "未锁定" in detail and "从未登录" in detail
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = text(client.get(_detail(account)))
    assert "Households this account sees" in english and "Households of cadre 孙旺奎" in english
    assert "New user account" in text(client.get(NEW_USER))


def test_refusals_are_shown_beside_the_field(login, town_officer, county_officer):
    client = login(town_officer)
    response = client.post(NEW_USER, _create_form(role="viewer", region=QINAN))
    assert response.status_code == 400
    assert zh(REGION_OUT_OF_REACH, code=QINAN) in text(response)
    response = client.post(NEW_USER, _create_form(role="viewer", region="", password_again="x"))
    assert response.status_code == 400
    assert zh(INITIAL_PASSWORDS_DIFFER) in text(response)
    # A crafted choice the form never offered is refused by the form itself.
    response = client.post(NEW_USER, _create_form(role="admin"))
    assert response.status_code == 400
    assert not User.objects.filter(username="sunwk").exists()


def test_editing_an_account(login, county_officer, town_officer):
    client = login(county_officer)
    edit = f"{_detail(town_officer)}edit/"
    form = text(client.get(edit))
    assert "编辑账号 guojia" in form and f'value="{GUOJIA}"' in form
    response = client.post(
        edit, {"display_name": "郭嘉镇监督员", "role": "viewer", "region": GUOJIA}
    )
    assert response["Location"] == _detail(town_officer)
    town_officer.refresh_from_db()
    assert (town_officer.role, town_officer.display_name) == ("viewer", "郭嘉镇监督员")
    own = client.post(
        f"{_detail(county_officer)}edit/", {"display_name": "", "role": "viewer", "region": QINAN}
    )
    assert own.status_code == 400 and zh(OWN_SCOPE_FORBIDDEN) in text(own)


def test_the_buttons_on_the_user_page(login, county_officer, town_officer, clock):
    for _ in range(5):
        Client().post(LOGIN, {"username": "guojia", "password": "x"})
    client = login(county_officer)
    page = text(client.get(_detail(town_officer)))
    assert 'data-locked="1"' in page and "解除锁定" in page
    client.post(f"{_detail(town_officer)}unlock/")
    client.post(f"{_detail(town_officer)}force-password-change/")
    response = client.post(f"{_detail(town_officer)}deactivate/")
    assert response["Location"] == _detail(town_officer)
    page = text(client.get(_detail(town_officer)))
    assert zh(USER_DEACTIVATED, username="guojia") in page
    assert "已停用" in page and "须修改密码" in page and 'data-locked="0"' in page
    client.post(f"{_detail(town_officer)}activate/")
    town_officer.refresh_from_db()
    assert town_officer.is_active and town_officer.must_change_password
    assert client.get(f"{_detail(town_officer)}deactivate/").status_code == 405
    own = client.post(f"{_detail(county_officer)}deactivate/", follow=True)
    assert zh(DEACTIVATE_SELF) in text(own)
    assert "停用</button>" not in text(own)  # no button to deactivate oneself
    actions = (
        AuditEvent.objects.filter(object_id=str(town_officer.pk), action="permission")
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert [sorted(change) for change in actions] == [
        ["locked_until"],
        ["api_tokens_revoked", "must_change_password"],
        ["api_tokens_revoked", "is_active"],
        ["is_active"],
    ]
