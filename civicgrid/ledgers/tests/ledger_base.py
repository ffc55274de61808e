"""Ledgers on the demo street: the ready types loaded, an outside street, helpers."""

import datetime as dt
import shutil
import tempfile
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import Campaign, CampaignKind, Standard, StandardVersion
from civicgrid.demo.testing import DemoTestCase
from civicgrid.ledgers import entries
from civicgrid.ledgers import ledger_types as ready
from civicgrid.ledgers.models import LedgerEntry, Target
from civicgrid.people.models import Role, RoleAssignment, User

MEDIA = tempfile.mkdtemp(prefix="civicgrid-ledgers-")
TODAY = dt.date(2026, 5, 20)


def photo(name="photo.jpg", color=(40, 120, 200)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf(name="签到表.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def campaign_for(street, start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31)) -> Campaign:
    version = StandardVersion.objects.create(
        standard=Standard.objects.create(name="测评体系", kind=CampaignKind.SANITARY), number=1
    )
    campaign = Campaign.objects.create(
        name="创建国家卫生城市", kind=CampaignKind.SANITARY, start=start, end=end, version=version
    )
    campaign.streets.add(street)
    return campaign


@override_settings(MEDIA_ROOT=MEDIA)
class LedgerTestCase(DemoTestCase):
    """Adds: the ready types by code (`self.lectures`, `self.publicity`, ...), `other_street`
    with its administrator `outsider`, and `nobody`, signed in without any role."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        types = {t.code: t for t in ready.load_ledger_types(cls.street)}
        cls.publicity = types[ready.PUBLICITY]
        cls.lectures = types[ready.LECTURES]
        cls.boards = types[ready.BOARDS]
        cls.volunteers = types[ready.VOLUNTEERS]
        cls.disputes = types[ready.DISPUTES]
        cls.other_street = Area.objects.create(
            level=Level.STREET, code="410811099", name="外街道", parent=cls.street.parent
        )
        cls.outsider = User.objects.create(username="waijie", name="外街道管理员")
        RoleAssignment.objects.create(user=cls.outsider, role=Role.ADMIN, area=cls.other_street)
        cls.nobody = User.objects.create(username="nobody", name="无角色")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def entry(self, ledger=None, area=None, day=TODAY, by=None, **values) -> LedgerEntry:
        """An entry checked and saved as the form saves it (with the first line of its history)."""
        ledger = ledger or self.lectures
        if ledger == self.lectures and not values:
            values = {"title": "控烟与健康", "speaker": "李医生", "attendees": 40}
        values = entries.clean_values(ledger, values)
        return entries.record(
            ledger, area or self.demo.grid(0, 0), day, values, by or self.wangge01
        )

    def target(self, **fields) -> Target:
        defaults = {
            "name": "目标",
            "area": self.street,
            "metric": Target.Metric.COUNT,
            "ledger": self.lectures,
            "period": Target.Period.YEAR,
            "anchor": dt.date(2026, 1, 1),
            "threshold": 12,
        }
        return Target.objects.create(**(defaults | fields))
