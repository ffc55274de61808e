"""Targets (目标): their periods, and how far each period has come.

Periods
- 每年, 每季度, 每月: calendar years, quarters (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec) and months.
- 每 N 个月: N-month periods counted from the anchor date (起算日期): anchor 2026-01-15 and
  N = 2 give Jan 15–Mar 14, Mar 15–May 14, … (a month-end anchor keeps to month ends the
  months allow: Jan 31 → Feb 28 → Mar 31 is not drift, each start is anchor + k·N months).
- Nothing is counted before the anchor: the first calendar period is cut to start there (a
  campaign starting on Mar 10 has a first quarter of Mar 10–Mar 31). A target of a campaign
  stops at the campaign's end, which may cut the last period the same way. A day before the
  anchor belongs to the first period, a day after the end to the last.
- A count or sum target asks, in a cut period, for its share of the threshold by days,
  rounded up to a whole number when the threshold is whole (30 a quarter, 22 days of 90 →
  8). A rate is a rate: the threshold stays.

Progress in a period, as of a day (`today`, by default the local date)
- value: entries of the ledger in the target's area and its children (area path prefix)
  dated from the period's start to the end or today, whichever is first: their number
  (count), or the sum of one number field (sum); or the survey's 知晓率/满意率 (rate).
- expected_so_far = threshold × the share of the period's days that have passed (today
  included; 0 before the period starts).
- met: value ≥ threshold; missed: the period is over and not met; on_track: value ≥
  expected_so_far; behind otherwise. A rate is not accumulated over time: during the
  period it is on_track when at or above the threshold, behind below it.
Each progress is one aggregate query (a rate asks survey_results.rate); the periods of a
history are one aggregate query together.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.ledgers import survey_results
from civicgrid.ledgers.models import LedgerEntry, Target

ON_TRACK, BEHIND, MET, MISSED = "on_track", "behind", "met", "missed"
STATUS_LABELS = {
    ON_TRACK: _("进度正常"),
    BEHIND: _("进度落后"),
    MET: _("已达标"),
    MISSED: _("未达标"),
}
CALENDAR_MONTHS = {Target.Period.YEAR: 12, Target.Period.QUARTER: 3, Target.Period.MONTH: 1}
DAY = dt.timedelta(days=1)
SUMMED = DecimalField(max_digits=16, decimal_places=2)


def first_of_month(day: dt.date, months: int = 0) -> dt.date:
    """The first day of the month `months` after `day`'s."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day when it has no such day."""
    first = first_of_month(day, months)
    last = (first_of_month(first, 1) - DAY).day
    return first.replace(day=min(day.day, last))


