"""Ledgers (台账): the types a person sees with their fields, entries in the person's scope
with the 台账记录 page's filters, recording and changing entries through the pages' own
EntryForm, one entry with its files and history, and the files themselves.

Values are shown as the entry page shows them: a field marked 打码 is masked unless the
person records where the entry lies (`may_edit`). Errors on a value are named
`values.<key>`; errors on a photo or attachment field are named by its key, the name its
files are uploaded under.
"""

import json

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
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
    obj,
    string,
)
from civicgrid.api.files import file_response
from civicgrid.api.operations import JSON, MULTIPART, Body, Param, operation
from civicgrid.api.paging import PAGING, list_params, page
from civicgrid.ledgers import entries
from civicgrid.ledgers.forms import (
    FIELD_PREFIX,
    EntryFilter,
    EntryForm,
    ledger_for,
    records_in,
    types_for,
)
from civicgrid.ledgers.models import FILE_KINDS, FieldKind, LedgerEntry, LedgerFile
from civicgrid.lib.keyset import Keyset

TYPE_PAGES = Keyset("name", "pk")

LEDGER = Param("ledger", integer(gettext_lazy("台账类型 id")), "path", True)
ENTRY = Param("entry", integer(gettext_lazy("台账记录 id")), "path", True)
FILE = Param("file", integer(gettext_lazy("文件 id（见记录详情的 files）")), "path", True)


def _file_keys(ledger) -> set[str]:
    return {f["key"] for f in ledger.fields if f["kind"] in FILE_KINDS}


# Ledger types

LEDGER_FIELD = Shape(
    "LedgerField",
    gettext_lazy("台账类型的一个字段"),
    {
        "key": string(gettext_lazy("字段代码：记录 values 中的键；照片和附件上传时的字段名")),
        "label": string(gettext_lazy("名称"), get=lambda f, r: f.get("label") or f["key"]),
        "kind": string(
            gettext_lazy(
                "类型：number 数字、text 文字、date 日期、choice 选项、photo 照片、attachment 附件"
            ),
            enum=tuple(FieldKind.values),
        ),
        "required": boolean(gettext_lazy("必填"), get=lambda f, r: bool(f.get("required"))),
        "choices": array(
            string(),
            gettext_lazy("可选的值（choice 字段）"),
            get=lambda f, r: [str(c) for c in f.get("choices") or ()],
        ),
        "unit": string(
            gettext_lazy("单位（数字字段）；没有时为空"), get=lambda f, r: f.get("unit") or ""
        ),
        "masked": boolean(
            gettext_lazy("打码：没有录入权限的人看到的姓名已脱敏"),
            get=lambda f, r: bool(f.get("masked")),
        ),
    },
)

LEDGER_TYPE = Shape(
    "Ledger",
    gettext_lazy("台账类型及其字段"),
    {
        "id": integer(gettext_lazy("台账类型 id"), get=lambda t, r: t.pk),
        "code": string(gettext_lazy("代码（在街道内唯一）")),
        "name": string(gettext_lazy("名称")),
        "description": string(gettext_lazy("说明")),
        "street": obj(shapes.AREA_REF, gettext_lazy("所属街道")),
        "campaign": integer(
            gettext_lazy("所属创建项目的 id；不属于项目时为空"),
            nullable=True,
            get=lambda t, r: t.campaign_id,
        ),
        "campaign_name": string(
            gettext_lazy("所属创建项目的名称"),
            nullable=True,
            get=lambda t, r: t.campaign.name if t.campaign_id else None,
        ),
        "is_active": boolean(gettext_lazy("启用；停用的类型不能新增记录")),
        "may_record": boolean(
            gettext_lazy("您现在能否向该台账新增记录（已启用且您在其街道内录入）")
        ),
        "fields": array(LEDGER_FIELD, gettext_lazy("字段，按填写顺序")),
        "url": string(
            gettext_lazy("本接口中该台账类型的地址"),
            get=lambda t, r: reverse("api:ledger_detail", args=[t.pk]),
        ),
        "entries_url": string(
            gettext_lazy("该台账的记录（GET 列表，POST 新增）"),
            get=lambda t, r: reverse("api:ledger_entry_list", args=[t.pk]),
        ),
        "web_url": string(
            gettext_lazy("台账类型页面的地址"), get=lambda t, r: t.get_absolute_url()
        ),
    },
)
LEDGER_PAGE = shapes.page(LEDGER_TYPE, "LedgerPage", gettext_lazy("一页台账类型，按名称排列"))


