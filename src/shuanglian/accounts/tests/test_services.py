import datetime as dt
import hashlib

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory, override_settings
from django.utils.translation import override

from shuanglian.accounts.models import ApiToken, User
from shuanglian.accounts.selectors import USER_MANAGE_FORBIDDEN, manageable_users
from shuanglian.accounts.services import (
    CADRE_HAS_ACCOUNT,
    CADRE_INACTIVE,
    CADRE_OUT_OF_REACH,
    CADRE_REQUIRED,
    DEACTIVATE_SELF,
    DISPLAY_NAME_TOO_LONG,
    LOGIN_FAILED,
    NEW_PASSWORD_SAME,
    OLD_PASSWORD_WRONG,
    OWN_SCOPE_FORBIDDEN,
    PASSWORD_CHANGE_REQUIRED,
    REGION_OUT_OF_REACH,
    REGION_REQUIRED,
    REVEAL_NOT_GRANTABLE,
    ROLE_ADMIN_FORBIDDEN,
    ROLE_CADRE_ONLY,
    ROLE_INVALID,
    TOKEN_INVALID,
    UNIT_OUT_OF_REACH,
    UNIT_REQUIRED,
    USER_NOT_FOUND,
    USERNAME_INVALID,
    USERNAME_REQUIRED,
    USERNAME_TAKEN,
    LoginFailed,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    user_activate,
    user_create,
    user_deactivate,
    user_force_password_change,
    user_login,
    user_password_change,
    user_unlock,
    user_update,
)
from shuanglian.conftest import GUOJIA, LONGCHENG, QINAN
from shuanglian.core.access import user_scope
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from shuanglian.core.models import AuditEvent
from shuanglian.households.models import Household
from shuanglian.units.models import Cadre
from shuanglian.units.services import cadre_create, cadre_update

PASSWORD = "Test@12345"
DEMO_PASSWORD = "Shuanglian@2012"


def _request():
    request = RequestFactory().post("/accounts/login/")
    request.session = SessionStore()
    return request


def _login(username, password=PASSWORD):
    return user_login(request=_request(), username=username, password=password)


def _fail(username, times=1):
    for _ in range(times):
        with pytest.raises(LoginFailed) as err:
            _login(username, "wrong password")
        assert err.value.message == LOGIN_FAILED


def _actions(username, *actions):
    return list(
        AuditEvent.objects.filter(actor_username=username, action__in=actions)
        .order_by("id")
        .values_list("action", "outcome")
    )


def test_login_success_and_failure_are_audited(county_officer):
    _fail("county")
    with pytest.raises(LoginFailed):
        _login("nobody", "x")
    assert _login("county") == county_officer
    actions = list(
        AuditEvent.objects.filter(action__startswith="login")
        .order_by("id")
        .values_list("action", "actor_username", "outcome")
    )
    assert actions == [
        ("login_failed", "county", "failure"),
        ("login_failed", "nobody", "failure"),
        ("login", "county", "success"),
    ]


def test_five_failures_lock_the_account_for_fifteen_minutes_audited_once(county_officer, clock):
    _fail("county", 4)
    clock.advance(minutes=10)
    _fail("county")
    county_officer.refresh_from_db()
    locked_until = county_officer.locked_until
    assert dt.timedelta(minutes=14, seconds=59) < locked_until - clock.at < dt.timedelta(minutes=15)
    # While locked even the right password fails, with the one message, and more failures
    # neither lock again nor lengthen the lock.
    clock.advance(minutes=14)
    with pytest.raises(LoginFailed) as err:
        _login("county")
    assert err.value.message == LOGIN_FAILED
    _fail("county", 5)
    county_officer.refresh_from_db()
    assert county_officer.locked_until == locked_until
    assert _actions("county", "lockout") == [("lockout", "denied")]
    clock.advance(minutes=1, seconds=1)
    assert _login("county") == county_officer


def test_failures_outside_the_window_do_not_count(county_officer, clock):
    _fail("county", 4)
    clock.advance(minutes=15, seconds=1)
    _fail("county", 4)
    county_officer.refresh_from_db()
    assert county_officer.locked_until is None
    _fail("county")
    county_officer.refresh_from_db()
    assert county_officer.locked_until is not None


def test_a_successful_login_starts_the_count_again(county_officer, clock):
    _fail("county", 4)
    _login("county")
    _fail("county", 4)
    county_officer.refresh_from_db()
    assert county_officer.locked_until is None
    _fail("county")
    county_officer.refresh_from_db()
    assert county_officer.locked_until is not None


