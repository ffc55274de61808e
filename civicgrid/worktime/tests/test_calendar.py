"""The 工作日历: the package's real holidays, the CalendarDay table, the Monday–Friday fallback."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from civicgrid.worktime import calendar, clock
from civicgrid.worktime.models import CalendarDay
from civicgrid.worktime.tests.base import at

pytestmark = pytest.mark.django_db


def day_off(text: str, name: str = "春节") -> CalendarDay:
    return CalendarDay.objects.create(date=date.fromisoformat(text), is_workday=False, name=name)


class TestWorkingDays:
    @pytest.mark.parametrize(
        "day",
        ["2025-09-28", "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28", "2026-09-20"],
    )
    def test_make_up_weekend_days_are_working_days(self, day):
        assert calendar.is_workday(date.fromisoformat(day))

    @pytest.mark.parametrize(
        "day", ["2025-10-01", "2025-10-06", "2025-10-08", "2026-02-16", "2026-02-23", "2026-10-07"]
    )
    def test_weekdays_in_a_holiday_are_days_off(self, day):
        assert not calendar.is_workday(date.fromisoformat(day))

    def test_an_ordinary_week_works_monday_to_friday(self):
        week = [date(2026, 3, 9) + timedelta(days=n) for n in range(7)]
        assert [calendar.is_workday(day) for day in week] == [True] * 5 + [False] * 2

    def test_a_year_the_package_does_not_know_works_monday_to_friday(self):
        # 8 February 2027 falls in the Spring Festival, but nobody has entered it yet.
        assert calendar.is_workday(date(2027, 2, 8))
        assert not calendar.is_workday(date(2027, 2, 13))

    def test_an_entry_makes_a_day_off_in_a_year_the_package_does_not_know(self):
        day_off("2027-02-08")
        assert not calendar.is_workday(date(2027, 2, 8))

    def test_an_entry_makes_a_saturday_a_working_day(self):
        CalendarDay.objects.create(date=date(2027, 2, 20), is_workday=True, name="调休上班")
        assert calendar.is_workday(date(2027, 2, 20))

    def test_an_entry_wins_over_the_package(self):
        day_off("2026-10-08", name="临时放假")
        assert not calendar.is_workday(date(2026, 10, 8))

    def test_days_are_named_in_chinese(self):
        assert calendar.day_name(date(2026, 2, 17)) == "春节"
        assert calendar.day_name(date(2025, 10, 6)) == "中秋"
        assert calendar.day_name(date(2026, 3, 10)) == ""

    def test_an_entrys_name_wins_over_the_packages(self):
        day_off("2026-10-08", name="临时放假")
        assert calendar.day_name(date(2026, 10, 8)) == "临时放假"


class TestOverridesMoveDeadlines:
    def test_an_entry_for_2027_moves_a_deadline_past_the_holiday(self):
        start = at("2027-02-05T16:00")  # a Friday
        assert clock.add_working_hours(start, 4) == at("2027-02-08T11:00")
        for offset in range(7):
            day_off(f"2027-02-{8 + offset:02d}")
        assert clock.add_working_hours(start, 4) == at("2027-02-15T11:00")

    def test_deleting_the_entry_moves_it_back(self):
        entry = day_off("2027-02-08")
        start = at("2027-02-05T16:00")
        assert clock.add_working_hours(start, 4) == at("2027-02-09T11:00")
        entry.delete()
        assert clock.add_working_hours(start, 4) == at("2027-02-08T11:00")


class TestCaching:
    def test_a_whole_year_of_days_costs_one_query(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            for offset in range(365):
                calendar.is_workday(date(2027, 1, 1) + timedelta(days=offset))

    def test_twenty_working_days_into_2027_cost_one_query_per_year(self, django_assert_num_queries):
        with django_assert_num_queries(2):
            clock.add_working_days(at("2026-12-20T10:00"), 20)

    def test_entries_written_without_signals_are_seen_once_the_cache_expires(self, monkeypatch):
        assert calendar.is_workday(date(2027, 2, 8))
        CalendarDay.objects.bulk_create([CalendarDay(date=date(2027, 2, 8), name="春节")])
        assert calendar.is_workday(date(2027, 2, 8))
        monkeypatch.setattr(calendar, "OVERRIDES_TTL", 0)
        assert not calendar.is_workday(date(2027, 2, 8))


class TestCalendarKnown:
    def test_the_years_the_package_covers_are_known(self):
        assert calendar.calendar_known(2025)
        assert calendar.calendar_known(2026)

    def test_a_later_year_is_unknown_until_an_entry_is_made(self):
        assert not calendar.calendar_known(2027)
        day_off("2027-02-08")
        assert calendar.calendar_known(2027)


class TestCalendarWarning:
    def test_it_warns_in_late_2026_that_2027_is_missing(self):
        warning = calendar.calendar_warning(today=date(2026, 11, 29))
        assert warning == (
            "2027 年的法定节假日尚未录入，期限计算按周一至周五处理。请在“工作日历”中录入。"
        )

    def test_the_warning_disappears_once_2027_is_entered_and_returns_when_it_is_removed(self):
        entry = day_off("2027-02-08")
        assert calendar.calendar_warning(today=date(2026, 11, 29)) is None
        entry.delete()
        assert "2027" in calendar.calendar_warning(today=date(2026, 11, 29))

    def test_it_is_quiet_while_this_year_and_next_are_known(self):
        assert calendar.calendar_warning(today=date(2025, 6, 1)) is None

    def test_it_names_both_years_when_both_are_missing(self):
        warning = calendar.calendar_warning(today=date(2027, 3, 1))
        assert warning.startswith("2027、2028 年的法定节假日尚未录入")

    def test_it_looks_at_today_by_default(self):
        today = timezone.localdate()
        expected = calendar.calendar_warning(today=today)
        assert calendar.calendar_warning() == expected
