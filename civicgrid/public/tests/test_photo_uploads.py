"""Residents' photos are read by their content and stored without metadata (lib.images)."""

import struct
import warnings
import zlib
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from PIL import ExifTags, Image

from civicgrid.cases.models import Case
from civicgrid.lib.images import clean_image
from civicgrid.public.tests.base import PublicTestCase, jpeg

GPS, MAKE, MODEL, ORIENTATION = 0x8825, 0x010F, 0x0110, 0x0112


def exif_with_gps(orientation=1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "HUAWEI"
    exif[MODEL] = "Mate 60 Pro"
    exif[ORIENTATION] = orientation
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 12.0, 56.52),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (113.0, 14.0, 30.48),
    }
    return exif


def png(name="shot.png", mode="RGBA") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new(mode, (40, 30), (10, 120, 200, 128) if mode == "RGBA" else 0).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A tiny PNG whose header claims width × height pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


class CleanImageTests(SimpleTestCase):
    def test_gps_and_device_tags_are_gone(self):
        upload = jpeg(exif=exif_with_gps())
        self.assertIn(GPS, Image.open(BytesIO(upload.read())).getexif())
        cleaned = Image.open(BytesIO(clean_image(upload).read()))
        self.assertEqual(dict(cleaned.getexif()), {})
        self.assertNotIn("exif", cleaned.info)
        self.assertEqual(cleaned.format, "JPEG")

    def test_the_photo_is_turned_upright_as_its_exif_says(self):
        rotated = jpeg(size=(64, 48), exif=exif_with_gps(orientation=6))  # 90° clockwise
        cleaned = Image.open(BytesIO(clean_image(rotated).read()))
        self.assertEqual(cleaned.size, (48, 64))

    def test_the_stored_name_does_not_come_from_the_upload(self):
        self.assertEqual(clean_image(jpeg("张三家门口.jpg")).name, "photo.jpg")

    def test_a_png_named_jpg_is_accepted_by_its_content(self):
        cleaned = Image.open(BytesIO(clean_image(png("photo.jpg")).read()))
        self.assertEqual((cleaned.format, cleaned.mode), ("JPEG", "RGB"))

    def test_a_text_file_named_jpg_is_refused_in_chinese(self):
        upload = SimpleUploadedFile("photo.jpg", b"just some text", content_type="image/jpeg")
        with self.assertRaisesMessage(ValidationError, "无法识别这张图片"):
            clean_image(upload)

    def test_an_image_format_not_allowed_is_refused(self):
        buffer = BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "GIF")
        with self.assertRaisesMessage(ValidationError, "不支持这种图片格式"):
            clean_image(SimpleUploadedFile("a.gif", buffer.getvalue()))

    def test_decompression_bombs_are_refused(self):
        for width, height in [(8_000, 8_000), (100_000, 100_000)]:  # over the limit, and over 2×
            with (
                self.subTest(pixels=width * height),
                warnings.catch_warnings(),  # Pillow's own warning, expected here
                self.assertRaisesMessage(ValidationError, "图片尺寸过大"),
            ):
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                clean_image(png_claiming(width, height))

    @override_settings(PUBLIC_UPLOAD_MAX_MB=1)
    def test_files_over_the_size_limit_are_refused_before_reading(self):
        upload = SimpleUploadedFile("big.jpg", b"x" * (1024 * 1024 + 1))
        with self.assertRaisesMessage(ValidationError, "照片超过 1 MB"):
            clean_image(upload)

    def test_a_large_photo_is_stored_at_most_2560_pixels_wide(self):
        cleaned = Image.open(BytesIO(clean_image(jpeg(size=(4000, 3000))).read()))
        self.assertEqual(max(cleaned.size), 2560)


class ReportPhotoTests(PublicTestCase):
    def stored(self, case) -> Image.Image:
        with case.photos.get().image.open("rb") as f:
            return Image.open(BytesIO(f.read()))

    def test_the_stored_photo_has_no_gps_or_device_tags(self):
        report = self.resident_report(photos=[jpeg(exif=exif_with_gps())])
        image = self.stored(report.case)
        self.assertEqual(dict(image.getexif()), {})
        self.assertNotIn(b"HUAWEI", report.case.photos.get().image.open("rb").read())

    def test_a_png_renamed_jpg_is_stored_as_a_jpeg(self):
        report = self.resident_report(photos=[png("photo.jpg")])
        self.assertEqual(self.stored(report.case).format, "JPEG")

    def test_a_text_file_renamed_jpg_refuses_the_report(self):
        fake = SimpleUploadedFile("photo.jpg", b"not an image", content_type="image/jpeg")
        response = self.post_report(photos=[fake])
        self.assertContains(response, "无法识别这张图片", status_code=400)
        self.assertFalse(Case.objects.exists())

    def test_a_decompression_bomb_refuses_the_report(self):
        response = self.post_report(photos=[png_claiming(100_000, 100_000)])
        self.assertContains(response, "图片尺寸过大", status_code=400)
        self.assertFalse(Case.objects.exists())

    def test_at_most_three_photos(self):
        response = self.post_report(photos=[jpeg(), jpeg(), jpeg(), jpeg()])
        self.assertContains(response, "最多上传 3 张照片", status_code=400)
