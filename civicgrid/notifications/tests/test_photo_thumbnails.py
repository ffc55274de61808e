from io import BytesIO

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicgrid.cases.models import CasePhoto
from civicgrid.cases.tasks import THUMBNAIL_SIZE, make_thumbnail
from civicgrid.notifications.tests.base import NotificationTestCase, run_worker

RED, BLUE = (220, 20, 20), (20, 20, 220)
ORIENTATION = 0x0112
ROTATE_90_CW = 6  # the camera was held upright: show the stored image turned 90° clockwise


def sideways_photo() -> SimpleUploadedFile:
    """800×400 as stored, red left half and blue right half, tagged to be shown upright."""
    image = Image.new("RGB", (800, 400), BLUE)
    image.paste(RED, (0, 0, 400, 400))
    exif = Image.Exif()
    exif[ORIENTATION] = ROTATE_90_CW
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return SimpleUploadedFile("upright.jpg", buffer.getvalue(), content_type="image/jpeg")


class PhotoThumbnailTests(NotificationTestCase):
    def photo_of_a_case(self) -> CasePhoto:
        case = self.report()
        return CasePhoto.objects.create(
            case=case, kind=CasePhoto.Kind.BEFORE, image=sideways_photo()
        )

    def thumbnail(self, photo) -> Image.Image:
        photo.refresh_from_db()
        with default_storage.open(photo.thumbnail.name) as f:
            image = Image.open(f)
            image.load()
        return image

    def test_a_thumbnail_is_a_jpeg_turned_upright_as_its_exif_says(self):
        photo = self.photo_of_a_case()
        make_thumbnail.call(photo.pk)
        thumbnail = self.thumbnail(photo)
        self.assertEqual(thumbnail.format, "JPEG")
        self.assertEqual(thumbnail.size, (THUMBNAIL_SIZE // 2, THUMBNAIL_SIZE))
        red_top = thumbnail.getpixel((80, 20))
        blue_bottom = thumbnail.getpixel((80, 300))
        self.assertGreater(red_top[0], 180)
        self.assertGreater(blue_bottom[2], 180)

    def test_the_thumbnail_lies_beside_the_photo_and_the_photo_is_untouched(self):
        photo = self.photo_of_a_case()
        image_before = photo.image.name
        make_thumbnail.call(photo.pk)
        photo.refresh_from_db()
        self.assertEqual(photo.image.name, image_before)
        self.assertTrue(
            photo.thumbnail.name.startswith(image_before.rsplit("/", 1)[0] + "/thumbs/")
        )

    def test_making_the_thumbnail_twice_keeps_the_first(self):
        photo = self.photo_of_a_case()
        first = make_thumbnail.call(photo.pk)
        self.assertEqual(make_thumbnail.call(photo.pk), "")
        photo.refresh_from_db()
        self.assertEqual(photo.thumbnail.name, first)

    def test_a_new_photo_is_thumbnailed_by_the_worker_once_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            photo = self.photo_of_a_case()
        run_worker()
        self.assertEqual(self.thumbnail(photo).size, (THUMBNAIL_SIZE // 2, THUMBNAIL_SIZE))
