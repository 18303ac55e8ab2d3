"""The fund ledger cannot be changed by the application, nor by raw SQL.

The model layer refuses on every database; PostgreSQL refuses UPDATE and DELETE itself (row
triggers), SQLite refuses UPDATE itself: its `flush` is a DELETE FROM, which a DELETE trigger
would break (see migrations/0003_funding_append_only_triggers.py, the same as core's audit
trail). Inserts and reversing entries still work, and `flush` still empties the table.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from shuanglian.projects import services
from shuanglian.projects.models import Funding, FundingImmutable
from shuanglian.projects.tests import factories

TABLE = Funding._meta.db_table


@pytest.fixture
def entry(admin_user):
    project = factories.project(actor=admin_user)
    return factories.funding(actor=admin_user, project=project, amount="1000")


def _execute(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _amount(entry) -> Decimal:
    return Funding.objects.values_list("amount", flat=True).get(pk=entry.pk)


def test_model_layer_refuses_every_change_path(entry):
    entry.amount = Decimal("2000")
    with pytest.raises(FundingImmutable):
        entry.save()
    with pytest.raises(FundingImmutable):
        entry.delete()
    with pytest.raises(FundingImmutable):
        Funding.objects.filter(pk=entry.pk).update(amount=3000)
    with pytest.raises(FundingImmutable):
        Funding.objects.all().delete()
    assert _amount(entry) == Decimal("1000")


def test_raw_sql_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError):
        _execute(f"UPDATE {TABLE} SET amount = %s WHERE id = %s", ["1", entry.pk])
    with pytest.raises(DatabaseError):
        _execute(f"UPDATE {TABLE} SET note = %s", ["forged"])
    assert _amount(entry) == Decimal("1000")
    assert Funding.objects.get(pk=entry.pk).note == ""


def test_a_bulk_upsert_cannot_overwrite_an_entry(entry):
    """bulk_create(update_conflicts=True) bypasses the model layer: the database refuses it."""
    twin = Funding(
        pk=entry.pk,
        project=entry.project,
        source=entry.source,
        amount=Decimal("9"),
        received_on=entry.received_on,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Funding.objects.bulk_create(
            [twin], update_conflicts=True, unique_fields=["id"], update_fields=["amount"]
        )
    assert _amount(entry) == Decimal("1000")


def test_raw_sql_delete_is_refused_by_postgresql(entry):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's flush is a DELETE: there the model layer alone refuses deletes")
    with pytest.raises(DatabaseError):
        _execute(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError):
        _execute(f"DELETE FROM {TABLE}")
    assert Funding.objects.filter(pk=entry.pk).exists()


def test_inserts_and_reversals_still_work(admin_user, entry):
    more = factories.funding(actor=admin_user, project=entry.project, amount="250")
    reversal = services.funding_reverse(actor=admin_user, entry=entry, reason="金额有误")
    assert reversal.amount == Decimal("-1000")
    assert Funding.objects.get(pk=reversal.pk).reverses_id == entry.pk
    assert _amount(entry) == Decimal("1000")
    assert sorted(Funding.objects.values_list("pk", flat=True)) == [
        entry.pk,
        more.pk,
        reversal.pk,
    ]


def test_the_triggers_are_installed(db):
    """A migration that rebuilds the table (SQLite does for many changes) would drop them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgenabled FROM pg_trigger "
                "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            assert cursor.fetchall() == [("projects_funding_append_only", "O")]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            assert cursor.fetchall() == [("projects_funding_no_update",)]


def test_a_user_who_made_entries_cannot_be_deleted(county_officer, entry):
    """Deleting would null the entries' author (an UPDATE): accounts are deactivated instead."""
    factories.funding(actor=county_officer, project=entry.project, amount="5")
    with pytest.raises(DatabaseError), transaction.atomic():
        county_officer.delete()
    assert Funding.objects.filter(created_by=county_officer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_ledger(admin_user):
    """Transactional tests start over with `flush`: the triggers must leave it working."""
    project = factories.project(actor=admin_user)
    entry = factories.funding(actor=admin_user, project=project, amount="1000")
    services.funding_reverse(actor=admin_user, entry=entry, reason="测试")
    call_command("flush", interactive=False, verbosity=0)
    assert not Funding.objects.exists()