def test_failures_before_and_during_a_lock_do_not_count_after_it(county_officer, clock):
    _fail("county", 5)
    _fail("county", 3)
    clock.advance(minutes=15, seconds=1)
    _fail("county", 4)
    county_officer.refresh_from_db()
    assert county_officer.locked_until < clock.at
    _fail("county")
    county_officer.refresh_from_db()
    assert county_officer.locked_until > clock.at
    assert len(_actions("county", "lockout")) == 2


def test_unknown_usernames_fail_alike_and_lock_nothing(regions):
    _fail("nobody", 7)
    assert _actions("nobody", "login_failed") == [("login_failed", "failure")] * 7
    assert _actions("nobody", "lockout") == []


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_MINUTES=60)
def test_the_limits_are_settings(county_officer, clock):
    _fail("county", 3)
    county_officer.refresh_from_db()
    assert county_officer.locked_until - clock.at > dt.timedelta(minutes=59)


def test_token_requests_count_toward_the_lockout_and_are_refused_while_locked(
    county_officer, clock
):
    _fail("county", 2)
    for _ in range(3):
        with pytest.raises(LoginFailed):
            api_token_create(request=_request(), username="county", password="nope")
    county_officer.refresh_from_db()
    assert county_officer.locked_until is not None
    with pytest.raises(LoginFailed) as err:
        api_token_create(request=_request(), username="county", password=PASSWORD)
    assert err.value.message == LOGIN_FAILED
    assert err.value.status == 401


def test_an_administrator_unlocks_and_earlier_failures_stop_counting(
    county_officer, admin_user, clock
):
    _fail("county", 5)
    user_unlock(actor=admin_user, user=county_officer)
    assert _login("county") == county_officer
    _fail("county", 4)
    county_officer.refresh_from_db()
    assert county_officer.locked_until < clock.at
    assert AuditEvent.objects.filter(action="permission", object_id=str(county_officer.pk)).exists()


def test_password_rules(county_officer):
    # The demo password passes for every demo account; the rules refuse short, common,
    # username-like and all-digit passwords, in Chinese.
    for username in ("admin", "qinan", "guojia", "longcheng", "xuanchuan", "cadre", "viewer"):
        validate_password(DEMO_PASSWORD, User(username=username))
    refused = {
        "Short@123": "密码长度太短。密码必须包含至少 10 个字符。",
        "password123": "这个密码太常见了。",
        "county2024!": "密码跟 用户名 太相似了。",
        "60152299887766": "密码只包含数字。",
    }
    for password, message in refused.items():
        # Django words the refusal when the rule runs, in the language then active.
        with override("zh-hans"), pytest.raises(InvalidInput) as err:
            user_password_change(
                actor=county_officer,
                user=county_officer,
                old_password=PASSWORD,
                new_password=password,
            )
        assert err.value.message == message
        assert err.value.field == "new_password"


def test_password_change_revokes_tokens_and_is_audited(county_officer):
    token, _raw = api_token_create(request=_request(), username="county", password=PASSWORD)
    user_password_change(
        actor=county_officer,
        user=county_officer,
        old_password=PASSWORD,
        new_password=DEMO_PASSWORD,
    )
    county_officer.refresh_from_db()
    token.refresh_from_db()
    assert county_officer.check_password(DEMO_PASSWORD)
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="password")
    assert event.actor == county_officer
    assert event.changes == {"api_tokens_revoked": 1}
    assert "Shuanglian" not in str(AuditEvent.objects.values_list("changes", flat=True))


def test_a_forced_change_stops_tokens_until_the_password_is_changed(county_officer, admin_user):
    token, _raw = api_token_create(request=_request(), username="county", password=PASSWORD)
    user_force_password_change(actor=admin_user, user=county_officer)
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(Forbidden) as err:
        api_token_create(request=_request(), username="county", password=PASSWORD)
    assert err.value.message == PASSWORD_CHANGE_REQUIRED
    user_password_change(
        actor=county_officer,
        user=county_officer,
        old_password=PASSWORD,
        new_password=DEMO_PASSWORD,
    )
    county_officer.refresh_from_db()
    assert not county_officer.must_change_password
    assert AuditEvent.objects.get(action="password").changes == {
        "api_tokens_revoked": 0,
        "must_change_password": [True, False],
    }
    api_token_create(request=_request(), username="county", password=DEMO_PASSWORD)


