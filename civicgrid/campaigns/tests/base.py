"""Campaign tests on the inspections fixture, with a second street and its administrator."""

import datetime as dt

from django.utils import timezone

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import (
    Campaign,
    CampaignKind,
    Evidence,
    EvidenceRequirement,
    IndicatorDuty,
    Standard,
    StandardVersion,
    WorkTask,
)
from civicgrid.inspections.tests.base import InspectionTestCase
from civicgrid.people.models import Role, RoleAssignment, User


class CampaignTestCase(InspectionTestCase):
    """Adds: other_street (outside the demo street) with its admin `outsider`, a campaign
    there (`other_campaign`), and `nobody`, a signed-in person without any role."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_street = Area.objects.create(
            level=Level.STREET, code="999999001", name="外街道", parent=cls.street.parent
        )
        cls.outsider = User.objects.create(username="waijie", name="外街道管理员")
        RoleAssignment.objects.create(user=cls.outsider, role=Role.ADMIN, area=cls.other_street)
        cls.nobody = User.objects.create(username="nobody", name="无角色")
        cls.other_campaign = Campaign.objects.create(
            name="外街道创卫",
            kind=CampaignKind.SANITARY,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            version=StandardVersion.objects.create(
                standard=Standard.objects.create(name="外街道测评", kind=CampaignKind.SANITARY),
                number=1,
            ),
        )
        cls.other_campaign.streets.add(cls.other_street)

    @classmethod
    def add_work(cls):
        """Work on 1.1.3 (无占道经营): 城管 leads with 市场监管; 2 copies of evidence asked, 1
        accepted and 1 waiting; tasks done and overdue, and one campaign-wide task to do."""
        depts = cls.demo.departments
        duty = IndicatorDuty.objects.create(
            campaign=cls.campaign, indicator=cls.stalls, lead=depts["CG"], person=cls.chengguan
        )
        duty.partners.add(depts["SJ"])
        requirement = EvidenceRequirement.objects.create(
            campaign=cls.campaign, indicator=cls.stalls, description="整治台账", quantity=2
        )
        for status in (Evidence.Status.ACCEPTED, Evidence.Status.SUBMITTED):
            Evidence.objects.create(
                requirement=requirement,
                file="evidence/t.pdf",
                uploaded_by=cls.shequ1,
                status=status,
            )
        WorkTask.objects.create(  # a campaign-wide task, on no indicator
            campaign=cls.campaign, title="制定创建方案", owner=cls.paiqian, due=dt.date(2099, 1, 1)
        )
        today = timezone.localdate()
        for status, due in (("done", today), ("doing", today - dt.timedelta(days=3))):
            WorkTask.objects.create(
                campaign=cls.campaign,
                indicator=cls.stalls,
                title="整治占道",
                owner=cls.shequ1,
                due=due,
                status=status,
            )
