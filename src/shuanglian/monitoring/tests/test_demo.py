"""The demo's monitoring examples: every category, every stage, one refusal for lack of labour."""

import pytest

from shuanglian.households.models import Category
from shuanglian.monitoring import demo, services
from shuanglian.monitoring.models import CaseStage, MonitoringCase
from shuanglian.monitoring.selectors import monitoring_summary
from shuanglian.monitoring.tests import factories as mf

pytestmark = pytest.mark.django_db


def test_seed_builds_every_stage_and_category(admin_user):
    cases = demo.seed(actor=admin_user, today=mf.today())
    assert {c.stage for c in cases} == set(CaseStage.values)
    confirmed = [c for c in cases if c.stage == CaseStage.CONFIRMED]
    assert {c.category for c in confirmed} == {"unstable_exited", "marginal", "sudden_hardship"}
    eliminated = next(c for c in cases if c.stage == CaseStage.RISK_ELIMINATED)
    eliminated.household.refresh_from_db()
    assert eliminated.household.category == Category.EXITED
    for case in confirmed:
        case.household.refresh_from_db()
        assert case.household.category == Category.MONITORED
        assert case.case_measures.count() == 2
    refused = MonitoringCase.objects.get(household=demo.refused_household())
    assert services.risk_elimination_problems(refused) == [str(services.NO_LABOUR_CAPACITY)]
    summary = monitoring_summary(user=admin_user, region=None).totals
    assert summary.overdue == 1 and summary.not_visited == 1
    # Again: nothing added.
    assert [c.pk for c in demo.seed(actor=admin_user, today=mf.today())] == [c.pk for c in cases]
    assert MonitoringCase.objects.count() == len(demo.EXAMPLES)
