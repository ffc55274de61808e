import pytest

from civicgrid.worktime.calendar import forget_overrides


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test reads CalendarDay afresh: a rolled-back test leaves no cached entries."""
    forget_overrides()
    yield
    forget_overrides()
