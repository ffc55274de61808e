"""Deadlines in working time (工作时): dispatch + the category's limit on the office clock."""

from datetime import datetime, timedelta

from django.conf import settings

from civicgrid.worktime import clock


def deadline_for(category, start: datetime) -> datetime:
    value, unit = category.time_limit
    if unit == "days":
        return clock.add_working_days(start, value)
    return clock.add_working_hours(start, value)


def remind_at(start: datetime, deadline: datetime) -> datetime:
    """When the handler is reminded: a configurable share of the working time (80 %)."""
    total = clock.working_time_between(start, deadline)
    return clock.add_working_hours(start, total.total_seconds() / 3600 * settings.CASE_REMIND_SHARE)


def remaining_hours(now: datetime, deadline: datetime | None) -> float:
    if deadline is None:
        return 0.0
    return max(clock.working_time_between(now, deadline), timedelta(0)).total_seconds() / 3600


def after_hours(start: datetime, hours: float) -> datetime:
    return clock.add_working_hours(start, hours)


def overdue_hours(deadline: datetime, now: datetime) -> float:
    return clock.working_time_between(deadline, now).total_seconds() / 3600
