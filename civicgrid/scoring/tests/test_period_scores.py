"""Hand-computed fixtures: a week on the demo street with four cases whose fates are known."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from civicgrid.cases.models import Case, Rating
from civicgrid.cases.tests.base import at, photo
from civicgrid.inspections.tests.base import InspectionTestCase
from civicgrid.scoring.compute import composite, compute, publish, rank
from civicgrid.scoring.models import Period, Score, Unit

D = Decimal


class PeriodScoreTests(InspectionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.period = Period.objects.create(
            campaign=cls.campaign,
            kind=Period.Kind.WEEK,
            name="第48周",
            start=dt.date(2026, 11, 23),
            end=dt.date(2026, 11, 29),
        )

    def case(self, grid, *steps):
        """Report and dispatch on Monday 09:00 (deadline 15:00), then take (action, user, time) steps."""
        monday = at("2026-11-23T09:00")
        case = self.report(grid=grid, at=monday)
        self.step(case, "register", self.paiqian, at=monday)
        self.step(case, "dispatch", self.paiqian, at=monday)
        for action, user, moment in steps:
            extra = {"photos": [photo()]} if action == "handle" else {}
            self.step(case, action, user, at=at(moment), note="说明", **extra)
        return case

    def build_week(self):
        a, b = self.demo.grid(0, 0), self.demo.grid(1, 0)
        hw, duban = self.huanwei, self.duban1
        self.case(a, ("handle", hw, "2026-11-23T10:00"), ("verify_pass", duban, "2026-11-23T11:00"))
        self.case(a, ("handle", hw, "2026-11-24T10:00"), ("verify_pass", duban, "2026-11-24T11:00"))
        self.case(
            a,
            ("handle", hw, "2026-11-23T10:00"),
            ("verify_fail", duban, "2026-11-23T10:30"),
            ("handle", hw, "2026-11-23T11:00"),
            ("verify_pass", duban, "2026-11-23T11:30"),
        )
        self.case(b)

    def score(self, unit, obj):
        field = "department" if unit == Unit.DEPARTMENT else "area"
        return Score.objects.get(period=self.period, unit=unit, **{field: obj})

    def test_a_communitys_ratios_and_index_match_the_hand_computation(self):
        self.build_week()
        compute(self.period)
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.assertEqual(
            {
                k: score.counts[k]
                for k in ["due", "closed", "closed_on_time", "handled_on_time", "reworked"]
            },
            {"due": 3, "closed": 3, "closed_on_time": 2, "handled_on_time": 2, "reworked": 1},
        )
        self.assertEqual(score.rates["closure_rate"], "100.00")
        self.assertEqual(score.rates["ontime_closure_rate"], "66.67")
        self.assertEqual(score.rates["rework_score"], "66.67")
        # No inspection this week: its 40 % drops out, the four 15 % weights share the index.
        self.assertEqual((score.index, score.grade, score.rank), (D("75.00"), "B", 1))

    def test_a_community_with_an_open_overdue_case_ranks_below(self):
        self.build_week()
        compute(self.period)
        score = self.score(Unit.COMMUNITY, self.demo.community(1))
        self.assertEqual((score.index, score.grade, score.rank), (D("25.00"), "E", 2))

    def test_a_community_without_cases_has_no_index_and_no_rank(self):
        self.build_week()
        compute(self.period)
        score = self.score(Unit.COMMUNITY, self.demo.community(3))
        self.assertEqual((score.index, score.rank, score.grade), (None, None, ""))

    def test_the_street_adds_up_its_communities(self):
        self.build_week()
        compute(self.period)
        score = self.score(Unit.STREET, self.street)
        self.assertEqual((score.counts["due"], score.counts["closed"]), (4, 3))
        self.assertEqual(score.index, D("62.50"))

    def test_a_department_is_scored_by_the_domain_formula(self):
        self.build_week()
        compute(self.period)
        # 立案数分值 100×10% + 结案率 75×30% + 按期处置率 50×30% + (100−返工率 25)×30% = 70
        score = self.score(Unit.DEPARTMENT, self.demo.departments["HW"])
        self.assertEqual((score.index, score.grade, score.rank), (D("70.00"), "C", 1))
        idle = self.score(Unit.DEPARTMENT, self.demo.departments["JJ"])
        self.assertIsNone(idle.index)

    def test_a_suspended_case_leaves_the_denominators(self):
        self.build_week()
        open_case = Case.objects.get(grid=self.demo.grid(1, 0))
        self.step(
            open_case, "request_suspension", self.huanwei, note="等待", at=at("2026-11-23T10:00")
        )
        self.step(open_case, "approve", self.paiqian, at=at("2026-11-23T10:30"))
        compute(self.period)
        score = self.score(Unit.COMMUNITY, self.demo.community(1))
        self.assertEqual((score.counts["due"], score.index), (0, None))

    def test_satisfaction_counts_ratings_at_or_above_the_threshold(self):
        self.build_week()
        for level, case in zip([5, 2], Case.objects.filter(state="closed")[:2], strict=True):
            Rating.objects.create(
                case=case,
                report=case.reports.first(),
                level=level,
                created_at=at("2026-11-25T09:00"),
            )
        compute(self.period)
        self.assertEqual(self.score(Unit.STREET, self.street).rates["satisfaction"], "50.00")

    def test_an_inspection_score_enters_the_communitys_index(self):
        from civicgrid.inspections.submission import save_item, submit

        self.build_week()
        inspection = self.inspection()
        for item in (self.ads, self.scale, self.stalls):
            save_item(inspection, item, "pass")
        submit(inspection)
        compute(self.period)
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        # 100 % inspection at 40 %, and the four case ratios at 15 % each: (4000 + 4500.15) / 100
        self.assertEqual((score.rates["inspection"], score.index), ("100.00", D("85.00")))

    def test_a_published_period_is_frozen(self):
        self.build_week()
        publish(self.period, self.paiqian)
        before = self.score(Unit.COMMUNITY, self.demo.community(1)).index
        late = Case.objects.get(grid=self.demo.grid(1, 0))
        self.step(late, "handle", self.huanwei, photos=[photo()], at=at("2026-11-25T09:00"))
        with self.assertRaises(ValidationError):
            compute(self.period)
        self.assertEqual(self.score(Unit.COMMUNITY, self.demo.community(1)).index, before)

    def test_the_change_is_measured_against_the_previous_period(self):
        self.build_week()
        compute(self.period)
        Score.objects.filter(period=self.period, area=self.demo.community(0)).update(
            index=D("70.00")
        )
        nxt = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.WEEK,
            name="第49周",
            start=dt.date(2026, 11, 30),
            end=dt.date(2026, 12, 6),
        )
        compute(nxt)
        self.assertIsNone(
            Score.objects.get(period=nxt, area=self.demo.community(0)).change
        )  # no index this week
        self.assertEqual(
            Score.objects.filter(period=nxt).count(),
            Score.objects.filter(period=self.period).count(),
        )


class ArithmeticTests(InspectionTestCase):
    def test_ties_share_a_rank_and_the_next_rank_skips(self):
        scores = [
            Score(name=n, index=D(i)) for n, i in [("甲", 90), ("乙", 80), ("丙", 80), ("丁", 70)]
        ]
        rank(scores)
        self.assertEqual([s.rank for s in scores], [1, 2, 2, 4])

    def test_missing_rates_drop_out_and_the_rest_are_reweighted(self):
        self.assertEqual(composite({"a": D(80), "b": None}, {"a": D(30), "b": D(70)}), D("80.00"))
        self.assertIsNone(composite({"a": None}, {"a": D(1)}))
