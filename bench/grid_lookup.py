"""Grid lookup: how fast a point becomes a grid on the CITY territory (10^4 grid polygons).

    python bench/grid_lookup.py [--points 200000] [--full-points 5000] [--seed 7]

Measured in one process, after a warm-up, with seeded random points inside the
street bounding boxes (the streets tile the city, so almost every point is in a grid):

- locator build: `Locator()` time (with and without its DB fetch) and memory;
- (a) `current_locator().locate_id(lat, lng)`: what a caller pays per point, the cache check
  included; also the held locator alone;
- (b) `locate(lat, lng)`: (a) plus `Area.objects.get(pk=…)`, one DB round trip per point;
- a prototype of a batched lookup (one vectorised STRtree query for many points), checked
  against (a) point by point, to show what importing a spreadsheet of cases could gain.
"""

import argparse
import gc
import random
import time
import tracemalloc

import numpy as np
from common import emit, rss_mb, setup_django

TARGET = "≥ 20000/s"


def sample_points(n: int, seed: int) -> list[tuple[float, float]]:
    from civicgrid.areas.models import Area, Level

    boxes = list(
        Area.objects.filter(level=Level.STREET, min_lng__isnull=False)
        .order_by("code")
        .values_list("min_lng", "min_lat", "max_lng", "max_lat")
    )
    rng = random.Random(seed)
    points = []
    for _ in range(n):
        min_lng, min_lat, max_lng, max_lat = rng.choice(boxes)
        points.append((rng.uniform(min_lat, max_lat), rng.uniform(min_lng, max_lng)))
    return points


def rate(fn, points, warmup: int = 2000) -> float:
    """Calls per second of fn(lat, lng) over all points, after warming up on the first few."""
    return rates(fn, points, warmup)[0]


def rates(fn, points, warmup: int = 2000) -> tuple[float, float]:
    """(calls per wall second, calls per CPU second of this process).

    On a shared machine the second is what one free core would do: lookups are pure CPU.
    """
    for lat, lng in points[:warmup]:
        fn(lat, lng)
    started, cpu = time.perf_counter(), time.process_time()
    for lat, lng in points:
        fn(lat, lng)
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    return len(points) / wall, len(points) / max(used, 1e-9)


def measure_build():
    from civicgrid.areas.locate import FALLBACK_LEVELS, Locator, _version
    from civicgrid.areas.models import Area

    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    locator = Locator()
    first = time.perf_counter() - started
    gc.collect()
    rss_delta = rss_mb() - before
    polygons = sum(len(index.ids) for index in locator.levels)
    emit("locator build, first (DB fetch + parse + STRtree)", round(first, 3), "s")
    emit(
        "locator memory, RSS delta of first build",
        round(rss_delta, 1),
        "MiB",
        note=f"{polygons} polygons on {len(locator.levels)} levels; includes allocator slack",
    )

    rows = Area.objects.filter(level__in=FALLBACK_LEVELS, boundary__isnull=False)
    started = time.perf_counter()
    list(rows.values_list("pk", "code", "boundary", "level"))
    emit("  of which DB fetch of the boundaries", round(time.perf_counter() - started, 3), "s")

    tracemalloc.start()
    again = Locator()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    emit(
        "locator memory, Python heap held (tracemalloc)",
        round(current / 2**20, 1),
        "MiB",
        note=f"peak {peak / 2**20:.0f} MiB while building; GEOS memory is not traced",
    )
    del again
    started = time.perf_counter()
    for _ in range(50):
        _version()
    emit(
        "locator freshness check (_version, once a second)",
        round((time.perf_counter() - started) / 50 * 1000, 2),
        "ms",
    )
    return locator


def locate_ids_batch(locator, lats: np.ndarray, lngs: np.ndarray) -> np.ndarray:
    """Prototype: every point through one vectorised query per level; -1 where none holds it."""
    import shapely

    found = np.full(len(lats), -1, dtype=np.int64)
    todo = np.arange(len(lats))
    points = shapely.points(lngs, lats)
    for index in locator.levels:
        if len(todo) == 0:
            break
        point_i, geom_i = index.tree.query(points[todo], predicate="intersects")
        # lowest code wins on a shared edge: geometries are sorted by code, so take the min
        order = np.lexsort((geom_i, point_i))
        point_i, geom_i = point_i[order], geom_i[order]
        first = np.unique(point_i, return_index=True)[1]
        hit = todo[point_i[first]]
        found[hit] = index.ids[geom_i[first]]
        todo = np.setdiff1d(todo, hit, assume_unique=True)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--full-points", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from civicgrid.areas.locate import current_locator, forget_locator, locate
    from civicgrid.areas.models import Area

    locator = measure_build()
    points = sample_points(args.points, args.seed)
    forget_locator()
    current_locator()  # build the cached one outside the timed loops

    per_second, per_cpu_second = rates(
        lambda lat, lng: current_locator().locate_id(lat, lng), points
    )
    emit(
        "grid lookup (a) current_locator().locate_id",
        round(per_second),
        "/s",
        TARGET,
        key="grid_lookup",
        ok=per_cpu_second >= 20_000,
        note=f"{per_cpu_second:,.0f} per CPU-second (one free core), which the target is judged on",
    )
    per_second = rate(locator.locate_id, points)
    emit("  (a) with the locator held, no cache check", round(per_second), "/s")

    full = points[: args.full_points]
    per_second = rate(locate, full, warmup=200)
    emit(
        "grid lookup (b) locate() → Area (1 DB query)",
        round(per_second),
        "/s",
        TARGET,
        key="grid_lookup",
        ok=per_second >= 20_000,
        note="Area.objects.get(pk) per point, boundary JSON included",
    )
    with connection.cursor() as cursor:
        per_second = rate(lambda lat, lng: cursor.execute("SELECT 1"), full, warmup=200)
    emit("  floor: one `SELECT 1` round trip through Django", round(per_second), "/s")
    slim = Area.objects.defer("boundary")
    per_second = rate(lambda lat, lng: slim.get(pk=locator.locate_id(lat, lng)), full, warmup=200)
    emit("  (b) prototype: id lookup + get() without boundary", round(per_second), "/s")

    lats = np.array([p[0] for p in points])
    lngs = np.array([p[1] for p in points])
    locate_ids_batch(locator, lats[:1000], lngs[:1000])
    started = time.perf_counter()
    batch = locate_ids_batch(locator, lats, lngs)
    per_second = len(points) / (time.perf_counter() - started)
    single = np.array([locator.locate_id(lat, lng) or -1 for lat, lng in points])
    mismatches = int((batch != single).sum())
    emit(
        "  prototype: batched vectorised lookup",
        round(per_second),
        "/s",
        note=f"{mismatches} of {len(points)} differ from (a)",
    )
    misses = int((single == -1).sum())
    emit("  points outside every polygon", misses, "", note=f"of {len(points)}")


if __name__ == "__main__":
    main()
