"""No plaintext ID number or phone is stored: every column of every table is scanned.

On SQLite the database is also written out to a file and its bytes are searched, so that nothing
hides in an index, a free page or the WAL.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection

from shuanglian.households.tests import factories as hf
from shuanglian.pairings.tests import factories as pf
from shuanglian.units.tests import factories as uf

PHONE = "13987654321"


def _store_people(admin_user) -> list[str]:
    ids = [hf.id_number(birth=dt.date(1950 + n, 2, 3)) for n in range(3)]
    household = hf.household(actor=admin_user, head_id=ids[0], phone=PHONE)
    hf.member(actor=admin_user, household=household, id_number=ids[1])
    unit = uf.unit(actor=admin_user)
    cadre = uf.cadre(actor=admin_user, unit=unit, id_number=ids[2], phone="13700001234")
    pf.village_pairing(actor=admin_user, unit=unit)
    pf.household_pairing(actor=admin_user, household=household, cadre=cadre)
    return ids


def test_no_table_holds_a_plaintext_id_or_phone(admin_user):
    secrets = [*_store_people(admin_user), PHONE, "13700001234"]
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in connection.introspection.table_names(cursor):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    text = (
                        bytes(value).decode("latin-1")
                        if isinstance(value, (bytes, memoryview))
                        else str(value)
                    )
                    for secret in secrets:
                        assert secret not in text, f"{table} stores a plaintext value"


@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside the test's transaction
def test_sqlite_file_bytes_hold_no_plaintext_id(admin_user, tmp_path):
    if connection.vendor != "sqlite":
        return
    secrets = [*_store_people(admin_user), PHONE]
    target = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(target)])
    data = target.read_bytes()
    for secret in secrets:
        assert secret.encode() not in data
        assert secret.encode("utf-16-le") not in data


def _concrete_urls(admin_user) -> list[str]:
    """Every GET page and API read of the registry, with real ids filled in."""
    from django.urls import reverse

    from shuanglian.households.models import Household, Member
    from shuanglian.pairings.models import HouseholdPairing, VillagePairing
    from shuanglian.units.models import Cadre, Unit

    household = Household.objects.get()
    member = Member.objects.filter(relation="spouse").get()
    unit, cadre = Unit.objects.get(), Cadre.objects.get()
    pages = [
        reverse("regions:index"),
        reverse("regions:detail", args=[household.village_id]),
        reverse("regions:detail", args=["620522104000"]),
        reverse("regions:search") + "?q=暖泉",
        reverse("units:list"),
        reverse("units:detail", args=[unit.pk]),
        reverse("units:update", args=[unit.pk]),
        reverse("units:cadre_create", args=[unit.pk]),
        reverse("units:cadre_detail", args=[cadre.pk]),
        reverse("units:cadre_update", args=[cadre.pk]),
        reverse("households:list"),
        reverse("households:list") + "?q=wjx",
        reverse("households:detail", args=[household.pk]),
        reverse("households:update", args=[household.pk]),
        reverse("households:member_create", args=[household.pk]),
        reverse("households:member_update", args=[member.pk]),
        reverse("households:member_end", args=[member.pk]),
        reverse("households:income_save", args=[household.pk]),
        reverse("pairings:village_create", args=[unit.pk]),
        reverse("pairings:village_end", args=[VillagePairing.objects.get().pk]),
        reverse("pairings:household_assign", args=[household.pk]),
        reverse("pairings:household_end", args=[HouseholdPairing.objects.get().pk]),
    ]
    api = [
        "/api/v1/regions/620522104000",
        "/api/v1/units",
        f"/api/v1/units/{unit.pk}",
        "/api/v1/households",
        f"/api/v1/households/{household.pk}",
    ]
    return pages + api


def test_no_page_or_endpoint_shows_a_plaintext_id_or_phone(admin_user, login):
    secrets = [*_store_people(admin_user), PHONE, "13700001234"]
    client = login(admin_user)
    for url in _concrete_urls(admin_user):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, f"{url} shows a plaintext value"
