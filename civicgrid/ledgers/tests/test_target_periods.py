"""Target periods: calendar years, quarters and months, N-month renewals counted from the
anchor, periods cut at the anchor and at the campaign's end, and their thresholds."""

import datetime as dt
from decimal import Decimal

from django.test import SimpleTestCase

from civicgrid.ledgers import targets
from civicgrid.ledgers.models import Target
from civicgrid.ledgers.tests.ledger_base import LedgerTestCase, campaign_for

D = dt.date
NEW_YEAR = D(2026, 1, 1)


def target(period=Target.Period.QUARTER, anchor=NEW_YEAR, every=None, threshold=30):
    return Target(
        period=period,
        anchor=anchor,
        every_months=every,
        threshold=Decimal(threshold),
        metric=Target.Metric.COUNT,
    )


class CalendarPeriodTests(SimpleTestCase):
    def test_quarters_are_calendar_quarters(self):
        quarterly = target()
        self.assertEqual(
            targets.period_containing(quarterly, D(2026, 2, 14)), (D(2026, 1, 1), D(2026, 3, 31))
        )
        self.assertEqual(
            targets.period_containing(quarterly, D(2026, 4, 1)), (D(2026, 4, 1), D(2026, 6, 30))
        )
        self.assertEqual(
            targets.period_containing(quarterly, D(2026, 11, 30)), (D(2026, 10, 1), D(2026, 12, 31))
        )

    def test_a_year_is_a_calendar_year(self):
        yearly = target(Target.Period.YEAR)
        self.assertEqual(
            targets.period_containing(yearly, D(2027, 7, 1)), (D(2027, 1, 1), D(2027, 12, 31))
        )

    def test_a_month_ends_on_its_last_day_even_in_a_leap_february(self):
        monthly = target(Target.Period.MONTH)
        self.assertEqual(
            targets.period_containing(monthly, D(2028, 2, 10)), (D(2028, 2, 1), D(2028, 2, 29))
        )

    def test_the_periods_of_a_span_are_listed_in_order(self):
        self.assertEqual(
            targets.periods(target(), D(2026, 2, 1), D(2026, 7, 1)),
            [
                (D(2026, 1, 1), D(2026, 3, 31)),
                (D(2026, 4, 1), D(2026, 6, 30)),
                (D(2026, 7, 1), D(2026, 9, 30)),
            ],
        )


class RenewalPeriodTests(SimpleTestCase):
    def test_every_2_months_is_counted_from_the_anchor(self):
        renewal = target(Target.Period.EVERY_N_MONTHS, anchor=D(2026, 1, 15), every=2)
        self.assertEqual(
            targets.period_containing(renewal, D(2026, 1, 15)), (D(2026, 1, 15), D(2026, 3, 14))
        )
        self.assertEqual(
            targets.period_containing(renewal, D(2026, 3, 14)), (D(2026, 1, 15), D(2026, 3, 14))
        )
        self.assertEqual(
            targets.period_containing(renewal, D(2026, 3, 15)), (D(2026, 3, 15), D(2026, 5, 14))
        )
        self.assertEqual(
            targets.period_containing(renewal, D(2027, 1, 20)), (D(2027, 1, 15), D(2027, 3, 14))
        )

    def test_a_month_end_anchor_does_not_drift(self):
        renewal = target(Target.Period.EVERY_N_MONTHS, anchor=D(2025, 12, 31), every=2)
        self.assertEqual(
            targets.periods(renewal, D(2025, 12, 31), D(2026, 7, 1)),
            [
                (D(2025, 12, 31), D(2026, 2, 27)),
                (D(2026, 2, 28), D(2026, 4, 29)),
                (D(2026, 4, 30), D(2026, 6, 29)),
                (D(2026, 6, 30), D(2026, 8, 30)),
            ],
        )

    def test_six_renewals_a_year_from_a_january_anchor(self):
        renewal = target(Target.Period.EVERY_N_MONTHS, anchor=D(2026, 1, 1), every=2)
        found = targets.periods(renewal, D(2026, 1, 1), D(2026, 12, 31))
        self.assertEqual(len(found), 6)
        self.assertEqual(found[-1], (D(2026, 11, 1), D(2026, 12, 31)))


class PartialPeriodTests(SimpleTestCase):
    def test_the_first_quarter_of_a_campaign_starting_mid_quarter_starts_at_the_anchor(self):
        quarterly = target(anchor=D(2026, 3, 10))
        self.assertEqual(
            targets.period_containing(quarterly, D(2026, 3, 20)), (D(2026, 3, 10), D(2026, 3, 31))
        )
        self.assertEqual(
            targets.periods(quarterly, D(2026, 1, 1), D(2026, 5, 1)),
            [(D(2026, 3, 10), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 6, 30))],
        )

    def test_a_day_before_the_anchor_belongs_to_the_first_period(self):
        quarterly = target(anchor=D(2026, 3, 10))
        self.assertEqual(
            targets.period_containing(quarterly, D(2025, 6, 1)), (D(2026, 3, 10), D(2026, 3, 31))
        )

    def test_a_cut_period_asks_for_its_share_of_the_threshold_rounded_up(self):
        quarterly = target(anchor=D(2026, 3, 10), threshold=30)
        period = targets._period(quarterly, D(2026, 3, 10))
        self.assertEqual(targets.threshold_for(quarterly, period), 8)  # 30 × 22 / 90 = 7.3
        whole = targets._period(quarterly, D(2026, 4, 10))
        self.assertEqual(targets.threshold_for(quarterly, whole), 30)

    def test_a_rate_keeps_its_threshold_in_a_cut_period(self):
        rate = target(anchor=D(2026, 3, 10), threshold=85)
        rate.metric = Target.Metric.RATE
        self.assertEqual(targets.threshold_for(rate, targets._period(rate, D(2026, 3, 10))), 85)


class CampaignEndTests(LedgerTestCase):
    def test_the_last_period_stops_at_the_campaigns_end(self):
        campaign = campaign_for(self.street, start=D(2026, 2, 1), end=D(2026, 8, 15))
        quarterly = self.target(
            campaign=campaign, period=Target.Period.QUARTER, anchor=campaign.start
        )
        self.assertEqual(
            targets.periods(quarterly, D(2026, 1, 1), D(2026, 12, 31)),
            [
                (D(2026, 2, 1), D(2026, 3, 31)),
                (D(2026, 4, 1), D(2026, 6, 30)),
                (D(2026, 7, 1), D(2026, 8, 15)),
            ],
        )
        self.assertEqual(
            targets.period_containing(quarterly, D(2026, 11, 1)), (D(2026, 7, 1), D(2026, 8, 15))
        )
