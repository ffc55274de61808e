"""Forms of the surveys: the questionnaire editor, a resident's answers, the results filter."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.areas.models import Area, Level
from civicgrid.campaigns.models import Campaign
from civicgrid.ledgers.models import Question, Response, Survey
from civicgrid.ledgers.survey_results import CHOICE_KINDS, SCORES, is_answered
from civicgrid.public.forms import PHONE

SLUG_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (l/1, o/0, i)
SLUG_LENGTH = 8
TEXT_ANSWER_LENGTH = 500
MIN_CHOICES = 2
THRESHOLDS = [("", gettext_lazy("不计入"))] + [
    (str(n), gettext_lazy("%(n)s 分及以上") % {"n": n}) for n in range(1, 6)
]


def new_slug() -> str:
    while True:
        slug = "".join(secrets.choice(SLUG_LETTERS) for _ in range(SLUG_LENGTH))
        if not Survey.objects.filter(slug=slug).exists():
            return slug


def communities_of(street: Area):
    return Area.objects.filter(level=Level.COMMUNITY, path__startswith=street.path).order_by("code")


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# The editor ------------------------------------------------------------------------------


class SurveyForm(forms.ModelForm):
    """A survey's settings; a quota field per community once the street is known."""

    class Meta:
        model = Survey
        fields = ["title", "street", "campaign", "intro", "slug", "is_open", "one_per"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "slug": gettext_lazy(
                "居民填写链接 /s/链接代码/ 中的代码，只能用字母、数字和连字符；"
                "留空则自动生成。修改后，已印发的二维码将失效。"
            ),
            "one_per": gettext_lazy(
                "每台设备一次：在手机浏览器中记录；每个手机号一次：请居民填写手机号，"
                "只保存其加密摘要，不保存号码。"
            ),
        }

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["street"].empty_label = None
        self.fields["campaign"].queryset = Campaign.objects.filter(streets__in=streets).distinct()
        self.fields["campaign"].label = _("所属创建项目")
        self.fields["slug"].required = False
        if self.instance.pk:
            self.fields["street"].disabled = True
        street = self.instance.street if self.instance.street_id else None
        if street is None and len(streets) == 1:
            street = streets[0]
        self.quota_fields = self._add_quotas(street)

    def _add_quotas(self, street) -> list[str]:
        if street is None:
            return []
        quotas = self.instance.quotas or {}
        names = []
        for community in communities_of(street):
            name = f"quota_{community.code}"
            self.fields[name] = forms.IntegerField(
                label=community.name,
                required=False,
                min_value=1,
                initial=quotas.get(community.code),
                widget=forms.NumberInput(attrs={"placeholder": _("不限")}),
            )
            names.append(name)
        return names

    def setting_fields(self):
        return [self[name] for name in self.fields if name not in self.quota_fields]

    def quota_boxes(self):
        return [self[name] for name in self.quota_fields]

    def clean_slug(self):
        return self.cleaned_data.get("slug") or new_slug()

    def clean(self):
        data = super().clean()
        street, campaign = data.get("street"), data.get("campaign")
        if street and campaign and not campaign.streets.filter(pk=street.pk).exists():
            self.add_error("campaign", _("该创建项目不覆盖所选街道，请另选或留空。"))
        self.instance.quotas = {
            name.removeprefix("quota_"): data[name] for name in self.quota_fields if data.get(name)
        }
        return data


