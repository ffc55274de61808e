"""Cases at city scale: 10^6 cases by COPY, then intake and the case list timed on them.

    python bench/cases_generate.py [--cases 1000000] [--days 90] [--intake 300]
                                   [--processes 2] [-c 2] [-d 5]

Needs the cases and categories apps migrated and at least one category in the bench
database; until then it prints "not measured" rows and exits 0.

1. Generate `--cases` cases (seeded) over the city's 10^4 grids, spread over `--days`
   days and over the states, with plausible times, deadlines and responsible
   departments, written with one COPY per batch; skipped when the database already
   holds that many (bench/run --reuse). `prepare_sequences` then moves the app's
   numbering (`CaseSequence`, and each year's PostgreSQL sequence) past them.
2. Time `intake.report(...)` in this process: ms per call, p50/p95/p99; then reports/s
   with `--processes` concurrent callers.
3. If `/cases/` resolves, serve with gunicorn (2 workers) and load the case list as
   a superuser and as a street administrator (scoped: a path-prefix filter).
"""

import argparse
import random
import time
from datetime import timedelta

from common import CpuMeter, emit, percentile, setup_django

SEED = 2026
BATCH = 100_000
DESCRIPTIONS = [
    "占道经营，影响通行",
    "垃圾桶满溢未及时清运",
    "井盖破损存在安全隐患",
    "路灯不亮",
    "绿化带内堆放杂物",
    "非机动车乱停乱放",
    "小广告乱贴乱画",
    "道路坑洼积水",
]
# (state, share of cases older than two weeks, share of recent cases)
STATES = [
    ("closed", 0.86, 0.30),
    ("rejected", 0.05, 0.04),
    ("merged", 0.03, 0.03),
    ("reported", 0.00, 0.08),
    ("registered", 0.00, 0.07),
    ("dispatched", 0.01, 0.14),
    ("in_progress", 0.02, 0.18),
    ("rework", 0.01, 0.04),
    ("suspended", 0.01, 0.02),
    ("handled", 0.01, 0.10),
]
SOURCES = [("patrol", 55), ("resident", 20), ("hotline", 12), ("inspection", 8), ("video", 5)]


def ready() -> str:
    """Why cases cannot be measured yet, or "" when they can."""
    from django.db import connection

    tables = connection.introspection.table_names()
    if "cases_case" not in tables:
        return "the cases app has no migrations yet"
    from django.apps import apps

    category = apps.get_model("categories", "Category")
    if not category.objects.exists():
        return "no categories in the bench database: load the catalogue first"
    return ""


