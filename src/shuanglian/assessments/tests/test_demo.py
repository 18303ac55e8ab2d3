import datetime as dt

import pytest

from shuanglian.assessments import demo
from shuanglian.assessments.models import SchemeStatus

pytestmark = pytest.mark.django_db


def test_seed_publishes_one_scheme_and_is_idempotent(work):
    scheme = demo.seed(actor=work.admin, today=dt.date(2026, 1, 1))
    assert scheme.status == SchemeStatus.PUBLISHED
    assert set(scheme.results.values_list("unit__name", flat=True)) == {"县委宣传部", "县文明办"}
    again = demo.seed(actor=work.admin, today=dt.date(2026, 1, 1))
    assert again.pk == scheme.pk