def test_password_change_refusals(county_officer, town_officer):
    with pytest.raises(InvalidInput) as err:
        user_password_change(
            actor=county_officer, user=county_officer, old_password="x", new_password=DEMO_PASSWORD
        )
    assert err.value.message == OLD_PASSWORD_WRONG
    with pytest.raises(InvalidInput) as err:
        user_password_change(
            actor=county_officer, user=county_officer, old_password=PASSWORD, new_password=PASSWORD
        )
    assert err.value.message == NEW_PASSWORD_SAME
    with pytest.raises(Forbidden):
        user_password_change(
            actor=county_officer, user=town_officer, old_password=PASSWORD, new_password="x" * 12
        )
    assert not AuditEvent.objects.filter(action="password").exists()


def test_who_may_force_a_password_change(
    admin_user, county_officer, town_officer, other_town_officer, viewer
):
    user_force_password_change(actor=county_officer, user=town_officer)
    with pytest.raises(NotFound) as err:
        user_force_password_change(actor=town_officer, user=other_town_officer)
    assert err.value.message == USER_NOT_FOUND
    with pytest.raises(NotFound):
        user_force_password_change(actor=town_officer, user=admin_user)
    with pytest.raises(Forbidden) as err:
        user_force_password_change(actor=viewer, user=other_town_officer)
    assert err.value.message == USER_MANAGE_FORBIDDEN
    user_force_password_change(actor=admin_user, user=other_town_officer)
    events = AuditEvent.objects.filter(action="permission").order_by("id")
    assert [(e.actor_username, e.object_id) for e in events] == [
        ("county", str(town_officer.pk)),
        ("admin", str(other_town_officer.pk)),
    ]
    assert events[0].changes["must_change_password"] == [False, True]


def test_tokens_are_stored_as_hashes_and_expire(county_officer, clock):
    token, raw = api_token_create(request=_request(), username="county", password=PASSWORD)
    assert len(raw) >= 43
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    assert raw not in str(ApiToken.objects.values_list())
    assert token.expires_at - clock.at > dt.timedelta(hours=11, minutes=59)
    assert api_token_authenticate(raw=raw) == token
    clock.advance(hours=12)
    with pytest.raises(LoginFailed) as err:
        api_token_authenticate(raw=raw)
    assert err.value.message == TOKEN_INVALID


@override_settings(API_TOKEN_HOURS=1)
def test_token_lifetime_is_a_setting(county_officer, clock):
    token, _raw = api_token_create(request=_request(), username="county", password=PASSWORD)
    assert token.expires_at - clock.at < dt.timedelta(hours=1)


