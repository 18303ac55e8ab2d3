"""Photos as evidence (visits, deeds, projects): checked, re-encoded and thumbnailed.

Only real JPEG and PNG images are accepted: the file is decoded with Pillow, whatever its name or
declared type says. The stored image is a fresh encoding of the decoded pixels with the camera's
orientation applied, so that no metadata the uploader did not mean to share survives — above all
the GPS position of a household's home — unless the uploader asks to keep the location.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from shuanglian.core.errors import InvalidInput

PHOTO_NOT_IMAGE = _("The file is not a JPEG or PNG photo.")
PHOTO_TOO_LARGE = _("The photo is too large: at most {mb} MB and {megapixels} million pixels.")

FORMATS = {"JPEG": "jpg", "PNG": "png"}
THUMBNAIL_SIZE = 320
# A small file can still decode to a huge bitmap (a "decompression bomb"); phone cameras stay
# well below this.
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 88


@dataclass(frozen=True)
class PreparedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    gps_kept: bool


def max_bytes() -> int:
    return settings.PHOTO_MAX_MB * 1024 * 1024


def _too_large() -> InvalidInput:
    return InvalidInput(
        PHOTO_TOO_LARGE.format(mb=settings.PHOTO_MAX_MB, megapixels=MAX_PIXELS // 1_000_000),
        field="photos",
    )


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise _too_large()
    if hasattr(upload, "seek"):
        upload.seek(0)
    # Read one byte more than allowed: a file whose size was not declared is refused all the same.
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise _too_large()
    return data


def _open(data: bytes) -> Image.Image:
    """The decoded image; anything that is not a complete JPEG or PNG is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in FORMATS:
                raise InvalidInput(PHOTO_NOT_IMAGE, field="photos")
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_large()
            probe.verify()
            # verify() leaves the image unusable; decode it again, fully, to catch truncation.
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(PHOTO_NOT_IMAGE, field="photos") from None
    return image


def _exif_keeping_gps(original: Image.Image) -> bytes | None:
    """EXIF holding only the GPS position (the orientation is applied to the pixels)."""
    gps = original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    if not gps:
        return None
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = gps
    return exif.tobytes()


def _encode(image: Image.Image, fmt: str, exif: bytes | None) -> bytes:
    out = io.BytesIO()
    options: dict = {}
    if exif:
        options["exif"] = exif
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if thumb.mode in ("RGBA", "LA") or (thumb.mode == "P" and "transparency" in thumb.info):
        # Transparent parts of a PNG become white rather than black in the JPEG thumbnail.
        rgba = thumb.convert("RGBA")
        thumb = Image.new("RGB", rgba.size, "white")
        thumb.paste(rgba, mask=rgba.getchannel("A"))
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80)
    return out.getvalue()


def photo_prepare(upload, *, keep_gps: bool) -> PreparedPhoto:
    """Check an uploaded file and return the image to store, its thumbnail and its size.

    Raises InvalidInput (PHOTO_NOT_IMAGE, PHOTO_TOO_LARGE). The stored files get random names:
    the uploader's file name may hold a person's name.
    """
    original = _open(_read(upload))
    fmt = original.format
    exif = _exif_keeping_gps(original) if keep_gps else None
    upright = ImageOps.exif_transpose(original)
    stem = uuid.uuid4().hex
    return PreparedPhoto(
        image=ContentFile(_encode(upright, fmt, exif), name=f"{stem}.{FORMATS[fmt]}"),
        thumbnail=ContentFile(_thumbnail(upright), name=f"{stem}.jpg"),
        width=upright.width,
        height=upright.height,
        gps_kept=exif is not None,
    )
