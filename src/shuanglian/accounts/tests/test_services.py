from django.test import RequestFactory

from shuanglian.accounts.services import user_login
from shuanglian.core.models import AuditEvent


def _request():
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/accounts/login/")
    request.session = SessionStore()
    return request


def test_login_success_and_failure_are_audited(county_officer):
    assert user_login(request=_request(), username="county", password="wrong") is None
    assert user_login(request=_request(), username="nobody", password="x") is None
    assert (
        user_login(request=_request(), username="county", password="Test@12345") == county_officer
    )
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


def test_login_page_is_chinese_and_failure_does_not_say_which_part_was_wrong(
    client, county_officer
):
    page = client.get("/accounts/login/")
    assert "登录" in page.content.decode()
    wrong_user = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    wrong_password = client.post("/accounts/login/", {"username": "county", "password": "x"})
    assert wrong_user.status_code == wrong_password.status_code == 200
    from django.utils import translation

    from shuanglian.accounts.views import LOGIN_FAILED

    with translation.override("zh-hans"):
        message = str(LOGIN_FAILED)
    assert message in wrong_user.content.decode() and message in wrong_password.content.decode()
    ok = client.post("/accounts/login/", {"username": "county", "password": "Test@12345"})
    assert ok.status_code == 302