class TypeFilter(forms.Form):
    """The filters of the ledger type list."""

    campaign = IdField(gettext_lazy("只看该创建项目的台账（项目 id）"))
    active = forms.ChoiceField(
        label=gettext_lazy("true 只看启用的；false 只看停用的"),
        required=False,
        choices=[("", ""), ("true", "true"), ("false", "false")],
    )


@operation(
    "GET",
    "/ledgers",
    summary=gettext_lazy("您能看到的台账类型及其字段"),
    tag="ledgers",
    params=list_params(TypeFilter),
    response=LEDGER_PAGE,
    errors=(403,),
    description=gettext_lazy(
        "与台账页面相同：您所在街道的台账类型（网格员、社区看到所在街道的，区级角色看到下属街道的）。"
        "may_record 表示您现在能否新增记录。需要 ledgers.view 权限。按游标翻页。"
    ),
)
def ledger_list(request):
    authz = request.authz
    authz.require("ledgers.view")
    form = TypeFilter(request.GET)
    if not form.is_valid():
        raise form_errors(form)
    types = types_for(authz)
    if campaign := form.cleaned_data["campaign"]:
        types = types.filter(campaign_id=campaign)
    if active := form.cleaned_data["active"]:
        types = types.filter(is_active=active == "true")
    found, cursor = page(request, types, TYPE_PAGES)
    recording = types_for(authz, "ledgers.record").filter(pk__in=[t.pk for t in found])
    recording = set(recording.values_list("pk", flat=True))
    for ledger in found:
        ledger.may_record = ledger.is_active and ledger.pk in recording
    return found, cursor


@operation(
    "GET",
    "/ledgers/{ledger}",
    summary=gettext_lazy("一个台账类型及其字段"),
    tag="ledgers",
    params=(LEDGER,),
    response=LEDGER_TYPE,
    errors=(403, 404),
)
def ledger_detail(request, ledger):
    authz = request.authz
    authz.require("ledgers.view")
    ledger = ledger_for(authz, ledger)
    ledger.may_record = ledger.is_active and records_in(authz, ledger)
    return ledger


# Entries


def _values(entry, request) -> dict:
    """The entry's values as stored, a masked field masked as the entry page masks it."""
    values = {}
    for field in entry.ledger.fields:
        value = entry.values.get(field["key"])
        if value is None or field["kind"] in FILE_KINDS:
            continue
        values[field["key"]] = (
            entries.shown(field, value, entry.may_edit) if field.get("masked") else value
        )
    return values


ENTRY_FIELDS = {
    "id": integer(gettext_lazy("台账记录 id"), get=lambda e, r: e.pk),
    "url": string(
        gettext_lazy("本接口中该记录的地址"),
        get=lambda e, r: reverse("api:ledger_entry_detail", args=[e.ledger_id, e.pk]),
    ),
    "web_url": string(
        gettext_lazy("记录页面的地址"), get=lambda e, r: reverse("ledgers:entry", args=[e.pk])
    ),
    "ledger": integer(gettext_lazy("台账类型 id"), get=lambda e, r: e.ledger_id),
    "area": obj(shapes.AREA_REF, gettext_lazy("区域")),
    "date": string(gettext_lazy("日期"), format="date"),
    "values": Field(
        "object",
        gettext_lazy(
            "各字段的值，键为字段代码：数字为 JSON 数字，日期为 YYYY-MM-DD，其余为字符串；"
            "未填的字段不出现；打码字段在您无权录入该处时已脱敏"
        ),
        get=_values,
        extra={"additionalProperties": {"type": ["string", "number"]}},
    ),
    "created_by": string(gettext_lazy("记录人"), get=lambda e, r: str(e.created_by)),
    "created_at": moment(gettext_lazy("记录时间")),
    "updated_at": moment(gettext_lazy("最后修改时间")),
    "version": integer(gettext_lazy("版本号：修改时带上，以免覆盖他人的改动")),
    "may_edit": boolean(gettext_lazy("您能否修改这条记录（也决定打码字段是否脱敏）")),
}
ENTRY_ITEM = Shape("LedgerEntry", gettext_lazy("台账记录（台账中的一行）"), ENTRY_FIELDS)
ENTRY_PAGE = shapes.page(ENTRY_ITEM, "LedgerEntryPage", gettext_lazy("一页台账记录，日期新的在前"))

