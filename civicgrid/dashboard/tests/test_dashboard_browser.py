"""The dispatcher opens the dashboard in a real browser: the figures equal the cases, charts draw."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.areas.locate import forget_locator
from civicgrid.cases.models import OPEN, Case
from civicgrid.categories.models import Category
from civicgrid.dashboard import stats
from civicgrid.demo.generator import DEMO_PASSWORD, Size, build
from civicgrid.demo.history import MATTERS, add_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def street(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forget_locator()
    demo = build(Size())
    for code in list(MATTERS)[:5]:
        Category.objects.create(
            kind=Category.Kind.MATTER,
            code=code,
            major_code=code[:2],
            major_name="测试大类",
            name=f"测试类别{code}",
            time_limit_value=4,
            time_limit_unit=Category.Unit.HOURS,
            default_department=demo.departments["HW"],
        )
    add_history(demo, days=10, per_day=4)
    stats.refresh()
    yield demo
    forget_locator()


def figure(page, key: str) -> str:
    return page.locator(f"#figure-{key} .figure-value").inner_text().strip()


def test_the_dispatcher_sees_the_streets_figures_and_charts(street, page):
    page.goto("/login/")
    page.fill("#id_username", "paiqian")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".nav-user")).to_be_attached()
    page.get_by_role("link", name="数据看板").click()
    expect(page.locator("h1")).to_contain_text("数据看板")

    cases = Case.objects.filter(area_path__startswith=street.streets[0].path)
    open_cases = cases.filter(state__in=OPEN)
    assert open_cases.exists()
    assert figure(page, "open") == str(open_cases.count())
    assert figure(page, "overdue") == str(open_cases.filter(is_overdue=True).count())
    monday = stats.local_midnight(stats.week_start(timezone.localdate()))
    assert figure(page, "week") == str(cases.filter(created_at__gte=monday).count())

    for chart in ("trend", "categories", "areas"):
        expect(page.locator(f"#chart-{chart}")).to_have_attribute("data-loaded", "true")
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    expect(page.locator("#dashboard-map")).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    expect(page.locator("#dashboard-map path.leaflet-interactive").first).to_be_attached()

    page.get_by_role("button", name="近 90 天").click()
    expect(page.get_by_role("button", name="近 90 天")).to_have_attribute("aria-pressed", "true")

    page.locator("#figure-open a").click()
    expect(page).to_have_url(re.compile(r"/cases/\?area=\d+&state=open$"))
