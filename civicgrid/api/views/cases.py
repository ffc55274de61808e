"""Cases: the list with the 问题清单 page's own filters, reporting, the case with its
timeline, workflow steps through `workflow.take`, and photos.

Like every API view: `request.authz` (the token's person) is used as the pages use it,
`restrict` for lists and `get_object` for one object (404 out of scope, 403 without the
permission). Views return objects; the operation's shape turns them into JSON.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.api import shapes
from civicgrid.api.errors import ApiError, form_errors
from civicgrid.api.fields import Shape, array, form_fields, integer, string
from civicgrid.api.files import file_response
from civicgrid.api.operations import JSON, MULTIPART, Body, Param, operation
from civicgrid.api.paging import AFTER, LIMIT, limit
from civicgrid.areas.models import Department
from civicgrid.cases import workflow
from civicgrid.cases.filters import QUEUES, CaseFilter, page_of
from civicgrid.cases.forms import MAX_PHOTOS, PhotosField, ReportForm, StepForm, proposed_unit
from civicgrid.cases.models import FINISHED, Case, CasePhoto, Source, State
from civicgrid.cases.views import DETAIL_RELATED, listed
from civicgrid.people.models import Role

MIN_YEAR, MAX_YEAR = 1900, 2999

NUMBER = Param("number", string(gettext_lazy("案件编号，如 2026-000123")), "path", True)
# Cases


class ApiCaseFilter(CaseFilter):
    """The case list's own filters, with dates kept to years a case can have."""

    def clean_created_from(self):
        return _plausible(self.cleaned_data["created_from"])

    def clean_created_to(self):
        return _plausible(self.cleaned_data["created_to"])


def _plausible(day):
    if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
        raise forms.ValidationError(
            _("请填写 %(a)s 至 %(b)s 年之间的日期。") % {"a": MIN_YEAR, "b": MAX_YEAR}
        )
    return day


CASE_FILTERS = form_fields(
    ApiCaseFilter,
    enums={"queue": list(QUEUES), "state": ["open", *State.values]},
)


@operation(
    "GET",
    "/cases",
    summary=gettext_lazy("案件列表（与问题清单页面相同的筛选）"),
    tag="cases",
    params=(
        *(Param(name, f) for name, f in CASE_FILTERS.items()),
        AFTER,
        LIMIT,
    ),
    response=shapes.CASE_PAGE,
    errors=(404,),
    description=gettext_lazy(
        "只列出您范围内的案件，新的在前。按游标翻页：把 next 作为 after 传回；无法识别的游标从第一页开始。"
        "area 为您范围外的区域时返回 404，与页面一致。"
    ),
)
def case_list(request):
    form = ApiCaseFilter(request.GET, request.authz)
    if not form.is_valid():
        raise form_errors(form)
    cases = listed(form.cases())
    return page_of(cases, request.GET.get("after"), limit(request))


REPORT_FIELDS = form_fields(
    ReportForm,
    skip=("photos",),
    enums={"source": [s for s in Source.values if s != Source.RESIDENT]},
)
CASE_REQUEST = Shape(
    "CaseRequest",
    gettext_lazy("上报一个问题（照片随后用 POST /cases/{number}/photos 补充）"),
    {
        **REPORT_FIELDS,
        "category": string(
            gettext_lazy("问题类别的 5 位代码（见 /categories）"), extra={"maxLength": 20}
        ),
        "source": string(
            gettext_lazy("来源，默认 patrol 巡查上报"),
            enum=tuple(s for s in Source.values if s != Source.RESIDENT),
        ),
    },
    required=("category", "description", "lat", "lng"),
)


class ApiReportForm(ReportForm):
    """The report form, with where-errors put on lat and lng, where the API client sent them."""

    def clean(self):
        data = super().clean()
        for error in self.errors.pop(forms.forms.NON_FIELD_ERRORS, []):
            for name in ("lat", "lng"):
                self.add_error(name, error)
        return data


