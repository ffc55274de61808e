"""The browser harness itself: chromium reaches the live server, pages and vendor assets."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENDOR_ASSETS = [
    "vendor/htmx.min.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/echarts.min.js",
]


def test_the_login_page_shows_in_chinese_on_a_desktop(page):
    page.goto("/login/")
    expect(page.locator("h1")).to_have_text("登录")
    expect(page).to_have_title("登录 · 网格治理与创建平台")


def test_the_login_page_fits_a_phone(phone_page):
    phone_page.goto("/login/")
    expect(phone_page.locator("h1")).to_have_text("登录")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the login page is {width}px wide on a 390px phone"


def test_the_live_server_serves_the_vendor_assets(page, live_server):
    for path in VENDOR_ASSETS:
        response = page.request.get(f"{live_server.url}/static/{path}")
        assert response.status == 200, f"/static/{path}: {response.status} (run `make assets`)"


def test_htmx_is_loaded_on_every_page(page):
    page.goto("/login/")
    assert page.evaluate("typeof window.htmx") == "object"


def test_a_signed_in_person_skips_the_login_form(page, sign_in, django_user_model):
    user = django_user_model.objects.create_user(username="harness", password="x-unused-1")
    sign_in(page, user)
    page.goto("/")
    assert "/login/" not in page.url
