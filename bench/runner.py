"""Run the benchmarks and print one table (called by `bench/run`, which `make bench` calls).

    bench/run [--reuse] [--ref REV] [--only grid_lookup ...]

1. With --ref, export that commit into bench/out/src/<sha> and measure it there instead of
   the work tree (others' unfinished edits then cannot break or skew a run).
2. Make the bench database (bench/setup_db.py): dropped and rebuilt unless --reuse.
3. Run each script of SCRIPTS in its own process, bounded by a timeout, and collect the
   `BENCH {json}` lines it prints.
4. Print the figures, then each target of the brief: met, missed, or not measured.
   The whole run is also written to bench/out/last.json.
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import BENCH, BENCH_PREFIX, OUT, PG, PYTHON, ROOT

QUIET = 0.15  # busier than this before a script starts, and its figures are marked
SCRIPTS = [  # (name, arguments, timeout in seconds)
    ("grid_lookup", [], 300),
    ("worker_rss", [], 300),
    ("thumbnail_rss", [], 300),
    ("http_login", [], 120),
    ("cases_generate", [], 1800),
    ("open311_inprocess", [], 300),
    ("open311_post", [], 300),
    ("scoring_period", [], 600),
    ("dashboard", [], 2400),
]

# The brief's targets (2 cores, PostgreSQL, 10^6 cases, 2 app workers), by the key
# a script gives the measurement that answers it.
TARGETS = [
    ("open311_post", "Open311 POST", "≥ 500 req/s with p99 ≤ 50 ms"),
    ("case_list", "case list", "p95 ≤ 50 ms"),
    ("dashboard", "dashboard", "p95 ≤ 150 ms"),
    ("scoring", "scoring a city's period", "≤ 10 s"),
    ("grid_lookup", "grid lookup", "≥ 20,000/s"),
    ("worker_rss_task", "worker RSS: task worker", "≤ 120 MB"),
    ("worker_rss_web", "worker RSS: web worker", "≤ 120 MB"),
]


def snapshot(ref: str) -> Path:
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    dest = OUT / "src" / sha
    if not (dest / "manage.py").exists():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def cpu_busy(seconds: float = 2.0) -> float:
    """Share of all cores busy over `seconds`, from /proc/stat (nothing of ours runs meanwhile)."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def settle(limit: float) -> float:
    """Wait (at most `limit` s) until other processes leave the cores nearly idle."""
    deadline = time.monotonic() + limit
    busy = cpu_busy()
    while busy > QUIET and time.monotonic() < deadline:
        busy = cpu_busy(5.0)
    return busy


def run_script(name: str, args: list[str], timeout: int, env: dict) -> tuple[list[dict], str]:
    """Run bench/<name>.py; return its measurements and, if it failed, why."""
    print(f"\n== {name}", flush=True)
    process = subprocess.Popen(
        [str(PYTHON), str(BENCH / f"{name}.py"), *args],
        cwd=BENCH,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so a timeout stops its children too
    )
    rows, started = [], time.monotonic()
    try:
        for line in _lines(process, started + timeout):
            if line.startswith(BENCH_PREFIX):
                rows.append({**json.loads(line[len(BENCH_PREFIX) :]), "script": name})
                row = rows[-1]
                print(f"   {row['name']}: {row['value']} {row['unit']}", flush=True)
            else:
                print("   | " + line.rstrip(), flush=True)
    except TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return rows, f"stopped after {timeout} s"
    code = process.wait()
    return rows, (f"exit status {code}" if code else "")


def _lines(process, deadline: float):
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not selector.select(timeout=min(left, 1.0)):
                continue
            line = process.stdout.readline()
            if not line:
                return
            yield line


def machine() -> dict:
    import psycopg

    with psycopg.connect(dbname="postgres", **PG) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(int(memory) / 2**20, 1),
        "postgresql": server,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def print_table(rows: list[dict], failures: dict) -> None:
    width = max([len(r["name"]) for r in rows] + [30])
    print(f"\n{'measurement':<{width}}  {'value':>16}  unit      target")
    print("-" * (width + 46))
    for r in rows:
        value = f"{r['value']:,}" if isinstance(r["value"], int | float) else str(r["value"])
        print(f"{r['name']:<{width}}  {value:>16}  {r['unit']:<8}  {r.get('target', '')}")
        if r.get("note"):
            print(f"{'':<{width}}    {r['note']}")
        if max(r.get("busy_before", 0), r.get("busy_after", 0)) > QUIET:
            print(
                f"{'':<{width}}    NOISY: others kept the CPU {r['busy_before']:.0%} busy "
                f"before the script, {r['busy_after']:.0%} just after"
            )
    for name, why in failures.items():
        print(f"{name}: FAILED ({why})")
    print("\nTargets (2 cores, PostgreSQL, 10^6 cases, 2 app workers):")
    for key, label, target in TARGETS:
        found = [r for r in rows if r.get("key") == key]
        if not found:
            print(f"  {label:<26} {target:<30} NOT MEASURED")
            continue
        for r in found:
            if r.get("ok") is None:
                print(f"  {label:<26} {target:<30} NOT MEASURED ({r.get('note', '')})")
                continue
            verdict = "met" if r["ok"] else "MISSED"
            what = r["name"].strip()
            print(f"  {label:<26} {target:<30} {verdict}: {r['value']} {r['unit']} — {what}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep the bench database")
    parser.add_argument("--ref", help="measure this commit (e.g. HEAD), not the work tree")
    parser.add_argument("--only", action="append", help="run only these scripts")
    parser.add_argument(
        "--settle", type=float, default=120, help="seconds to wait for a quiet machine per script"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    env = dict(os.environ)
    app, ref = ROOT, "work tree"
    if args.ref:
        app = snapshot(args.ref)
        ref = app.name
        env["BENCH_ISOLATE"] = "1"  # see bench/sitecustomize.py
    env["BENCH_APP"] = str(app)
    env["PYTHONPATH"] = f"{app}:{BENCH}"  # as in common.bench_env: app first, then bench/
    dirty = bool(git("status", "--porcelain", "--", "civicgrid")) and not args.ref
    print(f"civicgrid under test: {ref} ({app}){' with uncommitted changes' if dirty else ''}")
    setup = subprocess.run(
        [str(PYTHON), str(BENCH / "setup_db.py")] + (["--reuse"] if args.reuse else []),
        cwd=BENCH,
        env=env,
        timeout=900,
    )
    if setup.returncode:
        sys.exit("setting up the bench database failed")
    rows, failures = [], {}
    for name, script_args, timeout in SCRIPTS:
        if args.only and name not in args.only:
            continue
        busy = settle(args.settle)
        found, failed = run_script(name, script_args, timeout, env)
        after = cpu_busy()  # others' load just after: a hint of what ran beside the script
        for row in found:
            row["busy_before"], row["busy_after"] = round(busy, 2), round(after, 2)
        if busy > QUIET:
            print(f"   (others kept {busy:.0%} of the CPU busy when {name} started)")
        rows += found
        if failed:
            failures[name] = failed
    print_table(rows, failures)
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "civicgrid": git("rev-parse", "HEAD") if not args.ref else ref,
        "uncommitted_changes": dirty,
        "machine": machine(),
        "rows": rows,
        "failures": failures,
    }
    (OUT / "last.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))
    print(f"\nwritten to {OUT / 'last.json'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