LEDGER_FILE = Shape(
    "LedgerFile",
    gettext_lazy("记录的照片或附件"),
    {
        "id": integer(gettext_lazy("文件 id"), get=lambda f, r: f.pk),
        "key": string(gettext_lazy("所属字段的代码")),
        "name": string(gettext_lazy("文件名"), get=lambda f, r: f.basename),
        "url": string(
            gettext_lazy("文件（需带令牌）"),
            get=lambda f, r: reverse(
                "api:ledger_entry_file", args=[f.entry.ledger_id, f.entry_id, f.pk]
            ),
        ),
        "uploaded_at": moment(gettext_lazy("上传时间")),
    },
)
CHANGE_ROW = Shape(
    "LedgerChangeRow",
    gettext_lazy("一处改动：改了什么，改前，改后（按您的权限脱敏）"),
    {
        "what": string(gettext_lazy("区域编码、日期或字段名称"), get=lambda row, r: row[0]),
        "before": string(gettext_lazy("改前；空字符串表示原来没有"), get=lambda row, r: row[1]),
        "after": string(gettext_lazy("改后；空字符串表示已清空"), get=lambda row, r: row[2]),
    },
)
ENTRY_CHANGE = Shape(
    "LedgerEntryChange",
    gettext_lazy("修改记录的一行"),
    {
        "kind": string(
            gettext_lazy("created 新增；changed 修改"),
            enum=("created", "changed"),
            get=lambda c, r: "changed" if c.before else "created",
        ),
        "by": string(gettext_lazy("操作人"), get=lambda c, r: str(c.by)),
        "at": moment(gettext_lazy("时间")),
        "changes": array(
            CHANGE_ROW,
            gettext_lazy("改了哪些（新增时为空）"),
            get=lambda c, r: c.rows if c.before else [],
        ),
    },
)
ENTRY_DETAIL = Shape(
    "LedgerEntryDetail",
    gettext_lazy("台账记录详情：值、照片和附件、修改记录"),
    {
        **ENTRY_FIELDS,
        "files": array(
            LEDGER_FILE, gettext_lazy("照片和附件，按上传先后"), get=lambda e, r: e.file_list
        ),
        "history": array(
            ENTRY_CHANGE, gettext_lazy("修改记录，先早后晚"), get=lambda e, r: e.history
        ),
    },
)

ENTRY_FILTERS = form_fields(EntryFilter, skip=("ledger",))


@operation(
    "GET",
    "/ledgers/{ledger}/entries",
    summary=gettext_lazy("台账记录列表（与台账记录页面相同的筛选）"),
    tag="ledgers",
    params=(LEDGER, *(Param(name, f) for name, f in ENTRY_FILTERS.items()), *PAGING),
    response=ENTRY_PAGE,
    errors=(403, 404),
    description=gettext_lazy(
        "只列出您范围内的记录，日期新的在前，按游标翻页。area 含下级区域；"
        "area 为您范围外的区域时返回 404，与页面一致。"
    ),
)
def ledger_entry_list(request, ledger):
    authz = request.authz
    authz.require("ledgers.view")
    ledger = ledger_for(authz, ledger)
    query = {name: request.GET[name] for name in ENTRY_FILTERS if name in request.GET}
    form = EntryFilter(query, authz, LedgerEntry.objects.filter(ledger=ledger).restrict(authz))
    if not form.is_valid():
        raise form_errors(form)
    rows = form.entries().select_related("area", "created_by")
    found, cursor = page(request, rows, entries.PAGES)
    mine = LedgerEntry.objects.filter(pk__in=[e.pk for e in found])
    editable = set(mine.restrict(authz, "ledgers.record").values_list("pk", flat=True))
    for entry in found:
        entry.ledger, entry.may_edit = ledger, entry.pk in editable
    return found, cursor


def _entries(ledger):
    return LedgerEntry.objects.filter(ledger__pk=ledger).select_related(*entries.RELATED)


def _detail(request, ledger, pk) -> LedgerEntry:
    authz = request.authz
    entry = authz.get_object(_entries(ledger), "ledgers.view", pk=pk)
    entry.may_edit = authz.may("ledgers.record", entry)
    entry.file_list = list(entry.files.order_by("pk"))
    for item in entry.file_list:
        item.entry = entry
    entry.history = entries.history(entry, entry.may_edit)
    return entry


@operation(
    "GET",
    "/ledgers/{ledger}/entries/{entry}",
    summary=gettext_lazy("台账记录详情：值、照片和附件、修改记录"),
    tag="ledgers",
    params=(LEDGER, ENTRY),
    response=ENTRY_DETAIL,
    errors=(404,),
)
def ledger_entry_detail(request, ledger, entry):
    return _detail(request, ledger, entry)


