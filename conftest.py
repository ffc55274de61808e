import os

# Tests run with DEBUG off, as in production; these two are all it then demands.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Playwright's sync API keeps an event loop running in the test's thread, and Django then
# refuses ORM calls there (SynchronousOnlyOperation). Tests do run them synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Browser fixtures: browser, page, phone_page, new_page, sign_in (see that module).
pytest_plugins = ["civicgrid.lib.testing"]
