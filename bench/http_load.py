"""A small closed-loop HTTP load generator for loopback servers (http.client, one thread each).

    python bench/http_load.py http://127.0.0.1:8000/login/ [more URLs] \
        [-c 4] [-d 10] [-X POST] [--body-file f.json] [-H 'Content-Type: application/json']

Each of `concurrency` threads keeps its own connection, sends a request, waits for the
whole response, and sends the next until `duration` seconds have passed (after a
warm-up that is not recorded) or `max_requests` have been sent. URLs are taken in
turn. An answer outside `ok_status` or a failed connection counts as an error.

The load generator runs on the same 2 cores as the server: the summary gives its own
CPU use so a reader can tell when the client, not the server, was the limit.
"""

import argparse
import http.client
import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from common import percentile

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Load:
    urls: list[str]
    method: str = "GET"
    body: bytes | None = None  # or set `bodies`: a function of the request number
    bodies: object = None
    headers: dict = field(default_factory=dict)
    concurrency: int = 4
    duration: float = 10.0
    warmup: float = 1.0
    max_requests: int | None = None
    ok_status: range = range(200, 400)
    timeout: float = 10.0


@dataclass
class _Tally:
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0


def _target(urls: list[str]) -> tuple[str, int, list[str]]:
    parts = [urlsplit(url) for url in urls]
    hosts = {(p.hostname, p.port or 80) for p in parts}
    if len(hosts) != 1:
        raise ValueError("all URLs must name the same host and port")
    host, port = hosts.pop()
    if host not in LOOPBACK:
        raise ValueError(f"{host} is not a loopback address: load tests stay on this machine")
    return host, port, [(p.path or "/") + (f"?{p.query}" if p.query else "") for p in parts]


def run(load: Load) -> dict:
    """Run the load and return its summary (see `summarise`)."""
    host, port, paths = _target(load.urls)
    counter = iter(range(10**12))
    lock = threading.Lock()
    record_from = time.perf_counter() + load.warmup
    stop_at = record_from + load.duration
    tallies = [_Tally() for _ in range(load.concurrency)]

    def next_number():
        with lock:
            return next(counter)

    def worker(n: int, tally: _Tally):
        conn = http.client.HTTPConnection(host, port, timeout=load.timeout)
        while True:
            number = next_number()
            started = time.perf_counter()
            if started >= stop_at:
                break
            if load.max_requests is not None and number >= load.max_requests:
                break
            body = load.bodies(number) if load.bodies else load.body
            status = _one(conn, load.method, paths[number % len(paths)], body, load.headers)
            finished = time.perf_counter()
            if started < record_from:
                continue
            tally.latencies.append(finished - started)
            if status is None:
                tally.errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=load.timeout)
                continue
            tally.statuses[status] += 1
            if status not in load.ok_status:
                tally.errors += 1
        conn.close()

    cpu_before, wall_before = os.times(), time.perf_counter()
    threads = [
        threading.Thread(target=worker, args=(n, tally), daemon=True)
        for n, tally in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(load.warmup + load.duration + load.timeout + 5)
    cpu_after, wall_after = os.times(), time.perf_counter()
    client_cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    measured = min(wall_after, stop_at) - record_from
    return summarise(tallies, measured, client_cpu / (wall_after - wall_before), load)


def _one(conn, method, path, body, headers) -> int | None:
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None


def summarise(tallies, seconds: float, client_cores: float, load: Load) -> dict:
    latencies = [x for t in tallies for x in t.latencies]
    statuses = sum((t.statuses for t in tallies), Counter())
    ms = sorted(x * 1000 for x in latencies) or [float("nan")]
    return {
        "method": load.method,
        "urls": len(load.urls),
        "concurrency": load.concurrency,
        "seconds": round(seconds, 2),
        "requests": len(latencies),
        "errors": sum(t.errors for t in tallies),
        "statuses": dict(statuses),
        "rps": round(len(latencies) / seconds, 1) if seconds > 0 else 0.0,
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(ms[-1], 2),
        "client_cpu_cores": round(client_cores, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("-X", "--method", default="GET")
    parser.add_argument("-c", "--concurrency", type=int, default=4)
    parser.add_argument("-d", "--duration", type=float, default=10.0)
    parser.add_argument("-w", "--warmup", type=float, default=1.0)
    parser.add_argument("-n", "--max-requests", type=int)
    parser.add_argument("--body-file")
    parser.add_argument("-H", "--header", action="append", default=[], help="'Name: value'")
    args = parser.parse_args()
    headers = dict(h.split(":", 1) for h in args.header)
    load = Load(
        urls=args.urls,
        method=args.method,
        body=open(args.body_file, "rb").read() if args.body_file else None,  # noqa: SIM115
        headers={k.strip(): v.strip() for k, v in headers.items()},
        concurrency=args.concurrency,
        duration=args.duration,
        warmup=args.warmup,
        max_requests=args.max_requests,
    )
    print(json.dumps(run(load), ensure_ascii=False))


if __name__ == "__main__":
    main()
