"""The dashboard at city scale: refresh_stats, then the page and its JSON through gunicorn.

    python bench/dashboard.py [-c 2] [-d 5]

Run after cases_generate.py (10^6 cases). Until the dashboard app and cases exist it
prints "not measured" rows and exits 0.

1. `refresh_stats`: the first run counts the whole history (skipped when the bench
   database already has statistics, e.g. `bench/run --reuse`), then a steady run, as
   `scripts/serve` repeats it (the last 3 days, the figures now, the 顽疾点位); the
   statistics tables' rows and size.
2. Serve with gunicorn (2 workers) and load `/dashboard/` and each of its JSON endpoints
   as a superuser (the whole city), a street administrator and a community's staff:
   p50/p95/p99, req/s and CPU per request (app + PostgreSQL).
"""

import argparse
import time

from common import CpuMeter, emit, setup_django

TARGET = "p95 ≤ 150 ms"
VIEWS = [
    ("page", "/dashboard/"),
    ("trends 30 days", "/dashboard/trends.json"),
    ("trends 90 days", "/dashboard/trends.json?days=90"),
    ("categories and areas", "/dashboard/breakdown.json"),
    ("map: open cases and spots", "/dashboard/map.json"),
    ("map: areas shaded", "/dashboard/areas.geojson"),
    ("targets behind", "/dashboard/targets/"),
]


def ready() -> str:
    from django.apps import apps
    from django.db import connection

    if not apps.is_installed("civicgrid.dashboard"):
        return "no dashboard app"
    if "dashboard_caseday" not in connection.introspection.table_names():
        return "the dashboard app has no migrations in the bench database"
    from civicgrid.cases.models import Case

    if not Case.objects.exists():
        return "no cases: run cases_generate.py first"
    return ""


def refresh() -> None:
    from django.db import connection

    from civicgrid.dashboard import stats
    from civicgrid.dashboard.models import CaseDay, Refresh

    if not Refresh.objects.exists():
        started = time.perf_counter()
        result = stats.refresh()
        emit(
            "refresh_stats, first run (whole history)",
            round(time.perf_counter() - started, 1),
            "s",
            note=str(result),
        )
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        result = stats.refresh()
        seconds.append(time.perf_counter() - started)
    emit(
        "refresh_stats, steady (3 days, now, spots)",
        round(min(seconds), 1),
        "s",
        note=f"worst {max(seconds):.1f} s; {result}",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('dashboard_caseday')")
        size = cursor.fetchone()[0]
    emit(
        "  CaseDay rows / with indexes",
        f"{CaseDay.objects.count():,} / {size / 2**20:,.0f}",
        "rows / MiB",
    )


def people():
    """(label, user): the whole city, one street, one community."""
    from cases_generate import bench_people

    from civicgrid.areas.models import Area, Level
    from civicgrid.people.models import Role, RoleAssignment, User

    found, street = bench_people()
    community = (
        Area.objects.filter(level=Level.COMMUNITY, path__startswith=street.path)
        .order_by("code")
        .first()
    )
    staff, made = User.objects.get_or_create(username="bench-community")
    if made:
        RoleAssignment.objects.create(user=staff, role=Role.COMMUNITY, area=community)
    return found + [("community staff", staff)]


def load(concurrency: int, duration: float) -> None:
    from cases_generate import per_request, session_cookie
    from http_load import Load, run
    from server import Server

    with Server(workers=2) as server:
        for label, user in people():
            cookie = session_cookie(user)
            for view, path in VIEWS:
                job = Load(
                    urls=[server.url(path)],
                    headers={"Cookie": cookie},
                    concurrency=concurrency,
                    duration=1.0,
                    warmup=0,
                    ok_status=range(200, 300),
                )
                run(job)  # warm-up: connections, templates, PostgreSQL's cache
                job.duration = duration
                meter = CpuMeter(server.worker_pids()).start()
                result = run(job)
                cpu = meter.stop()
                emit(
                    f"dashboard {view}, as {label}: p95",
                    result["p95_ms"],
                    "ms",
                    TARGET,
                    note=(
                        f"p50 {result['p50_ms']}, p99 {result['p99_ms']} ms; {result['rps']} req/s, "
                        f"c={concurrency}, {result['errors']} errors {result['statuses']}; CPU per "
                        f"request: app + PostgreSQL = {per_request(cpu, result['requests'])} ms"
                    ),
                    key="dashboard",
                    ok=result["p95_ms"] <= 150 and not result["errors"],
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--concurrency", type=int, default=2)
    parser.add_argument("-d", "--duration", type=float, default=5.0, help="seconds per view")
    args = parser.parse_args()
    setup_django()
    why = ready()
    if why:
        emit("dashboard", "not measured", "", key="dashboard", ok=None, note=why)
        return
    refresh()
    load(args.concurrency, args.duration)


if __name__ == "__main__":
    main()
