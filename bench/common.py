"""What every benchmark script shares: the bench database, Django setup, RSS and results.

Each script prints its figures as one `BENCH {json}` line per measurement; `bench/run`
collects those lines into the table. A measurement is a dict with at least
`name`, `value`, `unit` and, where the project brief sets one, `target`.
"""

import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the work tree holding bench/ and .venv
BENCH = ROOT / "bench"
OUT = BENCH / "out"  # git-ignored: results, snapshots, the data dir, server logs
PYTHON = ROOT / ".venv" / "bin" / "python"
# The civicgrid under test: the work tree, or a snapshot of a commit (`bench/run --ref`).
APP = Path(os.environ.get("BENCH_APP", ROOT)).resolve()
DB_NAME = os.environ.get("BENCH_DB", "civicgrid_bench")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DATABASE_URL = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}"
BENCH_PREFIX = "BENCH "


def bench_env() -> dict:
    """The environment of every process under test: production settings, the bench DB."""
    env = dict(os.environ)
    env.pop("DEBUG", None)  # DEBUG keeps every query in memory and serves static files slowly
    env.update(
        DJANGO_SETTINGS_MODULE="civicgrid.settings",
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY="bench-only-secret-key-not-for-production",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CIVICGRID_DATA_DIR=str(OUT / "data"),
        PYTHONPATH=f"{APP}:{BENCH}",  # APP first: it shadows the editable install
        BENCH_APP=str(APP),
    )
    return env


def setup_django() -> None:
    """Configure this process like `bench_env()` and start Django."""
    os.environ.clear()
    os.environ.update(bench_env())
    sys.path[:0] = [str(APP), str(BENCH)]
    import django

    django.setup()


def emit(name: str, value, unit: str, target: str = "", note: str = "", **extra) -> None:
    """Print one measurement for the runner (and a reader) to pick up."""
    row = {"name": name, "value": value, "unit": unit, "target": target, "note": note, **extra}
    print(BENCH_PREFIX + json.dumps(row, ensure_ascii=False), flush=True)


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process, from /proc, in MiB."""
    return _status_kb(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int | str = "self") -> float:
    return _status_kb(pid, "VmHWM") / 1024


def _status_kb(pid, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pids() -> list[int]:
    """PostgreSQL server processes now connected to the bench database."""
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        ).fetchall()
    return [pid for (pid,) in rows]


class CpuMeter:
    """CPU used between start() and stop() by app processes and by their database backends.

    Per request, it is what a request costs on this machine whatever else runs beside it,
    so it stays meaningful on a busy machine where req/s does not. Start it once the app
    has connected (after a warm-up); a backend that leaves meanwhile is missed.
    """

    def __init__(self, app_pids):
        self.app_pids = list(app_pids)

    def start(self):
        self.db_pids = backend_pids()
        self.before = {pid: _cpu_or_none(pid) for pid in self.app_pids + self.db_pids}
        return self

    def stop(self) -> tuple[float, float]:
        """(app seconds, database seconds); a backend that connected meanwhile counts whole."""
        used = {}
        for pid, before in self.before.items():
            after = _cpu_or_none(pid)
            used[pid] = after - before if None not in (before, after) else 0.0
        joined = [pid for pid in backend_pids() if pid not in self.before]
        db = sum(used[p] for p in self.db_pids) + sum(_cpu_or_none(p) or 0.0 for p in joined)
        return sum(used[p] for p in self.app_pids), db


def _cpu_or_none(pid):
    try:
        return cpu_seconds(pid)
    except (FileNotFoundError, ProcessLookupError):
        return None


def percentile(values, p: float) -> float:
    """The p-th percentile (0–100) by the inclusive method; values need not be sorted."""
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[round(p) - 1]
