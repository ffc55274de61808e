"""Supervision rounds (督查轮次) and field inspections (实地检查): the rounds a person sees,
a round's sites with their inspections, and a whole inspection done as the pages do it —
start or resume, save item by item (photos as multipart), submit, report extra problems —
through the app's own domain (rounds.py, submission.py) and the pages' own forms.
"""

from django import forms
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.api import shapes
from civicgrid.api.errors import ApiError, form_errors, valid
from civicgrid.api.fields import (
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
from civicgrid.api.files import file_response
from civicgrid.api.operations import JSON, MULTIPART, Body, Param, operation
from civicgrid.api.paging import PAGING, list_params, page
from civicgrid.campaigns.models import Indicator, PointType
from civicgrid.cases.forms import MAX_PHOTOS, category_from
from civicgrid.cases.models import Case
from civicgrid.inspections import rounds, submission
from civicgrid.inspections.forms import ItemForm, ProblemForm
from civicgrid.inspections.models import Inspection, ItemPhoto, ItemResult, Round
from civicgrid.inspections.sites import open_cases
from civicgrid.inspections.views import INSPECTION_RELATED
from civicgrid.lib.keyset import Keyset

ROUND_ORDER = Keyset("-start", "pk")  # as the rounds page: latest first
SITE_ORDER = Keyset("area_path", "point_type", "name", "pk")  # as the round page
NEWEST = Keyset("-started_at", "-pk")
# What a Case row (shapes.CASE) reads besides the case itself.
CASE_ROW = ("category", "grid", "responsible_department", "responsible_area")
DRAFT, SUBMITTED = Inspection.Status.DRAFT, Inspection.Status.SUBMITTED

ROUND_ID = Param("round", integer(gettext_lazy("督查轮次 id")), "path", True)
SITE_ID = Param("site", integer(gettext_lazy("点位 id")), "path", True)
INSPECTION_ID = Param("inspection", integer(gettext_lazy("实地检查 id")), "path", True)
INDICATOR_ID = Param(
    "indicator", integer(gettext_lazy("检查条目 id（检查详情 items[].indicator）")), "path", True
)
PHOTO_ID = Param("photo", integer(gettext_lazy("检查照片 id")), "path", True)


# Shapes

INSPECTOR = Shape(
    "Inspector",
    gettext_lazy("督查人员"),
    {
        "username": string(gettext_lazy("用户名")),
        "name": string(gettext_lazy("姓名"), get=lambda u, r: str(u)),
    },
)
ROUND_CAMPAIGN = Shape(
    "RoundCampaign",
    gettext_lazy("轮次所属的创建项目"),
    {
        "id": integer(gettext_lazy("创建项目 id"), get=lambda c, r: c.pk),
        "name": string(gettext_lazy("名称")),
    },
)
ROUND_REF = Shape(
    "RoundRef",
    gettext_lazy("督查轮次（id 与名称）"),
    {
        "id": integer(gettext_lazy("轮次 id"), get=lambda o, r: o.pk),
        "name": string(gettext_lazy("名称")),
        "url": string(
            gettext_lazy("本接口中该轮次的地址"),
            get=lambda o, r: reverse("api:round_detail", args=[o.pk]),
        ),
    },
)
ROUND_FIELDS = {
    **ROUND_REF.fields,
    "web_url": string(gettext_lazy("轮次页面的地址"), get=lambda o, r: o.get_absolute_url()),
    "campaign": obj(ROUND_CAMPAIGN),
    "start": string(gettext_lazy("开始日期"), format="date"),
    "end": string(gettext_lazy("结束日期"), format="date"),
    "is_current": boolean(
        gettext_lazy("今天是否在轮次期间内"),
        get=lambda o, r: o.start <= timezone.localdate() <= o.end,
    ),
    "repeat_days": integer(gettext_lazy("重复周期（天）；不重复为空"), nullable=True),
    "template": integer(
        gettext_lazy("周期生成的轮次：模板轮次的 id；否则为空"),
        nullable=True,
        get=lambda o, r: o.template_id,
    ),
    "inspectors": array(
        INSPECTOR,
        gettext_lazy("指定的督查人员；为空表示有实地检查权限的人员均可检查"),
        get=lambda o, r: o.inspectors.all(),
    ),
    "may_inspect": boolean(
        gettext_lazy("您能否在本轮开始或继续检查"),
        get=lambda o, r: rounds.may_inspect(o, r.authz),
    ),
}
ROUND = Shape("Round", gettext_lazy("督查轮次"), ROUND_FIELDS)
ROUND_PAGE = shapes.page(ROUND, "RoundPage", gettext_lazy("一页督查轮次，开始日期新的在前"))
PROGRESS = Shape(
    "RoundProgress",
    gettext_lazy("本轮进度（只计您范围内的点位）"),
    {
        "sites": integer(gettext_lazy("本轮覆盖的点位数")),
        "inspected": integer(gettext_lazy("已开始检查的点位数（含检查中）")),
        "submitted": integer(gettext_lazy("已提交检查结果的点位数")),
    },
)
ROUND_DETAIL = Shape(
    "RoundDetail",
    gettext_lazy("督查轮次及其进度"),
    {
        **ROUND_FIELDS,
        "point_types": array(
            string(enum=tuple(PointType.values)),
            gettext_lazy("按点位类型纳入的类型"),
            get=lambda o, r: list(o.point_types),
        ),
        "progress": obj(PROGRESS, get=lambda o, r: o.progress),
        "sites_url": string(
            gettext_lazy("本轮点位及其检查情况"),
            get=lambda o, r: reverse("api:round_sites", args=[o.pk]),
        ),
    },
)

INSPECTED_SITE = Shape("InspectedSite", gettext_lazy("检查的点位"), shapes.SITE_REF_FIELDS)

INSPECTION_FIELDS = {
    "id": integer(gettext_lazy("实地检查 id"), get=lambda i, r: i.pk),
    "url": string(
        gettext_lazy("本接口中该检查的地址"),
        get=lambda i, r: reverse("api:inspection_detail", args=[i.pk]),
    ),
    "web_url": string(gettext_lazy("检查页面的地址"), get=lambda i, r: i.get_absolute_url()),
    "round": obj(ROUND_REF),
    "site": obj(INSPECTED_SITE),
    "inspector": obj(INSPECTOR),
    "status": string(gettext_lazy("draft 检查中；submitted 已提交"), enum=(DRAFT, SUBMITTED)),
    "status_label": string(gettext_lazy("状态（中文）"), get=lambda i, r: i.get_status_display()),
    "started_at": moment(gettext_lazy("开始时间")),
    "submitted_at": moment(gettext_lazy("提交时间；未提交为空"), nullable=True),
    "score": number(gettext_lazy("得分；提交后才有"), nullable=True, get=lambda i, r: i.score),
    "max_score": number(
        gettext_lazy("满分；提交后才有"), nullable=True, get=lambda i, r: i.max_score
    ),
    "percentage": number(
        gettext_lazy("得分率（%）；提交后才有"),
        nullable=True,
        get=lambda i, r: i.percentage,
    ),
}
INSPECTION = Shape("Inspection", gettext_lazy("一次实地检查"), INSPECTION_FIELDS)
INSPECTION_PAGE = shapes.page(INSPECTION, "InspectionPage", gettext_lazy("一页实地检查，新的在前"))

ROUND_SITE = Shape(
    "RoundSite",
    gettext_lazy("本轮的一个点位及其检查情况"),
    {
        **shapes.SITE_REF_FIELDS,
        "status": string(
            gettext_lazy("none 未检查；draft 检查中；submitted 已提交"),
            enum=("none", DRAFT, SUBMITTED),
            get=lambda s, r: s.inspection.status if s.inspection else "none",
        ),
        "inspection": obj(
            INSPECTION, gettext_lazy("本轮对该点位的检查；未检查为空"), nullable=True
        ),
        "can_start": boolean(
            gettext_lazy(
                "您能否在此开始或继续检查（与轮次页面的按钮相同；他人检查中时开始会得到 409）"
            )
        ),
        "start_url": string(
            gettext_lazy("开始或继续检查：POST 此地址"),
            get=lambda s, r: reverse("api:inspection_start", args=[s.round_id, s.pk]),
        ),
    },
)
ROUND_SITE_PAGE = shapes.page(
    ROUND_SITE, "RoundSitePage", gettext_lazy("一页本轮点位，按区域、类型和名称排列")
)

HEADING = Shape(
    "ChecklistHeading",
    gettext_lazy("测评项目或测评内容"),
    {"code": string(gettext_lazy("编号")), "title": string(gettext_lazy("名称"))},
)
ITEM_PHOTO = Shape(
    "InspectionPhoto",
    gettext_lazy("检查照片"),
    {
        "id": integer(gettext_lazy("照片 id")),
        "url": string(
            gettext_lazy("照片文件（需带令牌）"),
            get=lambda p, r: reverse("api:inspection_photo", args=[p.inspection_id, p.pk]),
        ),
        "lat": number(gettext_lazy("拍摄位置纬度"), nullable=True),
        "lng": number(gettext_lazy("拍摄位置经度"), nullable=True),
        "taken_at": moment(gettext_lazy("拍摄时间")),
    },
)


def _saved(name: str, default=None):
    """A getter of the item's saved result (`default` while the item is unchecked)."""
    return lambda item, r: getattr(item.result, name) if item.result else default


def _photos(item, request) -> list:
    photos = list(item.result.photos.all()) if item.result else []
    for photo in photos:
        photo.inspection_id = item.inspection_id
    return photos


CHECKLIST_ITEM = Shape(
    "ChecklistItem",
    gettext_lazy("检查清单的一个条目及其检查结果"),
    {
        "indicator": integer(gettext_lazy("条目 id，用于保存该条目"), get=lambda i, r: i.pk),
        "url": string(
            gettext_lazy("保存该条目：PUT 此地址"),
            get=lambda i, r: reverse("api:inspection_item", args=[i.inspection_id, i.pk]),
        ),
        "code": string(gettext_lazy("编号")),
        "title": string(gettext_lazy("名称")),
        "criteria": string(gettext_lazy("测评标准")),
        "project": obj(
            HEADING,
            gettext_lazy("所属测评项目"),
            nullable=True,
            get=lambda i, r: i.parent.parent if i.parent else None,
        ),
        "content": obj(
            HEADING, gettext_lazy("所属测评内容"), nullable=True, get=lambda i, r: i.parent
        ),
        "points": number(gettext_lazy("分值"), get=lambda i, r: float(i.points)),
        "deduction_per_count": number(
            gettext_lazy("每处扣分；为空表示不合格扣全部分值（此时不合格须填问题处数）"),
            nullable=True,
            get=lambda i, r: i.deduction_per_count,
        ),
        "negative": string(
            gettext_lazy("负面清单：deduct 额外扣分；cap 封顶得分率；空字符串表示不是"),
            enum=tuple(Indicator.Negative.values),
        ),
        "verdict": string(
            gettext_lazy("结果：pass 合格；fail 不合格；na 不适用；未检查为空"),
            nullable=True,
            enum=tuple(ItemResult.Verdict.values),
            get=_saved("verdict"),
        ),
        "count": integer(gettext_lazy("问题处数"), get=_saved("count", 0)),
        "note": string(gettext_lazy("说明"), get=_saved("note", "")),
        "score": number(
            gettext_lazy("得分；提交后才有"),
            nullable=True,
            get=lambda i, r: i.result.score if i.result else None,
        ),
        "saved_at": moment(
            gettext_lazy("保存时间；未检查为空"), nullable=True, get=_saved("updated_at")
        ),
        "photos": array(ITEM_PHOTO, gettext_lazy("照片"), get=_photos),
        "case": obj(
            shapes.CASE,
            gettext_lazy("不合格时提交后生成的案件；没有为空"),
            nullable=True,
            get=_saved("case"),
        ),
    },
)

INSPECTION_DETAIL = Shape(
    "InspectionDetail",
    gettext_lazy("实地检查：检查清单及各条目的结果、进度、得分和另报的问题"),
    {
        **INSPECTION_FIELDS,
        "campaign": obj(ROUND_CAMPAIGN, get=lambda i, r: i.round.campaign),
        "items_total": integer(gettext_lazy("检查清单的条目数"), get=lambda i, r: len(i.items)),
        "items_done": integer(
            gettext_lazy("已检查的条目数"), get=lambda i, r: sum(1 for x in i.items if x.result)
        ),
        "editable": boolean(
            gettext_lazy("您能否修改（本次检查的督查人员、尚未提交）"), get=lambda i, r: i.editable
        ),
        "items": array(
            CHECKLIST_ITEM,
            gettext_lazy("检查清单：测评体系中适用于该点位类型的实地考察条目，按体系顺序"),
            get=lambda i, r: i.items,
        ),
        "extra_cases": array(
            shapes.CASE, gettext_lazy("另报的问题（清单以外）"), get=lambda i, r: i.extra
        ),
        "previous_cases": array(
            shapes.CASE,
            gettext_lazy(
                "此前检查在该点位发现、尚未办结的问题（只给本次检查的督查人员）；"
                "已处置的可用 /cases/{number}/actions/verify_pass 或 verify_fail 现场核查"
            ),
            get=lambda i, r: i.previous,
        ),
    },
)
SUBMISSION = Shape(
    "InspectionSubmission",
    gettext_lazy("提交的检查及生成的案件"),
    {
        "inspection": obj(INSPECTION_DETAIL, get=lambda s, r: s[0]),
        "cases": array(
            shapes.CASE,
            gettext_lazy("本次提交生成的案件：每个不合格条目一个，已立案并派遣"),
            get=lambda s, r: s[1],
        ),
    },
)


# Rounds


class RoundFilter(forms.Form):
    campaign = IdField(gettext_lazy("创建项目 id"))
    current = forms.BooleanField(label=gettext_lazy("只看今天在进行的轮次"), required=False)
    mine = forms.BooleanField(
        label=gettext_lazy("只看指定我为督查人员或未指定督查人员的轮次"), required=False
    )

    def rounds(self, rows, user):
        data = self.cleaned_data
        if data["campaign"]:
            rows = rows.filter(campaign_id=data["campaign"])
        if data["current"]:
            today = timezone.localdate()
            rows = rows.filter(start__lte=today, end__gte=today)
        if data["mine"]:
            rows = rows.open_to(user)
        return rows


@operation(
    "GET",
    "/rounds",
    summary=gettext_lazy("督查轮次列表"),
    tag="inspections",
    params=list_params(RoundFilter),
    response=ROUND_PAGE,
    errors=(403,),
    description=gettext_lazy(
        "与督查轮次页面相同：需要 inspections.view，只列出您范围内创建项目的轮次，开始日期新的在前。"
        "按游标翻页：把 next 作为 after 传回。"
    ),
)
def round_list(request):
    authz = request.authz
    authz.require("inspections.view")
    form = valid(RoundFilter(request.GET))
    rows = Round.objects.filter(pk__in=authz.restrict(Round.objects.all(), "inspections.view"))
    rows = form.rounds(rows, request.user).select_related("campaign")
    return page(request, rows.prefetch_related("inspectors"), ROUND_ORDER)


def _round(authz, pk) -> Round:
    authz.require("inspections.view")
    rows = Round.objects.select_related("campaign").prefetch_related("inspectors")
    return authz.get_object(rows, "inspections.view", pk=pk)


def _round_sites(authz, round: Round):
    return authz.restrict(rounds.sites_in_scope(round), "sites.view")


@operation(
    "GET",
    "/rounds/{round}",
    summary=gettext_lazy("督查轮次及其进度"),
    tag="inspections",
    params=(ROUND_ID,),
    response=ROUND_DETAIL,
    errors=(403, 404),
)
def round_detail(request, round):
    found = _round(request.authz, round)
    sites = _round_sites(request.authz, found)
    counts = Inspection.objects.filter(round=found, site__in=sites).aggregate(
        inspected=Count("pk"), submitted=Count("pk", filter=Q(status=SUBMITTED))
    )
    found.progress = {"sites": sites.count(), **counts}
    return found


@operation(
    "GET",
    "/rounds/{round}/sites",
    summary=gettext_lazy("本轮的点位及各点位的检查情况"),
    tag="inspections",
    params=(ROUND_ID, *PAGING),
    response=ROUND_SITE_PAGE,
    errors=(403, 404),
    description=gettext_lazy(
        "与轮次页面相同：本轮覆盖、在您范围内的点位，每个带本轮的检查（状态、督查人员、得分）"
        "和您能否在此开始检查。按游标翻页。"
    ),
)
def round_sites(request, round):
    authz = request.authz
    found = _round(authz, round)
    sites = _round_sites(authz, found).select_related("area")
    rows, cursor = page(request, sites, SITE_ORDER)
    for site in rounds.with_inspections(found, rows, authz):
        site.round_id = found.pk
        if site.inspection is not None:
            site.inspection.round, site.inspection.site = found, site
    return rows, cursor


@operation(
    "POST",
    "/rounds/{round}/sites/{site}/inspection",
    summary=gettext_lazy("开始或继续检查一个点位"),
    tag="inspections",
    params=(ROUND_ID, SITE_ID),
    response=INSPECTION_DETAIL,
    status=201,
    also=(200,),
    errors=(403, 404, 409),
    description=gettext_lazy(
        "与轮次页面的“开始检查”相同。新开始的检查返回 201；已有的检查（您自己的草稿，或已提交的）"
        "返回 200。需要 inspections.conduct，且本轮指定了督查人员时须是其中之一，否则 403；"
        "点位不在本轮或不在您范围内 404；他人正在检查该点位 409。"
    ),
)
def inspection_start(request, round, site):
    authz = request.authz
    found = _round(authz, round)
    try:
        inspection, created = submission.start(found, site, authz)
    except submission.Busy as busy:
        raise ApiError(409, busy) from None
    detail = _detail(request, inspection.pk)
    if created:
        return detail
    return JsonResponse(
        INSPECTION_DETAIL.dump(detail, request), json_dumps_params={"ensure_ascii": False}
    )


# Inspections


class InspectionFilter(forms.Form):
    round = IdField(gettext_lazy("督查轮次 id"))
    site = IdField(gettext_lazy("点位 id"))
    status = forms.ChoiceField(
        label=gettext_lazy("状态：draft 检查中；submitted 已提交"),
        required=False,
        choices=[("", ""), *Inspection.Status.choices],
    )
    mine = forms.BooleanField(label=gettext_lazy("只看我进行的检查"), required=False)

    def inspections(self, rows, user):
        data = self.cleaned_data
        if data["round"]:
            rows = rows.filter(round_id=data["round"])
        if data["site"]:
            rows = rows.filter(site_id=data["site"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["mine"]:
            rows = rows.filter(inspector=user)
        return rows


@operation(
    "GET",
    "/inspections",
    summary=gettext_lazy("实地检查列表"),
    tag="inspections",
    params=list_params(InspectionFilter),
    response=INSPECTION_PAGE,
    errors=(403,),
    description=gettext_lazy(
        "需要 inspections.view：您范围内点位的检查，以及您自己进行的检查，开始时间新的在前。"
        "按游标翻页。"
    ),
)
def inspection_list(request):
    authz = request.authz
    authz.require("inspections.view")
    form = valid(InspectionFilter(request.GET))
    rows = form.inspections(
        authz.restrict(Inspection.objects.all(), "inspections.view"), request.user
    )
    return page(request, rows.select_related("round", "site__area", "inspector"), NEWEST)


def _inspection(authz, pk, perm="inspections.view") -> Inspection:
    authz.require(perm)
    return authz.get_object(Inspection.objects.select_related(*INSPECTION_RELATED), perm, pk=pk)


def _detail(request, pk) -> Inspection:
    """The inspection with its checklist, each item's result, its cases and what one may do."""
    authz = request.authz
    inspection = _inspection(authz, pk)
    results = inspection.results.select_related(*(f"case__{name}" for name in CASE_ROW))
    saved = {r.indicator_id: r for r in results.prefetch_related("photos")}
    inspection.items = submission.checklist(inspection)
    for item in inspection.items:
        item.result, item.inspection_id = saved.get(item.pk), inspection.pk
    extra = inspection.extra_cases.select_related(*CASE_ROW).order_by("created_at", "pk")
    inspection.extra = list(extra)
    inspection.editable = submission.may_change(inspection, authz)
    inspection.previous = (
        list(open_cases(inspection.site, authz, exclude=inspection).select_related(*CASE_ROW))
        if inspection.editable
        else []
    )
    return inspection


@operation(
    "GET",
    "/inspections/{inspection}",
    summary=gettext_lazy("实地检查详情：检查清单、进度、得分和案件"),
    tag="inspections",
    params=(INSPECTION_ID,),
    response=INSPECTION_DETAIL,
    errors=(403, 404),
)
def inspection_detail(request, inspection):
    return _detail(request, inspection)


def _own(request, pk) -> Inspection:
    """The person's own inspection, for changing it: someone else's is 403."""
    inspection = _inspection(request.authz, pk, "inspections.conduct")
    submission.check_inspector(inspection, request.user)
    return inspection


def _files(data) -> MultiValueDict:
    return MultiValueDict({"photos": data.get("photos") or []})


def _fields(data) -> dict:
    return {k: v for k, v in data.items() if v is not None and k != "photos"}


def _refused(error: submission.Submitted) -> ApiError:
    return ApiError(409, error.messages[0])


ITEM_FIELDS = form_fields(ItemForm, skip=("photos",))
ITEM_REQUEST = Shape(
    "ItemRequest",
    gettext_lazy("一个条目的检查结果；照片以 multipart/form-data 提交，放在 photos 字段"),
    {name: ITEM_FIELDS[name] for name in ("verdict", "count", "note", "lat", "lng")},
    required=("verdict",),
)


@operation(
    "PUT",
    "/inspections/{inspection}/items/{indicator}",
    summary=gettext_lazy("保存一个条目的检查结果"),
    tag="inspections",
    params=(INSPECTION_ID, INDICATOR_ID),
    body=Body(ITEM_REQUEST, (JSON, MULTIPART), required=("verdict",), files=("photos",)),
    response=CHECKLIST_ITEM,
    errors=(403, 404, 409),
    description=gettext_lazy(
        "与检查页面逐项保存相同（页面的表单和 submission.save_item）：结果 verdict，"
        "不合格时问题处数 count（按处数扣分的条目必填）、说明 note，拍摄位置 lat/lng。"
        "再次保存会替换结果；照片累加。带照片时以 multipart/form-data 提交，照片放在 photos"
        "（JPEG、PNG、WebP，每次最多 %(n)s 张）。"
        "只有本次检查的督查人员可以保存（否则 403）；已提交返回 409；条目不在该检查的清单中 404。"
    )
    % {"n": MAX_PHOTOS},
)
def inspection_item(request, inspection, indicator):
    own = _own(request, inspection)
    item = submission.checklist_item(own, indicator)
    if item is None:
        raise Http404
    form = ItemForm(_fields(request.data), _files(request.data))
    if not form.is_valid():
        raise form_errors(form)
    try:
        result = form.save(own, item)
    except submission.Submitted as error:
        raise _refused(error) from None
    related = (f"case__{name}" for name in CASE_ROW)
    item.result = ItemResult.objects.select_related(*related).get(pk=result.pk)
    item.inspection_id = own.pk
    return item


@operation(
    "POST",
    "/inspections/{inspection}/submit",
    summary=gettext_lazy("提交检查结果：评分，不合格条目生成案件"),
    tag="inspections",
    params=(INSPECTION_ID,),
    response=SUBMISSION,
    errors=(400, 403, 404, 409),
    description=gettext_lazy(
        "与检查页面的“提交检查结果”相同（submission.submit）：计算得分，每个不合格条目生成一个案件，"
        "立即立案并派遣给责任单位。清单未检查完返回 400，fields.items 列出未检查的条目；"
        "已提交返回 409。"
    ),
)
def inspection_submit(request, inspection):
    own = _own(request, inspection)
    try:
        opened = submission.submit(own)
    except submission.Submitted as error:
        raise _refused(error) from None
    except submission.Incomplete as error:
        missing = [f"{item.code} {item.title}" for item in error.missing]
        raise ApiError.invalid({"items": missing}, error.messages[0]) from None
    cases = Case.objects.filter(pk__in=[case.pk for case in opened]).select_related(*CASE_ROW)
    return _detail(request, own.pk), list(cases.order_by("number"))


PROBLEM_FIELDS = form_fields(ProblemForm, skip=("photos",))
PROBLEM_REQUEST = Shape(
    "ProblemRequest",
    gettext_lazy("清单以外发现的问题；照片以 multipart/form-data 提交，放在 photos 字段"),
    {
        "category": string(
            gettext_lazy("问题类别的 5 位代码（见 /categories）"), extra={"maxLength": 20}
        ),
        **{name: PROBLEM_FIELDS[name] for name in ("description", "lat", "lng")},
    },
    required=("category", "description"),
)


def _problem_data(data) -> dict:
    """The problem's fields for the page's ProblemForm, which takes a category by id."""
    fields = _fields(data)
    code = str(fields.get("category") or "").strip()
    if code:
        category = category_from(code)
        if category is None:
            message = _("没有代码为 %(c)s 的问题类别，请查看 /categories。") % {"c": code}
            raise ApiError.invalid({"category": [message]})
        fields["category"] = category.pk
    return fields


@operation(
    "POST",
    "/inspections/{inspection}/problems",
    summary=gettext_lazy("另报问题（清单以外）"),
    tag="inspections",
    params=(INSPECTION_ID,),
    body=Body(
        PROBLEM_REQUEST,
        (JSON, MULTIPART),
        required=("category", "description"),
        files=("photos",),
    ),
    response=shapes.CASE,
    status=201,
    errors=(403, 404, 409),
    description=gettext_lazy(
        "与检查页面的“另报问题”相同：在该点位生成一个案件，立即立案并派遣，记入本次检查的另报问题。"
        "只有本次检查的督查人员在提交前可以另报（否则 403；已提交 409）。"
    ),
)
def inspection_problem(request, inspection):
    own = _own(request, inspection)
    form = ProblemForm(_problem_data(request.data), _files(request.data), prefix="")
    if not form.is_valid():
        raise form_errors(form)
    try:
        case = form.save(own)
    except submission.Submitted as error:
        raise _refused(error) from None
    return own.extra_cases.select_related(*CASE_ROW).get(pk=case.pk)


@operation(
    "GET",
    "/inspections/{inspection}/photos/{photo}",
    summary=gettext_lazy("检查照片文件"),
    tag="inspections",
    params=(INSPECTION_ID, PHOTO_ID),
    binary="image/jpeg",
    errors=(403, 404),
)
def inspection_photo(request, inspection, photo):
    found = _inspection(request.authz, inspection)
    item_photo = ItemPhoto.objects.filter(result__inspection=found, pk=photo).first()
    if item_photo is None:
        raise Http404
    return file_response(item_photo.image)
