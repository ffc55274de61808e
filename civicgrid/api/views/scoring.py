"""Rankings (评比排名): the published scoring periods a person sees, one period with its
grade bands and weights, its ranking of one kind of unit, and one unit's figures.

Scoped as the scoring pages scope them (`Period.objects.restrict`, `Score.objects.restrict`):
a period is seen by everyone working in its campaign's streets, its rows only within the
person's own scopes. Only published periods are served: a draft's figures change until it
is published, so a program would copy numbers that are not final.
"""

import datetime as dt

from django import forms
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.api import shapes
from civicgrid.api.errors import ApiError, form_errors
from civicgrid.api.fields import (
    Field,
    IdField,
    Shape,
    array,
    boolean,
    form_fields,
    integer,
    moment,
    number,
    obj,
    string,
)
from civicgrid.api.operations import Param, operation
from civicgrid.api.paging import AFTER, LIMIT, page
from civicgrid.api.views.cases import MAX_YEAR, MIN_YEAR
from civicgrid.lib.keyset import Keyset
from civicgrid.scoring import drilldown, ranking
from civicgrid.scoring.models import Period, Scheme, Score, Unit

NEWEST = Keyset("-start", "kind", "pk")  # the period list page's order
UNITS = tuple(str(u) for u in ranking.UNITS)


def _date(description) -> Field:
    return string(description, format="date")


# Periods

CAMPAIGN = Shape(
    "ScoringCampaign",
    gettext_lazy("周期所属的创建项目"),
    {"id": integer(gettext_lazy("创建项目 id")), "name": string(gettext_lazy("名称"))},
)

PERIOD_FIELDS = {
    "id": integer(gettext_lazy("周期 id")),
    "url": string(
        gettext_lazy("本接口中该周期的地址"),
        get=lambda p, r: reverse("api:period_detail", args=[p.pk]),
    ),
    "web_url": string(gettext_lazy("排名页面的地址"), get=lambda p, r: p.get_absolute_url()),
    "name": string(gettext_lazy("名称，如 2026年第48周")),
    "kind": string(gettext_lazy("周期类型"), enum=tuple(Period.Kind.values)),
    "kind_label": string(gettext_lazy("周期类型（中文）"), get=lambda p, r: p.get_kind_display()),
    "start": _date(gettext_lazy("开始日期")),
    "end": _date(gettext_lazy("结束日期（含当日）")),
    "campaign": obj(CAMPAIGN),
    "computed_at": moment(gettext_lazy("计算时间"), nullable=True),
    "published_at": moment(gettext_lazy("发布时间（发布后成绩冻结）")),
    "public": boolean(gettext_lazy("是否在公示页面展示社区排名")),
}
PERIOD = Shape("ScoringPeriod", gettext_lazy("已发布的考核周期"), PERIOD_FIELDS)
PERIOD_PAGE = shapes.page(PERIOD, "ScoringPeriodPage", gettext_lazy("一页考核周期，新的在前"))

WEIGHT = Shape(
    "MetricWeight",
    gettext_lazy("综合指标值中一项指标的权重"),
    {
        "metric": string(gettext_lazy("指标代码"), get=lambda w, r: w[0]),
        "label": string(gettext_lazy("指标名称"), get=lambda w, r: str(w[1])),
        "weight": number(gettext_lazy("权重"), get=lambda w, r: float(w[2])),
    },
)
RANKED_UNIT = Shape(
    "RankedUnit",
    gettext_lazy("周期中排名的一类单位（您可见的）"),
    {
        "unit": string(gettext_lazy("单位类型"), enum=UNITS),
        "label": string(gettext_lazy("单位类型（中文）"), get=lambda u, r: Unit(u["unit"]).label),
        "rows": integer(gettext_lazy("您可见的行数")),
        "url": string(
            gettext_lazy("本接口中这一类的排名"),
            get=lambda u, r: (
                reverse("api:period_scores", args=[u["period"]]) + f"?unit={u['unit']}"
            ),
        ),
        "weights": array(WEIGHT, gettext_lazy("考核方案中这一类单位的指标权重")),
    },
)
GRADE = Shape(
    "GradeBand",
    gettext_lazy("等级线：综合指标值不低于 floor 得此等级"),
    {
        "grade": string(gettext_lazy("等级"), get=lambda g, r: g[0]),
        "floor": number(gettext_lazy("最低综合指标值"), get=lambda g, r: float(g[1])),
    },
)
PERIOD_DETAIL = Shape(
    "ScoringPeriodDetail",
    gettext_lazy("考核周期详情：排名的单位类型、等级线和权重"),
    {
        **PERIOD_FIELDS,
        "units": array(
            RANKED_UNIT,
            gettext_lazy("有您可见排名的单位类型，按页面标签的顺序"),
            get=lambda p, r: p.unit_list,
        ),
        "grades": array(
            GRADE, gettext_lazy("考核方案的等级线，从高到低"), get=lambda p, r: p.grade_list
        ),
    },
)


