"""Make the bench database: (re)create it, migrate it and build the CITY territory once.

    python bench/setup_db.py [--reuse]

Without --reuse the database is dropped and created again, so every run starts
from the same generator output. With --reuse an existing database is migrated
and kept, and the territory is only built if it is missing.
"""

import argparse
import subprocess
import sys
import time

import psycopg
from common import APP, DB_NAME, OUT, PG, PYTHON, bench_env, emit, setup_django


def recreate_database(reuse: bool) -> bool:
    """Create the bench database; return whether it already existed (and was kept)."""
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and reuse:
            return True
        if exists:
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return False


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTHON), str(APP / "manage.py"), *args],
        env=bench_env(),
        cwd=APP,
        capture_output=True,
        text=True,
        timeout=600,
    )


def migrate() -> None:
    check = manage("check")
    if check.returncode != 0:
        # The app may be mid-change (a model without its migration); the bench still measures
        # what exists, and says so.
        first = (check.stderr.strip().splitlines() or ["?"])[-1]
        print(f"warning: `manage.py check` fails, migrating with --skip-checks: {first}")
    steps = [("migrate", "--skip-checks", "--no-input"), ("createcachetable",)]
    commands = APP / "civicgrid"
    if (commands / "categories/management/commands/load_categories.py").exists():
        steps.append(("load_categories", "--with-defaults", "--skip-checks"))  # idempotent
    if (commands / "campaigns/management/commands/load_standards.py").exists():
        steps.append(("load_standards", "--skip-checks"))  # the sample standards, for scoring
    for args in steps:
        done = manage(*args)
        if done.returncode != 0:
            sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def build_city() -> None:
    setup_django()
    from civicgrid.areas.models import Area, Level
    from civicgrid.demo.generator import CITY, CITY_CODE, build

    if Area.objects.filter(code=CITY_CODE).exists():
        grids = Area.objects.filter(level=Level.GRID).count()
        print(f"territory already built: {grids} grids")
        return
    started = time.perf_counter()
    demo = build(CITY, seed=2026)
    seconds = time.perf_counter() - started
    emit(
        "city territory build (generator)", round(seconds, 1), "s", note=f"{len(demo.grids)} grids"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    kept = recreate_database(args.reuse)
    print(f"database {DB_NAME}: {'reused' if kept else 'created'}")
    migrate()
    build_city()


if __name__ == "__main__":
    main()
