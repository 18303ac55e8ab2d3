"""Test data for the assistance app, made through the services."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shuanglian.assistance import services


def png_upload(name="photo.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def visit(*, actor, household, visited_on=None, requests=(), photos=(), **kw):
    return services.visit_create(
        actor=actor,
        household=household,
        visited_on=visited_on or dt.date(2012, 8, 1),
        mode=kw.pop("mode", "home"),
        discussion=kw.pop("discussion", "了解家庭收入和种植情况"),
        requests=requests,
        photos=photos,
        **kw,
    )


def plan(*, actor, household, year=2012, **kw):
    return services.household_plan_save(actor=actor, household=household, year=year, **kw)


def measure(*, actor, plan, type="industry", description="发展苹果种植 5 亩", **kw):
    return services.measure_add(actor=actor, plan=plan, type=type, description=description, **kw)


def deed(*, actor, unit, village, value="5000", done_on=None, **kw):
    return services.deed_create(
        actor=actor,
        unit=unit,
        village=village,
        type=kw.pop("type", "funds"),
        description=kw.pop("description", "慰问困难户"),
        value=value,
        done_on=done_on or dt.date(2012, 8, 2),
        **kw,
    )
