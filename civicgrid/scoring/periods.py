"""Scoring periods of a campaign: ISO weeks (Monday–Sunday), calendar months and quarters,
or custom dates; `ensure_periods` creates the regular ones up to today, once."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicgrid.scoring.models import Period

Kind = Period.Kind
ONE_DAY = dt.timedelta(days=1)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, _first_of_month(first.year, first.month + 1) - ONE_DAY


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    first = dt.date(day.year, first_month, 1)
    return first, _first_of_month(day.year, first_month + 3) - ONE_DAY


def _first_of_month(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


BOUNDS = {Kind.WEEK: week_of, Kind.MONTH: month_of, Kind.QUARTER: quarter_of}


def default_name(kind: str, start: dt.date, end: dt.date) -> str:
    """第48周 of its ISO year, 11月, 第4季度, or the dates of a custom period."""
    if kind == Kind.WEEK:
        year, week, _weekday = start.isocalendar()
        return _("%(year)s年第%(week)s周") % {"year": year, "week": week}
    if kind == Kind.MONTH:
        return _("%(year)s年%(month)s月") % {"year": start.year, "month": start.month}
    if kind == Kind.QUARTER:
        return _("%(year)s年第%(q)s季度") % {"year": start.year, "q": (start.month - 1) // 3 + 1}
    return _("%(start)s至%(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def period_for(campaign, kind: str, day: dt.date) -> tuple[Period, bool]:
    """The campaign's week, month or quarter holding `day`, created if missing."""
    start, end = BOUNDS[kind](day)
    return _get_or_create(campaign, kind, start, end, default_name(kind, start, end))


def custom_period(campaign, start: dt.date, end: dt.date, name: str = "") -> Period:
    period, _created = _get_or_create(
        campaign, Kind.CUSTOM, start, end, name or default_name(Kind.CUSTOM, start, end)
    )
    return period


def _get_or_create(campaign, kind, start, end, name) -> tuple[Period, bool]:
    defaults = {"end": end, "name": name}
    try:
        with transaction.atomic():
            return Period.objects.get_or_create(
                campaign=campaign, kind=kind, start=start, defaults=defaults
            )
    except IntegrityError:  # created meanwhile by another request or the command
        return Period.objects.get(campaign=campaign, kind=kind, start=start), False


def starts(kind: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """The start days of every `kind` period that overlaps first..last, in order."""
    found = []
    start, end = BOUNDS[kind](first)
    while start <= last:
        found.append(start)
        start, end = BOUNDS[kind](end + ONE_DAY)
    return found


def ensure_periods(
    campaign, today: dt.date, kinds=(Kind.WEEK, Kind.MONTH), since: dt.date | None = None
) -> list[Period]:
    """Every week/month/quarter of `kinds` from the campaign's start (or `since`) up to the
    one holding `today`, within the campaign's dates; safe to run again."""
    first = max(since or campaign.start, campaign.start)
    last = min(today, campaign.end)
    periods = []
    for kind in kinds:
        for start in starts(kind, first, last):
            periods.append(period_for(campaign, kind, start)[0])
    return periods
