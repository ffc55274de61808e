"""Task worker memory: RSS of `manage.py db_worker` (django-tasks-db) idle and after work.

    python bench/worker_rss.py [--idle 5] [--noops 200] [--locates 10]

Starts one worker against the bench database, reads its RSS from /proc after it
has idled, then enqueues no-op tasks and grid-locating tasks (bench/bench_tasks.py:
civicgrid defines no tasks of its own yet), waits for them (bounded), reads RSS
and the high-water mark again and stops the worker.
"""

import argparse
import signal
import subprocess
import time

from common import APP, OUT, PYTHON, bench_env, emit, peak_rss_mb, rss_mb, setup_django

TARGET = "≤ 120 MB"
LIMIT_MIB = 120 / 1.048576  # 120 MB = 114.4 MiB; /proc counts in KiB
WAIT_SECONDS = 120


def start_worker() -> subprocess.Popen:
    log = open(OUT / "db_worker.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [str(PYTHON), str(APP / "manage.py"), "db_worker", "--skip-checks", "--no-reload"]
        + ["--interval", "0.1", "--no-startup-delay", "--verbosity", "0"],
        env=bench_env(),
        cwd=APP,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wait_for(ids: list, watch: subprocess.Popen) -> float:
    """Seconds until every task in ids has finished; sample RSS meanwhile; give up after a bound."""
    from django_tasks_db.models import DBTaskResult

    started = time.perf_counter()
    while time.perf_counter() - started < WAIT_SECONDS:
        if watch.poll() is not None:
            raise SystemExit(f"db_worker exited with {watch.returncode}: see {OUT}/db_worker.log")
        unfinished = DBTaskResult.objects.filter(id__in=ids, status__in=["READY", "RUNNING"])
        if not unfinished.exists():
            return time.perf_counter() - started
        time.sleep(0.05)
    raise SystemExit(f"tasks not finished after {WAIT_SECONDS} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=5.0, help="seconds to idle before reading")
    parser.add_argument("--noops", type=int, default=200)
    parser.add_argument("--locates", type=int, default=10, help="tasks of 1000 lookups each")
    args = parser.parse_args()
    setup_django()
    import bench_tasks as tasks
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    worker = start_worker()
    try:
        time.sleep(args.idle)
        if worker.poll() is not None:
            raise SystemExit(f"db_worker exited with {worker.returncode}: see {OUT}/db_worker.log")
        emit("task worker RSS, idle", round(rss_mb(worker.pid), 1), "MiB", TARGET)

        ids = [tasks.noop.enqueue().id for _ in range(args.noops)]
        seconds = wait_for(ids, worker)
        emit("  no-op tasks through the DB queue", round(len(ids) / seconds), "tasks/s")
        ids = [tasks.locate_points.enqueue(1000, seed).id for seed in range(args.locates)]
        wait_for(ids, worker)
        failed = DBTaskResult.objects.filter(status="FAILED").count()
        after, peak = rss_mb(worker.pid), peak_rss_mb(worker.pid)
        emit(
            "task worker RSS, after tasks",
            round(after, 1),
            "MiB",
            TARGET,
            key="worker_rss_task",
            ok=after <= LIMIT_MIB,
            note=f"{args.noops} no-op + {args.locates} locate tasks (locator loaded), {failed} failed",
        )
        emit(
            "task worker peak RSS (VmHWM)",
            round(peak, 1),
            "MiB",
            TARGET,
            key="worker_rss_task",
            ok=peak <= LIMIT_MIB,
            note="the high-water mark: while the locator was being built",
        )
    finally:
        stop(worker)


if __name__ == "__main__":
    main()
