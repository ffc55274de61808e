"""Recurring rounds: a template round with repeat_days is repeated up to today, once."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from civicgrid.campaigns.models import PointType
from civicgrid.inspections import rounds
from civicgrid.inspections.models import Round
from civicgrid.inspections.tests.base import InspectionTestCase


class GenerateRoundsTests(InspectionTestCase):
    def setUp(self):
        super().setUp()
        self.round.repeat_days = 7
        self.round.point_types = [PointType.FARMERS_MARKET]
        self.round.save()
        self.round.sites.add(self.market)
        self.round.areas.add(self.demo.community(1))
        self.round.inspectors.add(self.duban1, self.duban2)

    def repeats(self):
        return list(self.round.repeats.order_by("start"))

    def test_it_creates_the_rounds_due_by_today_with_the_same_scope(self):
        made = rounds.generate(dt.date(2026, 12, 7))
        self.assertEqual(
            [(r.name, r.start, r.end) for r in made],
            [
                ("第2轮（11月30日—12月6日）", dt.date(2026, 11, 30), dt.date(2026, 12, 6)),
                ("第3轮（12月7日—12月13日）", dt.date(2026, 12, 7), dt.date(2026, 12, 13)),
            ],
        )
        second = made[0]
        self.assertEqual(second.template, self.round)
        self.assertEqual(second.campaign, self.campaign)
        self.assertEqual(second.point_types, [PointType.FARMERS_MARKET])
        self.assertEqual(list(second.sites.all()), [self.market])
        self.assertEqual(list(second.areas.all()), [self.demo.community(1)])
        self.assertEqual(set(second.inspectors.all()), {self.duban1, self.duban2})
        self.assertIsNone(second.repeat_days)

    def test_running_it_twice_creates_nothing_more(self):
        rounds.generate(dt.date(2026, 12, 7))
        self.assertEqual(rounds.generate(dt.date(2026, 12, 7)), [])
        self.assertEqual(len(self.repeats()), 2)

    def test_it_catches_up_after_days_without_running(self):
        rounds.generate(dt.date(2026, 11, 30))
        made = rounds.generate(dt.date(2026, 12, 21))
        self.assertEqual(
            [r.start.isoformat() for r in made], ["2026-12-07", "2026-12-14", "2026-12-21"]
        )
        self.assertEqual(len(self.repeats()), 4)

    def test_nothing_is_due_before_the_next_period_starts(self):
        self.assertEqual(rounds.generate(dt.date(2026, 11, 29)), [])

    def test_it_stops_at_the_campaigns_end(self):
        made = rounds.generate(dt.date(2027, 3, 1))
        last = made[-1]
        self.assertEqual((last.start, last.end), (dt.date(2026, 12, 28), dt.date(2026, 12, 31)))

    def test_a_round_without_repeat_days_is_not_repeated(self):
        Round.objects.filter(pk=self.round.pk).update(repeat_days=None)
        self.assertEqual(rounds.generate(dt.date(2026, 12, 31)), [])

    def test_the_command_reports_what_it_made(self):
        out = StringIO()
        call_command("generate_rounds", "--today", "2026-12-07", stdout=out)
        self.assertEqual(out.getvalue().strip(), "generate_rounds: 2 round(s) created")
        call_command("generate_rounds", "--today", "2026-12-07", stdout=out)
        self.assertIn("generate_rounds: 0 round(s) created", out.getvalue())
