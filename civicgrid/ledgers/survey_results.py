"""知晓率 and 满意率 of a survey (问卷调查): one definition for the results page, the export
and the targets (目标) that call `rate`.

Which answers count is set on each question, never guessed (Question.aware_answers and
Question.satisfied_answers; a question is *marked* for a kind when its list is not empty):

- 单选 (single): the chosen option is one of the marked options;
- 多选 (multiple): at least one chosen option is a marked option;
- 1–5 评分 (rating): the score is one of the marked scores (the editor's "4 分及以上"
  is stored as [4, 5]);
- 文字 (text): never marked.

A question is *answered* by a respondent when their answer is not empty. Unanswered
questions are left out of every denominator.

Per question (`question_rates`): the share of the respondents who answered the question
whose answer counts.

Per survey (`rate`): each respondent who answered at least one question marked for the
kind gets a score, the share of those answers that count (3 of 4 → 0.75); the rate is
the mean of the scores. Respondents who answered no marked question are left out. With
one marked question this is exactly the share of respondents whose answer counts; when
everyone answered every marked question it equals the mean of the per-question rates.
Every respondent weighs the same, however many questions they skipped.

Rates are percentages between 0 and 100 as `Decimal`, rounded half up to one decimal
place (Decimal("66.7")): the figure the page shows is the figure a target compares.
None means nobody is in the denominator, which is not 0 %.

`area` narrows to the respondents who chose a community inside it (a street, a work zone
or a community; responses are placed by community, so a grid matches none). `start` and
`end` are dates, both included, on the day of submission in local time.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Level
from civicgrid.ledgers.models import Question, Response, Survey
from civicgrid.lib.spreadsheets import bold, new_workbook

AWARE, SATISFIED = "aware", "satisfied"
KINDS = (AWARE, SATISFIED)
CHOICE_KINDS = {Question.Kind.SINGLE, Question.Kind.MULTIPLE}
SCORES = ["1", "2", "3", "4", "5"]
ONE_DECIMAL = Decimal("0.1")


def percent(part, whole) -> Decimal | None:
    """part / whole × 100, half up to one decimal; None for an empty whole."""
    if not whole:
        return None
    value = Fraction(part) / Fraction(whole) * 100
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def is_answered(value) -> bool:
    return value not in (None, "", [])


def marked(question: Question, kind: str) -> set[str]:
    """The answers of `question` that count for `kind`, as strings."""
    values = question.aware_answers if kind == AWARE else question.satisfied_answers
    return {str(v) for v in values or ()}


def counts(question: Question, value, kind: str) -> bool:
    """Whether this answer to `question` counts as aware or satisfied (see the docstring)."""
    wanted = marked(question, kind)
    if not wanted or not is_answered(value) or question.kind == Question.Kind.TEXT:
        return False
    if question.kind == Question.Kind.MULTIPLE:
        chosen = value if isinstance(value, list) else [value]
        return bool(wanted & {str(v) for v in chosen})
    return str(value) in wanted


# Loading ---------------------------------------------------------------------------------


def responses(survey: Survey, area: Area | None = None, start=None, end=None):
    """The survey's responses narrowed by area and dates, oldest first."""
    rows = Response.objects.filter(survey=survey)
    if area is not None:
        rows = rows.filter(community__path__startswith=area.path)
    if start is not None:
        rows = rows.filter(submitted_at__date__gte=start)
    if end is not None:
        rows = rows.filter(submitted_at__date__lte=end)
    return rows.order_by("submitted_at", "pk")


def _answers(survey, area, start, end) -> list[dict]:
    return list(responses(survey, area, start, end).values_list("answers", flat=True))


# Survey-level rate -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A survey-level rate with what it is made of: the sum of scores and the respondents."""

    score: Fraction
    respondents: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.score, self.respondents)


def figure(questions, answer_sets, kind: str) -> Figure:
    """The `kind` figure over `answer_sets` (one answers dict per response)."""
    marked_questions = [q for q in questions if marked(q, kind) and q.kind != Question.Kind.TEXT]
    total, respondents = Fraction(0), 0
    for answers in answer_sets:
        given = [(q, answers.get(str(q.pk))) for q in marked_questions]
        given = [(q, value) for q, value in given if is_answered(value)]
        if given:
            respondents += 1
            total += Fraction(sum(counts(q, value, kind) for q, value in given), len(given))
    return Figure(score=total, respondents=respondents)


def rate(
    survey: Survey, kind: str, area: Area | None = None, start=None, end=None
) -> Decimal | None:
    """知晓率 (kind "aware") or 满意率 ("satisfied") as a percentage; None without respondents."""
    if kind not in KINDS:
        raise ValueError(f"unknown rate kind {kind!r}")
    questions = list(survey.questions.all())
    return figure(questions, _answers(survey, area, start, end), kind).rate


# Per question ----------------------------------------------------------------------------


@dataclass
class QuestionFigure:
    """One question's answers: how many answered, how many count, per option, the texts."""

    question: Question
    answered: int = 0
    aware: int = 0
    satisfied: int = 0
    options: Counter = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)

    @property
    def aware_rate(self) -> Decimal | None:
        return percent(self.aware, self.answered) if marked(self.question, AWARE) else None

    @property
    def satisfied_rate(self) -> Decimal | None:
        if not marked(self.question, SATISFIED):
            return None
        return percent(self.satisfied, self.answered)

    def option_rows(self) -> list[tuple[str, int, Decimal | None]]:
        """(option, responses choosing it, its share of those who answered), in order."""
        labels = SCORES if self.question.kind == Question.Kind.RATING else self.question.choices
        return [
            (label, self.options[str(label)], percent(self.options[str(label)], self.answered))
            for label in labels
        ]

    def add(self, value) -> None:
        if not is_answered(value):
            return
        self.answered += 1
        self.aware += counts(self.question, value, AWARE)
        self.satisfied += counts(self.question, value, SATISFIED)
        if self.question.kind == Question.Kind.TEXT:
            self.texts.append(str(value))
        else:
            self.options.update(str(v) for v in (value if isinstance(value, list) else [value]))


