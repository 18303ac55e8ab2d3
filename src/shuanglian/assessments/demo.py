"""The demo's assessment: 秦安县's 2012 效能风暴 over the demo's recorded work (visits, measures,
follow-ups, funds, projects, incomes), computed, frozen and published, so that the county
officer sees the ranking and each unit administrator their unit's scores.

Called by the demo after its work exists; a scheme of the same name for 秦安县 is left alone, so
running it twice adds nothing.
"""

import datetime as dt

from django.db import transaction

from shuanglian.assessments import services
from shuanglian.assessments.models import Scheme, SchemeStatus

QINAN = "620522000000"
NAME = "秦安县2012年度双联行动效能风暴考核"
PERIOD_START = dt.date(2012, 1, 1)
PERIOD_END = dt.date(2012, 12, 31)


@transaction.atomic
def seed(*, actor, today: dt.date) -> Scheme:
    scheme = Scheme.objects.filter(name=NAME, region_id=QINAN).first()
    if scheme is None:
        scheme = services.scheme_create(
            actor=actor,
            name=NAME,
            region_code=QINAN,
            period_start=PERIOD_START,
            period_end=min(PERIOD_END, today),
        )
    if scheme.status == SchemeStatus.DRAFT:
        services.scheme_compute(actor=actor, scheme=scheme)
        services.scheme_freeze(actor=actor, scheme=scheme)
    if scheme.status != SchemeStatus.PUBLISHED:
        scheme.refresh_from_db()
        services.scheme_publish(actor=actor, scheme=scheme)
    scheme.refresh_from_db()
    return scheme
