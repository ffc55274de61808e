"""One case walked from the street to closure in a real browser, by the people who do it.

A grid worker reports on the phone with a photo; the dispatcher registers and
dispatches; the sanitation station (环卫所, the garbage category's department)
accepts and handles it with an after-photo; the supervisor sends it back once,
the handler handles it again, the supervisor passes it; the timeline shows all.
"""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from civicgrid.areas.locate import forget_locator
from civicgrid.categories.models import Category
from civicgrid.demo.generator import DEMO_PASSWORD, Size, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg(name: str, colour) -> dict:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


@pytest.fixture
def street(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forget_locator()
    demo = build(Size())
    Category.objects.create(
        kind=Category.Kind.MATTER,
        code="06010",
        major_code="06",
        major_name="市容环境类",
        name="暴露垃圾",
        time_limit_value=4,
        time_limit_unit=Category.Unit.HOURS,
        default_department=demo.departments["HW"],
        duplicate_radius_m=50,
        duplicate_window_days=7,
    )
    yield demo
    forget_locator()


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".nav-user")).to_be_attached()


def take_step(page, action: str, note: str = "", photo: dict | None = None) -> None:
    step = page.locator(f"#step-{action}")
    step.locator("summary").click()
    if note:
        step.locator("textarea").fill(note)
    if photo:
        step.locator("input[type=file]").set_input_files([photo])
    step.locator("button").click()
    expect(page.locator(".flash").first).to_contain_text("已完成")


def test_a_case_goes_from_the_phone_report_to_closure(street, new_page):
    grid = street.grid(0, 0)

    # The grid worker reports on his phone, at the spot, with a photo.
    phone = new_page("phone")
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": grid.centre_lat, "longitude": grid.centre_lng})
    log_in(phone, "wangge01")
    phone.goto("/cases/new/")
    phone.fill("#category-search", "垃圾")
    phone.get_by_role("button", name="06010 暴露垃圾").click()
    expect(phone.locator("#category-chosen")).to_contain_text("暴露垃圾")
    phone.click("#locate-me")
    expect(phone.locator("input[name=lat]")).not_to_have_value("")
    phone.fill("textarea[name=description]", "路口垃圾桶旁堆放生活垃圾")
    phone.set_input_files("input[name=photos]", [jpeg("before.jpg", (200, 40, 40))])
    phone.click("#submit-report")
    expect(phone.locator(".flash")).to_contain_text("已上报")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the case page is {width}px wide on a 390px phone"
    case_url = re.sub(r"^https?://[^/]+", "", phone.url)
    assert re.fullmatch(r"/cases/\d{4}-\d{6,}/", case_url)

    # The dispatcher registers it and dispatches it to the proposed unit.
    desk = new_page("desktop")
    log_in(desk, "paiqian")
    desk.goto(case_url)
    take_step(desk, "register")
    expect(desk.locator("#step-dispatch select")).to_contain_text("环卫所")
    take_step(desk, "dispatch")
    expect(desk.locator("#case-state")).to_contain_text("已派遣")

    # The sanitation station accepts it and reports it done with an after-photo.
    handler = new_page("phone")
    log_in(handler, "huanwei")
    handler.goto(case_url)
    take_step(handler, "accept")
    take_step(handler, "handle", "已清运", jpeg("after.jpg", (40, 160, 40)))
    expect(handler.locator("#case-state")).to_contain_text("待核查")

    # The supervisor finds it not done and sends it back.
    supervisor = new_page("desktop")
    log_in(supervisor, "duban1")
    supervisor.goto(case_url)
    take_step(supervisor, "verify_fail", "桶旁仍有垃圾袋")
    expect(supervisor.locator("#case-state")).to_contain_text("返工")

    # The handler handles it again; the supervisor passes it.
    handler.goto(case_url)
    take_step(handler, "handle", "已彻底清理", jpeg("after2.jpg", (40, 120, 200)))
    supervisor.goto(case_url)
    take_step(supervisor, "verify_pass", "现场已干净")
    expect(supervisor.locator("#case-state")).to_contain_text("已结案")

    # Everyone sees the whole history, step by step.
    desk.goto(case_url)
    actions = desk.locator("#timeline li").evaluate_all("items => items.map(i => i.dataset.action)")
    assert actions == [
        "report",
        "register",
        "dispatch",
        "accept",
        "handle",
        "verify_fail",
        "handle",
        "verify_pass",
    ]
    timeline = desk.locator("#timeline")
    for text in ["桶旁仍有垃圾袋", "已彻底清理", "待核查 → 返工", "待核查 → 已结案"]:
        expect(timeline).to_contain_text(text)
    expect(timeline.locator("img")).to_have_count(3)
