"""Photos from outside: read by their content, refused when unsafe, re-encoded without metadata.

`clean_image(upload)` is for any upload that will be shown to others. It trusts neither
the file name nor the browser's content type: Pillow must recognise the bytes as one of
ALLOWED_FORMATS. Decompression bombs (a few KB that claim billions of pixels) are
refused before any pixel is decoded. The photo is turned upright as its EXIF says and
written again as a JPEG with nothing else: no EXIF (GPS position, phone model, serial,
time), no XMP, no comment, no ICC profile. Where a photo was taken comes from the form,
never from the file.
"""

from contextlib import contextmanager
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIF/HEIC (iPhone) only when the optional pillow-heif plugin is installed
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - depends on the environment
    HEIF_FORMATS: set[str] = set()
else:  # pragma: no cover
    register_heif_opener()
    HEIF_FORMATS = {"HEIF"}

# MPO is how Pillow names the multi-picture JPEGs many phones write.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", *HEIF_FORMATS}
# 50 megapixels covers the phones people carry; more is refused as a possible bomb.
MAX_PIXELS = 50_000_000
# Pillow warns above this and refuses at twice it; we refuse at once (below).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_SIDE = 2560  # pixels, the longer side of what is stored
JPEG_QUALITY = 85
MB = 1024 * 1024


def max_upload_bytes() -> int:
    return settings.PUBLIC_UPLOAD_MAX_MB * MB


def clean_image(upload, name: str = "photo.jpg") -> ContentFile:
    """A checked, upright, metadata-free JPEG of `upload`, or a ValidationError in Chinese.

    The result is named `name`, not after the uploaded file, whose name may say too much.
    """
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("照片超过 %(mb)s MB，请换一张或压缩后再上传。")
            % {"mb": settings.PUBLIC_UPLOAD_MAX_MB},
            code="too_large",
        )
    try:
        with _read_errors():
            _check(upload)
            data = _reencode(upload)
    finally:
        upload.seek(0)
    return ContentFile(data, name=name)


def check_image(upload) -> str:
    """The format of `upload` as its content says (one of ALLOWED_FORMATS), checked as
    clean_image checks it but neither decoded nor changed; or a ValidationError in Chinese."""
    try:
        with _read_errors():
            return _check(upload)
    finally:
        upload.seek(0)


@contextmanager
def _read_errors():
    """Pillow's complaints about a file, as the one message a person can act on."""
    try:
        yield
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("无法识别这张图片，请上传 JPG、PNG 或 WEBP 格式的照片。"), code="not_an_image"
        ) from None


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("图片尺寸过大（超过 %(mp)s 百万像素），请换一张照片。") % {"mp": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _check(upload) -> str:
    """Read the header and verify the file's structure, without decoding the pixels."""
    upload.seek(0)
    with Image.open(upload) as probe:
        if probe.format not in ALLOWED_FORMATS:
            raise ValidationError(
                _("不支持这种图片格式，请上传 JPG、PNG 或 WEBP 格式的照片。"), code="format"
            )
        width, height = probe.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels()
        probe.verify()
        return probe.format


def _reencode(upload) -> bytes:
    upload.seek(0)
    with Image.open(upload) as image:
        # A JPEG decodes at a reduced scale straight away: a 50 MP photo never sits whole in memory.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
        clean = _flatten(upright)
    clean.info.clear()  # nothing of the original's metadata may ride along
    buffer = BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: a transparent PNG would otherwise turn black as a JPEG."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
