"""Hand-built cases on the demo street, with every field the statistics read set directly."""

import datetime as dt
import itertools
import math

from django.utils import timezone

from civicgrid.cases.models import Case, State
from civicgrid.inspections.tests.base import InspectionTestCase

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NUMBERS = itertools.count(1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def east(lat: float, lng: float, metres: float) -> tuple[float, float]:
    """The point `metres` east of (lat, lng)."""
    return lat, lng + metres / (111_195 * math.cos(math.radians(lat)))


class DashboardTestCase(InspectionTestCase):
    """The demo street with the garbage and parking categories, a campaign and a market site."""

    @classmethod
    def case(cls, grid=None, created=None, state=State.DISPATCHED, category=None, **fields) -> Case:
        """A case as the workflow would have left it; position at the grid's centre by default."""
        grid = grid or cls.demo.grid(0, 0)
        fields.setdefault("lat", grid.centre_lat)
        fields.setdefault("lng", grid.centre_lng)
        return Case.objects.create(
            number=f"2026-{next(NUMBERS):06d}",
            category=category or cls.garbage,
            description="测试案件",
            grid=grid,
            area_path=grid.path,
            state=state,
            created_at=created or timezone.now(),
            **fields,
        )

    @classmethod
    def closed(cls, grid=None, created=None, closed=None, deadline=None, on_time=True, **fields):
        """A case handled and closed at `closed`, normally unless `on_time` is False."""
        closed = closed or created
        return cls.case(
            grid,
            created,
            State.CLOSED,
            closed_at=closed,
            handled_at=closed,
            deadline=deadline,
            handled_on_time=on_time,
            closure="normal" if on_time else "overdue",
            **fields,
        )
