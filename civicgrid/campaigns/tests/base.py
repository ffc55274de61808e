"""Campaign tests on the inspections fixture, with a second street and its administrator."""

import datetime as dt

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import Campaign, CampaignKind, Standard, StandardVersion
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
