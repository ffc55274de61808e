"""Office hours from settings.WORK_HOURS: read once, refused loudly when malformed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from civicgrid.worktime import clock
from civicgrid.worktime.tests.base import at


def test_the_default_office_day_is_seven_hours_in_two_periods():
    assert len(clock.office_hours()) == 2
    assert clock.office_day() == timedelta(hours=7)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "08:30",
        "8:30-12",
        "08:30-12:00;14:00-17:30",
        "12:00-08:30",
        "08:30-08:30",
        "08:30-12:00,11:00-17:30",
        "14:00-17:30,08:30-12:00",
        "08:61-12:00",
        "23:00-25:00",
        "早上-中午",
    ],
)
def test_a_malformed_value_is_refused_naming_work_hours(value):
    with pytest.raises(ImproperlyConfigured, match="WORK_HOURS"):
        clock.parse_work_hours(value)


def test_spaces_and_a_day_ending_at_midnight_are_accepted():
    periods = clock.parse_work_hours(" 00:00-12:00 , 12:00-24:00 ")
    assert [(p.start, p.end) for p in periods] == [
        (timedelta(0), timedelta(hours=12)),
        (timedelta(hours=12), timedelta(hours=24)),
    ]


@pytest.mark.django_db
def test_the_clock_follows_a_changed_setting(settings):
    settings.WORK_HOURS = "09:00-17:00"
    assert clock.office_day() == timedelta(hours=8)
    assert clock.add_working_days(at("2026-03-10T13:00"), 1) == at("2026-03-11T13:00")


@pytest.mark.django_db
def test_a_malformed_setting_stops_the_clock_with_a_clear_message(settings):
    settings.WORK_HOURS = "08:30-12:00,14:00"
    with pytest.raises(ImproperlyConfigured, match="WORK_HOURS.*'14:00'"):
        clock.add_working_hours(at("2026-03-10T10:00"), 1)
