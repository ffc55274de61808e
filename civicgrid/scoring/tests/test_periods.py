"""Period boundaries (ISO weeks Monday–Sunday, months, quarters), creating periods, and the
demo's recent weeks and months."""

import datetime as dt

from django.test import SimpleTestCase
from django.urls import reverse

from civicgrid.scoring.demo_scores import demo_scores
from civicgrid.scoring.models import Period, Score
from civicgrid.scoring.periods import (
    default_name,
    ensure_periods,
    month_of,
    period_for,
    quarter_of,
    starts,
    week_of,
)
from civicgrid.scoring.tests.pages_base import ScoringTestCase

D = dt.date
Kind = Period.Kind


class BoundaryTests(SimpleTestCase):
    def test_a_week_runs_from_monday_to_sunday(self):
        for day in [D(2026, 11, 23), D(2026, 11, 25), D(2026, 11, 29)]:
            self.assertEqual(week_of(day), (D(2026, 11, 23), D(2026, 11, 29)))

    def test_a_week_across_new_year_is_named_by_its_iso_year(self):
        start, end = week_of(D(2027, 1, 1))
        self.assertEqual((start, end), (D(2026, 12, 28), D(2027, 1, 3)))
        self.assertEqual(default_name(Kind.WEEK, start, end), "2026年第53周")
        self.assertEqual(default_name(Kind.WEEK, *week_of(D(2027, 1, 4))), "2027年第1周")

    def test_a_month_ends_on_its_last_day_leap_years_included(self):
        self.assertEqual(month_of(D(2028, 2, 10)), (D(2028, 2, 1), D(2028, 2, 29)))
        self.assertEqual(month_of(D(2026, 2, 28)), (D(2026, 2, 1), D(2026, 2, 28)))
        self.assertEqual(month_of(D(2026, 12, 31)), (D(2026, 12, 1), D(2026, 12, 31)))

    def test_quarters_are_calendar_quarters(self):
        self.assertEqual(quarter_of(D(2026, 1, 1)), (D(2026, 1, 1), D(2026, 3, 31)))
        self.assertEqual(quarter_of(D(2026, 5, 31)), (D(2026, 4, 1), D(2026, 6, 30)))
        self.assertEqual(quarter_of(D(2026, 11, 5)), (D(2026, 10, 1), D(2026, 12, 31)))
        self.assertEqual(
            default_name(Kind.QUARTER, D(2026, 10, 1), D(2026, 12, 31)), "2026年第4季度"
        )

    def test_periods_follow_each_other_without_gaps(self):
        weeks = starts(Kind.WEEK, D(2026, 11, 1), D(2026, 11, 30))
        self.assertEqual(weeks[0], D(2026, 10, 26))
        self.assertEqual(weeks[-1], D(2026, 11, 30))
        self.assertTrue(all((b - a).days == 7 for a, b in zip(weeks, weeks[1:], strict=False)))
        self.assertEqual(
            starts(Kind.MONTH, D(2026, 11, 15), D(2027, 1, 1)),
            [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)],
        )


