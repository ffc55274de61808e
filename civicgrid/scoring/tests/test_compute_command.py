"""compute_scores: draft periods that are running or have ended, safe to run twice."""

import datetime as dt
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command

from civicgrid.cases.tests.base import at
from civicgrid.scoring.compute import publish
from civicgrid.scoring.models import Period, Score
from civicgrid.scoring.tests.pages_base import ScoringTestCase


class ComputeCommandTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.build_week()
        self.next = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.WEEK,
            name="2026年第49周",
            start=dt.date(2026, 11, 30),
            end=dt.date(2026, 12, 6),
        )
        self.later = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.WEEK,
            name="2026年第50周",
            start=dt.date(2026, 12, 7),
            end=dt.date(2026, 12, 13),
        )

    def run_command(self, *args) -> str:
        """Run on the evening of --today, so "computed after the period ended" means what it says."""
        today = args[args.index("--today") + 1] if "--today" in args else "2026-12-02"
        out = StringIO()
        with mock.patch("django.utils.timezone.now", return_value=at(f"{today}T20:00")):
            call_command("compute_scores", *args, stdout=out)
        return out.getvalue().strip()

    def figures(self):
        return list(Score.objects.order_by("period", "unit", "name").values_list("index", "counts"))

    def test_it_computes_ended_and_running_periods_but_not_future_ones(self):
        out = self.run_command("--today", "2026-12-02")
        units = Score.objects.filter(period=self.period).count()
        self.assertEqual(
            out,
            f"已计算 2 个周期（进行中 1，已结束 1），共 {2 * units} 条得分；"
            "0 个已结束的周期此前已算过，未重算。",
        )
        self.assertEqual(
            set(Score.objects.values_list("period", flat=True).distinct()),
            {self.period.pk, self.next.pk},
        )
        self.later.refresh_from_db()
        self.assertIsNone(self.later.computed_at)

    def test_running_it_twice_changes_nothing(self):
        self.run_command("--today", "2026-12-02")
        before = self.figures()
        out = self.run_command("--today", "2026-12-02")
        self.assertEqual(self.figures(), before)
        self.assertIn("已计算 1 个周期（进行中 1，已结束 0）", out)
        self.assertIn("1 个已结束的周期此前已算过", out)

    def test_a_published_period_is_left_alone(self):
        publish(self.period, self.paiqian)
        out = self.run_command("--today", "2026-12-08")
        self.assertIn("已计算 2 个周期（进行中 1，已结束 1）", out)

    def test_it_keeps_to_one_campaign_when_asked(self):
        out = self.run_command("--today", "2026-12-02", "--campaign", str(self.campaign.pk + 1))
        self.assertIn("已计算 0 个周期", out)

    def test_a_bad_date_is_explained(self):
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            call_command("compute_scores", "--today", "12/02", stdout=StringIO())