class Generator:
    """Rows of cases_case in COPY column order, consistent enough for lists and dashboards."""

    def __init__(self, rng: random.Random, days: int, now):
        from django.apps import apps
        from django.db import connection

        from civicgrid.areas.models import Area, Department, Level
        from civicgrid.cases.models import Case

        self.rng, self.days, self.now = rng, days, now
        self.grids = list(
            Area.objects.filter(level=Level.GRID).values_list(
                "pk", "path", "min_lat", "max_lat", "min_lng", "max_lng"
            )
        )
        departments = {}
        for pk, street_id in Department.objects.values_list("pk", "street_id"):
            departments.setdefault(street_id, []).append(pk)
        self.departments = departments
        category = apps.get_model("categories", "Category")
        self.categories = list(category.objects.values_list("pk", flat=True))
        self.fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.fields
        }
        old, new = zip(*[(o, n) for _, o, n in STATES], strict=True)
        self.state_names = [s for s, _, _ in STATES]
        self.old_weights, self.new_weights = old, new
        self.street_of = {pk: int(path.split("/")[-4]) for pk, path, *_ in self.grids}

    def times(self, n: int) -> list:
        span = self.days * 86400
        return sorted(self.now - timedelta(seconds=self.rng.uniform(0, span)) for _ in range(n))

    def row(self, number: str, created) -> list:
        rng = self.rng
        pk, path, min_lat, max_lat, min_lng, max_lng = rng.choice(self.grids)
        age_days = (self.now - created).total_seconds() / 86400
        weights = self.old_weights if age_days > 14 else self.new_weights
        state = rng.choices(self.state_names, weights)[0]
        values = {
            "number": number,
            "source": rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0],
            "category_id": rng.choice(self.categories),
            "description": rng.choice(DESCRIPTIONS),
            "lat": rng.uniform(min_lat, max_lat),
            "lng": rng.uniform(min_lng, max_lng),
            "grid_id": pk,
            "area_path": path,
            "state": state,
            "created_at": created,
            "updated_at": created,
        }
        if state not in ("reported", "registered", "rejected", "merged"):
            values.update(self._handling(state, created, pk))
        return [values.get(f.attname, self.defaults[f.attname]) for f in self.fields]

    def _handling(self, state: str, created, grid_id: int) -> dict:
        rng = self.rng
        dispatched = created + timedelta(hours=rng.uniform(0.2, 8))
        deadline = dispatched + timedelta(hours=rng.choice([4, 24, 72, 120]))
        values = {
            "responsible_department_id": rng.choice(self.departments[self.street_of[grid_id]]),
            "dispatched_at": dispatched,
            "deadline": deadline,
            "updated_at": dispatched,
        }
        if state in ("handled", "closed"):
            handled = dispatched + (deadline - dispatched) * rng.uniform(0.1, 1.3)
            values.update(handled_at=handled, handled_on_time=handled <= deadline)
            values["updated_at"] = handled
        if state == "closed":
            closed = values["handled_at"] + timedelta(hours=rng.uniform(0.5, 24))
            on_time = values["handled_on_time"]
            values.update(closed_at=closed, closure="normal" if on_time else "overdue")
            values["updated_at"] = closed
        elif state in ("dispatched", "in_progress", "rework"):
            values["is_overdue"] = deadline < self.now
        return values


