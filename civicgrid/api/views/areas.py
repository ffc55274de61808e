"""The area tree, locating a point, categories and departments."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicgrid.api import shapes
from civicgrid.api.errors import ApiError
from civicgrid.api.fields import integer, number, string
from civicgrid.api.operations import Param, operation
from civicgrid.api.paging import AFTER, LIMIT, page
from civicgrid.areas.locate import locate
from civicgrid.areas.models import Area, Department
from civicgrid.categories.models import Category
from civicgrid.lib.keyset import Keyset

TREE_ORDER = Keyset("path")  # parents before children


LEVEL = Param("level", integer(gettext_lazy("只看这一层级"), enum=shapes.LEVELS))
PARENT = Param("parent", string(gettext_lazy("只看这一区域的直接下级（区域编码）")))


@operation(
    "GET",
    "/areas",
    summary=gettext_lazy("您范围内的区域（平铺，带上级编码）"),
    tag="areas",
    params=(LEVEL, PARENT, AFTER, LIMIT),
    response=shapes.AREA_PAGE,
    description=gettext_lazy("按区域树的先序排列，上级总在下级之前；按游标翻页。"),
)
def area_list(request):
    areas = Area.objects.restrict(request.authz).select_related("parent")
    level = request.GET.get("level", "")
    if level:
        if not level.isdigit() or int(level) not in shapes.LEVELS:
            raise ApiError.invalid({"level": [_("层级应为 %(l)s 之一。") % {"l": shapes.LEVELS}]})
        areas = areas.filter(level=int(level))
    if parent := request.GET.get("parent", "").strip():
        areas = areas.filter(parent__code=parent)
    return page(request, areas, TREE_ORDER)


@operation(
    "GET",
    "/areas/locate",
    summary=gettext_lazy("坐标所在的网格（找不到时为社区，再为街道）"),
    tag="areas",
    params=(
        Param("lat", number(gettext_lazy("纬度（WGS-84）")), required=True),
        Param("lng", number(gettext_lazy("经度（WGS-84）")), required=True),
    ),
    response=shapes.AREA,
    errors=(404,),
    description=gettext_lazy("该位置不在任何区域内，或所在区域不在您的范围内时返回 404。"),
)
def area_locate(request):
    point = {}
    errors = {}
    for name in ("lat", "lng"):
        try:
            point[name] = float(request.GET.get(name, ""))
        except ValueError:
            errors[name] = [_("请填写数字形式的经纬度（WGS-84）。")]
    if errors:
        raise ApiError.invalid(errors)
    try:
        area = locate(point["lat"], point["lng"])
    except ValidationError as error:
        raise ApiError.invalid({"lat": error.messages, "lng": error.messages}) from None
    if area is None or not request.authz.may("areas.view", area):
        raise ApiError(404, _("该位置不在您范围内的任何网格、社区或街道中。"))
    return area


@operation(
    "GET",
    "/areas/{code}",
    summary=gettext_lazy("区域详情：边界和直接下级"),
    tag="areas",
    params=(Param("code", string(gettext_lazy("区域编码")), "path", True),),
    response=shapes.AREA_DETAIL,
    errors=(404,),
)
def area_detail(request, code):
    area = request.authz.get_object(Area.objects.select_related("parent"), "areas.view", code=code)
    area.child_list = list(area.children.order_by("code"))
    return area


@operation(
    "GET",
    "/categories",
    summary=gettext_lazy("问题类别（启用的）；q 按代码、名称或关键词搜索"),
    tag="categories",
    params=(Param("q", string(gettext_lazy("搜索词，最多 100 字"), extra={"maxLength": 100})),),
    response=shapes.CATEGORY_LIST,
    description=gettext_lazy("不带 q 时返回全部启用的类别；带 q 时最多返回 50 个，最相关的在前。"),
)
def category_list(request):
    q = request.GET.get("q", "").strip()
    if len(q) > 100:
        raise ApiError.invalid({"q": [_("搜索词最多 100 字。")]})
    categories = Category.objects.active()
    return list(categories.search(q)[:50] if q else categories.order_by("kind", "code"))


@operation(
    "GET",
    "/departments",
    summary=gettext_lazy("您范围内的部门和专线"),
    tag="departments",
    response=shapes.DEPARTMENT_LIST,
)
def department_list(request):
    departments = Department.objects.restrict(request.authz).filter(is_active=True)
    return list(departments.select_related("street").order_by("street__code", "code"))
