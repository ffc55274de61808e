"""Tasks the worker benchmark enqueues while civicgrid has no background tasks of its own."""

import random

from django_tasks import task


@task()
def noop() -> None:
    """Nothing: what one queue round trip costs the worker."""


@task()
def locate_points(n: int, seed: int) -> int:
    """Locate n random city points: loads the grid locator into the worker, as intake would."""
    from civicgrid.areas.locate import current_locator

    rng = random.Random(seed)
    locator = current_locator()
    found = 0
    for _ in range(n):
        found += (
            locator.locate_id(rng.uniform(34.86, 35.21), rng.uniform(113.25, 114.0)) is not None
        )
    return found
