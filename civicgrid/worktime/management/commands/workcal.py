"""workcal: the 工作日历 and the working-time clock from the command line.

    manage.py workcal month 2026-10
    manage.py workcal due 2026-09-30T16:00 --hours 4
    manage.py workcal due 2026-09-30T16:00 --days 5
    manage.py workcal between 2026-09-30T16:00 2026-10-09T10:00

Times without a zone are Beijing time.
"""

import re
from calendar import Calendar
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from civicgrid.worktime import clock
from civicgrid.worktime.calendar import calendar_known, day_name, is_workday

_MONTH = re.compile(r"([1-9]\d{3})-(\d{1,2})")


class Command(BaseCommand):
    help = "查看工作日历，按工作时间计算期限和已用时间。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        month = actions.add_parser("month", help="按月显示工作日历：休＝放假，班＝调休上班")
        month.add_argument("month", help="年月，如 2026-10")
        due = actions.add_parser("due", help="从某一时刻起加上若干工作小时或工作日，得出期限")
        due.add_argument("start", help="开始时间，如 2026-09-30T16:00（北京时间）")
        due.add_argument("--hours", help="工作小时数，如 4 或 0.5")
        due.add_argument("--days", help="工作日数，一个工作日等于一天的办公时长")
        between = actions.add_parser("between", help="两个时刻之间经过的工作时间")
        between.add_argument("start", help="开始时间，如 2026-09-30T16:00")
        between.add_argument("end", help="结束时间，如 2026-10-09T10:00")

    def handle(self, *args, action, **options):
        lines = {"month": self.month, "due": self.due, "between": self.between}[action](**options)
        for line in lines:
            self.stdout.write(line)

    def month(self, month, **options):
        year, number = parse_month(month)
        yield _("%(year)d 年 %(month)d 月") % {"year": year, "month": number}
        yield " ".join(f"  {head}" for head in weekday_heads())
        for week in Calendar().monthdatescalendar(year, number):
            yield " ".join(cell(day) if day.month == number else "    " for day in week).rstrip()
        for day in Calendar().itermonthdates(year, number):
            if day.month == number and mark(day):
                yield f"{day_label(day)} {WEEKDAYS[day.weekday()]} {mark(day)} {day_name(day)}"
        if not calendar_known(year):
            yield _("%(year)d 年的法定节假日尚未录入，按周一至周五显示。") % {"year": year}

    def due(self, start, hours, days, **options):
        start = parse_moment(start)
        if (hours is None) == (days is None):
            raise CommandError(_("请用 --hours 或 --days 给出时限（二选一），例如 --hours 4。"))
        if hours is not None:
            deadline = clock.add_working_hours(start, parse_amount(hours, "--hours"))
            limit = _("%(hours)s 个工作小时") % {"hours": hours}
        else:
            deadline = clock.add_working_days(start, parse_amount(days, "--days"))
            limit = _("%(days)s 个工作日") % {"days": days}
        yield from late_start_note(start)
        yield _("期限：%(deadline)s（%(start)s 起 %(limit)s）") % {
            "deadline": show(deadline),
            "start": show(start),
            "limit": limit,
        }

    def between(self, start, end, **options):
        start, end = parse_moment(start), parse_moment(end)
        if end < start:
            raise CommandError(_("结束时间早于开始时间，请交换两个时间。"))
        elapsed = clock.working_time_between(start, end)
        yield _("%(start)s 至 %(end)s 的工作时间：%(hours).2f 小时（%(days).2f 个工作日）") % {
            "start": show(start),
            "end": show(end),
            "hours": elapsed / timedelta(hours=1),
            "days": elapsed / clock.office_day(),
        }


def parse_month(text: str) -> tuple[int, int]:
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise CommandError(_("无法识别月份“%(text)s”，请写成 2026-10 的形式。") % {"text": text})
    return int(match[1]), int(match[2])


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("无法识别时间“%(text)s”，请写成 2026-09-30T16:00 的形式。") % {"text": text}
        ) from None
    return moment.replace(tzinfo=clock.OFFICE_TZ) if timezone.is_naive(moment) else moment


def parse_amount(text: str, option: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise CommandError(
            _("%(option)s 应为不小于 0 的数，不能是“%(text)s”。") % {"option": option, "text": text}
        )
    return amount


def late_start_note(start: datetime):
    """Say so when the clock starts later than asked: at night, at lunch, on a holiday."""
    begins = clock.next_working_moment(start)
    if begins != start:
        yield _("%(start)s 不在办公时间内，从 %(begins)s 起计时。") % {
            "start": show(start),
            "begins": show(begins),
        }


def weekday_heads() -> list[str]:
    return [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")]


def mark(day: date) -> str:
    """休 for a day off that would be a working day or belongs to a holiday, 班 for 调休上班."""
    weekend = day.weekday() >= 5
    if is_workday(day):
        return _("班") if weekend else ""
    return _("休") if not weekend or day_name(day) else ""


def cell(day: date) -> str:
    # A Chinese mark takes two columns in a terminal; two spaces stand in for none.
    return f"{day.day:>2}{mark(day) or '  '}"


def day_label(day: date) -> str:
    return _("%(month)d 月 %(day)d 日") % {"month": day.month, "day": day.day}


def show(moment: datetime) -> str:
    """Local time to the minute, with seconds only when there are any, and the weekday."""
    local = timezone.localtime(moment, clock.OFFICE_TZ)
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if local.second else f"{local:%Y-%m-%d %H:%M}"
    return f"{shown} {WEEKDAYS[local.weekday()]}"
