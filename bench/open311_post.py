"""Open311 POST requests.json through gunicorn (2 sync workers) on the 10^6-case database.

    python bench/open311_post.py [-c 4 8] [-d 10]

(Queries, commits and CPU per POST without a server: open311_inprocess.py.)

Makes an `ApiClient` with a known key (and opens a few categories to residents if the
catalogue opened none), then posts form-encoded reports at random points of the city
(seeded) at each concurrency for `-d` seconds and reports req/s and p50/p95/p99. Run
after cases_generate.py so the case table is at the brief's size. No task worker runs
meanwhile: the notification task each case enqueues waits in the queue (its INSERT is
counted, its delivery is not).
"""

import argparse
import random
from urllib.parse import urlencode

from cases_generate import per_request, prepare_sequences
from common import CpuMeter, emit, setup_django
from http_load import Load, run
from server import Server

SEED = 311
TARGET = "≥ 500 req/s with p99 ≤ 50 ms"


def ready() -> str:
    from django.db import connection
    from django.urls import Resolver404, resolve

    try:
        resolve("/open311/v2/requests.json")
    except Resolver404:
        return "no Open311 endpoint at /open311/v2/"
    if "cases_case" not in connection.introspection.table_names():
        return "the cases app has no migrations"
    return ""


def client_and_services() -> tuple[str, list[str]]:
    from civicgrid.areas.models import Area, Level
    from civicgrid.categories.models import Category
    from civicgrid.open311.models import ApiClient

    street = Area.objects.filter(level=Level.STREET).order_by("code").first()
    _, key = ApiClient.create("bench", street)
    offered = Category.objects.filter(is_active=True, open_to_residents=True)
    if not offered.exists():
        some = Category.objects.filter(is_active=True).order_by("code")[:20]
        Category.objects.filter(pk__in=[c.pk for c in some]).update(open_to_residents=True)
    services = [f"{c.kind}-{c.code}" for c in offered]
    return key, services


def bodies(key: str, services: list[str]):
    from grid_lookup import sample_points

    points = sample_points(50_000, SEED)
    rng = random.Random(SEED)
    forms = [
        urlencode(
            {
                "api_key": key,
                "service_code": rng.choice(services),
                "lat": f"{lat:.6f}",
                "long": f"{lng:.6f}",
                "description": "小区门口有一堆建筑垃圾",
                "first_name": "三",
                "last_name": "张",
                "phone": "13800001111",
            }
        ).encode()
        for lat, lng in points
    ]
    return lambda n: forms[n % len(forms)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--concurrency", type=int, nargs="+", default=[4, 8])
    parser.add_argument("-d", "--duration", type=float, default=10.0)
    args = parser.parse_args()
    setup_django()
    why = ready()
    if why:
        emit("Open311 POST", "not measured", "", key="open311_post", ok=None, note=why)
        return
    prepare_sequences()
    key, services = client_and_services()
    make_body = bodies(key, services)
    with Server(workers=2) as server:
        for concurrency in args.concurrency:
            measure(server, make_body, concurrency, args.duration)
        rss = max(server.worker_rss())
    emit(
        "web worker RSS after Open311 POSTs (max of 2)",
        round(rss, 1),
        "MiB",
        "≤ 120 MB",
        key="worker_rss_web",
        ok=rss <= 120 / 1.048576,
        note="the grid locator is loaded in each worker",
    )


def measure(server, make_body, concurrency: int, duration: float) -> None:
    load = Load(
        urls=[server.url("/open311/v2/requests.json")],
        method="POST",
        bodies=make_body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        concurrency=concurrency,
        duration=1.0,
        warmup=0,
        ok_status=range(200, 300),
    )
    run(load)  # warm-up: each worker connects and builds its grid locator
    load.duration = duration
    meter = CpuMeter(server.worker_pids()).start()
    result = run(load)
    cpu = meter.stop()
    ok = result["rps"] >= 500 and result["p99_ms"] <= 50 and not result["errors"]
    emit(
        f"Open311 POST, c={concurrency}",
        result["rps"],
        "req/s",
        TARGET,
        note=(
            f"p50 / p95 / p99 {result['p50_ms']} / {result['p95_ms']} / "
            f"{result['p99_ms']} ms; {result['requests']} requests, "
            f"{result['errors']} errors {result['statuses']}; "
            f"CPU per request: app + PostgreSQL = {per_request(cpu, result['requests'])} ms"
        ),
        key="open311_post",
        ok=ok,
    )


if __name__ == "__main__":
    main()
