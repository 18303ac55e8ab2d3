import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

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


# 34°51'N 105°40'E, near 秦安县: where the photo was taken, which must not leak by default.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (34.0, 51.0, 0.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (105.0, 40.0, 0.0),
}


def jpeg_with_gps_upload(name="site.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A camera photo carrying its position in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    exif[ExifTags.Base.Make] = "Camera"
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def gps_of(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo))