class PeriodFilter(forms.Form):
    """The period list's filters: campaign, kind, and the dates a period overlaps."""

    campaign = IdField(gettext_lazy("创建项目 id"))
    kind = forms.ChoiceField(
        label=gettext_lazy("周期类型"), required=False, choices=[("", "")] + Period.Kind.choices
    )
    year = forms.IntegerField(
        label=gettext_lazy("年份：与该年有交集的周期"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    date_from = forms.DateField(label=gettext_lazy("日期自：结束不早于该日的周期"), required=False)
    date_to = forms.DateField(label=gettext_lazy("日期至：开始不晚于该日的周期"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def periods(self, periods):
        data = self.cleaned_data
        if data["campaign"]:
            periods = periods.filter(campaign=data["campaign"])
        if data["kind"]:
            periods = periods.filter(kind=data["kind"])
        if data["year"]:
            year = data["year"]
            periods = periods.filter(start__lte=dt.date(year, 12, 31), end__gte=dt.date(year, 1, 1))
        if data["date_from"]:
            periods = periods.filter(end__gte=data["date_from"])
        if data["date_to"]:
            periods = periods.filter(start__lte=data["date_to"])
        return periods


PERIOD_FILTERS = form_fields(PeriodFilter)
PERIOD_ID = Param("period", integer(gettext_lazy("考核周期 id")), "path", True)


@operation(
    "GET",
    "/periods",
    summary=gettext_lazy("已发布的考核周期（您所在街道的创建项目）"),
    tag="scoring",
    params=(*(Param(name, f) for name, f in PERIOD_FILTERS.items()), AFTER, LIMIT),
    response=PERIOD_PAGE,
    errors=(403,),
    description=gettext_lazy(
        "需要 scoring.view 权限。列出您工作所在街道的创建项目中已发布的周期，"
        "按开始日期新的在前，按游标翻页。未发布的周期不在接口中提供：发布前成绩会随重新计算而变，"
        "发布后才冻结。year、date_from、date_to 按与周期有交集筛选（跨年的周属于两年）。"
    ),
)
def period_list(request):
    request.authz.require("scoring.view")
    form = PeriodFilter(request.GET)
    if not form.is_valid():
        raise form_errors(form)
    periods = form.periods(Period.objects.restrict(request.authz).published())
    return page(request, periods.select_related("campaign"), NEWEST)


def _period(request, period: int) -> Period:
    """A published period in the person's scopes: 404 outside them or while a draft."""
    request.authz.require("scoring.view")
    published = Period.objects.published().select_related("campaign")
    return request.authz.get_object(published, "scoring.view", pk=period)


@operation(
    "GET",
    "/periods/{period}",
    summary=gettext_lazy("考核周期详情：排名的单位类型、等级线和权重"),
    tag="scoring",
    params=(PERIOD_ID,),
    response=PERIOD_DETAIL,
    errors=(403, 404),
    description=gettext_lazy(
        "需要 scoring.view 权限。周期不在您的范围内或尚未发布时返回 404。"
        "units 只列出您可见行的单位类型及行数，与排名页面的标签一致。"
    ),
)
def period_detail(request, period):
    found = _period(request, period)
    visible = Score.objects.restrict(request.authz).filter(period=found)
    rows = dict(visible.values_list("unit").annotate(n=Count("pk")).order_by())
    scheme = Scheme.of(found.campaign_id)
    found.unit_list = [
        {"unit": u, "period": found.pk, "rows": rows[u], "weights": ranking.weights(scheme, u)}
        for u in ranking.UNITS
        if u in rows
    ]
    found.grade_list = scheme.grade_bands()
    return found


# A period's ranking

DEPARTMENT = Shape(
    "RankedDepartment",
    gettext_lazy("排名的部门"),
    {"code": string(gettext_lazy("部门编码")), "name": string(gettext_lazy("名称"))},
)
RATE = Shape(
    "RankingRate",
    gettext_lazy("一项比率及其分子、分母（检查得分没有分子分母）"),
    {
        "key": string(gettext_lazy("比率代码"), get=lambda c, r: c.ratio.key),
        "label": string(gettext_lazy("比率名称"), get=lambda c, r: str(c.ratio.label)),
        "rate": number(
            gettext_lazy("数值（百分数，如 87.5）；本期没有数据时为空"),
            nullable=True,
            get=lambda c, r: c.rate,
        ),
        "part": integer(gettext_lazy("分子"), nullable=True),
        "whole": integer(gettext_lazy("分母"), nullable=True),
        "part_metric": string(
            gettext_lazy("分子是哪一项计数"), nullable=True, get=lambda c, r: c.ratio.part
        ),
        "whole_metric": string(
            gettext_lazy("分母是哪一项计数"), nullable=True, get=lambda c, r: c.ratio.whole
        ),
    },
)

ROW_FIELDS = {
    "id": integer(gettext_lazy("排名行 id"), get=lambda s, r: s.pk),
    "url": string(
        gettext_lazy("本接口中这一行的地址"),
        get=lambda s, r: reverse("api:score_detail", args=[s.period_id, s.pk]),
    ),
    "web_url": string(
        gettext_lazy("该单位成绩页面的地址"), get=lambda s, r: reverse("scoring:score", args=[s.pk])
    ),
    "unit": string(gettext_lazy("单位类型"), enum=UNITS),
    "unit_label": string(gettext_lazy("单位类型（中文）"), get=lambda s, r: s.get_unit_display()),
    "name": string(gettext_lazy("单位名称")),
    "area": obj(shapes.AREA_REF, gettext_lazy("单位所在区域；部门为空"), nullable=True),
    "department": obj(DEPARTMENT, gettext_lazy("部门；区域单位为空"), nullable=True),
    "index": number(
        gettext_lazy("综合指标值；没有任何数据时为空"),
        nullable=True,
        get=lambda s, r: s.index,
    ),
    "rank": integer(gettext_lazy("排名，并列者名次相同（1, 2, 2, 4）；未排名为空"), nullable=True),
    "grade": string(
        gettext_lazy("等级；未排名为空"), nullable=True, get=lambda s, r: s.grade or None
    ),
    "change": number(
        gettext_lazy("综合指标值较上期的变化"), nullable=True, get=lambda s, r: s.change
    ),
    "rates": array(
        RATE, gettext_lazy("各项比率，与排名页面的列相同"), get=lambda s, r: ranking.row(s).cells
    ),
}
ROW = Shape("RankingRow", gettext_lazy("排名中的一行：一个单位本期的成绩"), ROW_FIELDS)
ROW_PAGE = shapes.page(
    ROW, "RankingPage", gettext_lazy("一页排名：按名次，并列者按名称，未排名的按名称排在最后")
)


class RankingFilter(forms.Form):
    unit = forms.ChoiceField(
        label=gettext_lazy("单位类型；不填为您可见的第一类（社区、网格、街道、部门的顺序）"),
        required=False,
        choices=[("", "")] + [(u, Unit(u).label) for u in ranking.UNITS],
    )
    community = forms.CharField(
        label=gettext_lazy("社区编码：只看该社区范围内的行（如它的网格）"),
        required=False,
        max_length=20,
    )


RANKING_FILTERS = form_fields(RankingFilter)


@operation(
    "GET",
    "/periods/{period}/scores",
    summary=gettext_lazy("一个周期中一类单位的排名"),
    tag="scoring",
    params=(PERIOD_ID, *(Param(name, f) for name, f in RANKING_FILTERS.items()), AFTER, LIMIT),
    response=ROW_PAGE,
    errors=(403, 404),
    description=gettext_lazy(
        "与排名页面相同：只含您范围内的行（社区工作人员见本社区及其网格，部门见本部门），"
        "按名次排列，并列者名次相同、按名称排列，未排名的按名称排在最后；按游标翻页。"
        "周期不在您的范围内或尚未发布时返回 404；community 不是该周期中您可见的社区时返回 400。"
    ),
)
def period_scores(request, period):
    found = _period(request, period)
    form = RankingFilter(request.GET)
    if not form.is_valid():
        raise form_errors(form)
    scores = Score.objects.restrict(request.authz).filter(period=found)
    unit = form.cleaned_data["unit"] or ranking.chosen_unit(ranking.tabs(scores), None)
    shown = scores.filter(unit=unit)
    if code := form.cleaned_data["community"].strip():
        community = scores.filter(unit=Unit.COMMUNITY, area__code=code).first()
        if community is None:
            raise ApiError.invalid({"community": [_("该周期中没有您可见的这个社区。")]})
        shown = shown.filter(area_path__startswith=community.area_path)
    rows = ranking.ranked(shown.select_related("area", "department"))
    return page(request, rows, ranking.RANKING)


# One unit's figures

FIGURE = Shape(
    "RankingFigure",
    gettext_lazy("成绩背后的一项计数"),
    {
        "metric": string(gettext_lazy("计数代码"), get=lambda f, r: f[0]),
        "label": string(gettext_lazy("计数名称"), get=lambda f, r: str(f[1])),
        "count": integer(gettext_lazy("计算时记下的数目"), get=lambda f, r: f[2]),
        "web_url": string(
            gettext_lazy("列出所计案件或评价的页面"),
            get=lambda f, r: reverse("scoring:behind", args=[f[3], f[0]]),
        ),
    },
)
TREND = Shape(
    "RankingTrend",
    gettext_lazy("同一项目同类周期最近几期的综合指标值"),
    {
        "periods": array(string(), gettext_lazy("周期名称，先早后晚")),
        "index": array(number(nullable=True), gettext_lazy("各期综合指标值；该期没有时为空")),
    },
)
ROW_DETAIL = Shape(
    "RankingRowDetail",
    gettext_lazy("一个单位本期的成绩：比率、计数、权重和趋势，即成绩页面所示"),
    {
        **ROW_FIELDS,
        "period": obj(PERIOD),
        "figures": array(
            FIGURE, gettext_lazy("各项计数，与成绩页面相同"), get=lambda s, r: s.figure_list
        ),
        "weights": array(
            WEIGHT, gettext_lazy("综合指标值的指标权重"), get=lambda s, r: s.weight_list
        ),
        "inspections_web_url": string(
            gettext_lazy("检查得分背后的检查条目页面；部门为空"),
            nullable=True,
            get=lambda s, r: (
                None
                if s.unit == Unit.DEPARTMENT
                else reverse("scoring:behind", args=[s.pk, drilldown.INSPECTION])
            ),
        ),
        "trend": obj(TREND, get=lambda s, r: s.trend),
    },
)


@operation(
    "GET",
    "/periods/{period}/scores/{score}",
    summary=gettext_lazy("排名中一个单位的成绩：比率、计数、权重和趋势"),
    tag="scoring",
    params=(PERIOD_ID, Param("score", integer(gettext_lazy("排名行 id")), "path", True)),
    response=ROW_DETAIL,
    errors=(403, 404),
    description=gettext_lazy(
        "与成绩页面相同。计数是计算时记下的数目；其背后的案件、评价和检查条目见 web_url 所指页面。"
        "周期未发布、不在您的范围内，或这一行不在您的范围内时返回 404。"
    ),
)
def score_detail(request, period, score):
    found = _period(request, period)
    visible = Score.objects.restrict(request.authz)
    in_period = Score.objects.filter(period=found).select_related("area", "department")
    row = request.authz.get_object(in_period, "scoring.view", pk=score)
    row.period = found
    row.figure_list = [
        (metric, label, row.counts.get(metric, 0), row.pk)
        for metric, label in ranking.COUNT_LABELS.items()
    ]
    row.weight_list = ranking.weights(Scheme.of(found.campaign_id), row.unit)
    trends = ranking.trends(found, [row], visible, published=True)
    row.trend = {"periods": trends["periods"], "index": trends["series"][row.pk]}
    return row
