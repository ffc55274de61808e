"""Harness check: the login page through gunicorn (2 sync workers) with bench/http_load.py.

    python bench/http_login.py [-c 4] [-d 10]

The login page needs no data, so this measures the stack alone (gunicorn, the
middleware, a template with a CSRF token) and shows what the harness itself can
drive on this machine. It is not a target of the brief.
"""

import argparse

from common import CpuMeter, emit
from http_load import Load, run
from server import Server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--concurrency", type=int, default=4)
    parser.add_argument("-d", "--duration", type=float, default=10.0)
    args = parser.parse_args()
    with Server(workers=2) as server:
        load = Load(urls=[server.url("/login/")], concurrency=args.concurrency, duration=1.0)
        run(load)  # warm-up
        load.duration = args.duration
        meter = CpuMeter(server.worker_pids()).start()
        result = run(load)
        app_s, _ = meter.stop()
        rss = server.worker_rss()
    note = (
        f"c={result['concurrency']}, {result['requests']} requests, {result['errors']} errors, "
        f"client used {result['client_cpu_cores']} cores, "
        f"app CPU {1000 * app_s / max(result['requests'], 1):.1f} ms per request"
    )
    emit("harness: GET /login/, 2 gunicorn workers", result["rps"], "req/s", note=note)
    emit(
        "  latency p50 / p95 / p99",
        f"{result['p50_ms']} / {result['p95_ms']} / {result['p99_ms']}",
        "ms",
    )
    emit(
        "web worker RSS after load (max of 2)",
        round(max(rss), 1),
        "MiB",
        "≤ 120 MB",
        key="worker_rss_web",
        ok=max(rss) <= 120 / 1.048576,  # 120 MB in MiB
        note="no locator loaded yet; it adds ~16 MiB once a request locates a point",
    )
    if result["errors"]:
        raise SystemExit(f"{result['errors']} errors: statuses {result['statuses']}")


if __name__ == "__main__":
    main()
