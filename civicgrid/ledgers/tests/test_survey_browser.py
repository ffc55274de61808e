"""A resident answers the survey on a phone; the dispatcher sees the 知晓率 move."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from civicgrid.demo.generator import DEMO_PASSWORD, Size, build
from civicgrid.ledgers.models import Response
from civicgrid.ledgers.tests.survey_base import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey():
    cache.clear()
    demo = build(Size())
    survey = make_survey(demo.streets[0])
    known = survey.questions.get(order=1)
    for answer in ("知道", "不知道"):  # one of two knows: 50.0 %
        Response.objects.create(
            survey=survey, community=demo.community(0), answers={str(known.pk): answer}
        )
    yield survey
    cache.clear()


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".nav-user")).to_be_attached()


def test_a_resident_answers_on_a_phone_and_the_rate_moves(survey, new_page):
    desk = new_page("desktop")
    log_in(desk, "paiqian")
    desk.goto(f"/surveys/{survey.pk}/")
    expect(desk.locator("#aware-rate")).to_have_text("50.0%")

    # No login: the resident scans the code and answers on the phone.
    phone = new_page("phone")
    phone.goto(f"/s/{survey.slug}/")
    expect(phone.locator("h1")).to_have_text(survey.title)
    phone.select_option("select[name=community]", label="光明社区")
    phone.get_by_label("知道", exact=True).check()
    phone.get_by_label("环境卫生").check()
    phone.get_by_label("4", exact=True).check()
    phone.get_by_label("基本满意").check()
    phone.fill("textarea", "希望多设几个垃圾分类点")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the survey is {width}px wide on a 390px phone"
    phone.click("#submit-survey")
    expect(phone.locator("h1")).to_have_text("提交成功，感谢您的参与！")

    # Coming back from the same phone: answered already.
    phone.goto(f"/s/{survey.slug}/")
    expect(phone.locator("h1")).to_have_text("您已经填写过这份问卷")

    desk.reload()
    expect(desk.locator("#aware-rate")).to_have_text("66.7%")
    expect(desk.locator("#satisfied-rate")).to_have_text("100.0%")
    expect(desk.locator("#by-community")).to_contain_text("光明社区")
    expect(desk.locator("body")).to_contain_text("希望多设几个垃圾分类点")