class CreatingPeriodsTests(ScoringTestCase):
    def test_ensure_periods_creates_each_week_and_month_once(self):
        today = D(2026, 2, 11)
        first = ensure_periods(self.campaign, today)
        again = ensure_periods(self.campaign, today)
        self.assertEqual([p.pk for p in first], [p.pk for p in again])
        weeks = [p for p in first if p.kind == Kind.WEEK]
        self.assertEqual(weeks[0].start, D(2025, 12, 29))  # the week holding 1 January
        self.assertEqual(weeks[-1].end, D(2026, 2, 15))
        self.assertEqual(len(weeks), 7)
        months = [p.name for p in first if p.kind == Kind.MONTH]
        self.assertEqual(months, ["2026年1月", "2026年2月"])

    def test_ensure_periods_stops_at_the_campaigns_end(self):
        periods = ensure_periods(self.campaign, D(2027, 3, 1), kinds=[Kind.QUARTER])
        self.assertEqual([p.name for p in periods], [f"2026年第{q}季度" for q in range(1, 5)])

    def test_period_for_returns_the_existing_period(self):
        period, created = period_for(self.campaign, Kind.WEEK, D(2026, 11, 26))
        self.assertEqual((period, created), (self.period, False))

    def test_an_administrator_creates_a_month_by_any_day_in_it(self):
        self.login(self.paiqian)
        data = {"campaign": self.campaign.pk, "kind": "month", "day": "2026-11-17"}
        r = self.client.post(reverse("scoring:period-new"), data)
        period = Period.objects.get(kind=Kind.MONTH)
        self.assertRedirects(r, period.get_absolute_url())
        self.assertEqual(
            (period.start, period.end, period.name), (D(2026, 11, 1), D(2026, 11, 30), "2026年11月")
        )

    def test_a_custom_period_keeps_its_dates_and_name(self):
        self.login(self.paiqian)
        data = {
            "campaign": self.campaign.pk,
            "kind": "custom",
            "start": "2026-11-10",
            "end": "2026-11-24",
            "name": "迎检冲刺",
        }
        self.client.post(reverse("scoring:period-new"), data)
        period = Period.objects.get(kind=Kind.CUSTOM)
        self.assertEqual(
            (period.start, period.end, period.name), (D(2026, 11, 10), D(2026, 11, 24), "迎检冲刺")
        )

    def test_a_period_that_exists_already_is_refused(self):
        self.login(self.paiqian)
        data = {"campaign": self.campaign.pk, "kind": "week", "day": "2026-11-27"}
        r = self.client.post(reverse("scoring:period-new"), data)
        self.assertContains(r, "已有从 2026-11-23 开始的同类周期")
        self.assertEqual(Period.objects.count(), 1)

    def test_a_custom_period_must_not_end_before_it_starts(self):
        self.login(self.paiqian)
        data = {
            "campaign": self.campaign.pk,
            "kind": "custom",
            "start": "2026-11-24",
            "end": "2026-11-10",
        }
        r = self.client.post(reverse("scoring:period-new"), data)
        self.assertContains(r, "结束日期不能早于开始日期")

    def test_a_campaign_of_another_street_cannot_be_chosen(self):
        self.login(self.outsider)
        data = {"campaign": self.campaign.pk, "kind": "month", "day": "2026-11-17"}
        r = self.client.post(reverse("scoring:period-new"), data)
        self.assertEqual(r.status_code, 200)
        self.assertIn("campaign", r.context["form"].errors)
        self.assertFalse(Period.objects.filter(kind=Kind.MONTH).exists())


class DemoScoresTests(ScoringTestCase):
    def test_the_demo_computes_recent_weeks_and_months_and_publishes_the_past_ones(self):
        self.build_week()
        today = D(2026, 12, 2)  # a Wednesday
        periods = demo_scores(self.campaign, today=today, by=self.paiqian)
        weeks = [p for p in periods if p.kind == Kind.WEEK]
        months = [p for p in periods if p.kind == Kind.MONTH]
        self.assertEqual((len(weeks), len(months)), (8, 2))
        self.assertEqual([m.name for m in months], ["2026年11月", "2026年12月"])
        current = {p.pk for p in periods if p.start <= today <= p.end}
        for period in Period.objects.filter(pk__in=[p.pk for p in periods]):
            with self.subTest(period.name):
                self.assertIsNotNone(period.computed_at)
                self.assertEqual(period.is_published, period.pk not in current)
                self.assertEqual(period.public, period.is_published and period.kind == Kind.MONTH)
        november = Score.objects.get(period=months[0], area=self.demo.community(0))
        self.assertEqual(november.counts["due"], 4)

    def test_the_demo_can_run_again(self):
        today = D(2026, 12, 2)
        first = demo_scores(self.campaign, today=today)
        again = demo_scores(self.campaign, today=today)
        self.assertEqual([p.pk for p in first], [p.pk for p in again])
