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

SCRIPTS = [  # (name, arguments, timeout in seconds)
    ("grid_lookup", [], 300),
    ("worker_rss", [], 300),
    ("http_login", [], 120),
    ("cases_generate", [], 1800),
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
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    env = dict(os.environ)
    app, ref = ROOT, "work tree"
    if args.ref:
        app = snapshot(args.ref)
        ref = app.name
    env["BENCH_APP"] = str(app)
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
        found, failed = run_script(name, script_args, timeout, env)
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
