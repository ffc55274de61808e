"""Bench only: civicgrid's WSGI app with proposed intake changes patched in, to measure them.

Served by bench/open311_post.py as `prototype_wsgi:application`. BENCH_PROTOTYPE lists the
changes (comma-separated); each stands for a change proposed in bench/README.md:

- sequence: case numbers from a PostgreSQL sequence per year, not the CaseSequence row
  (whose lock is held until the report's commit, so reports queue behind each other);
- enqueue: notification tasks enqueued inside the report's transaction, not on commit
  (one commit, one WAL flush per report instead of two);
- locate_once: the point is located once per report, not by the form check and again by
  intake (one Area query fewer).
"""

import os
from types import SimpleNamespace

from django.db import transaction

from civicgrid.wsgi import application  # noqa: F401 - sets Django up; served by gunicorn

CHANGES = set(filter(None, os.environ.get("BENCH_PROTOTYPE", "").split(",")))


def _apply():
    from civicgrid.areas import locate as located
    from civicgrid.cases import intake, workflow
    from civicgrid.cases.models import CaseSequence
    from civicgrid.open311 import submission

    if "sequence" in CHANGES:
        from cases_generate import _number_from_sequence

        CaseSequence.next_number = classmethod(_number_from_sequence)
    if "enqueue" in CHANGES:
        workflow.transaction = SimpleNamespace(
            atomic=transaction.atomic, on_commit=lambda fn, **kw: fn()
        )
    if "locate_once" in CHANGES:
        last = {}

        def locate_once(lat, lng):
            if (lat, lng) in last:
                return last.pop((lat, lng))
            last.clear()
            last[lat, lng] = area = located.locate(lat, lng)
            return area

        submission.locate = intake.locate = locate_once


_apply()
