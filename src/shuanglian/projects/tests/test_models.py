import pytest

from shuanglian.projects.models import Funding, FundingImmutable
from shuanglian.projects.tests import factories


def test_ledger_entries_are_never_changed_or_deleted(admin_user):
    entry = factories.funding(actor=admin_user, project=factories.project(actor=admin_user))
    entry.amount = 1
    with pytest.raises(FundingImmutable):
        entry.save()
    with pytest.raises(FundingImmutable):
        entry.delete()
    with pytest.raises(FundingImmutable):
        Funding.objects.filter(pk=entry.pk).update(amount=2)
    with pytest.raises(FundingImmutable):
        Funding.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.amount == 50000