@operation(
    "POST",
    "/cases",
    summary=gettext_lazy("上报案件"),
    tag="cases",
    body=Body(CASE_REQUEST, required=CASE_REQUEST.required),
    response=shapes.CASE_DETAIL,
    status=201,
    errors=(403,),
    description=gettext_lazy("需要 cases.report 权限。新案件状态为“待立案”。"),
)
def case_create(request):
    request.authz.require("cases.report")
    data = {"source": Source.PATROL, **request.data}
    form = ApiReportForm({k: v for k, v in data.items() if v is not None})
    if not form.is_valid():
        raise form_errors(form)
    return _detail(request, form.report(request.user).number)


@operation(
    "GET",
    "/cases/{number}",
    summary=gettext_lazy("案件详情：时间线、照片、可执行的操作"),
    tag="cases",
    params=(NUMBER,),
    response=shapes.CASE_DETAIL,
    errors=(404,),
)
def case_detail(request, number):
    return _detail(request, number)


def _detail(request, number) -> Case:
    authz = request.authz
    case = authz.get_object(
        Case.objects.select_related(*DETAIL_RELATED), "cases.view", number=number
    )
    photos = list(case.photos.all())
    by_event: dict[int, list] = {}
    for photo in photos:
        photo.case = case
        by_event.setdefault(photo.event_id, []).append(photo)
    events = list(case.events.select_related("by"))
    for event in events:
        event.photo_list = by_event.get(event.pk, [])
    request.full_reporter = authz.may("cases.reporter", case)
    case.photo_list, case.event_list = photos, events
    case.steps = workflow.available_steps(case, authz)
    return case


ACTION_REQUEST = Shape(
    "ActionRequest",
    gettext_lazy("执行一个操作所需的内容；各操作需要哪些见案件详情 actions[].needs"),
    {
        "version": integer(gettext_lazy("案件详情中的 version；已被他人改动时返回 409")),
        "note": string(
            gettext_lazy("说明或理由（needs 含 reason 时必填）"), extra={"maxLength": 2000}
        ),
        "department": string(gettext_lazy("派遣：承办部门编码（见 /departments）")),
        "unit": string(
            gettext_lazy("派遣：不派部门时，由所在社区或网格负责"),
            enum=(Role.COMMUNITY.value, Role.GRID_WORKER.value),
        ),
        "deadline": string(
            gettext_lazy("申请延期：新的期限，ISO 8601，如 2026-05-01T17:30:00+08:00"),
            format="date-time",
        ),
        "closure": string(gettext_lazy("特殊结案：结案类型"), enum=("special", "erroneous")),
        "duplicate_of": string(gettext_lazy("合并：重复于哪个案件（编号）")),
    },
    required=(),
)


@operation(
    "POST",
    "/cases/{number}/actions/{action}",
    summary=gettext_lazy("执行一步流程（立案、派遣、处置反馈、核查……）"),
    tag="cases",
    params=(
        NUMBER,
        Param("action", string(gettext_lazy("操作代码"), enum=tuple(workflow.STEPS)), "path", True),
    ),
    body=Body(ACTION_REQUEST, (JSON, MULTIPART), files=("photos",)),
    response=shapes.CASE_DETAIL,
    errors=(403, 404, 409),
    description=gettext_lazy(
        "处置反馈（handle）须附处置后照片，核查（verify_pass/verify_fail）可附核查照片："
        "这两类请以 multipart/form-data 提交，照片放在 photos 字段。"
        "状态已变或 version 过期返回 409；无权返回 403；字段有误返回 400。"
    ),
)
def case_action(request, number, action):
    authz = request.authz
    case = authz.get_object(
        Case.objects.select_related(*DETAIL_RELATED), "cases.view", number=number
    )
    step = workflow.STEPS.get(action)
    if step is None:
        raise Http404
    if not authz.may(step.perm, case):
        raise PermissionDenied(_("您无权对该案件执行“%(step)s”。") % {"step": step.label})
    data = request.data
    form = StepForm(step, case, authz, _step_data(step, case, data), _files(data), prefix="")
    if not form.is_valid():
        raise form_errors(form)
    details = form.details()
    try:
        workflow.take(
            case,
            step.action,
            authz,
            version=_version(data),
            note=form.cleaned_data["note"],
            photos=form.cleaned_data.get("photos", []),
            **details,
        )
    except ValidationError as error:
        raise ApiError.from_validation(error) from None
    return _detail(request, number)


