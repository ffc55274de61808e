"""An administrator reads a computed week's ranking and its figures; then anyone, on a phone
and without logging in, reads the published month's ranking on the public page."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.areas.locate import forget_locator
from civicgrid.campaigns.models import Campaign, CampaignKind, Standard, StandardVersion
from civicgrid.cases.rules_demo import demo_rules
from civicgrid.demo.generator import DEMO_PASSWORD, Size, build
from civicgrid.demo.history import add_history
from civicgrid.scoring.demo_scores import demo_scores
from civicgrid.scoring.models import Period, Score, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A fixed Wednesday: its week and month are still running; October and the week before are past.
TODAY = dt.date(2026, 11, 4)


@pytest.fixture
def scored(settings, tmp_path):
    """The demo street with cases since 23 October, and a campaign's demo periods computed."""
    settings.MEDIA_ROOT = tmp_path
    forget_locator()
    call_command("load_categories", "--with-defaults", verbosity=0)
    demo = build(Size())
    demo_rules(demo.streets[0], demo.departments)
    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(18)))
    add_history(demo, days=12, now=now)
    standard = Standard.objects.create(name="文明城市测评（测试）", kind=CampaignKind.CIVILIZED)
    campaign = Campaign.objects.create(
        name="创建全国文明城市",
        kind=CampaignKind.CIVILIZED,
        start=dt.date(2026, 6, 1),
        end=dt.date(2027, 6, 30),
        version=StandardVersion.objects.create(standard=standard, number=1),
    )
    campaign.streets.add(demo.streets[0])
    demo_scores(campaign, today=TODAY, by=demo.people["paiqian"])
    yield demo
    forget_locator()


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url("/login/")


def test_an_administrator_reads_the_ranking_and_anyone_reads_the_public_page(scored, new_page):
    last_week = Period.objects.get(kind=Period.Kind.WEEK, start=dt.date(2026, 10, 26))
    assert last_week.is_published
    scores = sorted(
        Score.objects.filter(period=last_week, unit=Unit.COMMUNITY),
        key=lambda s: (s.rank is None, s.rank or 0, s.name),
    )

    desk = new_page("desktop")
    log_in(desk, "paiqian")
    desk.get_by_role("link", name="考核排名").first.click()
    desk.get_by_role("link", name=last_week.name).click()
    expect(desk.locator("h1")).to_contain_text(last_week.name)
    expect(desk.locator("#period-state")).to_contain_text("已发布")
    expect(desk.locator("#compute")).to_have_count(0)

    rows = desk.locator("#ranking tbody tr")
    expect(rows).to_have_count(len(scores))
    for n, score in enumerate(scores):
        row = rows.nth(n)
        expect(row.locator("td.name")).to_have_text(score.name)
        expect(row.locator("td.rank")).to_have_text(str(score.rank or "—"))
        expect(row.locator("td.index")).to_have_text(str(score.index or "—"))
        closure = score.rates["closure_rate"]
        expect(row.locator("[data-rate=closure_rate]")).to_contain_text(
            f"{closure}%" if closure else "—"
        )
    assert scores[0].rank == 1
    expect(desk.locator(".spark canvas").first).to_be_visible()

    # The 应结案数 of the first community opens the very cases counted.
    first = scores[0]
    rows.first.locator("[data-rate=closure_rate] .frac a").nth(1).click()
    expect(desk.locator("#behind-total")).to_contain_text(f"现列出 {first.counts['due']} 条")
    expect(desk.locator("#case-rows tr:not(#more)")).to_have_count(
        min(first.counts["due"], 50) or 1
    )

    month = Period.objects.get(kind=Period.Kind.MONTH, public=True)
    assert month.name == "2026年10月"
    ranked = Score.objects.filter(period=month, unit=Unit.COMMUNITY).exclude(rank=None)
    assert ranked.exists()
    phone = new_page("phone")
    phone.goto("/gs/")
    board = phone.locator("#public-ranking")
    expect(board).to_contain_text(month.name)
    for score in ranked:
        expect(board.locator("tr", has_text=score.name)).to_contain_text(str(score.index))
    expect(phone.locator("#public-periods")).to_contain_text(month.name)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the public ranking is {width}px wide on a 390px phone"
