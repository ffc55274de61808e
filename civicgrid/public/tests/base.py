"""The residents' channel on the demo street: a resident reports through the form."""

import shutil
import tempfile
from io import BytesIO

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from civicgrid.cases.models import Case, Report
from civicgrid.cases.tests.base import CaseTestCase, photo

RESIDENT = {"name": "王秀英", "phone": "13912345678"}


def jpeg(name="photo.jpg", size=(64, 48), exif=None) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "JPEG", exif=exif or b"")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class PublicTestCase(CaseTestCase):
    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp(prefix="civicgrid-public-")
        cls.media_override = override_settings(MEDIA_ROOT=cls.media)
        cls.media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.media_override.disable()
        shutil.rmtree(cls.media, ignore_errors=True)

    def setUp(self):
        super().setUp()
        cache.clear()  # rate-limit counters and the common categories

    def form(self, **changes) -> dict:
        """A complete report form for a pile of garbage in the first grid."""
        lat, lng = self.point_in(self.demo.grid(0, 0))
        data = {
            "category": self.garbage.pk,
            "description": "小区门口垃圾堆了三天没人清",
            "address": "幸福路 12 号",
            "lat": lat,
            "lng": lng,
            **RESIDENT,
            "photos": [jpeg()],
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    def post_report(self, **changes):
        return self.client.post("/p/", self.form(**changes))

    def resident_report(self, **changes) -> Report:
        """Report through the form and return the resident's Report (with its token)."""
        response = self.post_report(**changes)
        self.assertEqual(response.status_code, 302, getattr(response, "content", b"")[:500])
        token = response["Location"].split("/t/")[1].split("/")[0]
        return Report.objects.select_related("case").get(token=token)

    def close(self, case: Case, note: str = "已清运完毕") -> Case:
        """The street handles the case to closure, with an after-photo."""
        self.step(case, "register", self.paiqian)
        self.step(case, "dispatch", self.paiqian)
        self.step(case, "accept", self.huanwei)
        self.step(case, "handle", self.huanwei, note=note, photos=[photo("after.jpg")])
        self.step(case, "verify_pass", self.duban1)
        case.refresh_from_db()
        return case

    def track_url(self, report: Report) -> str:
        return f"/p/t/{report.token}/"
