"""顽疾点位: the same problem reported again and again at the same place.

A spot is a case with at least DASHBOARD_HOTSPOT_COUNT cases of its category, itself
included, reported in the last DASHBOARD_HOTSPOT_DAYS days within
DASHBOARD_HOTSPOT_METRES metres of it. Counted are the cases reported in that window,
open or closed, except 不予立案 and 已合并 ones (a merged report repeats an open case: it is
no recurrence). Cases are compared only within one category and one community (属地: a
place answers to one community).

To stay bounded, positions are bucketed into cells one radius wide by rounding lat/lng,
so a case is measured only against the cases of the nine cells around it. Spots are
taken greedily, the case with the most neighbours first (the latest on a tie); its
neighbours are then taken out, so a case belongs to at most one spot.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from civicgrid.cases.intake import distance_m
from civicgrid.cases.models import OPEN, Case, State
from civicgrid.dashboard.models import Hotspot

METRES_PER_DEGREE = 110_000  # a little under the true 111 km, so cells are never too small
NOT_COUNTED = [State.REJECTED, State.MERGED]


@dataclass(frozen=True)
class Point:
    pk: int  # cases are numbered as reported: a higher pk is a later case
    lat: float
    lng: float


def find(points: list[Point], count: int, metres: float) -> list[list[Point]]:
    """Groups of at least `count` points lying within `metres` of the group's first point."""
    if len(points) < count:
        return []
    cell_lat = metres / METRES_PER_DEGREE
    cell_lng = cell_lat / max(math.cos(math.radians(points[0].lat)), 0.01)

    def cell(p: Point) -> tuple[int, int]:
        return math.floor(p.lat / cell_lat), math.floor(p.lng / cell_lng)

    cells = defaultdict(list)
    for p in points:
        cells[cell(p)].append(p)

    def near(p: Point) -> list[Point]:
        y, x = cell(p)
        around = [
            q for dy in (-1, 0, 1) for dx in (-1, 0, 1) for q in cells.get((y + dy, x + dx), ())
        ]
        return [q for q in around if distance_m(p.lat, p.lng, q.lat, q.lng) <= metres]

    neighbours = {p: near(p) for p in points}
    taken: set[Point] = set()
    spots = []
    for p in sorted(points, key=lambda p: (-len(neighbours[p]), -p.pk)):
        if p in taken or len(neighbours[p]) < count:
            continue
        members = [p] + [q for q in neighbours[p] if q is not p and q not in taken]
        if len(members) >= count:
            spots.append(members)
            taken.update(members)
    return spots


def window_cases(now):
    """The cases a spot may be made of: reported in the window, with a position."""
    since = now - dt.timedelta(days=settings.DASHBOARD_HOTSPOT_DAYS)
    return (
        Case.objects.filter(created_at__gte=since, created_at__lte=now, lat__isnull=False)
        .exclude(lng=None)
        .exclude(grid=None)
        .exclude(state__in=NOT_COUNTED)
        .order_by()
    )


def spots(now, tree) -> list[Hotspot]:
    """Every spot now, unsaved: the window's positions in one query, then cells in memory,
    then the details of the cases in spots in one more."""
    count, metres = settings.DASHBOARD_HOTSPOT_COUNT, settings.DASHBOARD_HOTSPOT_METRES
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    community = {}
    rows = window_cases(now).values_list("pk", "category_id", "grid_id", "lat", "lng")
    for pk, category_id, grid_id, lat, lng in rows:
        if grid_id not in community:
            community[grid_id] = tree.community_of(grid_id)
        groups[community[grid_id], category_id].append((pk, lat, lng))
    found = [
        (area_id, category_id, members)
        for (area_id, category_id), rows in groups.items()
        if len(rows) >= count and area_id is not None
        for members in find([Point(*row) for row in rows], count, metres)
    ]
    details = _details([p.pk for _area, _category, members in found for p in members])
    return [
        _hotspot(area_id, category_id, [details[p.pk] for p in members], tree)
        for area_id, category_id, members in found
    ]


def _details(pks: list[int]) -> dict[int, tuple]:
    rows = Case.objects.filter(pk__in=pks).values_list(
        "pk", "number", "state", "address", "created_at", "lat", "lng"
    )
    return {row[0]: row for row in rows}


def _hotspot(area_id, category_id, members: list[tuple], tree) -> Hotspot:
    """A spot of `members` (pk, number, state, address, created_at, lat, lng), centre first."""
    centre = members[0]
    by_time = sorted(members, key=lambda m: (m[4], m[0]))
    return Hotspot(
        category_id=category_id,
        area_id=area_id,
        area_path=tree.path(area_id),
        lat=centre[5],
        lng=centre[6],
        address=by_time[-1][3],
        count=len(members),
        open=sum(1 for m in members if m[2] in OPEN),
        first_at=by_time[0][4],
        last_at=by_time[-1][4],
        cases=[m[1] for m in by_time],
    )


def refresh(now, tree) -> int:
    """Replace the stored spots with those found now; returns how many there are."""
    found = spots(now, tree)
    Hotspot.objects.all().delete()
    Hotspot.objects.bulk_create(found, batch_size=1000)
    return len(found)
