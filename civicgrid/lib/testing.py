"""Browser-test fixtures: Playwright driving Debian's chromium against `live_server`.

Loaded by the root conftest.py. A browser test asks for `page` (desktop) or
`phone_page` (390×844, touch) and opens paths relative to the live server:

    def test_the_login_page_speaks_chinese(page):
        page.goto("/login/")
        expect(page.locator("h1")).to_have_text("登录")

Each page has its own browser context (cookies, storage), so tests don't leak
sessions into each other. The `sign_in` fixture logs a person in without the form.
Any test that uses these fixtures is marked `browser` (`pytest -m "not browser"`
leaves them out). On failure a screenshot is written to test-results/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# As the machine notes say: without the networking switches chromium keeps trying hosts
# that this closed network refuses. Playwright gives each launch a new, empty profile.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
TIMEOUT_MS = 10_000
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
BROWSER_FIXTURES = {"browser", "page", "phone_page", "new_page"}


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session (per xdist worker)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Debian chromium is missing at {CHROMIUM}: run `make browser`")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # the same patience for `expect` as for actions
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(request, browser, live_server):
    """Open a page in a fresh context: `new_page("phone")` or `new_page("desktop")`.

    Two pages from two calls are two separate sessions, e.g. a grid worker and a dispatcher.
    """
    contexts = []

    def open_page(kind: str = "desktop"):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS[kind]
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "rep_call", None) and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:
            _screenshot(context, f"{request.node.nodeid}-{number}")
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page (1280×800) on the live server."""
    return new_page("desktop")


@pytest.fixture
def phone_page(new_page):
    """A phone page (390×844, touch), as a grid worker in the street sees it."""
    return new_page("phone")


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)` logs `user` in for that page's context, without the form."""
    from django.conf import settings
    from django.test import Client

    def sign_in_page(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in_page


def _screenshot(context, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    for number, page in enumerate(context.pages):
        safe = re.sub(r"[^\w.-]+", "_", name)
        page.screenshot(path=RESULTS / f"{safe}-{number}.png", full_page=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
