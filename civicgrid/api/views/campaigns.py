"""Campaigns (创建项目) with the overview's figures and the pinned standard's indicator tree,
and inspection sites (点位): the list with the site page's own filters, one site with its
score history and open cases, and creating and editing a site through the page's own form.

Scoped as the pages scope them: campaigns by their streets (campaigns.view), sites by
where they lie (sites.view, sites.change); the figures come from campaigns/overview.py
and the site's record from inspections/sites.py, which the pages read too.
"""

from django import forms
from django.db import transaction
from django.db.models import Prefetch
from django.forms.models import model_to_dict
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from civicgrid.api import shapes
from civicgrid.api.errors import valid
from civicgrid.api.fields import (
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
from civicgrid.api.operations import Body, Param, operation
from civicgrid.api.paging import list_params, page
from civicgrid.areas.models import Area
from civicgrid.campaigns import overview, standards
from civicgrid.campaigns.models import Campaign, CampaignKind, Indicator, PointType
from civicgrid.cases.views import LIST_DEFERRED, LIST_RELATED
from civicgrid.inspections.forms import SiteFilter, SiteForm
from civicgrid.inspections.models import Site
from civicgrid.inspections.sites import latest_percentage, open_cases, score_history
from civicgrid.lib.keyset import Keyset

NEWEST = Keyset("-start", "-pk")
SITE_ORDER = Keyset("area_path", "point_type", "name", "pk")  # the site list page's order

CAMPAIGN = Param("campaign", integer(gettext_lazy("创建项目 id")), "path", True)
SITE = Param("site", integer(gettext_lazy("点位 id")), "path", True)
DEPTHS = tuple(int(depth) for depth in Indicator.Level)


# Campaigns


PINNED = Shape(
    "PinnedStandard",
    gettext_lazy("创建项目所用的测评体系版本"),
    {
        "name": string(gettext_lazy("测评体系名称"), get=lambda v, r: v.standard.name),
        "kind": string(
            gettext_lazy("测评体系类型"),
            enum=tuple(CampaignKind.values),
            get=lambda v, r: v.standard.kind,
        ),
        "version": integer(gettext_lazy("版本号"), get=lambda v, r: v.number),
        "is_sample": boolean(
            gettext_lazy("内置样例，须按本市现行测评手册调整"),
            get=lambda v, r: v.standard.is_sample,
        ),
    },
)

CAMPAIGN_FIELDS = {
    "id": integer(gettext_lazy("创建项目 id"), get=lambda c, r: c.pk),
    "url": string(
        gettext_lazy("本接口中该项目的地址"),
        get=lambda c, r: reverse("api:campaign_detail", args=[c.pk]),
    ),
    "web_url": string(gettext_lazy("项目页面的地址"), get=lambda c, r: c.get_absolute_url()),
    "name": string(gettext_lazy("名称")),
    "kind": string(gettext_lazy("类型"), enum=tuple(CampaignKind.values)),
    "kind_label": string(gettext_lazy("类型（中文）"), get=lambda c, r: c.get_kind_display()),
    "status": string(gettext_lazy("状态"), enum=tuple(Campaign.Status.values)),
    "status_label": string(gettext_lazy("状态（中文）"), get=lambda c, r: c.get_status_display()),
    "start": string(gettext_lazy("开始日期"), format="date"),
    "end": string(gettext_lazy("结束日期"), format="date"),
    "streets": array(shapes.AREA_REF, gettext_lazy("覆盖街道"), get=lambda c, r: c.streets.all()),
    "standard": obj(PINNED, get=lambda c, r: c.version),
}
CAMPAIGN_ITEM = Shape("Campaign", gettext_lazy("创建项目"), CAMPAIGN_FIELDS)
CAMPAIGN_PAGE = shapes.page(
    CAMPAIGN_ITEM, "CampaignPage", gettext_lazy("一页创建项目，开始日期晚的在前")
)

EVIDENCE_TOTAL = Shape(
    "CampaignEvidence",
    gettext_lazy("佐证材料完成情况（与佐证材料页面的合计相同）"),
    {
        "required": integer(gettext_lazy("应交份数")),
        "accepted": integer(gettext_lazy("已通过份数（每项要求最多计到应交份数）")),
        "percent": integer(
            gettext_lazy("完成百分比（向下取整）；尚未设置材料要求时为空"), nullable=True
        ),
        "incomplete_indicators": integer(
            gettext_lazy("材料未齐的指标数"), get=lambda e, r: e["missing"]
        ),
    },
)
TASK_TOTALS = Shape(
    "CampaignTasks",
    gettext_lazy("工作任务（工作进度表）"),
    {
        "total": integer(gettext_lazy("合计")),
        "todo": integer(gettext_lazy("未开始")),
        "doing": integer(gettext_lazy("进行中")),
        "done": integer(gettext_lazy("已完成")),
        "overdue": integer(gettext_lazy("超过完成时限而未完成")),
    },
)
CASE_COUNTS = Shape(
    "CampaignCases",
    gettext_lazy("本项目检查发现的问题（不合格条目和另报问题生成的案件，您范围内的）"),
    {
        "open": integer(gettext_lazy("未结案")),
        "overdue": integer(gettext_lazy("超期未结")),
    },
)
COMMUNITY_SCORE = Shape(
    "CommunityScore",
    gettext_lazy("一个社区已提交点位得分率的平均值"),
    {
        "community": obj(
            shapes.AREA_REF,
            gettext_lazy("社区；为空表示不在任何社区内的街道直属点位"),
            nullable=True,
            get=lambda s, r: s.area,
        ),
        "sites": integer(gettext_lazy("已提交检查的点位数")),
        "average": number(gettext_lazy("平均得分率（%）"), get=lambda s, r: float(s.average)),
    },
)
LATEST_SCORES = Shape(
    "LatestScores",
    gettext_lazy("最近一轮有已提交检查的督查轮次，各社区的平均得分率，高的在前"),
    {
        "round": integer(gettext_lazy("督查轮次 id"), get=lambda s, r: s["round"].pk),
        "round_name": string(gettext_lazy("轮次名称"), get=lambda s, r: s["round"].name),
        "start": string(
            gettext_lazy("轮次开始日期"), format="date", get=lambda s, r: s["round"].start
        ),
        "end": string(gettext_lazy("轮次结束日期"), format="date", get=lambda s, r: s["round"].end),
        "communities": array(COMMUNITY_SCORE),
    },
)
CAMPAIGN_DETAIL = Shape(
    "CampaignDetail",
    gettext_lazy("创建项目概览：与项目页面相同的数字"),
    {
        **CAMPAIGN_FIELDS,
        "indicators_url": string(
            gettext_lazy("该项目测评指标的地址"),
            get=lambda c, r: reverse("api:campaign_indicators", args=[c.pk]),
        ),
        "newer_versions": integer(
            gettext_lazy("测评体系中比所用版本更新的版本数（管理员可在页面上改用）"),
            get=lambda c, r: c.figures.newer,
        ),
        "left_behind": integer(
            gettext_lazy("仍挂在其他版本指标上的责任分解和佐证材料要求条数"),
            get=lambda c, r: c.figures.left_behind,
        ),
        "evidence": obj(EVIDENCE_TOTAL, get=lambda c, r: c.figures.evidence),
        "tasks": obj(TASK_TOTALS, get=lambda c, r: c.figures.tasks),
        "cases": obj(CASE_COUNTS, get=lambda c, r: c.figures.cases),
        "scores": obj(
            LATEST_SCORES,
            gettext_lazy("没有已提交的检查，或您无权查看检查结果（inspections.view）时为空"),
            nullable=True,
            get=lambda c, r: c.figures.scores,
        ),
    },
)


class CampaignFilter(forms.Form):
    """The campaign list's filters (the page lists them all, without filters)."""

    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", "")] + Campaign.Status.choices
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), required=False, choices=[("", "")] + CampaignKind.choices
    )

    def campaigns(self, campaigns):
        return campaigns.filter(**{k: v for k, v in self.cleaned_data.items() if v})