def generate(n: int, days: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from civicgrid.cases.models import Case, CaseSequence

    have = Case.objects.count()
    if have >= n:
        print(f"{have} cases already in the bench database; not generating")
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_case, cases_casesequence CASCADE")
    started = time.perf_counter()
    gen = Generator(random.Random(SEED), days, timezone.now())
    created = gen.times(n)
    last = {}
    sql = f"COPY cases_case ({', '.join(gen.columns)}) FROM STDIN"
    for start in range(0, n, BATCH):
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(sql) as copy:
            for when in created[start : start + BATCH]:
                year = timezone.localtime(when).year
                last[year] = last.get(year, 0) + 1
                copy.write_row(gen.row(f"{year}-{last[year]:06d}", when))
        print(f"{min(start + BATCH, n)} cases written", flush=True)
    CaseSequence.objects.bulk_create([CaseSequence(year=y, last=k) for y, k in last.items()])
    copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("SELECT pg_total_relation_size('cases_case')")
        size = cursor.fetchone()[0]
    emit(f"generate {n:,} cases (COPY, indexes live)", round(copied, 1), "s")
    emit("  cases_case with its indexes", round(size / 2**20), "MiB")


def time_intake(calls: int) -> None:
    from django.apps import apps
    from grid_lookup import sample_points

    from civicgrid.cases.intake import report

    category = apps.get_model("categories", "Category")
    categories = list(category.objects.all()[:50])
    rng = random.Random(SEED)
    points = sample_points(calls + 20, SEED)
    durations = []
    for n, (lat, lng) in enumerate(points):
        started = time.perf_counter()
        report(
            category=rng.choice(categories),
            description=rng.choice(DESCRIPTIONS),
            lat=lat,
            lng=lng,
            source="resident",
            name="张三",
            phone="13800000000",
        )
        if n >= 20:  # the first calls build the locator and warm the connection
            durations.append((time.perf_counter() - started) * 1000)
    emit(
        "intake.report() per call, p50 / p95 / p99",
        " / ".join(f"{percentile(durations, p):.2f}" for p in (50, 95, 99)),
        "ms",
        note=f"{calls} calls in one process; ~{1000 / percentile(durations, 50):.0f}/s serial",
    )


def intake_worker(seconds: float, variant: str, seed: int, queue) -> None:
    """One process calling intake.report in a loop (the body of an Open311 POST, minus HTTP)."""
    from django.apps import apps
    from django.db import connection
    from grid_lookup import sample_points

    from civicgrid.cases.intake import report

    if variant == "no fsync wait":
        with connection.cursor() as cursor:  # diagnostic only: what the disk's fsync costs
            cursor.execute("SET synchronous_commit TO off")
    category = apps.get_model("categories", "Category")
    categories = list(category.objects.all()[:50])
    rng = random.Random(seed)
    points = sample_points(20_000, seed)
    durations, stop_at = [], time.perf_counter() + seconds
    try:
        for lat, lng in points:
            started = time.perf_counter()
            if started >= stop_at:
                break
            report(category=rng.choice(categories), description="占道经营", lat=lat, lng=lng)
            durations.append((time.perf_counter() - started) * 1000)
    except Exception as error:  # reported by the parent, which keeps measuring the rest
        queue.put(f"{type(error).__name__}: {error}")
        return
    finally:
        connection.close()
    queue.put(durations)


def prepare_sequences() -> None:
    """Start the app's numbering of each year past every number in use.

    COPY writes numbers the app did not give: `CaseSequence` is set to the highest, and
    the year's PostgreSQL sequence dropped, so that the app makes it again past them.
    """
    from django.db import connection

    from civicgrid.cases.models import CaseSequence

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT split_part(number, '-', 1)::int, max(split_part(number, '-', 2)::bigint)"
            " FROM cases_case GROUP BY 1"
        )
        used = dict(cursor.fetchall())
        for year in range(2024, 2031):
            last = used.get(year, 0)
            CaseSequence.objects.update_or_create(year=year, defaults={"last": last})
            cursor.execute(f"DROP SEQUENCE IF EXISTS case_number_{year}")
            cursor.execute(f"DROP SEQUENCE IF EXISTS bench_case_number_{year}")  # old runs


def intake_throughput(processes: int, seconds: float, variant: str) -> None:
    """reports/s and latency with `processes` concurrent callers, as 2 app workers would be."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # no connection may cross the fork
    queue = multiprocessing.Queue()
    children = [
        multiprocessing.Process(target=intake_worker, args=(seconds, variant, SEED + n, queue))
        for n in range(processes)
    ]
    for child in children:
        child.start()
    results = [queue.get(timeout=seconds + 120) for _ in children]
    for child in children:
        child.join(30)
    errors = [r for r in results if isinstance(r, str)]
    if errors:
        raise RuntimeError(errors[0])
    durations = [d for r in results for d in r]
    how = {
        "app": "as committed",
        "no fsync wait": "synchronous_commit off (diagnostic)",
    }[variant]
    emit(
        f"intake.report() × {processes} processes, {how}",
        round(len(durations) / seconds),
        "reports/s",
        note="p50 / p95 / p99 "
        + " / ".join(f"{percentile(durations, p):.1f}" for p in (50, 95, 99))
        + " ms",
    )


def session_cookie(user) -> str:
    """A logged-in session for user, made directly (no password hashing, no login throttle)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def bench_people():
    from civicgrid.areas.models import Area, Level
    from civicgrid.people.models import Role, RoleAssignment, User

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    street = Area.objects.filter(level=Level.STREET).order_by("code").first()
    clerk, made = User.objects.get_or_create(username="bench-street")
    if made:
        RoleAssignment.objects.create(user=clerk, role=Role.ADMIN, area=street)
    return [("superuser", admin), ("street admin", clerk)], street


