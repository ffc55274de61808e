"""Laws the working-time clock keeps for any start, 2025 to 2027 (a year the package lacks)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicgrid.worktime import clock
from civicgrid.worktime.tests.base import SHANGHAI

pytestmark = pytest.mark.django_db

ZONES = [SHANGHAI, ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(SHANGHAI)
)
limits = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=300))
thorough = settings(max_examples=100, deadline=None)


@thorough
@given(moments, limits)
def test_measuring_what_was_added_gives_it_back(start, limit):
    deadline = clock.add_working_hours(start, limit)
    assert clock.working_time_between(start, deadline) == limit


@thorough
@given(moments, limits, limits)
def test_a_longer_limit_never_gives_an_earlier_deadline(start, limit, more):
    assert clock.add_working_hours(start, limit) <= clock.add_working_hours(start, limit + more)


@thorough
@given(moments, moments, limits)
def test_a_later_start_never_gives_an_earlier_deadline(start, other, limit):
    early, late = sorted([start, other])
    assert clock.add_working_hours(early, limit) <= clock.add_working_hours(late, limit)


@thorough
@given(moments, limits, limits.filter(bool))
def test_adding_in_two_steps_is_adding_at_once(start, first, then):
    in_steps = clock.add_working_hours(clock.add_working_hours(start, first), then)
    assert in_steps == clock.add_working_hours(start, first + then)


@thorough
@given(moments, moments, moments)
def test_elapsed_working_time_adds_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted([a, b, c])
    between = clock.working_time_between
    assert between(a, c) == between(a, b) + between(b, c)


@thorough
@given(moments, moments)
def test_working_time_never_exceeds_the_time_on_the_wall_clock(start, end):
    assert timedelta(0) <= clock.working_time_between(start, end) <= max(end - start, timedelta(0))


@thorough
@given(moments)
def test_no_working_time_lies_between_a_moment_and_its_next_working_moment(moment):
    begins = clock.next_working_moment(moment)
    assert begins >= moment
    assert clock.working_time_between(moment, begins) == timedelta(0)
    assert clock.next_working_moment(begins) == begins


@thorough
@given(moments, st.integers(min_value=0, max_value=30))
def test_a_working_day_is_seven_working_hours(start, days):
    assert clock.add_working_days(start, days) == clock.add_working_hours(start, 7 * days)


@thorough
@given(moments, limits, st.sampled_from(ZONES))
def test_the_deadline_does_not_depend_on_the_zone_the_start_is_written_in(start, limit, zone):
    deadline = clock.add_working_hours(start.astimezone(zone), limit)
    assert deadline == clock.add_working_hours(start, limit)
    assert deadline.utcoffset() == timedelta(hours=8)