class QuestionForm(forms.ModelForm):
    """One question, with the answers that count as 知晓 or 满意 marked explicitly."""

    choices_text = forms.CharField(
        label=gettext_lazy("选项（单选、多选题填写，每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    aware_text = forms.CharField(
        label=gettext_lazy("计为“知晓”的选项（每行一个，须是上面的选项）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    satisfied_text = forms.CharField(
        label=gettext_lazy("计为“满意”的选项（每行一个，须是上面的选项）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    aware_min = forms.ChoiceField(
        label=gettext_lazy("评分题：计为“知晓”的分数"), required=False, choices=THRESHOLDS
    )
    satisfied_min = forms.ChoiceField(
        label=gettext_lazy("评分题：计为“满意”的分数"), required=False, choices=THRESHOLDS
    )

    class Meta:
        model = Question
        fields = ["order", "text", "kind", "required"]
        labels = {"order": gettext_lazy("顺序")}

    def __init__(self, *args, answered: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.answered = answered
        question = self.instance
        if question.pk:
            self.initial["choices_text"] = "\n".join(question.choices or [])
            for kind in ("aware", "satisfied"):
                values = getattr(question, f"{kind}_answers") or []
                if question.kind == Question.Kind.RATING and values:
                    self.initial[f"{kind}_min"] = str(min(int(v) for v in values))
                else:
                    self.initial[f"{kind}_text"] = "\n".join(str(v) for v in values)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if self.answered and kind and kind != self.instance.kind:
            self.add_error("kind", _("这道题已有答卷，不能再改题型；如需不同题型，请新增一道题。"))
        if kind in CHOICE_KINDS:
            self._clean_choices(data)
        elif kind == Question.Kind.RATING:
            self._clean_rating(data)
        elif kind == Question.Kind.TEXT:
            self._clean_text(data)
        return data

    def _clean_choices(self, data):
        choices = lines(data.get("choices_text"))
        if len(choices) < MIN_CHOICES:
            self.add_error("choices_text", _("单选、多选题至少要有两个选项，每行一个。"))
        if len(set(choices)) != len(choices):
            self.add_error("choices_text", _("选项不能重复。"))
        for kind in ("aware", "satisfied"):
            if data.get(f"{kind}_min"):
                self.add_error(f"{kind}_min", _("只有评分题按分数计入，选择题请在上面列出选项。"))
        aware = self._marked_options(data, "aware", choices, _("知晓"))
        satisfied = self._marked_options(data, "satisfied", choices, _("满意"))
        self.instance.choices = choices
        self.instance.aware_answers, self.instance.satisfied_answers = aware, satisfied

    def _marked_options(self, data, kind, choices, word) -> list[str]:
        marked = lines(data.get(f"{kind}_text"))
        unknown = [answer for answer in marked if answer not in choices]
        if unknown:
            self.add_error(
                f"{kind}_text",
                _(
                    "“%(answers)s”不在选项中。计为“%(word)s”的答案必须是上面列出的选项，"
                    "请逐字照抄选项。"
                )
                % {"answers": "”“".join(unknown), "word": word},
            )
        return [choice for choice in choices if choice in marked]

    def _clean_rating(self, data):
        if lines(data.get("choices_text")):
            self.add_error("choices_text", _("评分题的选项固定为 1–5 分，不用填写选项。"))
        for kind in ("aware", "satisfied"):
            if lines(data.get(f"{kind}_text")):
                self.add_error(f"{kind}_text", _("评分题请在下面选择“几分及以上”计入。"))
        self.instance.choices = []
        self.instance.aware_answers = _scores_from(data.get("aware_min"))
        self.instance.satisfied_answers = _scores_from(data.get("satisfied_min"))

    def _clean_text(self, data):
        if lines(data.get("choices_text")):
            self.add_error("choices_text", _("文字题没有选项，请清空选项。"))
        fields = ("aware_text", "satisfied_text", "aware_min", "satisfied_min")
        if any(data.get(name) for name in fields):
            self.add_error(None, _("文字题无法判断是否知晓或满意，不能计入知晓率、满意率。"))
        self.instance.choices, self.instance.aware_answers = [], []
        self.instance.satisfied_answers = []


def _scores_from(threshold) -> list[int]:
    """ "4" → [4, 5]: the scores at or above the threshold; none for no threshold."""
    return list(range(int(threshold), 6)) if threshold else []


# The resident's answers ------------------------------------------------------------------


class CommunityField(forms.ModelChoiceField):
    """The respondent's community, with those whose quota is full said so."""

    def __init__(self, *args, full=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.full = set(full)

    def label_from_instance(self, obj):
        return _("%(name)s（已收满）") % {"name": obj.name} if obj.pk in self.full else obj.name


class PhoneField(forms.CharField):
    """A phone number as people type it: spaces and dashes are dropped before checking."""

    def to_python(self, value):
        return "".join(ch for ch in super().to_python(value) if ch not in " -")


class AnswerForm(forms.Form):
    """A resident's answers: their community, their phone if asked, one field per question."""

    def __init__(self, *args, survey: Survey, questions, full=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["community"] = CommunityField(
            label=_("您居住的社区"),
            queryset=communities_of(survey.street),
            empty_label=_("请选择社区"),
            full=full,
            error_messages={"required": _("请选择您居住的社区。")},
        )
        if survey.one_per == Survey.OnePer.PHONE:
            self.fields["phone"] = PhoneField(
                label=_("手机号"),
                max_length=20,
                validators=[PHONE],
                help_text=_("每个手机号只能填写一次。号码只用于核对，不会保存。"),
                error_messages={"required": _("请填写手机号。")},
                widget=forms.TextInput(
                    attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
                ),
            )
        for number, question in enumerate(questions, start=1):
            field = answer_field(question)
            field.number = number
            self.fields[f"q{question.pk}"] = field

    def question_fields(self):
        return [(q, self[f"q{q.pk}"]) for q in self.questions]

    def answers(self) -> dict:
        """The answers to keep, keyed by question id: unanswered questions are left out."""
        found = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if not is_answered(value):
                continue
            found[str(question.pk)] = int(value) if question.kind == Question.Kind.RATING else value
        return found


def answer_field(question: Question) -> forms.Field:
    common = {
        "label": question.text,
        "required": question.required,
        "error_messages": {
            "required": _("请回答这道题。"),
            "invalid_choice": _("请从给出的选项中选择。"),
        },
    }
    options = [(choice, choice) for choice in question.choices or []]
    if question.kind == Question.Kind.SINGLE:
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if question.kind == Question.Kind.MULTIPLE:
        common["error_messages"]["required"] = _("请至少选择一项。")
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == Question.Kind.RATING:
        scores = [(score, score) for score in SCORES]
        return forms.ChoiceField(choices=scores, widget=forms.RadioSelect, **common)
    return forms.CharField(
        max_length=TEXT_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
        **common,
    )


# Results ---------------------------------------------------------------------------------


class ResultsFilter(forms.Form):
    """The results page's GET form: one community, a date range."""

    community = forms.ModelChoiceField(
        label=gettext_lazy("社区"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部社区"),
    )
    start = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_of(survey.street)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        return data

    def narrowing(self) -> dict:
        """area, start and end for survey_results; an invalid filter narrows nothing."""
        if not self.is_valid():
            return {"area": None, "start": None, "end": None}
        data = self.cleaned_data
        return {"area": data.get("community"), "start": data.get("start"), "end": data.get("end")}


def has_answers(question: Question) -> bool:
    """Whether some response answers this question (its kind is then fixed)."""
    if question.pk is None:
        return False
    responses = Response.objects.filter(survey_id=question.survey_id)
    return responses.filter(answers__has_key=str(question.pk)).exists()
