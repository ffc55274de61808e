"""Loaded with `-p` before pytest-django reads the settings: the test environment.

Tests run with DEBUG off, as in production; these two are all it then demands.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
