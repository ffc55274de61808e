"""Scoring a city's period: `scoring.compute.compute(period)` over the 10^6-case database.

    python bench/scoring_period.py [--repeat 3]

Makes (once) a campaign covering all of the city's streets, with the sample standard
that `load_standards` loads, then computes last month's period (about a third of the
generated cases fall in it) and this week's, and reports seconds per computation (best
and worst of --repeat; the first warms PostgreSQL's cache). Run after cases_generate.py.
"""

import argparse
import datetime as dt
import time

from common import emit, setup_django

TARGET = "≤ 10 s"


def ready() -> str:
    from django.apps import apps
    from django.db import connection

    if not apps.is_installed("civicgrid.scoring"):
        return "no scoring app"
    tables = connection.introspection.table_names()
    if "scoring_period" not in tables or "cases_case" not in tables:
        return "the scoring or cases app has no migrations"
    from civicgrid.campaigns.models import StandardVersion

    if not StandardVersion.objects.exists():
        return "no standard loaded (manage.py load_standards)"
    return ""


def campaign():
    from django.utils import timezone

    from civicgrid.areas.models import Area, Level
    from civicgrid.campaigns.models import Campaign, StandardVersion

    found = Campaign.objects.filter(name="bench city").first()
    if found:
        return found
    version = StandardVersion.objects.select_related("standard").order_by("pk").first()
    today = timezone.localdate()
    made = Campaign.objects.create(
        name="bench city",
        kind=version.standard.kind,
        start=today - dt.timedelta(days=365),
        end=today + dt.timedelta(days=365),
        version=version,
    )
    made.streets.set(Area.objects.filter(level=Level.STREET))
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    why = ready()
    if why:
        emit("scoring a city's period", "not measured", "", key="scoring", ok=None, note=why)
        return
    from django.utils import timezone

    from civicgrid.cases.models import Case
    from civicgrid.scoring.compute import bounds, compute
    from civicgrid.scoring.models import Period
    from civicgrid.scoring.periods import month_of, period_for

    city = campaign()
    today = timezone.localdate()
    last_month = month_of(today.replace(day=1) - dt.timedelta(days=1))[0]
    for kind, day, label in [
        (Period.Kind.MONTH, last_month, "last month"),
        (Period.Kind.WEEK, today, "this week"),
    ]:
        period, _ = period_for(city, kind, day)
        start, end = bounds(period)
        cases = Case.objects.filter(created_at__gte=start, created_at__lt=end).count()
        seconds, scores = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            scores = compute(period)
            seconds.append(time.perf_counter() - started)
        emit(
            f"scoring {label} of {city.streets.count()} streets (best of {args.repeat})",
            round(min(seconds), 2),
            "s",
            TARGET,
            key="scoring",
            ok=max(seconds) <= 10,
            note=f"worst {max(seconds):.2f} s; {scores} scores; {cases:,} cases reported in it",
        )


if __name__ == "__main__":
    main()
