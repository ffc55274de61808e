"""Which area holds a point: grid first, then community, then street (属地兜底).

The polygons of each level sit in a shapely STRtree built once per process and
rebuilt when the tree changes (checked at most once a second), so a lookup is an
index query plus one or two exact tests, not a loop over ten thousand grids.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max

from civicgrid.areas.models import Area, Level
from civicgrid.lib.geo import parse_boundary, validate_point

FALLBACK_LEVELS = (Level.GRID, Level.COMMUNITY, Level.STREET)
RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class LevelIndex:
    """One level's polygons, their STRtree and the area ids in the same order."""

    tree: shapely.STRtree
    ids: np.ndarray
    codes: list[str]

    @classmethod
    def build(cls, rows):
        rows = sorted(
            rows, key=lambda row: row[1]
        )  # by code: ties on a shared edge go to the lowest
        geoms = [parse_boundary(boundary) for _, _, boundary in rows]
        for geom in geoms:
            shapely.prepare(geom)
        return cls(
            shapely.STRtree(geoms),
            np.array([r[0] for r in rows], dtype=np.int64),
            [r[1] for r in rows],
        )

    def find(self, point) -> int | None:
        hits = self.tree.query(point, predicate="intersects")
        if len(hits) == 0:
            return None
        return int(self.ids[hits.min()])


class Locator:
    """A snapshot of the territory's polygons, level by level."""

    def __init__(self):
        rows = Area.objects.filter(level__in=FALLBACK_LEVELS, boundary__isnull=False).values_list(
            "pk", "code", "boundary", "level"
        )
        by_level = {level: [] for level in FALLBACK_LEVELS}
        for pk, code, boundary, level in rows:
            by_level[level].append((pk, code, boundary))
        self.levels = [
            LevelIndex.build(by_level[level]) for level in FALLBACK_LEVELS if by_level[level]
        ]

    def locate_id(self, lat: float, lng: float) -> int | None:
        point = shapely.Point(lng, lat)
        for index in self.levels:
            found = index.find(point)
            if found is not None:
                return found
        return None


_lock = threading.Lock()
_state: dict = {"locator": None, "version": None, "checked": 0.0}


def _version():
    return tuple(Area.objects.aggregate(n=Count("pk"), t=Max("updated_at")).values())


def current_locator() -> Locator:
    now = time.monotonic()
    if _state["locator"] is not None and now - _state["checked"] < RECHECK_SECONDS:
        return _state["locator"]
    with _lock:
        version = _version()
        if _state["locator"] is None or version != _state["version"]:
            _state["locator"], _state["version"] = Locator(), version
        _state["checked"] = time.monotonic()
        return _state["locator"]


def forget_locator() -> None:
    """Drop the cached index (tests and imports call this after changing polygons)."""
    _state.update(locator=None, version=None, checked=0.0)


def locate(lat: float, lng: float) -> Area | None:
    """The grid holding (lat, lng), else its community, else its street, else None."""
    validate_point(lat, lng)
    pk = current_locator().locate_id(lat, lng)
    return Area.objects.get(pk=pk) if pk is not None else None