def _campaigns():
    streets = Prefetch("streets", Area.objects.defer("boundary"))  # outlines are large
    return Campaign.objects.select_related("version__standard").prefetch_related(streets)


@operation(
    "GET",
    "/campaigns",
    summary=gettext_lazy("您范围内的创建项目"),
    tag="campaigns",
    params=list_params(CampaignFilter),
    response=CAMPAIGN_PAGE,
    errors=(403,),
    description=gettext_lazy(
        "与创建项目页面相同：覆盖您所在街道（或其中区域）的项目，需要 campaigns.view 权限。"
        "开始日期晚的在前；按游标翻页：把 next 作为 after 传回。"
    ),
)
def campaign_list(request):
    authz = request.authz
    authz.require("campaigns.view")
    form = valid(CampaignFilter(request.GET))
    return page(request, form.campaigns(_campaigns().restrict(authz)), NEWEST)


@operation(
    "GET",
    "/campaigns/{campaign}",
    summary=gettext_lazy("创建项目概览：佐证材料、工作任务、问题和最近一轮得分"),
    tag="campaigns",
    params=(CAMPAIGN,),
    response=CAMPAIGN_DETAIL,
    errors=(404,),
    description=gettext_lazy(
        "与项目页面相同的数字，只计您能看到的：佐证材料与佐证材料页面的合计相同，"
        "问题只计您范围内的案件，得分需要 inspections.view 权限。"
    ),
)
def campaign_detail(request, campaign):
    found = request.authz.get_object(_campaigns(), "campaigns.view", pk=campaign)
    found.figures = overview.figures(found, request.authz)
    return found


