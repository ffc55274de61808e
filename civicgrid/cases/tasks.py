"""Background work on cases: thumbnails of their photos."""

import posixpath
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task
from PIL import Image, ImageOps

from civicgrid.cases.models import CasePhoto

THUMBNAIL_SIZE = 320  # pixels, the longer side


def thumbnail_name(image_name: str) -> str:
    """cases/2026/05/N/before-a.png → cases/2026/05/N/thumbs/before-a.jpg"""
    folder, filename = posixpath.split(image_name)
    return posixpath.join(folder, "thumbs", posixpath.splitext(filename)[0] + ".jpg")


def thumbnail_bytes(source) -> bytes:
    """A JPEG at most THUMBNAIL_SIZE on its longer side, turned upright as its EXIF says."""
    with Image.open(source) as image:
        # Let the JPEG decoder scale down first: a 12 MP photo then never sits whole in memory.
        image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        buffer = BytesIO()
        upright.convert("RGB").save(buffer, "JPEG", quality=80, optimize=True)
    return buffer.getvalue()


@task()
def make_thumbnail(photo_id: int) -> str:
    """Write the photo's thumbnail once; the photo row is append-only, so only that field is set."""
    photo = CasePhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnail:
        return ""
    with photo.image.open("rb") as source:
        data = thumbnail_bytes(source)
    name = default_storage.save(thumbnail_name(photo.image.name), ContentFile(data))
    CasePhoto.objects.filter(pk=photo_id, thumbnail="").update(thumbnail=name)
    return name
