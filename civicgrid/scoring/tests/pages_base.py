"""A week on the demo street with a figure behind every count, for the scoring pages' tests.

Community 0 (幸福社区): three cases due and closed (one reworked, one closed late), one
reported by a resident and rated twice (满意, 不满意), and a market inspected with one
failure, which opens a fourth case. Community 1: one case left open past its deadline.
"""

import datetime as dt

from civicgrid.areas.models import Area, Level
from civicgrid.cases.models import Rating, Source
from civicgrid.cases.tests.base import at, photo
from civicgrid.inspections.models import Inspection
from civicgrid.inspections.submission import save_item, submit
from civicgrid.inspections.tests.base import InspectionTestCase
from civicgrid.people.models import Role, RoleAssignment, User
from civicgrid.scoring.compute import compute
from civicgrid.scoring.models import Period, Score, Unit


class ScoringTestCase(InspectionTestCase):
    """Personas beyond the demo's: `outsider`, an administrator of another street, and
    `nobody`, a signed-in person without any role."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.period = Period.objects.create(
            campaign=cls.campaign,
            kind=Period.Kind.WEEK,
            name="2026年第48周",
            start=dt.date(2026, 11, 23),
            end=dt.date(2026, 11, 29),
        )
        far = Area.objects.create(
            level=Level.STREET,
            parent=cls.street.parent,
            code=cls.street.code[:6] + "998",
            name="外街道",
        )
        cls.outsider = User.objects.create(username="outsider", name="外街道管理员")
        RoleAssignment.objects.create(user=cls.outsider, role=Role.ADMIN, area=far)
        cls.nobody = User.objects.create(username="nobody", name="无角色")

    def case(self, grid, *steps, source=Source.PATROL):
        """Report and dispatch on Monday 09:00 (deadline 15:00), then take (action, user, time)."""
        monday = at("2026-11-23T09:00")
        case = self.report(grid=grid, at=monday, source=source)
        self.step(case, "register", self.paiqian, at=monday)
        self.step(case, "dispatch", self.paiqian, at=monday)
        for action, user, moment in steps:
            extra = {"photos": [photo()]} if action == "handle" else {}
            self.step(case, action, user, at=at(moment), note="说明", **extra)
        return case

    def build_week(self):
        a, b = self.demo.grid(0, 0), self.demo.grid(1, 0)
        hw, duban = self.huanwei, self.duban1
        rated = self.case(
            a,
            ("handle", hw, "2026-11-23T10:00"),
            ("verify_pass", duban, "2026-11-23T11:00"),
            source=Source.RESIDENT,
        )
        self.case(a, ("handle", hw, "2026-11-24T10:00"), ("verify_pass", duban, "2026-11-24T11:00"))
        self.case(
            a,
            ("handle", hw, "2026-11-23T10:00"),
            ("verify_fail", duban, "2026-11-23T10:30"),
            ("handle", hw, "2026-11-23T11:00"),
            ("verify_pass", duban, "2026-11-23T11:30"),
        )
        self.case(b)
        for level, when in [(5, "2026-11-25T09:00"), (2, "2026-11-26T09:00")]:
            report = rated.reports.create(name="", phone="")
            Rating.objects.create(case=rated, report=report, level=level, created_at=at(when))
        self.inspect()

    def inspect(self) -> Inspection:
        inspection = self.inspection()
        save_item(inspection, self.ads, "pass")
        save_item(inspection, self.scale, "pass")
        save_item(inspection, self.stalls, "fail", count=1)
        submit(inspection, at=at("2026-11-25T10:00"))
        return inspection

    def computed(self) -> Period:
        self.build_week()
        compute(self.period)
        self.period.refresh_from_db()
        return self.period

    def score(self, unit, obj, period=None) -> Score:
        field = "department" if unit == Unit.DEPARTMENT else "area"
        return Score.objects.get(period=period or self.period, unit=unit, **{field: obj})
