from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civicgrid.worktime.models import CalendarDay

pytestmark = pytest.mark.django_db


def workcal(*args) -> list[str]:
    out = StringIO()
    call_command("workcal", *args, stdout=out)
    return out.getvalue().splitlines()


class TestMonth:
    def test_it_marks_the_golden_week_and_the_make_up_saturday(self):
        lines = workcal("month", "2025-10")
        assert lines[0] == "2025 年 10 月"
        assert lines[1] == "  一   二   三   四   五   六   日"
        assert lines[2] == "           1休  2休  3休  4休  5休"
        assert lines[3] == " 6休  7休  8休  9   10   11班 12"

    def test_it_lists_the_marked_days_with_their_names(self):
        lines = workcal("month", "2025-10")
        assert "10 月 6 日 星期一 休 中秋" in lines
        assert "10 月 11 日 星期六 班 国庆节" in lines
        assert not any(line.startswith("10 月 12 日") for line in lines)

    def test_it_marks_the_2026_spring_festival(self):
        lines = workcal("month", "2026-02")
        assert " 9   10   11   12   13   14班 15休" in lines
        assert "23休 24   25   26   27   28班" in lines

    def test_it_warns_when_the_year_is_unknown(self):
        lines = workcal("month", "2027-02")
        assert lines[-1] == "2027 年的法定节假日尚未录入，按周一至周五显示。"

    def test_it_shows_entries_made_by_hand(self):
        CalendarDay.objects.create(date=date(2027, 2, 6), is_workday=False, name="春节")
        lines = workcal("month", "2027-02")
        assert "2 月 6 日 星期六 休 春节" in lines
        assert "尚未录入" not in lines[-1]

    def test_a_malformed_month_is_refused(self):
        with pytest.raises(CommandError, match="无法识别月份“2026-13”"):
            workcal("month", "2026-13")


class TestDue:
    def test_four_hours_from_the_eve_of_national_day_land_after_the_golden_week(self):
        assert workcal("due", "2025-09-30T16:00", "--hours", "4") == [
            "期限：2025-10-09 11:00 星期四（2025-09-30 16:00 星期二 起 4 个工作小时）"
        ]

    def test_it_counts_working_days(self):
        lines = workcal("due", "2026-09-30T16:00", "--days", "1")
        assert lines == ["期限：2026-10-08 16:00 星期四（2026-09-30 16:00 星期三 起 1 个工作日）"]

    def test_it_says_when_the_clock_starts_later_than_asked(self):
        lines = workcal("due", "2026-10-03T16:00", "--hours", "1")
        assert (
            lines[0]
            == "2026-10-03 16:00 星期六 不在办公时间内，从 2026-10-08 08:30 星期四 起计时。"
        )
        assert lines[1].startswith("期限：2026-10-08 09:30 星期四")

    def test_a_start_with_a_zone_is_shown_in_beijing_time(self):
        lines = workcal("due", "2026-03-10T08:00+00:00", "--hours", "1")
        assert lines == ["期限：2026-03-10 17:00 星期二（2026-03-10 16:00 星期二 起 1 个工作小时）"]

    def test_it_needs_hours_or_days(self):
        with pytest.raises(CommandError, match="--hours 或 --days"):
            workcal("due", "2026-09-30T16:00")

    def test_it_refuses_hours_and_days_together(self):
        with pytest.raises(CommandError, match="二选一"):
            workcal("due", "2026-09-30T16:00", "--hours", "4", "--days", "1")

    @pytest.mark.parametrize("hours", ["-1", "四", "nan"])
    def test_it_refuses_hours_that_are_not_a_positive_number(self, hours):
        with pytest.raises(CommandError, match="--hours 应为不小于 0 的数"):
            workcal("due", "2026-09-30T16:00", "--hours", hours)

    def test_it_refuses_a_malformed_start(self):
        with pytest.raises(CommandError, match="无法识别时间“9月30日”"):
            workcal("due", "9月30日", "--hours", "4")


class TestBetween:
    def test_the_golden_week_does_not_count(self):
        assert workcal("between", "2026-09-30T16:00", "2026-10-09T10:00") == [
            "2026-09-30 16:00 星期三 至 2026-10-09 10:00 星期五 的工作时间："
            "10.00 小时（1.43 个工作日）"
        ]

    def test_it_refuses_an_end_before_the_start(self):
        with pytest.raises(CommandError, match="结束时间早于开始时间"):
            workcal("between", "2026-10-09T10:00", "2026-09-30T16:00")
