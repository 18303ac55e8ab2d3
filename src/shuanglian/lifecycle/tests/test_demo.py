import pytest

from shuanglian.conftest import NUANQUAN
from shuanglian.households.models import Category
from shuanglian.households.tests import factories as hf
from shuanglian.lifecycle import demo
from shuanglian.lifecycle.models import Notice, Procedure, ProcedureStatus, Step
from shuanglian.lifecycle.tests import factories as lf

pytestmark = pytest.mark.django_db


def test_seed_puts_households_at_every_stage(admin_user):
    for n in range(4):
        hf.household(
            actor=admin_user, village=NUANQUAN, head_name=f"甲{n}", category=Category.GENERAL
        )
    for n in range(3):
        hf.household(actor=admin_user, village=NUANQUAN, head_name=f"乙{n}", category=Category.POOR)
    today = lf.days_ago(0)
    result = demo.seed(actor=admin_user, today=today)
    by_status = {}
    for procedure in Procedure.objects.all():
        by_status.setdefault((procedure.kind, procedure.status), []).append(procedure)
    assert len(by_status[("identification", ProcedureStatus.APPROVED)]) == 1
    assert len(by_status[("identification", ProcedureStatus.REJECTED)]) == 1
    waiting = by_status[("identification", ProcedureStatus.IN_PROGRESS)]
    assert len(waiting) == 2 and {p.next_step for p in waiting} == {Step.TOWNSHIP_REVIEW}
    running = Notice.objects.get(steps__procedure=waiting[0])
    assert running.ends_on >= today and running.steps.count() == 2
    assert len(by_status[("exit", ProcedureStatus.APPROVED)]) == 2
    pending = by_status[("exit", ProcedureStatus.IN_PROGRESS)]
    assert [p.next_step for p in pending] == [Step.TOWNSHIP_REVIEW]
    assert Category.EXITED in {
        p.household.category for p in by_status[("exit", ProcedureStatus.APPROVED)]
    }
    for procedure in by_status[("exit", ProcedureStatus.APPROVED)]:
        assert procedure.household.assurance_checks.filter(met=True).count() == 6
    assert len(result.procedures) == 7
    # Run again: the households that have procedures are left alone.
    assert demo.seed(actor=admin_user, today=today).procedures == []
