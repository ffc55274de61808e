"""Starting up: what a web worker loads, and settings read from the environment.

Libraries only exports need wait until an export.

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


def fresh_django(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a new Python process with civicgrid's settings and these variables."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "civicgrid.settings", "DEBUG": "true", **env}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=settings.BASE_DIR, env=env
    )


def loaded_at_startup(*modules: str) -> set[str]:
    started = fresh_django(LOADED.format(modules=modules))
    assert started.returncode == 0, started.stderr
    return set(started.stdout.split())


def test_a_web_worker_starts_without_the_spreadsheet_library():
    assert loaded_at_startup("openpyxl", "django.contrib.admin") == {"django.contrib.admin"}


MAIL = "import django; django.setup(); from django.conf import settings as s; "
MAIL += "print(s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"


def test_an_smtp_login_and_starttls_come_from_the_environment():
    started = fresh_django(
        MAIL, EMAIL_HOST_USER="grid@example.gov.cn", EMAIL_HOST_PASSWORD="pw", EMAIL_USE_TLS="true"
    )
    assert started.stdout.split() == ["grid@example.gov.cn", "pw", "True", "False"]


def test_starttls_and_ssl_together_stop_the_start():
    started = fresh_django(MAIL, EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
    assert started.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other" in started.stderr
