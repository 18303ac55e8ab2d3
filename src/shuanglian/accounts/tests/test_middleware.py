from django.urls import reverse

from shuanglian.accounts.services import user_force_password_change
from shuanglian.conftest import QINAN
from shuanglian.regions.tests.pages import assert_login_redirect, text

PASSWORD = "Test@12345"
NEW_PASSWORD = "Shuanglian@2012"
LOGIN = "/accounts/login/"
ME = "/accounts/me/"
PASSWORD_PAGE = "/accounts/password/"


def _post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_forced_change_redirects_every_page_until_done(client, county_officer, admin_user):
    _post_login(client, "county", PASSWORD)
    user_force_password_change(actor=admin_user, user=county_officer)
    for path in ("/", ME, "/regions/", "/households/", f"/regions/{QINAN}/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == PASSWORD_PAGE
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200
    assert "您必须先修改密码才能继续" in text(page)
    assert reverse("accounts:me") not in text(page).split("<main", 1)[1]
    client.post(
        PASSWORD_PAGE,
        {
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert client.get(ME).status_code == 200


def test_forced_change_leaves_logout_and_language_open(client, county_officer, admin_user):
    user_force_password_change(actor=admin_user, user=county_officer)
    _post_login(client, "county", PASSWORD)
    language = client.post(reverse("set_language"), {"language": "en", "next": PASSWORD_PAGE})
    assert language["Location"] == PASSWORD_PAGE
    assert client.post(reverse("accounts:logout"))["Location"] == LOGIN
    assert_login_redirect(client.get(PASSWORD_PAGE))