# The pinned standard's indicators


INDICATOR = Shape(
    "Indicator",
    gettext_lazy("测评指标：测评项目、测评内容或测评标准（条目）"),
    {
        "id": integer(gettext_lazy("指标 id"), get=lambda i, r: i.pk),
        "code": string(gettext_lazy("编号，如 1.1.3")),
        "parent": string(
            gettext_lazy("上级指标编号；测评项目为空"),
            nullable=True,
            get=lambda i, r: i.parent_code,
        ),
        "depth": integer(gettext_lazy("层级：1 测评项目、2 测评内容、3 测评标准"), enum=DEPTHS),
        "depth_label": string(gettext_lazy("层级（中文）"), get=lambda i, r: i.get_depth_display()),
        "title": string(gettext_lazy("名称")),
        "criteria": string(gettext_lazy("测评标准的说明")),
        "method": string(gettext_lazy("测评方法"), enum=tuple(Indicator.Method.values)),
        "method_label": string(
            gettext_lazy("测评方法（中文）"), get=lambda i, r: i.get_method_display()
        ),
        "points": number(gettext_lazy("分值"), get=lambda i, r: float(i.points)),
        "item_points": number(
            gettext_lazy("点位按之计分的分值：下级测评标准分值合计（测评标准为其自身分值）"),
            get=lambda i, r: float(i.item_points),
        ),
        "point_types": array(
            string(enum=tuple(PointType.values)),
            gettext_lazy("适用的点位类型；为空表示不限"),
        ),
        "deduction_per_count": number(
            gettext_lazy("每处扣分；为空表示不合格扣该项全部分值"),
            nullable=True,
            get=lambda i, r: i.deduction_per_count,
        ),
        "negative": string(
            gettext_lazy("负面清单：空字符串 否；deduct 额外扣分；cap 封顶得分率"),
            enum=tuple(Indicator.Negative.values),
        ),
        "negative_value": number(
            gettext_lazy("负面清单的扣分或封顶得分率（%）"),
            nullable=True,
            get=lambda i, r: i.negative_value,
        ),
        "category": obj(
            shapes.CATEGORY_REF,
            gettext_lazy("不合格时生成案件的问题类别"),
            nullable=True,
        ),
    },
)
INDICATOR_TREE = Shape(
    "IndicatorTree",
    gettext_lazy("创建项目所用版本的测评指标，按测评体系的顺序平铺（上级在下级之前）"),
    {
        "standard": obj(PINNED),
        "results": array(INDICATOR),
    },
)


