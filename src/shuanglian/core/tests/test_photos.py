"""Photo checks: only real JPEG/PNG, size limits, GPS stripped unless kept, orientation applied."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from shuanglian.core.errors import InvalidInput
from shuanglian.core.photos import (
    PHOTO_NOT_IMAGE,
    PHOTO_TOO_LARGE,
    THUMBNAIL_SIZE,
    photo_prepare,
)

# 34°51'N 105°40'E, near 秦安县: a household's home, which must not leak with the photo.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (34.0, 51.0, 0.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (105.0, 40.0, 0.0),
}


def jpeg_bytes(size=(800, 600), *, gps=False, orientation=None, fmt="JPEG") -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Camera"
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def gps_of(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo))


def test_gps_is_stripped_by_default():
    data = jpeg_bytes(gps=True)
    assert gps_of(data)  # the test image really carries a position
    photo = photo_prepare(upload(data), keep_gps=False)
    stored = photo.image.read()
    assert gps_of(stored) == {}
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert photo.gps_kept is False
    assert (photo.width, photo.height) == (800, 600)
    assert photo.image.name.endswith(".jpg")


def test_gps_is_kept_when_asked():
    photo = photo_prepare(upload(jpeg_bytes(gps=True)), keep_gps=True)
    kept = gps_of(photo.image.read())
    assert kept[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert [float(v) for v in kept[ExifTags.GPS.GPSLongitude]] == [105.0, 40.0, 0.0]
    assert photo.gps_kept is True


def test_keep_gps_without_a_position_keeps_nothing():
    photo = photo_prepare(upload(jpeg_bytes()), keep_gps=True)
    assert photo.gps_kept is False


def test_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was turned; the stored photo is upright and has no tag left.
    photo = photo_prepare(upload(jpeg_bytes((800, 600), orientation=6)), keep_gps=False)
    assert (photo.width, photo.height) == (600, 800)
    stored = Image.open(io.BytesIO(photo.image.read()))
    assert stored.size == (600, 800)
    assert ExifTags.Base.Orientation not in stored.getexif()


def test_thumbnail_fits_the_box():
    photo = photo_prepare(upload(jpeg_bytes((1600, 900))), keep_gps=False)
    thumb = Image.open(io.BytesIO(photo.thumbnail.read()))
    assert thumb.format == "JPEG"
    assert max(thumb.size) == THUMBNAIL_SIZE
    assert thumb.size == (320, 180)


def test_png_with_transparency_is_accepted():
    image = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    photo = photo_prepare(upload(out.getvalue(), "a.png", "image/png"), keep_gps=False)
    assert photo.image.name.endswith(".png")
    assert Image.open(io.BytesIO(photo.image.read())).format == "PNG"
    assert Image.open(io.BytesIO(photo.thumbnail.read())).getpixel((0, 0)) == (255, 255, 255)


def test_file_name_is_not_kept():
    photo = photo_prepare(upload(jpeg_bytes(), name="孙旺奎家.jpg"), keep_gps=False)
    assert "孙旺奎" not in photo.image.name
    assert "孙旺奎" not in photo.thumbnail.name


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4 not a photo",
        b"",
        jpeg_bytes()[:400],  # truncated
        jpeg_bytes(fmt="GIF"),
        jpeg_bytes(fmt="BMP"),
    ],
    ids=["pdf", "empty", "truncated", "gif", "bmp"],
)
def test_anything_but_a_real_jpeg_or_png_is_refused(data):
    # Named and declared as a JPEG: the content decides.
    with pytest.raises(InvalidInput) as err:
        photo_prepare(upload(data), keep_gps=False)
    assert err.value.message == PHOTO_NOT_IMAGE
    assert err.value.field == "photos"


def test_too_large_file_is_refused(settings):
    settings.PHOTO_MAX_MB = 1
    data = jpeg_bytes() + b"\0" * (1024 * 1024)
    with pytest.raises(InvalidInput) as err:
        photo_prepare(upload(data), keep_gps=False)
    assert str(err.value.message) == str(PHOTO_TOO_LARGE.format(mb=1, megapixels=60))


def test_too_many_pixels_is_refused():
    # A tiny PNG of a huge blank area: small on disk, enormous once decoded.
    image = Image.new("1", (10_000, 7_000))
    out = io.BytesIO()
    image.save(out, format="PNG")
    with pytest.raises(InvalidInput) as err:
        photo_prepare(upload(out.getvalue(), "big.png", "image/png"), keep_gps=False)
    assert "60" in str(err.value.message)
