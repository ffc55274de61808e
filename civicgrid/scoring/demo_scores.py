"""The demo's scores: recent weeks and months of a campaign, computed, the past ones published."""

import datetime as dt

from django.utils import timezone

from civicgrid.scoring.compute import compute, publish
from civicgrid.scoring.models import Period
from civicgrid.scoring.periods import ensure_periods, month_of

WEEKS, MONTHS = 8, 2


def demo_scores(campaign, today: dt.date | None = None, by=None) -> list[Period]:
    """The campaign's last 8 weeks and last 2 months (the current ones included), computed;
    all but the current ones published by `by`, the published months shown on the public page.

    Safe to run again: published periods are left as they are.
    """
    today = today or timezone.localdate()
    weeks_from = today - dt.timedelta(weeks=WEEKS - 1)
    months_from = month_of(today)[0]
    for _earlier in range(MONTHS - 1):
        months_from = month_of(months_from - dt.timedelta(days=1))[0]
    periods = ensure_periods(campaign, today, [Period.Kind.WEEK], since=weeks_from)
    periods += ensure_periods(campaign, today, [Period.Kind.MONTH], since=months_from)
    periods.sort(key=lambda p: (p.start, p.kind))  # each compares with the one before it
    for period in periods:
        period.refresh_from_db()
        if period.is_published:
            continue
        compute(period)
        if period.end < today:
            publish(period, by)
            if period.kind == Period.Kind.MONTH:
                Period.objects.filter(pk=period.pk).update(public=True)
    return periods
