"""A supervisor inspects a market on the phone: marks each item, photographs a failure, submits.

Each tap is saved at once (已保存); the failed item's photo carries the phone's position;
the result page shows the score and the case the failure opened.
"""

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from civicgrid.areas.locate import forget_locator
from civicgrid.campaigns.models import (
    Campaign,
    CampaignKind,
    Indicator,
    PointType,
    Standard,
    StandardVersion,
)
from civicgrid.cases.models import State
from civicgrid.categories.models import Category
from civicgrid.demo.generator import DEMO_PASSWORD, Size, build
from civicgrid.inspections.models import Inspection, ItemPhoto, Round, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg(name: str) -> dict:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


@pytest.fixture
def market(settings, tmp_path):
    """The demo street, a three-item market checklist, a campaign, a market and a round."""
    settings.MEDIA_ROOT = tmp_path
    forget_locator()
    demo = build(Size())
    garbage = Category.objects.create(
        kind=Category.Kind.MATTER,
        code="06010",
        major_code="06",
        major_name="市容环境类",
        name="暴露垃圾",
        time_limit_value=4,
        time_limit_unit=Category.Unit.HOURS,
        default_department=demo.departments["HW"],
    )
    standard = Standard.objects.create(name="文明城市测评（测试）", kind=CampaignKind.CIVILIZED)
    version = StandardVersion.objects.create(standard=standard, number=1)

    def indicator(code, title, depth=Indicator.Level.ITEM, **fields):
        return Indicator.objects.create(
            version=version,
            code=code,
            title=title,
            depth=depth,
            order=int(code.replace(".", "")),
            **fields,
        )

    project = indicator("1", "市容环境", Indicator.Level.PROJECT)
    content = indicator("1.1", "农贸市场", Indicator.Level.CONTENT, parent=project)
    items = {
        "ads": indicator("1.1.1", "公益广告不少于5处", parent=content, points=Decimal(10)),
        "scale": indicator("1.1.2", "入口设公平秤", parent=content, points=Decimal(5)),
        "stalls": indicator(
            "1.1.3", "无占道经营", parent=content, points=Decimal(5), category=garbage
        ),
    }
    campaign = Campaign.objects.create(
        name="创建全国文明城市",
        kind=CampaignKind.CIVILIZED,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        version=version,
    )
    campaign.streets.add(demo.streets[0])
    grid = demo.grid(0, 0)
    site = Site.objects.create(
        name="幸福农贸市场",
        point_type=PointType.FARMERS_MARKET,
        area=grid,
        lat=grid.centre_lat,
        lng=grid.centre_lng,
        address="幸福路1号",
    )
    round = Round.objects.create(
        campaign=campaign, name="第1轮", start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 29)
    )
    round.sites.add(site)
    yield {"demo": demo, "site": site, "round": round, "items": items, "grid": grid}
    forget_locator()


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".nav-user")).to_be_attached()


def test_a_supervisor_inspects_a_market_on_the_phone(market, new_page):
    grid, items = market["grid"], market["items"]
    phone = new_page("phone")
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": grid.centre_lat, "longitude": grid.centre_lng})
    log_in(phone, "duban1")

    # The round lists the market; the supervisor starts its inspection.
    phone.goto(market["round"].get_absolute_url())
    row = phone.locator(f"#round-sites tr[data-site='{market['site'].pk}']")
    expect(row).to_contain_text("未检查")
    row.get_by_role("button", name="开始检查").click()
    expect(phone.locator("h1")).to_contain_text("幸福农贸市场")
    expect(phone.locator("#gps-status")).to_contain_text("已定位")

    # Each tap is saved at once.
    def mark(item, label):
        form = phone.locator(f"#item-{item.pk}")
        form.get_by_text(label, exact=True).click()
        expect(form.locator(".item-status")).to_contain_text("已保存")
        return form

    mark(items["ads"], "合格")
    mark(items["scale"], "不适用")
    stalls = mark(items["stalls"], "不合格")
    stalls.locator("input[name=note]").fill("东门外有流动摊贩")
    stalls.locator("input[type=file]").set_input_files([jpeg("stalls.jpg")])
    expect(stalls.locator(".item-status img")).to_have_count(1)
    expect(phone.locator("#progress")).to_contain_text("3 / 3")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inspection form is {width}px wide on a 390px phone"

    # A reload loses nothing.
    phone.reload()
    expect(phone.locator(f"#item-{items['stalls'].pk} input[value=fail]")).to_be_checked()
    expect(phone.locator(f"#item-{items['scale'].pk} input[value=na]")).to_be_checked()

    # Submit: the score and the case the failure opened.
    phone.get_by_role("button", name="提交检查结果").click()
    expect(phone.locator("#score")).to_contain_text("75.00%")
    expect(phone.locator("#score")).to_contain_text("15.00")
    expect(phone.locator("#cases-created")).to_contain_text("生成的问题案件（1 个）")
    link = phone.locator("#cases-created a").first
    assert re.fullmatch(r"/cases/\d{4}-\d{6}/", link.get_attribute("href"))
    expect(phone.locator("tr[data-item='1.1.3']")).to_contain_text("不合格")

    inspection = Inspection.objects.get()
    assert inspection.status == Inspection.Status.SUBMITTED
    case = inspection.results.get(indicator=items["stalls"]).case
    assert case.state == State.DISPATCHED and "东门外有流动摊贩" in case.description
    photo = ItemPhoto.objects.get()
    assert (round(photo.lat, 6), round(photo.lng, 6)) == (
        round(grid.centre_lat, 6),
        round(grid.centre_lng, 6),
    )

    # The case page is one tap away.
    link.click()
    expect(phone.locator("h1")).to_contain_text(case.number)
