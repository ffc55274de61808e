"""What a web worker loads at start-up: libraries only exports need wait until an export.

The brief gives a worker 120 MB; openpyxl alone would take 6–17 MiB of it in every web
worker, for the few requests that make or read a spreadsheet.
"""

import os
import subprocess
import sys

from django.conf import settings

LOADED = """
import os, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(" ".join(sorted(m for m in {modules!r} if m in sys.modules)))
"""


def loaded_at_startup(*modules: str) -> set[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "civicgrid.settings", "DEBUG": "true"}
    found = subprocess.run(
        [sys.executable, "-c", LOADED.format(modules=modules)],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env=env,
    ).stdout.split()
    return set(found)


def test_a_web_worker_starts_without_the_spreadsheet_library():
    assert loaded_at_startup("openpyxl", "django.contrib.admin") == {"django.contrib.admin"}
