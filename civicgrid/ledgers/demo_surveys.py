"""The demo street's 文明城市 resident survey, with a few hundred answers (deterministic).

    survey = demo_surveys(demo, campaign=None, seed=2026)

Awareness questions (知晓率) about the campaign, satisfaction questions (满意率) about the
environment, one open question; answers spread over the street's communities and the last
WEEKS weeks, awareness growing week by week as the publicity goes on. Calling it again
returns the survey already made.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from civicgrid.areas.models import Area, Level
from civicgrid.ledgers.models import Question, Response, Survey

RESPONSES = 320
WEEKS = 8
QUOTA = 90
Kind = Question.Kind

# (text, kind, choices, aware answers, satisfied answers, required)
QUESTIONS = [
    ("您是否知道我市正在创建全国文明城市？", Kind.SINGLE, ["知道", "不知道"], ["知道"], [], True),
    (
        "您知道文明城市创建包括哪些内容？（可多选）",
        Kind.MULTIPLE,
        ["社会主义核心价值观宣传", "公共环境卫生", "交通秩序", "志愿服务", "不清楚"],
        ["社会主义核心价值观宣传", "公共环境卫生", "交通秩序", "志愿服务"],
        [],
        True,
    ),
    (
        "您是否参加或听说过社区组织的文明创建活动（志愿服务、宣传活动等）？",
        Kind.SINGLE,
        ["参加过", "听说过，但没参加", "没听说过"],
        ["参加过", "听说过，但没参加"],
        [],
        True,
    ),
    ("您是否知道沿街商户的“门前三包”责任制？", Kind.SINGLE, ["知道", "不知道"], ["知道"], [], True),
    ("您对小区及周边的环境卫生打几分？", Kind.RATING, [], [], [4, 5], True),
    ("您对周边道路的交通秩序打几分？", Kind.RATING, [], [], [4, 5], True),
    (
        "您对社区公共设施（路灯、健身器材、垃圾分类设施）的维护是否满意？",
        Kind.SINGLE,
        ["满意", "基本满意", "不满意"],
        [],
        ["满意", "基本满意"],
        True,
    ),
    ("您对文明城市创建工作还有什么意见和建议？", Kind.TEXT, [], [], [], False),
]
SUGGESTIONS = [
    "小区门口电动车乱停，希望划线管理。",
    "垃圾分类桶晚上经常满溢，希望增加清运次数。",
    "路灯坏了好几盏，晚上出门不方便。",
    "志愿服务活动多在工作日，希望周末也安排。",
    "菜市场周边占道经营还比较多。",
    "宣传栏内容更新及时，很好。",
    "希望多组织一些适合老年人的文明宣传活动。",
    "背街小巷的卫生比以前好多了。",
    "遛狗不牵绳的现象还是有，希望加强劝导。",
    "公厕保洁不错，希望继续保持。",
]


def demo_surveys(demo, campaign=None, seed: int = 2026, now=None) -> Survey:
    """The 文明城市 survey of the demo's first street, with RESPONSES answers."""
    street = demo.streets[0]
    slug = f"wenming-{street.code}"
    found = Survey.objects.filter(slug=slug).first()
    if found is not None:
        return found
    rng = random.Random(seed)
    now = now or timezone.now()
    communities = list(
        Area.objects.filter(level=Level.COMMUNITY, path__startswith=street.path).order_by("code")
    )
    with transaction.atomic():
        survey = Survey.objects.create(
            title="创建全国文明城市居民问卷调查",
            street=street,
            campaign=campaign,
            intro="为了解居民对创建全国文明城市工作的知晓和满意情况，请您花 2 分钟填写。"
            "问卷不记录姓名，感谢您的支持！",
            slug=slug,
            one_per=Survey.OnePer.DEVICE,
            quotas={c.code: QUOTA for c in communities},
            created_at=now - timedelta(weeks=WEEKS, days=1),
        )
        questions = Question.objects.bulk_create(
            Question(
                survey=survey,
                order=n,
                text=text,
                kind=kind,
                choices=choices,
                aware_answers=aware,
                satisfied_answers=satisfied,
                required=required,
            )
            for n, (text, kind, choices, aware, satisfied, required) in enumerate(
                QUESTIONS, start=1
            )
        )
        Response.objects.bulk_create(
            _response(rng, survey, questions, communities, now) for _ in range(RESPONSES)
        )
    return survey


def _response(rng, survey, questions, communities, now) -> Response:
    slot = rng.randrange(len(communities))
    days_ago = rng.uniform(0, WEEKS * 7)
    progress = 1 - days_ago / (WEEKS * 7)  # later answers know more about the campaign
    awareness = 0.55 + 0.3 * progress - 0.04 * slot
    contentment = 0.78 - 0.06 * slot + 0.08 * progress
    moment = timezone.localtime(now - timedelta(days=days_ago))
    moment = moment.replace(hour=rng.randint(8, 21), minute=rng.randrange(60))
    if moment > now:
        moment = now - timedelta(minutes=rng.randrange(1, 600))
    answers = {
        str(q.pk): value
        for q in questions
        if (value := _answer(rng, q, awareness, contentment)) is not None
    }
    return Response(
        survey=survey,
        community=communities[slot],
        device=f"{rng.getrandbits(128):032x}",
        submitted_at=moment,
        answers=answers,
    )


def _answer(rng, question, awareness, contentment):
    if question.kind == Kind.TEXT:
        return rng.choice(SUGGESTIONS) if rng.random() < 0.3 else None
    if question.kind == Kind.RATING:
        good = rng.random() < contentment
        return rng.choice([4, 5, 5]) if good else rng.choice([1, 2, 3, 3])
    if question.kind == Kind.MULTIPLE:
        known = question.aware_answers
        if rng.random() >= awareness:
            return ["不清楚"]
        return rng.sample(known, rng.randint(1, len(known)))
    wanted = question.aware_answers or question.satisfied_answers
    level = awareness if question.aware_answers else contentment
    others = [c for c in question.choices if c not in wanted]
    return rng.choice(wanted) if rng.random() < level or not others else rng.choice(others)