def _step_data(step, case, data) -> dict:
    fields = {k: data[k] for k in ("note", "deadline", "duplicate_of", "closure") if data.get(k)}
    if "unit" in step.needs:
        fields["unit"] = _unit(case, data)
    return fields


def _unit(case, data) -> str:
    code = (data.get("department") or "").strip()
    if code:
        department = Department.objects.filter(code=code, is_active=True).first()
        if department is None:
            raise ApiError.invalid({"department": [_("没有编码为 %(c)s 的部门。") % {"c": code}]})
        return f"department-{department.pk}"
    return data.get("unit") or proposed_unit(case)


def _files(data) -> MultiValueDict:
    return MultiValueDict({"photos": data.get("photos") or []})


def _version(data) -> int | None:
    value = data.get("version")
    if value in (None, ""):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    raise ApiError.invalid({"version": [_("应为案件详情中的整数 version。")]})


PHOTOS_REQUEST = Shape(
    "PhotosRequest",
    gettext_lazy("补充的现场照片"),
    {
        "photos": array(
            string(format="binary"),
            gettext_lazy("照片文件（JPEG、PNG、WebP），最多 %(n)s 张") % {"n": MAX_PHOTOS},
        )
    },
    required=("photos",),
)


@operation(
    "POST",
    "/cases/{number}/photos",
    summary=gettext_lazy("上报人补充处置前照片"),
    tag="cases",
    params=(NUMBER,),
    body=Body(PHOTOS_REQUEST, (MULTIPART,), required=("photos",), files=("photos",)),
    response=shapes.CASE_DETAIL,
    status=201,
    errors=(403, 404, 409),
    description=gettext_lazy(
        "只有上报人可以在案件办结前补充处置前（现场）照片，合计最多 %(n)s 张，归入上报这一步。"
        "处置后照片随处置反馈（handle）、核查照片随核查操作提交。"
    )
    % {"n": MAX_PHOTOS},
)
def case_photos(request, number):
    case = request.authz.get_object(Case.objects.all(), "cases.view", number=number)
    if case.reported_by_id != request.user.pk:
        raise PermissionDenied(_("只有上报人可以补充现场照片。"))
    if case.state in FINISHED:
        raise workflow.Conflict(_("案件已办结，不能再补充照片。"))
    try:
        photos = PhotosField(required=True).clean(request.data.get("photos") or [])
    except ValidationError as error:
        raise ApiError.from_validation(error, "photos") from None
    before = case.photos.filter(kind=CasePhoto.Kind.BEFORE).count()
    if before + len(photos) > MAX_PHOTOS:
        message = _("现场照片最多 %(n)s 张，已有 %(m)s 张。") % {"n": MAX_PHOTOS, "m": before}
        raise ApiError.invalid({"photos": [message]})
    report = case.events.filter(action="report").first()
    for upload in photos:
        CasePhoto.objects.create(case=case, event=report, kind=CasePhoto.Kind.BEFORE, image=upload)
    return _detail(request, number)


PHOTO = Param("photo", integer(gettext_lazy("照片 id")), "path", True)


def _photo_file(request, number, photo_id: int, thumbnail: bool):
    case = request.authz.get_object(Case.objects.all(), "cases.view", number=number)
    photo = CasePhoto.objects.filter(case=case, pk=photo_id).first()
    if photo is None:
        raise Http404
    return file_response(photo.thumbnail if thumbnail and photo.thumbnail else photo.image)


@operation(
    "GET",
    "/cases/{number}/photos/{photo}",
    summary=gettext_lazy("照片文件"),
    tag="cases",
    params=(NUMBER, PHOTO),
    binary="image/jpeg",
    errors=(404,),
    name="case_photo",
)
def case_photo(request, number, photo):
    return _photo_file(request, number, photo, thumbnail=False)


@operation(
    "GET",
    "/cases/{number}/photos/{photo}/thumbnail",
    summary=gettext_lazy("照片缩略图（尚未生成时为原图）"),
    tag="cases",
    params=(NUMBER, PHOTO),
    binary="image/jpeg",
    errors=(404,),
    name="case_photo_thumbnail",
)
def case_photo_thumbnail(request, number, photo):
    return _photo_file(request, number, photo, thumbnail=True)
