"""No plaintext ID number or phone reaches an audit row or a log line, along a whole day's work.

The flow goes through the pages, with every logger at DEBUG and SQL logging forced on, and
includes the places where typed text lands in the trail: a refused form, a failed login under
an ID number, an export filtered by a phone number.
"""

import datetime as dt
import json
import logging

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuanglian.conftest import NUANQUAN
from shuanglian.core.audit import scrub
from shuanglian.core.idcard import build_id
from shuanglian.core.models import AuditEvent
from shuanglian.households.models import Household
from shuanglian.households.tests import factories as hf
from shuanglian.units.tests import factories as uf

HEAD_ID = build_id("620522", dt.date(1961, 4, 5), 31)
MEMBER_ID = build_id("620522", dt.date(1988, 7, 9), 42)
CADRE_ID = build_id("620502", dt.date(1979, 11, 12), 53)
TYPO_ID = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")  # a wrong check character
LOGIN_ID = build_id("620522", dt.date(1990, 1, 2), 64)
PHONES = ("13812345678", "13987654321", "13700001234")


def person(name: str, id_number: str, relation: str = "spouse") -> dict[str, str]:
    return {
        "name": name,
        "relation": relation,
        "id_number": id_number,
        "sex": "",
        "birth_date": "",
        "ethnicity": "汉族",
        "education": "primary",
        "school_status": "",
        "health": "healthy",
        "labour": "ordinary",
        "work_status": "",
    }


def household_form(**values) -> dict[str, str]:
    data = {
        "category": "poor",
        "poverty_cause_main": "illness",
        "poverty_cause_secondary": "",
        "address": "暖泉村二社",
    }
    data.update(values)
    return data


def work_through_the_pages(client, admin_user) -> None:
    create = reverse("households:create")
    new_household = household_form(village=NUANQUAN, number="", phone=PHONES[0])
    refused = client.post(create, {**new_household, **person("王建祥", TYPO_ID, "head")})
    assert refused.status_code == 400
    created = client.post(create, {**new_household, **person("王建祥", HEAD_ID, "head")})
    assert created.status_code == 302
    household = Household.objects.get()
    updated = client.post(
        reverse("households:update", args=[household.pk]), household_form(phone=PHONES[1])
    )
    assert updated.status_code == 302
    added = client.post(
        reverse("households:member_create", args=[household.pk]), person("李爱仙", MEMBER_ID)
    )
    assert added.status_code == 302
    unit = uf.unit(actor=admin_user, name="县委宣传部")
    cadre = client.post(
        reverse("units:cadre_create", args=[unit.pk]),
        {"name": "孙旺奎", "position": "科员", "phone": PHONES[2], "id_number": CADRE_ID},
    )
    assert cadre.status_code == 302
    for url in (
        reverse("households:detail", args=[household.pk]),
        reverse("core:audit"),
        reverse("core:audit") + f"?object_id={PHONES[0]}",
    ):
        assert client.get(url).status_code == 200
    export = client.get(reverse("core:audit_export", args=["csv"]), {"object_id": PHONES[0]})
    b"".join(export.streaming_content)


def fail_to_log_in(client) -> None:
    client.logout()
    client.post(reverse("accounts:login"), {"username": LOGIN_ID, "password": "wrong-password"})


def test_no_plaintext_in_audit_rows_or_log_lines(client, admin_user, caplog):
    secrets = [HEAD_ID, MEMBER_ID, CADRE_ID, TYPO_ID, LOGIN_ID, *PHONES]
    # Django's own loggers stop at INFO unless lowered one by one.
    for name in (None, "django", "django.db.backends", "django.request", "shuanglian"):
        caplog.set_level(logging.DEBUG, logger=name)
    client.force_login(admin_user)
    # SQL is logged (as with DEBUG on) while personal data is handled: it goes to the database
    # sealed. The login form's username goes to SQL as typed, whatever it is, so the failed login
    # runs with SQL logging off, as in production.
    with CaptureQueriesContext(connection) as queries:
        work_through_the_pages(client, admin_user)
    # Read now: the next request clears the connection's query log.
    sql = [query["sql"] for query in queries.captured_queries]
    fail_to_log_in(client)

    # The flow did write what the test scans, and the free text was masked, not dropped.
    events = list(AuditEvent.objects.all())
    actions = {(event.object_type, event.action) for event in events}
    assert {
        ("households.Household", "create"),
        ("households.Household", "update"),
        ("households.Member", "create"),
        ("units.Cadre", "create"),
        ("core.AuditEvent", "export"),
        ("accounts.User", "login_failed"),
    } <= actions
    assert scrub(LOGIN_ID) in {event.actor_username for event in events}
    assert any("138****5678" in json.dumps(event.changes) for event in events)
    assert sql
    assert any(record.name == "django.db.backends" for record in caplog.records)

    stored = [
        " ".join(
            [
                event.actor_username,
                event.object_id,
                event.object_repr,
                json.dumps(event.changes, ensure_ascii=False),
            ]
        )
        for event in events
    ]
    logged = [
        f"{record.name} {record.getMessage()} {record.exc_text or ''} {record.args!r}"
        for record in caplog.records
    ]
    for secret in secrets:
        for text in stored:
            assert secret not in text, "an audit row holds a plaintext value"
        for text in logged:
            assert secret not in text, "a log line holds a plaintext value"
        assert secret not in caplog.text
    for secret in (HEAD_ID, MEMBER_ID, CADRE_ID, TYPO_ID, *PHONES):
        for statement in sql:
            assert secret not in statement


def test_scrub_masks_ids_and_mobiles_in_free_text_but_not_codes():
    id_number = hf.id_number()
    text = f"{id_number} 13812345678 +8613912345678 620522104200 6205221042000001"
    assert scrub(text) == (
        f"{id_number[:6]}********{id_number[-4:]} 138****5678 139****5678"
        " 620522104200 6205221042000001"
    )
    assert scrub("62052219900101001x") == "620522********001X"
