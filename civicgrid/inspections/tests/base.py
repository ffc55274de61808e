"""A campaign with a small standard and a few sites on the demo street."""

import datetime as dt
from decimal import Decimal

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import (
    Campaign,
    CampaignKind,
    Indicator,
    PointType,
    Standard,
    StandardVersion,
)
from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.inspections.models import Inspection, Round, Site
from civicgrid.people.models import Role, RoleAssignment, User

D = Decimal


class InspectionTestCase(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        standard = Standard.objects.create(name="文明城市测评（测试）", kind=CampaignKind.CIVILIZED)
        cls.version = StandardVersion.objects.create(standard=standard, number=1)
        project = cls.indicator("1", "市容环境", Indicator.Level.PROJECT)
        content = cls.indicator("1.1", "农贸市场", Indicator.Level.CONTENT, parent=project)
        cls.ads = cls.indicator(
            "1.1.1", "公益广告不少于5处", parent=content, points=D(10), deduction_per_count=D(2)
        )
        cls.scale = cls.indicator("1.1.2", "入口设公平秤", parent=content, points=D(5))
        cls.stalls = cls.indicator(
            "1.1.3", "无占道经营", parent=content, points=D(5), category=cls.garbage
        )
        cls.road_only = cls.indicator(
            "1.1.4", "斑马线礼让", parent=content, points=D(5), point_types=[PointType.MAIN_ROAD]
        )
        cls.campaign = Campaign.objects.create(
            name="创建全国文明城市",
            kind=CampaignKind.CIVILIZED,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            version=cls.version,
        )
        cls.campaign.streets.add(cls.street)
        grid = cls.demo.grid(0, 0)
        cls.market = Site.objects.create(
            name="幸福农贸市场",
            point_type=PointType.FARMERS_MARKET,
            area=grid,
            lat=grid.centre_lat,
            lng=grid.centre_lng,
            address="幸福路1号",
        )
        cls.round = Round.objects.create(
            campaign=cls.campaign,
            name="第1轮",
            start=dt.date(2026, 11, 23),
            end=dt.date(2026, 11, 29),
        )

    @classmethod
    def indicator(cls, code, title, depth=Indicator.Level.ITEM, **fields):
        return Indicator.objects.create(
            version=cls.version,
            code=code,
            title=title,
            depth=depth,
            order=int(code.replace(".", "")),
            **fields,
        )

    @classmethod
    def other_street(cls) -> tuple[Area, User]:
        """A second street beside the demo street, with a supervisor of its own (duban_out)."""
        area = Area.objects.create(
            level=Level.STREET,
            parent=cls.street.parent,
            code=cls.street.code[:6] + "998",
            name="外街道",
        )
        outsider = User.objects.create(username="duban_out", name="外街道督导员")
        RoleAssignment.objects.create(user=outsider, role=Role.SUPERVISOR, area=area)
        return area, outsider

    def inspection(self, site=None, inspector=None):
        return Inspection.objects.create(
            round=self.round, site=site or self.market, inspector=inspector or self.duban1
        )