def test_last_use_is_noted_at_most_once_a_minute(county_officer, clock):
    token, raw = api_token_create(request=_request(), username="county", password=PASSWORD)
    api_token_authenticate(raw=raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    clock.advance(seconds=59)
    api_token_authenticate(raw=raw)
    token.refresh_from_db()
    assert token.last_used_at == first
    clock.advance(seconds=2)
    api_token_authenticate(raw=raw)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_revoking_a_token(county_officer, town_officer):
    token, raw = api_token_create(request=_request(), username="county", password=PASSWORD)
    with pytest.raises(NotFound):
        api_token_revoke(actor=town_officer, token=token)
    api_token_revoke(actor=county_officer, token=token)
    api_token_revoke(actor=county_officer, token=token)
    with pytest.raises(LoginFailed):
        api_token_authenticate(raw=raw)
    assert AuditEvent.objects.filter(action="end", object_type="accounts.ApiToken").count() == 1


def test_inactive_users_tokens_do_not_work(county_officer):
    _token, raw = api_token_create(request=_request(), username="county", password=PASSWORD)
    county_officer.is_active = False
    county_officer.save(update_fields=["is_active"])
    with pytest.raises(LoginFailed):
        api_token_authenticate(raw=raw)


# --- Managing accounts ---


def _create(actor, **overrides):
    values = {
        "actor": actor,
        "username": "sunwk",
        "display_name": "孙旺奎",
        "role": "cadre",
        "password": DEMO_PASSWORD,
    }
    values.update(overrides)
    return user_create(**values)


def _refused(error_class, call, **kwargs):
    with pytest.raises(error_class) as err:
        call(**kwargs)
    return err.value


def test_an_officer_creates_a_cadre_account_scoped_to_the_cadres_households(
    town_officer, guojia_cadre
):
    account = _create(town_officer, cadre_id=guojia_cadre.pk)
    guojia_cadre.refresh_from_db()
    assert guojia_cadre.user == account
    assert account.must_change_password and account.check_password(DEMO_PASSWORD)
    assert account.region is None and account.unit is None and not account.can_reveal
    scope = user_scope(account)
    assert scope.cadre_account_id == account.pk
    seen = Household.objects.filter(scope.household_q())
    assert sorted(seen.values_list("head_name", flat=True)) == ["王建祥", "邵维基"]
    created, granted = AuditEvent.objects.filter(object_id=str(account.pk)).order_by("id")
    assert (created.action, granted.action) == ("create", "permission")
    assert created.actor_username == granted.actor_username == "guojia"
    assert created.changes["username"] == [None, "sunwk"]
    assert granted.changes == {"role": [None, "cadre"], "cadre": [None, str(guojia_cadre.pk)]}
    # Filed under the cadre's unit's region, so the town officer finds it in the trail.
    assert granted.region_code == GUOJIA


def test_officers_and_unit_administrators_get_their_region_or_unit(
    county_officer, guojia_unit, longcheng_cadre
):
    officer = _create(
        county_officer, username="xiaoyang", role="region_officer", region_code=GUOJIA
    )
    assert officer.region_id == GUOJIA
    unit_admin = _create(
        county_officer,
        username="weishengyuan",
        role="unit_admin",
        unit_id=guojia_unit.pk,
        region_code=GUOJIA,  # not needed by the role: left empty
    )
    assert unit_admin.unit == guojia_unit and unit_admin.region is None
    # The same region as the officer's own is no more than they have.
    assert _create(county_officer, username="jiandu", role="viewer", region_code=QINAN).region_id


def test_an_officer_cannot_grant_more_than_they_have(
    town_officer, county_officer, persona_unit, longcheng_cadre, cadre_user
):
    cases = [
        ({"role": "admin"}, ROLE_ADMIN_FORBIDDEN, "role"),
        ({"role": "boss"}, ROLE_INVALID, "role"),
        ({"role": "region_officer"}, REGION_REQUIRED, "region"),
        (
            {"role": "region_officer", "region_code": QINAN},
            REGION_OUT_OF_REACH.format(code=QINAN),
            "region",
        ),
        (
            {"role": "viewer", "region_code": LONGCHENG},
            REGION_OUT_OF_REACH.format(code=LONGCHENG),
            "region",
        ),
        (
            {"role": "viewer", "region_code": "999999999999"},
            REGION_OUT_OF_REACH.format(code="999999999999"),
            "region",
        ),
        ({"role": "unit_admin"}, UNIT_REQUIRED, "unit"),
        ({"role": "unit_admin", "unit_id": persona_unit.pk}, UNIT_OUT_OF_REACH, "unit"),
        ({"role": "unit_admin", "unit_id": 999_999}, UNIT_OUT_OF_REACH, "unit"),
        ({"role": "cadre"}, CADRE_REQUIRED, "cadre"),
        ({"role": "cadre", "cadre_id": longcheng_cadre.pk}, CADRE_OUT_OF_REACH, "cadre"),
        ({"role": "cadre", "cadre_id": 999_999}, CADRE_OUT_OF_REACH, "cadre"),
        (
            {"role": "viewer", "region_code": GUOJIA, "can_reveal": True},
            REVEAL_NOT_GRANTABLE,
            "can_reveal",
        ),
    ]
    for overrides, message, field in cases:
        error = _refused(InvalidInput, _create, actor=town_officer, **overrides)
        assert (error.message, error.field) == (message, field), overrides
    assert not User.objects.filter(username="sunwk").exists()
    assert not AuditEvent.objects.filter(object_type="accounts.User").exists()


def test_only_a_holder_of_the_reveal_permission_grants_it(county_officer, admin_user):
    county_officer.can_reveal = True
    county_officer.save(update_fields=["can_reveal"])
    granted = _create(
        county_officer, username="a1", role="viewer", region_code=GUOJIA, can_reveal=True
    )
    assert granted.can_reveal
    assert _create(admin_user, username="a2", role="admin").role == "admin"


def test_cadre_links_must_be_free_and_active(county_officer, guojia_cadre, cadre_user, admin_user):
    linked = Cadre.objects.get(user=cadre_user)
    error = _refused(Conflict, _create, actor=county_officer, cadre_id=linked.pk)
    assert error.message == CADRE_HAS_ACCOUNT.format(name="马秀英", username="cadre")
    retired = cadre_create(actor=admin_user, unit=guojia_cadre.unit, name="王二")
    cadre_update(
        actor=admin_user, cadre=retired, name="王二", position="", rank="", is_active=False
    )
    error = _refused(InvalidInput, _create, actor=county_officer, cadre_id=retired.pk)
    assert error.message == CADRE_INACTIVE.format(name="王二")


def test_username_and_password_rules(county_officer, guojia_cadre):
    base = {"actor": county_officer, "cadre_id": guojia_cadre.pk}
    assert _refused(InvalidInput, _create, **base, username=" ").message == USERNAME_REQUIRED
    assert _refused(InvalidInput, _create, **base, username="a b").message == USERNAME_INVALID
    error = _refused(Conflict, _create, **base, username="COUNTY")
    assert error.message == USERNAME_TAKEN.format(username="COUNTY")
    with override("zh-hans"):
        error = _refused(InvalidInput, _create, **base, password="sunwk")
    assert error.field == "password"
    assert str(error.message).startswith("「初始密码」：") and "密码长度太短" in error.message
    error = _refused(InvalidInput, _create, **base, display_name="名" * 101)
    assert error.message == DISPLAY_NAME_TOO_LONG


@pytest.mark.parametrize("name", ["viewer", "cadre_user"])
def test_no_one_else_creates_accounts(request, name, guojia_cadre):
    actor = request.getfixturevalue(name)
    error = _refused(Forbidden, _create, actor=actor, cadre_id=guojia_cadre.pk)
    assert error.message == USER_MANAGE_FORBIDDEN


def test_changing_role_and_reach_is_a_permission_change_old_to_new(
    county_officer, guojia_cadre, guojia_unit
):
    account = _create(county_officer, cadre_id=guojia_cadre.pk)
    user_update(
        actor=county_officer,
        user=account,
        display_name="孙旺奎（院长）",
        role="unit_admin",
        unit_id=guojia_unit.pk,
    )
    account.refresh_from_db()
    guojia_cadre.refresh_from_db()
    assert account.role == "unit_admin" and account.unit == guojia_unit
    assert guojia_cadre.user is None  # the cadre is free for another account
    renamed, changed = AuditEvent.objects.filter(
        object_id=str(account.pk), action__in=["update", "permission"]
    ).order_by("-id")[:2][::-1]
    assert renamed.changes == {"display_name": ["孙旺奎", "孙旺奎（院长）"]}
    assert changed.changes == {
        "role": ["cadre", "unit_admin"],
        "unit": [None, str(guojia_unit.pk)],
        "cadre": [str(guojia_cadre.pk), None],
    }
    # Saving unchanged values writes no row.
    before = AuditEvent.objects.count()
    user_update(
        actor=county_officer,
        user=account,
        display_name="孙旺奎（院长）",
        role="unit_admin",
        unit_id=guojia_unit.pk,
    )
    assert AuditEvent.objects.count() == before


def test_moving_a_cadre_account_to_another_cadre(county_officer, guojia_cadre, admin_user):
    account = _create(county_officer, cadre_id=guojia_cadre.pk)
    other = cadre_create(actor=admin_user, unit=guojia_cadre.unit, name="王二")
    user_update(
        actor=county_officer, user=account, display_name="王二", role="cadre", cadre_id=other.pk
    )
    assert Cadre.objects.get(user=account) == other
    guojia_cadre.refresh_from_db()
    assert guojia_cadre.user is None
    assert not Household.objects.filter(user_scope(account).household_q()).exists()


def test_no_one_changes_their_own_role_or_reach(county_officer, admin_user):
    for actor, kwargs in [
        (county_officer, {"role": "region_officer", "region_code": GUOJIA}),
        (county_officer, {"role": "region_officer", "region_code": QINAN, "can_reveal": True}),
        (admin_user, {"role": "viewer", "region_code": QINAN}),
    ]:
        error = _refused(
            InvalidInput, user_update, actor=actor, user=actor, display_name="", **kwargs
        )
        assert error.message == OWN_SCOPE_FORBIDDEN
    user_update(
        actor=county_officer,
        user=county_officer,
        display_name="秦安县双联办",
        role="region_officer",
        region_code=QINAN,
    )
    county_officer.refresh_from_db()
    assert county_officer.display_name == "秦安县双联办"


def test_updates_stay_within_the_officers_reach(town_officer, county_officer, other_town_officer):
    error = _refused(
        NotFound,
        user_update,
        actor=town_officer,
        user=other_town_officer,
        display_name="",
        role="viewer",
        region_code=GUOJIA,
    )
    assert error.message == USER_NOT_FOUND
    error = _refused(
        InvalidInput,
        user_update,
        actor=county_officer,
        user=town_officer,
        display_name="",
        role="admin",
    )
    assert error.message == ROLE_ADMIN_FORBIDDEN


def test_an_officer_keeps_but_cannot_add_the_reveal_permission(county_officer, admin_user):
    holder = _create(admin_user, username="a1", role="viewer", region_code=GUOJIA, can_reveal=True)
    user_update(
        actor=county_officer,
        user=holder,
        display_name="监督员",
        role="viewer",
        region_code=GUOJIA,
        can_reveal=True,
    )
    plain = _create(admin_user, username="a2", role="viewer", region_code=GUOJIA)
    error = _refused(
        InvalidInput,
        user_update,
        actor=county_officer,
        user=plain,
        display_name="",
        role="viewer",
        region_code=GUOJIA,
        can_reveal=True,
    )
    assert error.message == REVEAL_NOT_GRANTABLE


def test_deactivating_ends_sign_in_and_tokens_and_is_audited(county_officer, town_officer, clock):
    _token, raw = api_token_create(request=_request(), username="guojia", password=PASSWORD)
    user_deactivate(actor=county_officer, user=town_officer)
    town_officer.refresh_from_db()
    assert not town_officer.is_active
    with pytest.raises(LoginFailed):
        api_token_authenticate(raw=raw)
    with pytest.raises(LoginFailed):
        _login("guojia")
    event = AuditEvent.objects.filter(action="permission").latest("id")
    assert event.changes == {"is_active": [True, False], "api_tokens_revoked": 1}
    user_activate(actor=county_officer, user=town_officer)
    assert _login("guojia") == town_officer
    assert AuditEvent.objects.filter(action="permission").latest("id").changes == {
        "is_active": [False, True]
    }
    # Activating an active account changes nothing and writes nothing.
    user_activate(actor=county_officer, user=town_officer)
    assert AuditEvent.objects.filter(action="permission").count() == 2


def test_no_one_deactivates_themself_or_accounts_out_of_reach(
    county_officer, town_officer, other_town_officer
):
    error = _refused(Conflict, user_deactivate, actor=county_officer, user=county_officer)
    assert error.message == DEACTIVATE_SELF
    error = _refused(NotFound, user_deactivate, actor=town_officer, user=other_town_officer)
    assert error.message == USER_NOT_FOUND
    assert User.objects.filter(is_active=True).count() == 3


def test_an_officer_unlocks_and_forces_a_password_change_for_a_cadre_account(
    county_officer, cadre_user, clock
):
    _fail("cadre", 5)
    user_unlock(actor=county_officer, user=cadre_user)
    user_force_password_change(actor=county_officer, user=cadre_user)
    cadre_user.refresh_from_db()
    assert cadre_user.must_change_password and cadre_user.locked_until <= clock.at


def test_unit_admin_gives_accounts_to_the_units_own_cadres_only(
    unit_admin, county_officer, guojia_cadre
):
    own = cadre_create(actor=unit_admin, unit=unit_admin.unit, name="周玉兰")
    account = _create(unit_admin, username="zhouyl", display_name="周玉兰", cadre_id=own.pk)
    own.refresh_from_db()
    assert own.user == account and account.role == "cadre"
    with override("zh-hans"):
        refused = _refused(
            InvalidInput, _create, actor=unit_admin, username="sunwk2", cadre_id=guojia_cadre.pk
        )
        assert refused.field == "cadre"
        refused = _refused(
            InvalidInput,
            _create,
            actor=unit_admin,
            username="viewer2",
            role="viewer",
            region_code=QINAN,
        )
        assert str(refused.message) == str(ROLE_CADRE_ONLY)
    # The unit administrator manages exactly the unit's cadre accounts.
    assert set(manageable_users(unit_admin)) == {account}
    assert account in set(manageable_users(county_officer))
