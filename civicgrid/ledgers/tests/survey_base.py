"""A survey on the demo street for the survey tests: two awareness and two satisfaction questions."""

from django.core.cache import cache

from civicgrid.areas.models import Area, Level
from civicgrid.demo.testing import DemoTestCase
from civicgrid.ledgers.models import Question, Response, Survey

Kind = Question.Kind


def make_survey(street, **changes) -> Survey:
    """创城问卷: known? (single), what is it about (multiple), environment (rating ≥4),
    facilities (single), suggestions (text, optional)."""
    fields = {"title": "创城知晓率满意率调查", "street": street, "slug": "chuangcheng"}
    survey = Survey.objects.create(**(fields | changes))
    questions = [
        ("您是否知道我市正在创建全国文明城市？", Kind.SINGLE, ["知道", "不知道"], ["知道"], []),
        (
            "创城包括哪些内容？",
            Kind.MULTIPLE,
            ["环境卫生", "交通秩序", "不清楚"],
            ["环境卫生", "交通秩序"],
            [],
        ),
        ("您对小区环境卫生打几分？", Kind.RATING, [], [], [4, 5]),
        (
            "您对公共设施维护是否满意？",
            Kind.SINGLE,
            ["满意", "基本满意", "不满意"],
            [],
            ["满意", "基本满意"],
        ),
        ("您还有什么建议？", Kind.TEXT, [], [], []),
    ]
    for order, (text, kind, choices, aware, satisfied) in enumerate(questions, start=1):
        survey.questions.create(
            order=order,
            text=text,
            kind=kind,
            choices=choices,
            aware_answers=aware,
            satisfied_answers=satisfied,
            required=kind != Kind.TEXT,
        )
    return survey


class SurveyTestCase(DemoTestCase):
    """The demo street with one open survey; the questions are q_known, q_topics, q_clean,
    q_facilities and q_advice."""

    def setUp(self):
        super().setUp()
        cache.clear()  # rate-limit counters
        self.survey = make_survey(self.street)
        (self.q_known, self.q_topics, self.q_clean, self.q_facilities, self.q_advice) = list(
            self.survey.questions.all()
        )

    def other_street(self) -> tuple[Area, Area]:
        """A neighbouring street with one community, outside every demo person's scope."""
        street = Area.objects.create(
            level=Level.STREET, parent=self.street.parent, code="410811099", name="邻街街道"
        )
        community = Area.objects.create(
            level=Level.COMMUNITY, parent=street, code="410811099001", name="邻街社区"
        )
        return street, community

    def respond(self, community=0, survey=None, **answers) -> Response:
        """A response straight into the table: answers by question attribute name."""
        values = {str(getattr(self, name).pk): value for name, value in answers.items()}
        return Response.objects.create(
            survey=survey or self.survey, community=self.demo.community(community), answers=values
        )

    def form(self, community=0, **changes) -> dict:
        """A complete answering form: knows it, environment 5, facilities 满意."""
        data = {
            "community": self.demo.community(community).pk,
            f"q{self.q_known.pk}": "知道",
            f"q{self.q_topics.pk}": ["环境卫生"],
            f"q{self.q_clean.pk}": "5",
            f"q{self.q_facilities.pk}": "满意",
            f"q{self.q_advice.pk}": "",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    def answer_url(self, survey=None) -> str:
        return f"/s/{(survey or self.survey).slug}/"
