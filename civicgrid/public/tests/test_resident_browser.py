"""A resident on a phone: reports with a photo, keeps the code, comes back, rates the result."""

import re
from io import BytesIO

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import expect

from civicgrid.areas.locate import forget_locator
from civicgrid.cases import intake, workflow
from civicgrid.cases.models import Report
from civicgrid.cases.tests.base import photo
from civicgrid.categories.models import Category
from civicgrid.demo.generator import Size, build
from civicgrid.people.authz import Authz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg_file(name: str) -> dict:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


@pytest.fixture
def street(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forget_locator()
    cache.clear()
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
        open_to_residents=True,
    )
    yield demo
    forget_locator()
    cache.clear()


def close(demo, case) -> None:
    """What the street does meanwhile: register, dispatch, handle, verify."""
    people = demo.people
    for action, who, extra in [
        ("register", "paiqian", {}),
        ("dispatch", "paiqian", {}),
        ("accept", "huanwei", {}),
        ("handle", "huanwei", {"note": "已清运", "photos": [photo("after.jpg")]}),
        ("verify_pass", "duban1", {}),
    ]:
        workflow.take(case, action, Authz(people[who]), **extra)


def test_a_resident_reports_on_the_phone_and_rates_the_closed_case(street, new_page, sign_in):
    grid = street.grid(0, 0)
    phone = new_page("phone")
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": grid.centre_lat, "longitude": grid.centre_lng})

    # No login: the resident opens the page, takes a photo, locates and describes it.
    phone.goto("/p/")
    phone.set_input_files("#photo-album", [jpeg_file("IMG_0001.jpg")])
    expect(phone.locator("#photo-count")).to_contain_text("已选 1 张照片")
    phone.get_by_label("暴露垃圾").check()
    phone.click("#locate-me")
    expect(phone.locator("input[name=lat]")).not_to_have_value("")
    phone.fill("textarea[name=description]", "小区门口垃圾堆了三天")
    phone.fill("input[name=name]", "王秀英")
    phone.fill("input[name=phone]", "13912345678")
    phone.click("#submit-report")

    # The tracking code, shown prominently, with the advice to keep it.
    notice = phone.locator("#tracking-code")
    expect(notice).to_contain_text("请截图或抄下保存")
    code = notice.locator(".code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    expect(phone.locator("#case-state")).to_have_text("已收到，待受理")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the tracking page is {width}px wide on a 390px phone"
    expect(phone.locator("#satisfaction")).to_contain_text("暂无群众评价")

    # The street handles it meanwhile.
    report = Report.objects.select_related("case").get(token=code)
    assert (report.name, report.phone, report.case.photos.count()) == ("王秀英", "13912345678", 1)
    close(street, report.case)

    # The resident comes back through the link, sees it closed, rates it 满意.
    phone.click("#track-link")
    expect(phone.locator("#case-state")).to_have_text("已办结")
    expect(phone.locator("#timeline")).to_contain_text("现场核查通过，已办结")
    expect(phone.locator("img[alt=处理后]")).to_have_count(1)
    phone.locator("input[name=level][value='4']").check()
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("#my-rating")).to_contain_text("满意")
    expect(phone.locator("#satisfaction")).to_contain_text("满意率 100%（1 条评价）")
    expect(phone.locator("body")).not_to_contain_text("王秀英")
    expect(phone.locator("body")).not_to_contain_text("13912345678")

    # The dispatcher's figure counts it too.
    desk = new_page("desktop")
    sign_in(desk, street.people["paiqian"])
    desk.goto("/p/staff/unsatisfied")
    expect(desk.locator("#satisfaction")).to_contain_text("100%")
    expect(desk.locator("#unsatisfied")).to_contain_text("没有待复核的不满意评价")


def test_a_resident_is_offered_the_open_case_nearby_and_joins_it(street, new_page):
    grid = street.grid(0, 0)
    garbage = Category.objects.get(code="06010")
    case = intake.report(
        category=garbage,
        description="路口垃圾",
        lat=grid.centre_lat,
        lng=grid.centre_lng,
        by=street.people["wangge01"],
    )
    workflow.take(case, "register", Authz(street.people["paiqian"]))

    phone = new_page("phone")
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": grid.centre_lat, "longitude": grid.centre_lng})
    phone.goto("/p/")
    phone.get_by_label("暴露垃圾").check()
    phone.click("#locate-me")
    offer = phone.locator("#nearby")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("暴露垃圾 · 已受理")
    phone.fill("input[name=phone]", "13912345678")
    offer.get_by_role("button", name="我也遇到了").click()

    expect(phone.locator("#tracking-code")).to_contain_text("请截图或抄下保存")
    expect(phone.locator("#case-state")).to_have_text("已受理")
    joined = Report.objects.get(case=case, joined=True)
    assert joined.phone == "13912345678"
