import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shuanglian.conftest import NUANQUAN
from shuanglian.projects import services
from shuanglian.projects.models import FundingSource, ProjectType


def project(*, actor, village=NUANQUAN, name="暖泉村村级综合文化活动中心", **kw):
    return services.project_create(
        actor=actor,
        village_code=village,
        name=name,
        type=kw.pop("type", ProjectType.CULTURE_CENTRE),
        year=kw.pop("year", 2012),
        planned_on=kw.pop("planned_on", dt.date(2012, 3, 1)),
        **kw,
    )


def funding(*, actor, project, amount="50000", **kw):
    return services.funding_add(
        actor=actor,
        project=project,
        source=kw.pop("source", FundingSource.UNIT),
        amount=amount,
        received_on=kw.pop("received_on", dt.date(2012, 6, 1)),
        **kw,
    )


def png_upload(name="photo.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