def question_figures(questions, answer_sets) -> list[QuestionFigure]:
    found = [QuestionFigure(q) for q in questions]
    for answers in answer_sets:
        for one in found:
            one.add(answers.get(str(one.question.pk)))
    return found


def question_rates(
    survey: Survey, area: Area | None = None, start=None, end=None
) -> list[QuestionFigure]:
    """Each question of the survey with its rates, option counts and text answers."""
    return question_figures(list(survey.questions.all()), _answers(survey, area, start, end))


# The results page: by community and by week -----------------------------------------------


@dataclass
class Group:
    """The responses of one community or one week, with both rates."""

    label: str
    responses: int
    aware: Figure
    satisfied: Figure
    quota: int | None = None
    community: Area | None = None


def _group(label, questions, answer_sets, **extra) -> Group:
    return Group(
        label=label,
        responses=len(answer_sets),
        aware=figure(questions, answer_sets, AWARE),
        satisfied=figure(questions, answer_sets, SATISFIED),
        **extra,
    )


@dataclass
class Results:
    """Everything the results page and the export show, from one load of the responses."""

    survey: Survey
    rows: list[Response]
    questions: list[Question]
    communities: list[Area]

    @property
    def total(self) -> Group:
        return _group(_("全部"), self.questions, [r.answers for r in self.rows])

    def by_community(self) -> list[Group]:
        grouped = defaultdict(list)
        for row in self.rows:
            grouped[row.community_id].append(row.answers)
        quotas = self.survey.quotas or {}
        return [
            _group(
                community.name,
                self.questions,
                grouped.get(community.pk, []),
                quota=quotas.get(community.code),
                community=community,
            )
            for community in self.communities
        ]

    def by_week(self) -> list[Group]:
        grouped = defaultdict(list)
        for row in self.rows:
            grouped[week_of(row.submitted_at)].append(row.answers)
        return [
            _group(_week_label(monday), self.questions, grouped[monday])
            for monday in sorted(grouped)
        ]

    def question_figures(self) -> list[QuestionFigure]:
        return question_figures(self.questions, [r.answers for r in self.rows])


def week_of(moment) -> date:
    """The Monday of the local week of `moment`."""
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


def _week_label(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{monday:%Y-%m-%d} – {sunday:%m-%d}"


def street_communities(survey: Survey) -> list[Area]:
    return list(
        Area.objects.filter(level=Level.COMMUNITY, path__startswith=survey.street.path).order_by(
            "code"
        )
    )


def results(survey: Survey, area: Area | None = None, start=None, end=None) -> Results:
    rows = list(responses(survey, area, start, end).select_related("community"))
    communities = street_communities(survey)
    if area is not None:
        communities = [c for c in communities if c.path.startswith(area.path)]
    return Results(survey, rows, list(survey.questions.all()), communities)


# Export ----------------------------------------------------------------------------------


def answer_text(question: Question, value) -> str:
    if not is_answered(value):
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def rate_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def workbook(found: Results) -> bytes:
    """答卷 (one row per response, no device or phone) and 汇总 (rates, options)."""
    book = new_workbook()
    sheet = book.active
    sheet.title = _("答卷")
    headers = [_("序号"), _("提交时间"), _("社区")] + [
        f"{n}. {q.text}" for n, q in enumerate(found.questions, start=1)
    ]
    _header(sheet, headers)
    for n, row in enumerate(found.rows, start=1):
        sheet.append(
            [
                n,
                timezone.localtime(row.submitted_at).strftime("%Y-%m-%d %H:%M"),
                row.community.name if row.community_id else "",
            ]
            + [answer_text(q, row.answers.get(str(q.pk))) for q in found.questions]
        )
    sheet.freeze_panes = "D2"
    _summary(book.create_sheet(_("汇总")), found)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet, headers) -> None:
    sheet.append(headers)
    bold(sheet[sheet.max_row])


def _summary(sheet, found: Results) -> None:
    total = found.total
    sheet.append([found.survey.title])
    bold([sheet["A1"]])
    sheet.append([_("答卷数"), total.responses])
    sheet.append([_("知晓率"), rate_text(total.aware.rate)])
    sheet.append([_("满意率"), rate_text(total.satisfied.rate)])
    sheet.append([])
    _header(sheet, [_("社区"), _("答卷数"), _("配额"), _("知晓率"), _("满意率")])
    for group in found.by_community():
        sheet.append(
            [
                group.label,
                group.responses,
                group.quota or "",
                rate_text(group.aware.rate),
                rate_text(group.satisfied.rate),
            ]
        )
    sheet.append([])
    _header(
        sheet,
        [_("题目 / 选项"), _("题型"), _("作答 / 选择人数"), _("占比"), _("知晓率"), _("满意率")],
    )
    for one in found.question_figures():
        question = one.question
        sheet.append(
            [
                question.text,
                question.get_kind_display(),
                one.answered,
                "",
                rate_text(one.aware_rate),
                rate_text(one.satisfied_rate),
            ]
        )
        for label, number, share in one.option_rows():
            sheet.append([f"　{label}", "", number, rate_text(share), "", ""])
    sheet.column_dimensions["A"].width = 48