VALUES = Field(
    "object",
    gettext_lazy(
        "各字段的值，键为字段代码（见台账类型的 fields）：数字、文字、日期（YYYY-MM-DD）或选项；"
        "null 或空字符串表示不填。以 multipart/form-data 提交时，values 为这一对象的 JSON 文本，"
        "照片和附件放在以字段代码命名的文件字段中"
    ),
    extra={"additionalProperties": {"type": ["string", "number", "null"]}},
)
AREA = string(
    gettext_lazy("区域编码：台账所在街道内、您录入的网格、社区等"), extra={"maxLength": 20}
)
DATE = string(gettext_lazy("日期，如 2026-03-15，不晚于今天"), format="date")
ENTRY_REQUEST = Shape(
    "LedgerEntryRequest",
    gettext_lazy("新增一条台账记录"),
    {"area": AREA, "date": DATE, "values": VALUES},
    required=("area", "date"),
)
ENTRY_CHANGE_REQUEST = Shape(
    "LedgerEntryChangeRequest",
    gettext_lazy("修改一条台账记录：只需带上要改的部分"),
    {
        "version": integer(gettext_lazy("记录详情中的 version；已被他人改动时返回 409")),
        "area": AREA,
        "date": DATE,
        "values": VALUES,
        "remove": array(integer(), gettext_lazy("要删除的文件 id（见记录详情的 files）")),
    },
    required=("version",),
)