class IndicatorFilter(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("只看这种测评方法"),
        required=False,
        choices=[("", "")] + Indicator.Method.choices,
    )
    point_type = forms.ChoiceField(
        label=gettext_lazy("只看适用于这种点位类型的指标（含不限类型的）"),
        required=False,
        choices=[("", "")] + PointType.choices,
    )
    depth = forms.TypedChoiceField(
        label=gettext_lazy("只看这一层级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "")] + [(str(depth), label) for depth, label in Indicator.Level.choices],
    )

    def indicators(self, tree: list[Indicator]) -> list[Indicator]:
        method, point_type, depth = (
            self.cleaned_data[name] for name in ("method", "point_type", "depth")
        )
        return [
            item
            for item in tree
            if (not method or item.method == method)
            and (depth is None or item.depth == depth)
            and (not point_type or item.applies_to(point_type))
        ]


INDICATOR_FILTERS = {
    **form_fields(IndicatorFilter),
    "depth": integer(gettext_lazy("只看这一层级：1、2 或 3"), enum=DEPTHS),
}


@operation(
    "GET",
    "/campaigns/{campaign}/indicators",
    summary=gettext_lazy("创建项目的测评指标（所用测评体系版本）"),
    tag="campaigns",
    params=(CAMPAIGN, *(Param(name, f) for name, f in INDICATOR_FILTERS.items())),
    response=INDICATOR_TREE,
    errors=(404,),
    description=gettext_lazy(
        "一次返回整棵指标树，不分页：一个版本的指标不过数百个，按测评体系的阅读顺序"
        "（每个指标后接其下级）平铺，parent 为上级编号。"
        "depth=3&method=field&point_type=… 即该类点位实地检查的清单。"
    ),
)
def campaign_indicators(request, campaign):
    found = request.authz.get_object(
        Campaign.objects.select_related("version__standard"), "campaigns.view", pk=campaign
    )
    form = valid(IndicatorFilter(request.GET))
    tree = standards.tree(found.version)
    codes = {item.pk: item.code for item in tree}
    for item in tree:
        item.parent_code = codes.get(item.parent_id)
    return {"standard": found.version, "results": form.indicators(tree)}


# Sites

SITE_RELATED = ("area", "department__street")
SITE_DEFERRED = ("area__boundary", "department__street__boundary")

SITE_FIELDS = {
    **shapes.SITE_REF_FIELDS,
    "url": string(
        gettext_lazy("本接口中该点位的地址"),
        get=lambda s, r: reverse("api:site_detail", args=[s.pk]),
    ),
    "web_url": string(gettext_lazy("点位页面的地址"), get=lambda s, r: s.get_absolute_url()),
    "department": obj(shapes.DEPARTMENT, gettext_lazy("责任单位"), nullable=True),
    "is_active": boolean(gettext_lazy("启用")),
    "latest_percentage": number(
        gettext_lazy("最近一次已提交检查的得分率（%），与点位列表页面相同；没有时为空"),
        nullable=True,
        get=lambda s, r: s.latest,
    ),
}
SITE_ITEM = Shape("Site", gettext_lazy("检查点位"), SITE_FIELDS)
SITE_PAGE = shapes.page(SITE_ITEM, "SitePage", gettext_lazy("一页点位，按所在区域、类型、名称排列"))

SITE_INSPECTION = Shape(
    "SiteInspection",
    gettext_lazy("点位的一次已提交检查"),
    {
        "id": integer(gettext_lazy("实地检查 id"), get=lambda h, r: h[0].pk),
        "web_url": string(
            gettext_lazy("检查结果页面的地址"), get=lambda h, r: h[0].get_absolute_url()
        ),
        "round": integer(gettext_lazy("督查轮次 id"), get=lambda h, r: h[0].round_id),
        "round_name": string(gettext_lazy("轮次名称"), get=lambda h, r: h[0].round.name),
        "submitted_at": moment(gettext_lazy("提交时间"), get=lambda h, r: h[0].submitted_at),
        "score": number(gettext_lazy("得分"), nullable=True, get=lambda h, r: h[0].score),
        "max_score": number(gettext_lazy("满分"), nullable=True, get=lambda h, r: h[0].max_score),
        "percentage": number(
            gettext_lazy("得分率（%）"), nullable=True, get=lambda h, r: h[0].percentage
        ),
        "change": number(
            gettext_lazy("较上一次得分率的变化（百分点）；第一次为空"),
            nullable=True,
            get=lambda h, r: h[1],
        ),
    },
)
SITE_DETAIL = Shape(
    "SiteDetail",
    gettext_lazy("点位详情：与点位页面相同的得分历史和未办结问题"),
    {
        **SITE_FIELDS,
        "person": string(
            gettext_lazy("责任人姓名"),
            nullable=True,
            get=lambda s, r: str(s.person) if s.person_id else None,
        ),
        "history": array(
            SITE_INSPECTION,
            gettext_lazy("最近 20 次已提交检查，新的在前；无 inspections.view 权限时为空"),
            get=lambda s, r: s.history,
        ),
        "open_cases": array(
            shapes.CASE,
            gettext_lazy("检查在该点位发现、尚未办结的问题（您范围内的），早的在前"),
            get=lambda s, r: s.case_list,
        ),
    },
)


@operation(
    "GET",
    "/sites",
    summary=gettext_lazy("您范围内的点位（与点位页面相同的筛选）"),
    tag="sites",
    params=list_params(SiteFilter),
    response=SITE_PAGE,
    errors=(403, 404),
    description=gettext_lazy(
        "需要 sites.view 权限。筛选即点位页面的筛选：q 名称或地址，point_type，"
        "area 区域编码（含下级；不存在或在您范围外时返回 404，与案件列表一致），"
        "inactive=true 含已停用的点位。按所在区域、类型、名称排列，按游标翻页。"
    ),
)
def site_list(request):
    authz = request.authz
    authz.require("sites.view")
    form = valid(SiteFilter(request.GET))
    sites = form.visible_sites(authz)
    if form.cleaned_data["area"] and form.area is None:
        raise Http404
    sites = sites.select_related(*SITE_RELATED).defer(*SITE_DEFERRED)
    return page(request, sites.annotate(latest=latest_percentage()), SITE_ORDER)


@operation(
    "GET",
    "/sites/{site}",
    summary=gettext_lazy("点位详情：得分历史和未办结的问题"),
    tag="sites",
    params=(SITE,),
    response=SITE_DETAIL,
    errors=(403, 404),
    description=gettext_lazy(
        "与点位页面相同：需要 sites.view 权限（无此权限 403，范围外 404）；"
        "得分历史只含您有 inspections.view 权限的检查，问题只含您范围内的案件。"
    ),
)
def site_detail(request, site):
    return _site(request, site)


def _site(request, pk) -> Site:
    authz = request.authz
    authz.require("sites.view")
    sites = Site.objects.select_related(*SITE_RELATED, "person").defer(*SITE_DEFERRED)
    site = authz.get_object(sites.annotate(latest=latest_percentage()), "sites.view", pk=pk)
    site.history = score_history(site, authz)
    cases = open_cases(site, authz).select_related(*LIST_RELATED).defer(*LIST_DEFERRED)
    site.case_list = list(cases)
    return site


class ApiSiteForm(SiteForm):
    """The site page's form, with the area given by its code (as everywhere in the API) and
    a half-given position reported on lat and lng."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].to_field_name = "code"

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            for name in ("lat", "lng"):
                self.add_error(name, error)
            return self.cleaned_data


SITE_REQUEST = Shape(
    "SiteRequest",
    gettext_lazy("点位的字段（与点位页面的表单相同）；修改时只需给出要改的字段"),
    {
        **form_fields(SiteForm),
        "area": string(
            gettext_lazy("所在区域编码（街道、社区或网格，须在您可修改的范围内）"),
            extra={"maxLength": 20},
        ),
        "lat": number(gettext_lazy("纬度（WGS-84），与经度同时给出或同时为空"), nullable=True),
        "lng": number(gettext_lazy("经度（WGS-84）"), nullable=True),
        "department": integer(
            gettext_lazy("责任单位的部门 id（见 /departments）；为空表示无"),
            nullable=True,
            extra={"minimum": 1},
        ),
    },
    required=(),
)


def _saved(request, form) -> Site:
    with transaction.atomic():
        site = valid(form).save()
    return _site(request, site.pk)


@operation(
    "POST",
    "/sites",
    summary=gettext_lazy("新增点位"),
    tag="sites",
    body=Body(SITE_REQUEST, required=("name", "point_type", "area")),
    response=SITE_DETAIL,
    status=201,
    errors=(403,),
    description=gettext_lazy(
        "需要 sites.change 权限，由点位页面的表单检查；is_active 默认为 true。"
    ),
)
def site_create(request):
    authz = request.authz
    authz.require("sites.change")
    return _saved(request, ApiSiteForm({"is_active": True, **request.data}, authz=authz))


@operation(
    "PATCH",
    "/sites/{site}",
    summary=gettext_lazy("修改点位"),
    tag="sites",
    params=(SITE,),
    body=Body(SITE_REQUEST),
    response=SITE_DETAIL,
    errors=(403, 404),
    description=gettext_lazy(
        "需要该点位所在范围的 sites.change 权限（与页面相同：无此权限 403，范围外 404）。"
        "未给出的字段保持不变，再由点位页面的表单整体检查。"
    ),
)
def site_update(request, site):
    authz = request.authz
    authz.require("sites.change")
    found = authz.get_object(Site.objects.select_related("area"), "sites.change", pk=site)
    current = {**model_to_dict(found, fields=list(SiteForm.base_fields)), "area": found.area.code}
    return _saved(request, ApiSiteForm({**current, **request.data}, instance=found, authz=authz))
