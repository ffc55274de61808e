"""What the API answers: one Shape per kind of object, read straight from the models.

Getters take (object, request); the request carries `authz` for what depends on the person
(reporters masked without "cases.reporter", the steps they may take now).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicgrid.api.fields import Field, Shape, array, boolean, integer, moment, number, obj, string
from civicgrid.areas.models import Level
from civicgrid.campaigns.models import PointType
from civicgrid.cases import export
from civicgrid.cases.models import Closure, Pending, Source, State
from civicgrid.cases.timeline import event_label, reporters, who
from civicgrid.categories.models import Category
from civicgrid.people.models import Role

LEVELS = tuple(int(level) for level in Level)


def _code(value) -> str | None:
    return value.code if value is not None else None


CATEGORY_REF = Shape(
    "CategoryRef",
    _("案件的问题类别"),
    {
        "kind": string(_("种类：部件、事项或本地扩展"), enum=tuple(Category.Kind.values)),
        "code": string(_("5 位代码（GB/T 47678.5-2026 或本地扩展）")),
        "name": string(_("名称")),
    },
)

AREA_REF = Shape(
    "AreaRef",
    _("区域（编码与名称）"),
    {
        "code": string(_("区域编码")),
        "name": string(_("名称")),
        "level": integer(_("层级：30 街道、40 工作区、50 社区/村、60 网格等"), enum=LEVELS),
    },
)


# A site as every part of the API names it (the site list adds its unit and figures).
SITE_REF_FIELDS = {
    "id": integer(_("点位 id"), get=lambda s, r: s.pk),
    "name": string(_("名称")),
    "point_type": string(_("点位类型"), enum=tuple(PointType.values)),
    "point_type_label": string(_("点位类型（中文）"), get=lambda s, r: s.get_point_type_display()),
    "area": obj(AREA_REF, _("所在区域")),
    "address": string(_("地址")),
    "lat": number(_("纬度（WGS-84）"), nullable=True),
    "lng": number(_("经度（WGS-84）"), nullable=True),
}


def _responsible(case, request):
    if case.responsible_department_id:
        department = case.responsible_department
        return {
            "type": "department",
            "code": department.code,
            "name": department.name,
            "role": None,
        }
    if case.responsible_area_id:
        area = case.responsible_area
        return {
            "type": "area",
            "code": area.code,
            "name": area.name,
            "role": case.responsible_role or None,
        }
    return None


RESPONSIBLE = Shape(
    "Responsible",
    _("责任单位：部门，或区域中的某一角色"),
    {
        "type": string(_("department 部门；area 区域"), enum=("department", "area")),
        "code": string(_("部门或区域编码")),
        "name": string(_("名称")),
        "role": string(
            _("区域责任角色（社区工作人员或网格员）"), nullable=True, enum=tuple(Role.values)
        ),
    },
)

CASE_FIELDS = {
    "number": string(_("案件编号，如 2026-000123")),
    "url": string(
        _("本接口中该案件的地址"), get=lambda c, r: reverse("api:case_detail", args=[c.number])
    ),
    "web_url": string(_("案件页面的地址"), get=lambda c, r: c.get_absolute_url()),
    "state": string(_("状态"), enum=tuple(State.values)),
    "state_label": string(_("状态（中文）"), get=lambda c, r: c.get_state_display()),
    "pending": string(_("待审批的申请；空字符串表示没有"), enum=tuple(Pending.values)),
    "source": string(_("来源"), enum=tuple(Source.values)),
    "severity": string(_("严重程度"), enum=tuple(Category.Severity.values)),
    "category": obj(CATEGORY_REF),
    "description": string(_("问题描述")),
    "lat": number(_("纬度（WGS-84）"), nullable=True),
    "lng": number(_("经度（WGS-84）"), nullable=True),
    "address": string(_("地址")),
    "grid": obj(AREA_REF, _("所在区域：网格，找不到网格时为社区或街道"), nullable=True),
    "responsible": obj(RESPONSIBLE, nullable=True, get=_responsible),
    "deadline": moment(_("处置期限（派遣后才有）"), nullable=True),
    "is_overdue": boolean(
        _("是否超期（含已过期限、尚未被定时任务标记的）"), get=lambda c, r: export.is_late(c)
    ),
    "created_at": moment(_("上报时间")),
    "version": integer(_("版本号：执行操作时带上，以免覆盖他人的改动")),
}
CASE = Shape("Case", _("案件（问题清单中的一条）"), CASE_FIELDS)

PHOTO = Shape(
    "Photo",
    _("案件照片"),
    {
        "id": integer(_("照片 id")),
        "kind": string(
            _("before 处置前；after 处置后；verify 核查"), enum=("before", "after", "verify")
        ),
        "url": string(
            _("照片文件（需带令牌）"),
            get=lambda p, r: reverse("api:case_photo", args=[p.case.number, p.pk]),
        ),
        "thumbnail_url": string(
            _("缩略图文件（需带令牌）；尚未生成时为空"),
            nullable=True,
            get=lambda p, r: (
                reverse("api:case_photo_thumbnail", args=[p.case.number, p.pk])
                if p.thumbnail
                else None
            ),
        ),
        "uploaded_at": moment(_("上传时间")),
    },
)

REPORTER = Shape(
    "Reporter",
    _("上报人；无 cases.reporter 权限时姓名和电话已脱敏"),
    {
        "name": string(_("姓名（匿名时为“匿名”）")),
        "phone": string(_("电话")),
        "joined": boolean(_("是否为重复上报并入")),
        "created_at": moment(_("上报时间"), get=lambda r, req: r["at"]),
    },
)


def _by(event, request) -> str:
    return who(event, request.full_reporter)


EVENT = Shape(
    "Event",
    _("案件记录（时间线上的一步）"),
    {
        "action": string(_("操作代码")),
        "label": string(_("操作名称"), get=lambda e, r: event_label(e.action)),
        "at": moment(_("时间")),
        "by": string(_("操作人；上报人姓名按权限脱敏"), get=_by),
        "from_state": string(_("原状态；空字符串表示无"), enum=("", *State.values)),
        "to_state": string(_("新状态；空字符串表示无"), enum=("", *State.values)),
        "note": string(_("说明")),
        "photos": array(PHOTO, _("这一步上传的照片"), get=lambda e, r: e.photo_list),
    },
)

ACTION = Shape(
    "Action",
    _("当前可执行的操作"),
    {
        "action": string(_("操作代码，用于 POST /cases/{number}/actions/{action}")),
        "label": string(_("操作名称")),
        "needs": array(
            string(enum=("reason", "unit", "after_photo", "deadline", "duplicate_of", "closure")),
            _("该操作需要的内容"),
            get=lambda s, r: sorted(s.needs),
        ),
    },
)

CASE_DETAIL = Shape(
    "CaseDetail",
    _("案件详情：事实、上报人、照片、时间线和可执行的操作"),
    {
        **CASE_FIELDS,
        "registered_at": moment(_("立案时间"), nullable=True),
        "dispatched_at": moment(_("派遣时间"), nullable=True),
        "handled_at": moment(_("处置反馈时间"), nullable=True),
        "closed_at": moment(_("结案时间"), nullable=True),
        "closure": string(_("结案类型；空字符串表示未结案"), enum=("", *Closure.values)),
        "rework_count": integer(_("返工次数")),
        "duplicate_of": string(
            _("合并到的案件编号"), nullable=True, get=lambda c, r: _number(c.duplicate_of)
        ),
        "reporters": array(
            REPORTER, get=lambda c, r: reporters(c, r.authz.may("cases.reporter", c))
        ),
        "photos": array(PHOTO, _("全部照片"), get=lambda c, r: c.photo_list),
        "timeline": array(EVENT, _("时间线，先早后晚"), get=lambda c, r: c.event_list),
        "actions": array(ACTION, _("您现在可执行的操作"), get=lambda c, r: c.steps),
    },
)


def _number(case) -> str | None:
    return case.number if case is not None else None


def page(item: Shape, name: str, description) -> Shape:
    return Shape(
        name,
        description,
        {
            "results": array(item, get=lambda p, r: p[0]),
            "next": string(
                _("下一页的游标（作为 after 参数传回）；最后一页为空"),
                nullable=True,
                get=lambda p, r: p[1],
            ),
        },
    )


CASE_PAGE = page(CASE, "CasePage", _("一页案件，新的在前"))

AREA_FIELDS = {
    "code": string(_("区域编码")),
    "name": string(_("名称")),
    "level": integer(_("层级"), enum=LEVELS),
    "level_label": string(_("层级（中文）"), get=lambda a, r: a.get_level_display()),
    "parent": string(_("上级区域编码；顶层为空"), nullable=True, get=lambda a, r: _code(a.parent)),
    "is_village": boolean(_("是否行政村")),
    "population": integer(_("人口"), nullable=True),
    "households": integer(_("户数"), nullable=True),
    "centre_lat": number(_("中心点纬度"), nullable=True),
    "centre_lng": number(_("中心点经度"), nullable=True),
}


AREA = Shape("Area", _("区域树的一个节点"), AREA_FIELDS)
AREA_PAGE = page(AREA, "AreaPage", _("一页区域，上级在下级之前"))
AREA_DETAIL = Shape(
    "AreaDetail",
    _("区域详情：边界和下级"),
    {
        **AREA_FIELDS,
        "boundary": Field(
            "object",
            _("边界，GeoJSON Polygon 或 MultiPolygon（WGS-84）；未绘制时为空"),
            nullable=True,
        ),
        "children": array(AREA_REF, _("直接下级"), get=lambda a, r: a.child_list),
    },
)

CATEGORY = Shape(
    "Category",
    _("问题类别（部件、事项或本地扩展）"),
    {
        "kind": string(_("种类"), enum=tuple(Category.Kind.values)),
        "code": string(_("5 位代码")),
        "name": string(_("名称")),
        "major_code": string(_("大类代码")),
        "major_name": string(_("大类名称")),
        "severity": string(_("严重程度"), enum=tuple(Category.Severity.values)),
        "time_limit": string(_("处置时限（中文）"), get=lambda c, r: c.time_limit_label),
        "open_to_residents": boolean(_("居民是否可选")),
        "keywords": array(string(), _("关键词"), get=lambda c, r: c.keyword_list),
    },
)
CATEGORY_LIST = Shape(
    "CategoryList", _("问题类别"), {"results": array(CATEGORY, get=lambda rows, r: rows)}
)

DEPARTMENT = Shape(
    "Department",
    _("职能部门或创城专线"),
    {
        "id": integer(_("部门 id（案件列表的 unit 筛选用它）"), get=lambda d, r: d.pk),
        "code": string(_("编码")),
        "name": string(_("名称")),
        "kind": string(
            _("department 职能部门；task_force 创城专线"), enum=("department", "task_force")
        ),
        "street": obj(AREA_REF, _("服务的街道")),
        "phone": string(_("联系电话")),
    },
)
DEPARTMENT_LIST = Shape(
    "DepartmentList", _("部门"), {"results": array(DEPARTMENT, get=lambda rows, r: rows)}
)

TOKEN = Shape(
    "Token",
    _("新的访问令牌：只在此显示一次，请妥善保存"),
    {
        "token": string(_("令牌，放在 Authorization: Bearer 之后"), get=lambda t, r: t[1]),
        "name": string(_("名称"), get=lambda t, r: t[0].name),
        "expires": moment(
            _("到期时间；为空表示不过期"), nullable=True, get=lambda t, r: t[0].expires_at
        ),
    },
)

SCOPE = Shape(
    "Scope",
    _("角色的范围：区域（含下级）或部门"),
    {
        "type": string(_("area 区域；department 部门"), enum=("area", "department")),
        "code": string(_("区域或部门编码")),
        "name": string(_("名称")),
    },
)
GRANT = Shape(
    "Grant",
    _("一个角色及其范围"),
    {
        "role": string(_("角色"), enum=tuple(Role.values)),
        "role_label": string(_("角色（中文）"), get=lambda a, r: a.get_role_display()),
        "title": string(_("职务")),
        "scope": obj(
            SCOPE,
            get=lambda a, r: {
                "type": "area" if a.area_id else "department",
                "code": a.scope.code,
                "name": a.scope.name,
            },
        ),
    },
)
ME = Shape(
    "Me",
    _("当前令牌所代表的人员、角色、范围和权限"),
    {
        "username": string(_("用户名")),
        "name": string(_("姓名")),
        "is_superuser": boolean(_("系统管理员")),
        "roles": array(GRANT, _("当前有效的角色"), get=lambda u, r: u.current_assignments),
        "permissions": array(
            string(), _("在某处拥有的权限"), get=lambda u, r: sorted(r.authz.perms)
        ),
    },
)
