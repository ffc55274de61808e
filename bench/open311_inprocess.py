"""Open311 POST in-process: queries, commits and CPU per POST, with Django's test client.

    python bench/open311_inprocess.py [-n 300] [--sqlite] [--show-queries]

No server and no load generator, so the figures hold on a busy machine: a throwaway test
database (`test_cg_open311`, or test_$BENCH_DB, on the bench's PostgreSQL server; SQLite
in memory with --sqlite), the demo street, one ApiClient, then form-encoded POSTs to
/open311/v2/requests.json at seeded points of the street. Per POST: the queries Django ran, the commits (transactions
that wrote, each waiting for one WAL flush on PostgreSQL) and the CPU of this process
and of its PostgreSQL backend (from /proc). The case table is small here: what 10^6 cases
add (index depth) is in open311_post.py's figures, not these.
"""

import argparse
import os
import random
import statistics
import sys
import time
from urllib.parse import urlencode

os.environ.setdefault("BENCH_DB", "cg_open311")  # before common reads it: never the bench DB

from common import bench_env, cpu_seconds, emit  # noqa: E402

WRITES = ("INSERT", "UPDATE", "DELETE")


def setup(sqlite: bool) -> None:
    env = bench_env()
    if sqlite:
        del env["DATABASE_URL"]
    os.environ.clear()
    os.environ.update(env)
    sys.path[:0] = env["PYTHONPATH"].split(":")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def street_and_form():
    """The demo street, a category open to residents and an api_key; a form per point."""
    from civicgrid.areas.locate import current_locator
    from civicgrid.categories.models import Category
    from civicgrid.demo.generator import Size, build
    from civicgrid.open311.models import ApiClient

    demo = build(Size())
    Category.objects.create(
        kind=Category.Kind.MATTER,
        code="06010",
        major_code="06",
        major_name="市容环境类",
        name="暴露垃圾",
        open_to_residents=True,
    )
    _, key = ApiClient.create("bench", demo.streets[0])
    street, rng = demo.streets[0], random.Random(311)

    def form() -> str:
        lat, lng = None, None
        while lat is None or current_locator().locate_id(lat, lng) is None:
            lat = rng.uniform(street.min_lat, street.max_lat)
            lng = rng.uniform(street.min_lng, street.max_lng)
        fields = {
            "api_key": key,
            "service_code": "matter-06010",
            "lat": f"{lat:.6f}",
            "long": f"{lng:.6f}",
            "description": "小区门口有一堆建筑垃圾",
            "first_name": "三",
            "last_name": "张",
            "phone": "13800001111",
        }
        return urlencode(fields)

    return form


class Counter:
    """Queries and commits on the default connection while it is installed."""

    def __init__(self, connection):
        self.connection, self.queries, self.commits, self.sql = connection, 0, 0, []

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        self.sql.append(sql)
        if not self.connection.in_atomic_block and sql.lstrip().upper().startswith(WRITES):
            self.commits += 1  # autocommit: the statement is its own transaction
        return execute(sql, params, many, context)

    def __enter__(self):
        commit = self.connection.commit

        def counted():
            self.commits += 1
            commit()

        self.connection.commit = counted
        self.wrapper = self.connection.execute_wrapper(self)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self.wrapper.__exit__(*exc)
        del self.connection.commit


def backend_cpu() -> float:
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cpu_seconds(cursor.fetchone()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--posts", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--sqlite", action="store_true", help="SQLite in memory, not PostgreSQL")
    parser.add_argument("--show-queries", action="store_true", help="print one POST's SQL")
    args = parser.parse_args()
    setup(args.sqlite)
    from django.db import connection

    try:
        measure(args)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def measure(args) -> None:
    from django.db import connection
    from django.test import Client

    form, client = street_and_form(), Client()
    url = "/open311/v2/requests.json"
    kind = "application/x-www-form-urlencoded"
    for _ in range(args.warmup):  # the locator, the connection, Django's caches
        assert client.post(url, form(), content_type=kind).status_code == 200
    queries, commits = [], []
    db_before, app_before = backend_cpu(), time.process_time()
    with Counter(connection) as counted:
        for _ in range(args.posts):
            before = counted.queries, counted.commits
            response = client.post(url, form(), content_type=kind)
            assert response.status_code == 200, response.content
            queries.append(counted.queries - before[0])
            commits.append(counted.commits - before[1])
            last_sql = counted.sql[before[0] :]
    app = (time.process_time() - app_before) / args.posts
    db = (backend_cpu() - db_before) / args.posts
    if args.show_queries:
        print("\n".join(last_sql))
    where = connection.vendor
    emit(
        f"Open311 POST in-process ({where}), queries / commits per POST",
        f"{statistics.mean(queries):.1f} / {statistics.mean(commits):.1f}",
        "",
        note=f"{args.posts} POSTs through the test client on the demo street; "
        f"queries {min(queries)}–{max(queries)}",
    )
    emit(
        f"Open311 POST in-process ({where}), CPU per POST: app + database",
        f"{1000 * app:.2f} + {1000 * db:.2f}",
        "ms",
        note="means; this process (test client included)"
        + (" + its PostgreSQL backend" if where == "postgresql" else ", SQLite in it"),
    )


if __name__ == "__main__":
    main()