class ApiEntryForm(EntryForm):
    """The entry form, with the area given by its code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        area.to_field_name = "code"
        area.error_messages["invalid_choice"] = _(
            "没有这个区域编码，或该区域不在本台账的街道内、不由您录入。"
        )

    def api_errors(self) -> ApiError:
        """The form's errors named as the request names them: values.<key>, or the key of
        a photo or attachment field."""
        files = _file_keys(self.ledger)
        named = {}
        for name, messages in self.errors.items():
            if name.startswith(FIELD_PREFIX):
                key = name.removeprefix(FIELD_PREFIX)
                name = key if key in files else f"values.{key}"
            named[name] = list(messages)
        return ApiError.invalid(named)


def _submitted(request, ledger, shape: Shape) -> tuple[dict, MultiValueDict]:
    """The request's fields and its files by field key, read from JSON or multipart alike;
    400 naming every field that cannot be read."""
    data, errors = dict(request.data), {}
    uploads = MultiValueDict()
    if request.content_type == MULTIPART:
        parts, files = request.POST, request.FILES  # read by the wrapper for PATCH too
        data = _multipart(parts, shape, errors)
        for key in files:
            if key in _file_keys(ledger):
                uploads.setlist(FIELD_PREFIX + key, files.getlist(key))
            else:
                errors[key] = [_("该台账没有这个照片或附件字段。")]
    values = data.get("values") or {}
    for key, value in values.items():
        if error := _value_error(ledger, key, value):
            errors[f"values.{key}"] = [error]
    for pk in data.get("remove") or ():
        if not isinstance(pk, int) or isinstance(pk, bool):
            errors["remove"] = [_("应为文件 id（整数）的数组。")]
    if errors:
        raise ApiError.invalid(errors)
    return data, uploads


def _multipart(parts, shape: Shape, errors: dict) -> dict:
    data = {}
    for name in parts:
        text = parts.get(name)
        if name not in shape.fields:
            errors[name] = [_("未知字段。")]
        elif "\x00" in text:
            errors[name] = [_("不能包含空字符（\\x00）。")]
        elif name == "version":
            data[name] = _integer(text)
        elif name == "remove":
            data[name] = [_integer(t) for t in parts.getlist(name)]
        elif name == "values":
            data[name] = _json_object(text, errors)
        else:
            data[name] = text
    return data


def _integer(text: str) -> int | str:
    """A multipart part holding a whole number as that number; anything else as it is."""
    return int(text) if text.isascii() and text.isdigit() else text


def _json_object(text: str, errors: dict) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        errors["values"] = [_('应为 JSON 对象的文本，如 {"attendees": 40}。')]
        return {}
    return value


def _value_error(ledger, key, value) -> str | None:
    field = ledger.field(key)
    if field is None:
        return _("该台账没有这个字段。")
    if field["kind"] in FILE_KINDS:
        return _("照片和附件请以 multipart/form-data 上传，文件字段名为 %(key)s。") % {"key": key}
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        return _("应为字符串或数字。")
    if isinstance(value, str) and "\x00" in value:
        return _("不能包含空字符（\\x00）。")
    return None


def _form_data(ledger, data: dict, entry: LedgerEntry | None = None) -> dict:
    """What the entry form reads: the sent parts over the entry as it is (for a change)."""
    values = dict(entry.values) if entry else {}
    values.update(data.get("values") or {})
    form = {
        "area": data.get("area", entry.area.code if entry else ""),
        "date": data.get("date", entry.date.isoformat() if entry else ""),
        "remove": [str(pk) for pk in data.get("remove") or ()],
    }
    for field in ledger.fields:
        value = values.get(field["key"])
        if value is not None and field["kind"] not in FILE_KINDS:
            form[FIELD_PREFIX + field["key"]] = str(value)
    return form


@operation(
    "POST",
    "/ledgers/{ledger}/entries",
    summary=gettext_lazy("新增一条台账记录"),
    tag="ledgers",
    params=(LEDGER,),
    body=Body(ENTRY_REQUEST, (JSON, MULTIPART), required=ENTRY_REQUEST.required),
    response=ENTRY_DETAIL,
    status=201,
    errors=(403, 404, 409, 413),
    description=gettext_lazy(
        "与新增记录页面相同：需要在台账所在街道内录入（ledgers.record）；由与页面相同的表单检查，"
        "字段有误返回 400，值的错误以 values.<字段代码> 命名，照片和附件的错误以字段代码命名。"
        "照片和附件请以 multipart/form-data 提交。台账类型已停用时返回 409。"
    ),
)
def ledger_entry_create(request, ledger):
    authz = request.authz
    authz.require("ledgers.record")
    ledger = ledger_for(authz, ledger, "ledgers.record")
    try:
        entries.check_active(ledger)
    except entries.Inactive as inactive:
        raise ApiError(409, str(inactive)) from None
    data, uploads = _submitted(request, ledger, ENTRY_REQUEST)
    form = ApiEntryForm(ledger, authz, _form_data(ledger, data), uploads)
    if not form.is_valid():
        raise form.api_errors()
    entry = form.record(request.user)
    return _detail(request, ledger.pk, entry.pk)


@operation(
    "PATCH",
    "/ledgers/{ledger}/entries/{entry}",
    summary=gettext_lazy("修改一条台账记录"),
    tag="ledgers",
    params=(LEDGER, ENTRY),
    body=Body(ENTRY_CHANGE_REQUEST, (JSON, MULTIPART), required=("version",)),
    response=ENTRY_DETAIL,
    errors=(403, 404, 409, 413),
    description=gettext_lazy(
        "与修改记录页面相同：需要在记录所在区域录入（ledgers.record）。只需带上要改的部分和 version；"
        "values 中未带的字段保持原样，null 表示清空。新照片和附件以 multipart/form-data 上传"
        "（追加），remove 列出要删除的文件。version 过期返回 409；有改动时写入一行修改记录。"
    ),
)
def ledger_entry_update(request, ledger, entry):
    authz = request.authz
    entry = authz.get_object(_entries(ledger), "ledgers.record", pk=entry)
    data, uploads = _submitted(request, entry.ledger, ENTRY_CHANGE_REQUEST)
    version = data.get("version")
    if not isinstance(version, int):
        raise ApiError.invalid({"version": [_("请带上记录详情中的整数 version。")]})
    form = ApiEntryForm(entry.ledger, authz, _form_data(entry.ledger, data, entry), uploads, entry)
    if not form.is_valid():
        raise form.api_errors()
    try:
        form.update(request.user, version)
    except entries.Conflict as conflict:
        raise ApiError(409, str(conflict)) from None
    return _detail(request, ledger, entry.pk)


@operation(
    "GET",
    "/ledgers/{ledger}/entries/{entry}/files/{file}",
    summary=gettext_lazy("记录的照片或附件文件"),
    tag="ledgers",
    params=(LEDGER, ENTRY, FILE),
    binary="*/*",
    errors=(404,),
    description=gettext_lazy("能看到该记录的人都可下载；照片为 JPEG，附件为上传时的格式。"),
)
def ledger_entry_file(request, ledger, entry, file):
    entry = request.authz.get_object(
        LedgerEntry.objects.filter(ledger__pk=ledger), "ledgers.view", pk=entry
    )
    item = LedgerFile.objects.filter(entry=entry, pk=file).first()
    if item is None:
        raise Http404
    return file_response(item.file, item.basename)
