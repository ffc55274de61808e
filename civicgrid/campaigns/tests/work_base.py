"""The campaign of the inspection fixture with material-review items, a campaign on another
street, and helpers for the work pages (责任分解表, 工作进度表, 佐证材料)."""

import datetime as dt
import shutil
import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from civicgrid.areas.models import Area, Department, Level
from civicgrid.campaigns.demo_work import docx_bytes, pdf_bytes
from civicgrid.campaigns.models import (
    Campaign,
    CampaignKind,
    Evidence,
    EvidenceRequirement,
    Indicator,
    WorkTask,
)
from civicgrid.inspections.tests.base import InspectionTestCase
from civicgrid.people.models import Role, RoleAssignment, User

MEDIA = tempfile.mkdtemp(prefix="civicgrid-work-")
MATERIAL = Indicator.Method.MATERIAL


@override_settings(MEDIA_ROOT=MEDIA)
class WorkTestCase(InspectionTestCase):
    """Personas beyond the demo's: `outsider`, an administrator of another street, and
    `nobody`, signed in without any role."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        project = cls.indicator("2", "工作机制", Indicator.Level.PROJECT, method=MATERIAL)
        content = cls.indicator("2.1", "组织领导", Indicator.Level.CONTENT, parent=project)
        cls.plan = cls.indicator("2.1.1", "制定创建工作方案", parent=content, method=MATERIAL)
        cls.meeting = cls.indicator("2.1.2", "召开动员会", parent=content, method=MATERIAL)
        cls.hw, cls.cg = cls.demo.departments["HW"], cls.demo.departments["CG"]
        cls.far_street = Area.objects.create(
            level=Level.STREET,
            parent=cls.street.parent,
            code=cls.street.code[:6] + "997",
            name="外街道",
        )
        cls.far_dept = Department.objects.create(
            code="FAR-HW", name="外街道环卫所", street=cls.far_street
        )
        cls.outsider = User.objects.create(username="outsider", name="外街道管理员")
        RoleAssignment.objects.create(user=cls.outsider, role=Role.ADMIN, area=cls.far_street)
        cls.nobody = User.objects.create(username="nobody", name="无角色")
        cls.far_campaign = Campaign.objects.create(
            name="外街道创建",
            kind=CampaignKind.CIVILIZED,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            version=cls.version,
        )
        cls.far_campaign.streets.add(cls.far_street)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def task(cls, title="整治背街小巷", owner=None, due=None, **fields) -> WorkTask:
        return WorkTask.objects.create(
            campaign=fields.pop("campaign", cls.campaign),
            title=title,
            owner=owner or cls.huanwei,
            due=due or timezone.localdate() + dt.timedelta(days=7),
            **fields,
        )

    @classmethod
    def requirement(cls, indicator=None, quantity=2, **fields) -> EvidenceRequirement:
        if "department" not in fields and "area" not in fields:
            fields["department"] = cls.hw
        return EvidenceRequirement.objects.create(
            campaign=fields.pop("campaign", cls.campaign),
            indicator=indicator or cls.plan,
            description=fields.pop("description", "工作方案正式文件"),
            quantity=quantity,
            **fields,
        )

    @classmethod
    def file(cls, requirement, status=Evidence.Status.ACCEPTED, name="方案.pdf", by=None):
        content = docx_bytes(name) if name.endswith(".docx") else pdf_bytes()
        return Evidence.objects.create(
            requirement=requirement,
            file=ContentFile(content, name=name),
            uploaded_by=by or cls.huanwei,
            status=status,
        )
