"""Cases on the demo street, with helpers that read like the workflow."""

import datetime as dt
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicgrid.cases import intake, workflow
from civicgrid.cases.models import Case
from civicgrid.categories.models import Category
from civicgrid.demo.testing import DemoTestCase
from civicgrid.people.authz import Authz

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def photo(name="photo.jpg", color=(200, 40, 40), exif=None) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG", **({"exif": exif} if exif else {}))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class CaseTestCase(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.garbage = Category.objects.create(
            kind=Category.Kind.MATTER,
            code="06010",
            major_code="06",
            major_name="市容环境类",
            name="暴露垃圾",
            time_limit_value=4,
            time_limit_unit=Category.Unit.HOURS,
            default_department=cls.demo.departments["HW"],
            open_to_residents=True,
            duplicate_radius_m=50,
            duplicate_window_days=7,
        )
        cls.parking = Category.objects.create(
            kind=Category.Kind.MATTER,
            code="09009",
            major_code="09",
            major_name="街面秩序类",
            name="机动车乱停放",
            time_limit_value=2,
            time_limit_unit=Category.Unit.DAYS,
        )

    def point_in(self, grid):
        return grid.centre_lat, grid.centre_lng

    def report(self, by=None, category=None, grid=None, **extra) -> Case:
        lat, lng = self.point_in(grid or self.demo.grid(0, 0))
        return intake.report(
            category=category or self.garbage,
            description="路边有一堆垃圾",
            lat=lat,
            lng=lng,
            by=by or self.wangge01,
            photos=[photo()],
            **extra,
        )

    def step(self, case, action, user, **details):
        return workflow.take(case, action, Authz(user), **details)

    def dispatched(self, **extra) -> Case:
        case = self.report(**extra)
        self.step(case, "register", self.paiqian)
        self.step(case, "dispatch", self.paiqian)
        return case
