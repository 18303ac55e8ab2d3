"""Test data for assessments, made through the services."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from shuanglian.assessments import services
from shuanglian.conftest import GUOJIA

YEAR_START = dt.date(2012, 1, 1)
YEAR_END = dt.date(2012, 12, 31)


def scheme(*, actor, region=GUOJIA, name="2012年度效能风暴考核", **kw):
    return services.scheme_create(
        actor=actor,
        name=name,
        region_code=region,
        period_start=kw.pop("period_start", YEAR_START),
        period_end=kw.pop("period_end", YEAR_END),
        **kw,
    )


def pdf_upload(name="说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def published(*, actor, region=GUOJIA, adjust_unit=None, **kw):
    """A computed scheme, with an adjustment (and its document) for `adjust_unit`, published."""
    made = scheme(actor=actor, region=region, **kw)
    services.scheme_compute(actor=actor, scheme=made)
    adjustment = None
    if adjust_unit is not None:
        result = made.results.get(unit=adjust_unit)
        adjustment = services.adjustment_add(
            actor=actor, result=result, points="2", reason="宣传工作突出", document=pdf_upload()
        )
    services.scheme_freeze(actor=actor, scheme=made)
    services.scheme_publish(actor=actor, scheme=made)
    made.refresh_from_db()
    return made, adjustment
