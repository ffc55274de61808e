"""The 工作日历: which days are working days in China.

Three sources, strongest first:
1. the CalendarDay table an administrator fills (放假 / 调休上班);
2. the chinese-calendar package: the State Council's holidays and make-up working
   days for the years it knows (2004–2026 in version 1.11);
3. Monday to Friday, for a year neither of them knows.

A year's entries are read in one query and kept in this process for a minute, so a
deadline over twenty working days costs a query per year, not one per day.
"""

import time
from datetime import date

import chinese_calendar
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.worktime.models import CalendarDay

# Other processes see an administrator's edit within this many seconds; this one at once.
OVERRIDES_TTL = 60.0

_overrides_by_year: dict[int, tuple[float, dict]] = {}


def is_workday(day: date) -> bool:
    """Whether the office works on this day (调休上班 included, holidays excluded)."""
    entry = _overrides(day.year).get(day)
    if entry is not None:
        return entry.is_workday
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know yet
        return day.weekday() < 5


def day_name(day: date) -> str:
    """Why the day differs from Monday to Friday ("春节", "国庆节"…), "" if it does not."""
    entry = _overrides(day.year).get(day)
    if entry is not None:
        return entry.name
    try:
        _is_holiday, english = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return chinese_calendar.Holiday(english).chinese if english else ""


def calendar_known(year: int) -> bool:
    """Whether the year's holidays are known, from the package or from CalendarDay entries."""
    return _package_knows(year) or bool(_overrides(year))


def calendar_warning(today: date | None = None) -> str | None:
    """A note for administrators when this year's or next year's holidays are missing."""
    this_year = (today or timezone.localdate()).year
    missing = [year for year in (this_year, this_year + 1) if not calendar_known(year)]
    if not missing:
        return None
    return _(
        "%(years)s 年的法定节假日尚未录入，期限计算按周一至周五处理。请在“工作日历”中录入。"
    ) % {"years": "、".join(str(year) for year in missing)}


def forget_overrides() -> None:
    """Drop the cached CalendarDay entries; the next lookup reads them again."""
    _overrides_by_year.clear()


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(year: int) -> dict:
    """The year's CalendarDay entries by date, from the cache while it is fresh."""
    now = time.monotonic()
    cached = _overrides_by_year.get(year)
    if cached is not None and now - cached[0] < OVERRIDES_TTL:
        return cached[1]
    rows = CalendarDay.objects.filter(date__year=year).values_list(
        "date", "is_workday", "name", named=True
    )
    entries = {row.date: row for row in rows}
    _overrides_by_year[year] = (now, entries)
    return entries


@receiver([post_save, post_delete], sender=CalendarDay)
def _calendar_day_changed(**kwargs):
    # Forget now for this request, and again at commit: another request may have
    # cached the old entries in between.
    forget_overrides()
    transaction.on_commit(forget_overrides)