def _full_period(target: Target, day: dt.date) -> tuple[dt.date, dt.date]:
    """The whole calendar or N-month period holding `day`, before any cutting."""
    months = CALENDAR_MONTHS.get(target.period)
    if months is not None:
        first = dt.date(day.year, (day.month - 1) // months * months + 1, 1)
        return first, first_of_month(first, months) - DAY
    n, anchor = target.every_months or 1, target.anchor
    k = ((day.year - anchor.year) * 12 + day.month - anchor.month) // n
    while add_months(anchor, k * n) > day:
        k -= 1
    while add_months(anchor, (k + 1) * n) <= day:
        k += 1
    return add_months(anchor, k * n), add_months(anchor, (k + 1) * n) - DAY


def last_day(target: Target) -> dt.date | None:
    """The campaign's end for a target of a campaign; None for an open-ended target."""
    return target.campaign.end if target.campaign_id else None


def _clamp(target: Target, day: dt.date) -> dt.date:
    day = max(day, target.anchor)
    end = last_day(target)
    return min(day, end) if end and end >= target.anchor else day


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    full_start: dt.date
    full_end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_cut(self) -> bool:
        return (self.start, self.end) != (self.full_start, self.full_end)


def _period(target: Target, day: dt.date) -> Period:
    full_start, full_end = _full_period(target, _clamp(target, day))
    end = last_day(target)
    cut_end = min(full_end, end) if end and end >= target.anchor else full_end
    return Period(max(full_start, target.anchor), cut_end, full_start, full_end)


def period_containing(target: Target, day: dt.date) -> tuple[dt.date, dt.date]:
    """(start, end) of the target's period holding `day`, both days included."""
    period = _period(target, day)
    return period.start, period.end


def _periods(target: Target, start: dt.date, end: dt.date) -> list[Period]:
    found = [_period(target, start)]
    stop = last_day(target)
    while found[-1].end < end and (stop is None or found[-1].end < stop):
        found.append(_period(target, found[-1].end + DAY))
    return found


def periods(target: Target, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The target's periods that touch the days from `start` to `end`, in order."""
    return [(p.start, p.end) for p in _periods(target, start, end)]


def threshold_for(target: Target, period: Period) -> Decimal:
    """The threshold of one period: a share by days of a cut period, except for rates."""
    threshold = Decimal(target.threshold)
    if not period.is_cut or target.metric == Target.Metric.RATE:
        return threshold
    full_days = (period.full_end - period.full_start).days + 1
    share = threshold * period.days / full_days
    if threshold == threshold.to_integral_value():
        return Decimal(math.ceil(share))
    return share.quantize(Decimal("0.01"), rounding=ROUND_CEILING)


# --- values ----------------------------------------------------------------------------------


def _entries(target: Target):
    return LedgerEntry.objects.filter(
        ledger_id=target.ledger_id, area_path__startswith=target.area.path
    ).order_by()


def _aggregate(target: Target, condition: Q):
    if target.metric == Target.Metric.SUM:
        number = Cast(KeyTextTransform(target.field_key, "values"), SUMMED)
        return Sum(number, filter=condition)
    return Count("pk", filter=condition)


def ledger_values(target: Target, spans: list[tuple[dt.date, dt.date]]) -> list[Decimal]:
    """The count or sum of each span (start, end) of days, in one aggregate query."""
    if not spans:
        return []
    sums = _entries(target).aggregate(
        **{
            f"p{n}": _aggregate(target, Q(date__gte=start, date__lte=end))
            for n, (start, end) in enumerate(spans)
        }
    )
    return [_decimal(sums[f"p{n}"]) for n in range(len(spans))]


def _decimal(value) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _values(target: Target, spans) -> list[Decimal | None]:
    if target.metric != Target.Metric.RATE:
        return ledger_values(target, spans)
    return [
        survey_results.rate(target.survey, target.rate_kind, target.area, start, end)
        for start, end in spans
    ]


# --- progress --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    value: Decimal | None  # None: a rate nobody has answered yet
    threshold: Decimal
    start: dt.date
    end: dt.date
    status: str
    expected_so_far: Decimal

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def percent(self) -> int:
        """How much of the threshold is done, 0–100, for a progress bar."""
        if not self.threshold:
            return 100
        return max(0, min(100, int((self.value or 0) * 100 / self.threshold)))

    @property
    def expected_percent(self) -> int:
        if not self.threshold:
            return 100
        return max(0, min(100, int(self.expected_so_far * 100 / self.threshold)))

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), self.threshold - (self.value or 0))


def _elapsed(period: Period, today: dt.date) -> Decimal:
    if today < period.start:
        return Decimal(0)
    if today >= period.end:
        return Decimal(1)
    return Decimal((today - period.start).days + 1) / Decimal(period.days)


def _progress(target: Target, period: Period, value, today: dt.date) -> Progress:
    threshold = threshold_for(target, period)
    is_rate = target.metric == Target.Metric.RATE
    expected = threshold if is_rate else threshold * _elapsed(period, today)
    reached = value is not None and value >= threshold
    if today > period.end:
        status = MET if reached else MISSED
    elif reached and not is_rate:
        status = MET
    elif value is not None and value >= expected:
        status = ON_TRACK
    else:
        status = BEHIND
    expected = expected.quantize(Decimal("0.01"))
    return Progress(value, threshold, period.start, period.end, status, expected)


def _as_of(period: Period, today: dt.date) -> tuple[dt.date, dt.date]:
    return period.start, max(period.start - DAY, min(period.end, today))


def progress(target: Target, day: dt.date, today: dt.date | None = None) -> Progress:
    """The progress of the period holding `day`, as of `today` (by default the local date)."""
    today = today or timezone.localdate()
    period = _period(target, day)
    (value,) = _values(target, [_as_of(period, today)])
    return _progress(target, period, value, today)


def history(
    target: Target, start: dt.date, end: dt.date, today: dt.date | None = None
) -> list[Progress]:
    """The progress of each period from `start` to `end` (one query for ledger targets)."""
    today = today or timezone.localdate()
    found = _periods(target, start, end)
    values = _values(target, [_as_of(p, today) for p in found])
    return [_progress(target, p, v, today) for p, v in zip(found, values, strict=True)]
