"""Production settings: `check --deploy` is clean with the documented environment, and the
session and transport settings follow it (settings.py)."""

import base64
import json
import os
import secrets
import subprocess
import sys

import pytest

# Variables the README's configuration table documents for a production server behind TLS.
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "shuanglian.example.gov.cn",
    "SECURE_COOKIES": "1",
}
# Set by the tests themselves (or left out), so the shell running them cannot change what they
# check.
CONTROLLED = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "TLS_PROXY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_IDLE_MINUTES",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCK_MINUTES",
    "API_TOKEN_HOURS",
    # The suite's own conftest sets this; a server must not have it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _env(tmp_path, **values) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    env.update(
        DJANGO_SETTINGS_MODULE="shuanglian.settings",
        SHUANGLIAN_VAR_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(60),
        SHUANGLIAN_FIELD_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        **values,
    )
    return env


def _run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _run(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        _env(tmp_path, **PRODUCTION),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_https(tmp_path):
    """The check above has teeth: the same server over plain HTTP fails it."""
    env = _env(tmp_path, **{**PRODUCTION, "SECURE_COOKIES": "0"})
    result = _run(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name, None) for name in %r}))"
)
NAMES = [
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCK_MINUTES",
    "API_TOKEN_HOURS",
]


def _settings(tmp_path, **values) -> dict:
    result = _run(["-c", SHOW % NAMES], _env(tmp_path, **values))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {},
            {
                "SESSION_COOKIE_AGE": 1800,
                "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
                "SESSION_COOKIE_SECURE": False,
                "SECURE_SSL_REDIRECT": False,
                "SECURE_PROXY_SSL_HEADER": None,
                "SECURE_HSTS_SECONDS": 0,
                "SECURE_HSTS_PRELOAD": False,
                "LOGIN_MAX_FAILURES": 5,
                "LOGIN_LOCK_MINUTES": 15,
                "API_TOKEN_HOURS": 12,
            },
        ),
        (
            {"SECURE_COOKIES": "1"},
            {
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "SECURE_SSL_REDIRECT": True,
                "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                "SECURE_HSTS_SECONDS": 31_536_000,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SECURE_HSTS_PRELOAD": True,
            },
        ),
        (
            {
                "SECURE_COOKIES": "1",
                "TLS_PROXY": "0",
                "SECURE_SSL_REDIRECT": "0",
                "SECURE_HSTS_SECONDS": "3600",
                "SECURE_HSTS_PRELOAD": "0",
            },
            {
                "SECURE_SSL_REDIRECT": False,
                "SECURE_PROXY_SSL_HEADER": None,
                "SECURE_HSTS_SECONDS": 3600,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SECURE_HSTS_PRELOAD": False,
            },
        ),
        (
            {
                "SESSION_IDLE_MINUTES": "10",
                "LOGIN_MAX_FAILURES": "3",
                "LOGIN_LOCK_MINUTES": "30",
                "API_TOKEN_HOURS": "2",
            },
            {
                "SESSION_COOKIE_AGE": 600,
                "LOGIN_MAX_FAILURES": 3,
                "LOGIN_LOCK_MINUTES": 30,
                "API_TOKEN_HOURS": 2,
            },
        ),
    ],
    ids=["defaults", "https", "https-tuned", "limits"],
)
def test_settings_follow_the_environment(tmp_path, values, expected):
    shown = _settings(tmp_path, **values)
    assert {name: shown[name] for name in expected} == expected