def list_urls(street_code: str) -> list[tuple[str, str]]:
    """(label, path) of the case-list views to time: the plain list and typical filters."""
    from civicgrid.areas.models import Area, Level

    community = (
        Area.objects.filter(level=Level.COMMUNITY, code__startswith=street_code)
        .order_by("code")
        .first()
    )
    return [
        ("all", "/cases/"),
        ("state=dispatched", "/cases/?state=dispatched"),
        ("overdue", "/cases/?overdue=on"),
        ("queue=handling", "/cases/?queue=handling"),
        ("one community", f"/cases/?area={community.code}"),
        ("keyword 井盖", "/cases/?q=%E4%BA%95%E7%9B%96"),
        ("home page (queue counts)", "/"),
    ]


def time_case_list(concurrency: int, duration: float) -> None:
    """p95 of each list view through gunicorn with 2 workers, for two kinds of people."""
    from django.urls import Resolver404, resolve
    from http_load import Load, run
    from server import Server

    try:
        resolve("/cases/")
    except Resolver404:
        emit("case list", "not measured", "", key="case_list", ok=None, note="no /cases/ URL")
        return
    people, street = bench_people()
    with Server(workers=2) as server:
        for label, user in people:
            cookie = session_cookie(user)
            for view, path in list_urls(street.code):
                load = Load(
                    urls=[server.url(path)],
                    headers={"Cookie": cookie},
                    concurrency=concurrency,
                    duration=1.0,
                    warmup=0,
                    ok_status=range(200, 300),
                )
                run(load)  # warm-up: connections, the locator, the template cache
                load.duration = duration
                meter = CpuMeter(server.worker_pids()).start()
                result = run(load)
                cpu = meter.stop()
                is_list = path.startswith("/cases/")
                emit(
                    f"{'case list' if is_list else 'GET'} {view}, as {label}: p95",
                    result["p95_ms"],
                    "ms",
                    "p95 ≤ 50 ms" if is_list else "",
                    note=(
                        f"p50 {result['p50_ms']}, p99 {result['p99_ms']} ms; "
                        f"{result['rps']} req/s, c={concurrency}, "
                        f"{result['errors']} errors {result['statuses']}; CPU per request: "
                        f"app + PostgreSQL = {per_request(cpu, result['requests'])} ms"
                    ),
                    **(
                        {"key": "case_list", "ok": result["p95_ms"] <= 50 and not result["errors"]}
                        if is_list
                        else {}
                    ),
                )
        emit(
            "web worker RSS after the case list (max of 2)",
            round(max(server.worker_rss()), 1),
            "MiB",
            "≤ 120 MB",
            key="worker_rss_web",
            ok=max(server.worker_rss()) <= 120 / 1.048576,
        )


def per_request(cpu: tuple[float, float], requests: int) -> str:
    return " + ".join(f"{1000 * seconds / max(requests, 1):.1f}" for seconds in cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--intake", type=int, default=300, help="intake.report calls to time")
    parser.add_argument("--processes", type=int, default=2, help="concurrent intake callers")
    parser.add_argument("-c", "--concurrency", type=int, default=2)
    parser.add_argument("-d", "--duration", type=float, default=5.0, help="seconds per view")
    args = parser.parse_args()
    setup_django()
    why = ready()
    if why:
        emit("case list", "not measured", "", key="case_list", ok=None, note=why)
        return
    generate(args.cases, args.days)
    try:
        prepare_sequences()
        time_intake(args.intake)
        for variant in ("app", "no fsync wait"):
            intake_throughput(args.processes, args.duration, variant)
    except Exception as error:  # the list can still be measured
        emit("intake.report()", "FAILED", "", note=f"{type(error).__name__}: {error}"[:300])
    time_case_list(args.concurrency, args.duration)


if __name__ == "__main__":
    main()
