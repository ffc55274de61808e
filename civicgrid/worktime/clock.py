"""The working-time clock (工作时): every time limit in civicgrid counts on it.

Working time is the office hours (settings.WORK_HOURS, by default 08:30–12:00 and
14:00–17:30) of the working days of the 工作日历 (see calendar.py), in Beijing time
whatever the input's time zone. Results come back in settings.TIME_ZONE.

The conventions, chosen so that measuring what was added gives it back exactly
(working_time_between(t, add_working_hours(t, h)) == h for every t and h):

- Office hours are half-open: 08:30 is working time, 12:00 is not.
- Counting starts at the next working moment: time at night, at lunch or on a
  holiday does not count, so a case dispatched on Saturday starts on Monday 08:30.
- A limit that uses up a period ends at that period's close: 3.5 working hours
  from 08:30 is 12:00 the same day, not 14:00.
- Adding zero gives the next working moment (the start itself in office hours).
- One working day is one office day's worth of hours (7 by default), so one working
  day from Tuesday 16:00 is Wednesday 16:00, and from Tuesday 08:30 it is 17:30.

The clock walks day by day, never minute by minute: a year is a few hundred steps.
"""

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone

from civicgrid.worktime.calendar import is_workday

# Office hours and holidays are Beijing time, even if pages show another zone.
OFFICE_TZ = ZoneInfo("Asia/Shanghai")
HOUR = timedelta(hours=1)
_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Period:
    """One stretch of office hours, as offsets from local midnight."""

    start: timedelta
    end: timedelta


def add_working_hours(start: datetime, hours: float | Decimal | timedelta) -> datetime:
    """The moment `hours` of working time after `start` (a deadline)."""
    left = _duration(hours)
    for begin, end in _working_periods(_local(start)):
        if left <= end - begin:
            return _aware(begin + left)
        left -= end - begin
    raise AssertionError("working periods never run out")


def add_working_days(start: datetime, days: float | Decimal) -> datetime:
    """The moment `days` office days' worth of working time after `start`."""
    return add_working_hours(start, office_day() * float(days))


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Working time elapsed from `start` to `end`; zero when `end` is not after `start`."""
    since, until = _local(start), _local(end)
    total = timedelta(0)
    if until <= since:
        return total
    for begin, stop in _working_periods(since):
        if begin >= until:
            break
        total += min(stop, until) - begin
    return total


def next_working_moment(moment: datetime) -> datetime:
    """`moment` itself during office hours, else the start of the next office period."""
    begin, _end = next(_working_periods(_local(moment)))
    return _aware(begin)


@functools.cache
def office_hours() -> tuple[Period, ...]:
    """The office periods of a working day, read once from settings.WORK_HOURS."""
    return parse_work_hours(settings.WORK_HOURS)


def office_day() -> timedelta:
    """The length of one working day: the office periods added up (7 hours by default)."""
    return sum((period.end - period.start for period in office_hours()), timedelta(0))


def parse_work_hours(text: str) -> tuple[Period, ...]:
    """Read "08:30-12:00,14:00-17:30": periods in order of the day, not overlapping."""
    try:
        periods = tuple(_parse_period(part.strip()) for part in text.split(","))
        for earlier, later in pairwise(periods):
            if later.start < earlier.end:
                raise ValueError("periods must be in order and must not overlap")
    except ValueError as error:
        raise ImproperlyConfigured(
            f"WORK_HOURS must list office hours like '08:30-12:00,14:00-17:30', "
            f"not {text!r}: {error}"
        ) from None
    return periods


def _parse_period(text: str) -> Period:
    start, dash, end = text.partition("-")
    if not dash:
        raise ValueError(f"{text!r} is not a period like 08:30-12:00")
    period = Period(_parse_clock_time(start), _parse_clock_time(end))
    if period.end <= period.start:
        raise ValueError(f"{text!r} does not end after it starts")
    return period


def _parse_clock_time(text: str) -> timedelta:
    match = _CLOCK_TIME.fullmatch(text.strip())
    if not match or int(match[2]) > 59:
        raise ValueError(f"{text.strip()!r} is not a time like 08:30")
    offset = timedelta(hours=int(match[1]), minutes=int(match[2]))
    if offset > timedelta(hours=24):
        raise ValueError(f"{text.strip()!r} is later than 24:00")
    return offset


@receiver(setting_changed)
def _reread_work_hours(setting, **kwargs):
    if setting == "WORK_HOURS":
        office_hours.cache_clear()


def _working_periods(since: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working time from `since` on, as local (begin, end) pairs, one working day at a time."""
    day = since.date()
    while True:
        if is_workday(day):
            midnight = datetime.combine(day, time())
            for period in office_hours():
                begin, end = midnight + period.start, midnight + period.end
                if end > since:
                    yield max(begin, since), end
        day += timedelta(days=1)


def _duration(amount: float | Decimal | timedelta) -> timedelta:
    if isinstance(amount, Decimal):
        # timedelta refuses Decimal; count microseconds to keep it exact.
        amount = timedelta(microseconds=round(amount * 3_600_000_000))
    elif not isinstance(amount, timedelta):
        amount = amount * HOUR
    if amount < timedelta(0):
        raise ValueError(f"working time to add must not be negative, got {amount}")
    return amount


def _local(moment: datetime) -> datetime:
    """Naive Beijing wall time; China keeps no daylight saving, so it subtracts safely."""
    if timezone.is_naive(moment):
        raise ValueError(f"the working-time clock needs aware datetimes, got {moment}")
    return moment.astimezone(OFFICE_TZ).replace(tzinfo=None)


def _aware(local: datetime) -> datetime:
    return local.replace(tzinfo=OFFICE_TZ).astimezone(timezone.get_default_timezone())
