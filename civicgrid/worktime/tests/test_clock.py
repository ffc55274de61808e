"""The working-time clock on the real 2025–2026 calendar (chinese-calendar 1.11).

2025: National Day and Mid-Autumn off 1–8 October, made up on Sunday 28 September
and Saturday 11 October. 2026: Spring Festival off 15–23 February, made up on
Saturdays 14 and 28 February; National Day off 1–7 October, made up on Sunday
20 September and Saturday 10 October.
"""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest

from civicgrid.worktime import clock
from civicgrid.worktime.tests.base import SHANGHAI, at

pytestmark = pytest.mark.django_db


class TestAddingWorkingHours:
    def test_four_hours_from_the_eve_of_national_day_land_after_the_golden_week(self):
        assert clock.add_working_hours(at("2025-09-30T16:00"), 4) == at("2025-10-09T11:00")

    def test_the_make_up_sunday_before_national_day_counts(self):
        assert clock.add_working_hours(at("2025-09-27T16:00"), 4) == at("2025-09-28T14:30")

    def test_the_make_up_saturday_after_national_day_counts(self):
        assert clock.add_working_hours(at("2025-10-10T16:00"), 4) == at("2025-10-11T11:00")

    def test_the_saturday_before_the_2026_spring_festival_is_worked(self):
        assert clock.add_working_hours(at("2026-02-13T16:00"), 4) == at("2026-02-14T11:00")

    def test_four_hours_from_the_last_day_before_the_2026_spring_festival_end_on_the_24th(self):
        assert clock.add_working_hours(at("2026-02-14T16:00"), 4) == at("2026-02-24T11:00")

    def test_four_hours_from_the_eve_of_national_day_2026_land_on_the_8th(self):
        assert clock.add_working_hours(at("2026-09-30T16:00"), 4) == at("2026-10-08T11:00")

    def test_a_limit_that_fills_the_morning_ends_at_noon_not_after_lunch(self):
        assert clock.add_working_hours(at("2026-03-10T08:30"), 3.5) == at("2026-03-10T12:00")

    def test_lunch_does_not_count(self):
        assert clock.add_working_hours(at("2026-03-10T11:30"), 1) == at("2026-03-10T14:30")

    def test_a_start_at_lunch_counts_from_two_oclock(self):
        assert clock.add_working_hours(at("2026-03-10T12:30"), 1) == at("2026-03-10T15:00")

    def test_a_start_after_closing_counts_from_the_next_morning(self):
        assert clock.add_working_hours(at("2026-03-10T17:30"), 1) == at("2026-03-11T09:30")

    def test_adding_nothing_in_office_hours_gives_the_start(self):
        assert clock.add_working_hours(at("2026-03-10T10:15"), 0) == at("2026-03-10T10:15")

    def test_adding_nothing_on_a_holiday_gives_the_next_working_moment(self):
        assert clock.add_working_hours(at("2025-10-03T10:00"), 0) == at("2025-10-09T08:30")

    def test_hours_may_be_a_decimal_or_a_timedelta(self):
        start = at("2026-03-10T16:00")
        expected = at("2026-03-11T09:30")
        assert clock.add_working_hours(start, Decimal("2.5")) == expected
        assert clock.add_working_hours(start, timedelta(hours=2, minutes=30)) == expected

    def test_negative_hours_are_refused(self):
        with pytest.raises(ValueError, match="negative"):
            clock.add_working_hours(at("2026-03-10T10:00"), -1)

    def test_a_naive_start_is_refused(self):
        with pytest.raises(ValueError, match="aware"):
            clock.add_working_hours(at("2026-03-10T10:00").replace(tzinfo=None), 1)

    def test_a_start_in_utc_counts_in_beijing_time_and_comes_back_in_beijing_time(self):
        deadline = clock.add_working_hours(at("2026-03-10T16:00").astimezone(UTC), 4)
        assert deadline == at("2026-03-11T11:00")
        assert deadline.utcoffset() == timedelta(hours=8)


class TestAddingWorkingDays:
    def test_one_working_day_from_tuesday_afternoon_is_wednesday_afternoon(self):
        assert clock.add_working_days(at("2026-03-10T16:00"), 1) == at("2026-03-11T16:00")

    def test_one_working_day_from_opening_time_ends_at_closing_time(self):
        assert clock.add_working_days(at("2026-03-10T08:30"), 1) == at("2026-03-10T17:30")

    def test_two_working_days_skip_the_golden_week(self):
        assert clock.add_working_days(at("2025-09-30T10:00"), 2) == at("2025-10-10T10:00")

    def test_twenty_working_days_for_a_demolition_order_count_the_make_up_saturday(self):
        # 8, 9, 10 (Saturday, made up), 12–16, 19–23, 26–30 October, 2 and 3 November.
        assert clock.add_working_days(at("2026-09-30T10:00"), 20) == at("2026-11-03T10:00")

    def test_half_a_working_day_is_three_and_a_half_hours(self):
        assert clock.add_working_days(at("2026-03-10T08:30"), 0.5) == at("2026-03-10T12:00")


class TestElapsedWorkingTime:
    def test_the_golden_week_does_not_count(self):
        elapsed = clock.working_time_between(at("2025-09-30T16:00"), at("2025-10-09T10:00"))
        assert elapsed == timedelta(hours=3)

    def test_nothing_has_elapsed_when_the_end_is_not_after_the_start(self):
        start = at("2026-03-10T10:00")
        assert clock.working_time_between(start, start) == timedelta(0)
        assert clock.working_time_between(start, at("2026-03-09T10:00")) == timedelta(0)

    def test_a_night_and_a_lunch_break_do_not_count(self):
        elapsed = clock.working_time_between(at("2026-03-10T17:00"), at("2026-03-11T14:30"))
        assert elapsed == timedelta(hours=4, minutes=30)

    def test_the_year_2025_has_248_working_days(self, django_assert_max_num_queries):
        # 261 weekdays, 18 of them holidays, 5 weekend days made up.
        with django_assert_max_num_queries(2):
            elapsed = clock.working_time_between(at("2025-01-01T00:00"), at("2026-01-01T00:00"))
        assert elapsed == 248 * timedelta(hours=7)


class TestNextWorkingMoment:
    def test_a_moment_in_office_hours_is_its_own_next_working_moment(self):
        assert clock.next_working_moment(at("2026-03-10T09:00")) == at("2026-03-10T09:00")

    def test_noon_waits_for_the_afternoon(self):
        assert clock.next_working_moment(at("2026-03-10T12:00")) == at("2026-03-10T14:00")

    def test_national_day_waits_for_the_end_of_the_golden_week(self):
        assert clock.next_working_moment(at("2025-10-01T09:00")) == at("2025-10-09T08:30")

    def test_friday_evening_before_a_make_up_saturday_waits_only_for_saturday(self):
        assert clock.next_working_moment(at("2025-10-10T18:00")) == at("2025-10-11T08:30")

    def test_the_answer_is_in_beijing_time(self):
        moment = clock.next_working_moment(at("2026-03-10T09:00").astimezone(UTC))
        assert moment.tzinfo.key == "Asia/Shanghai"
        assert moment.astimezone(SHANGHAI) == at("2026-03-10T09:00")
