"""The inspection points (点位) to and from Excel: one row per site, keyed by (名称, 区域编码).

A row whose name and area match a site in the person's scope updates it; any other
row adds a site. Every row is checked first: one error anywhere and nothing is imported.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Department, Level
from civicgrid.campaigns.models import PointType
from civicgrid.inspections.models import Site
from civicgrid.lib.spreadsheets import SheetRows, cell_text, read_sheet

HEADERS = ["名称", "点位类型", "区域编码", "纬度", "经度", "地址", "责任单位编码"]
REQUIRED = ["名称", "点位类型", "区域编码"]
TYPE_BY_LABEL = {str(label): value for value, label in PointType.choices} | {
    value: value for value in PointType.values
}
FIELDS = ["name", "point_type", "area", "lat", "lng", "address", "department"]


def export_rows(sites):
    for site in sites:
        yield [
            site.name,
            site.get_point_type_display(),
            site.area.code,
            _degrees(site.lat),
            _degrees(site.lng),
            site.address,
            site.department.code if site.department_id else "",
        ]


def _degrees(value: float | None) -> float | None:
    """Six decimals, about 0.1 m: what a phone's GPS can tell, and what Excel keeps exactly."""
    return None if value is None else round(value, 6)


@dataclass
class Row:
    number: int
    site: Site  # unsaved when new; the existing site with the row's values otherwise


class Lookups:
    """Codes and existing sites, looked up once per import."""

    def __init__(self, authz):
        areas = authz.restrict(Area.objects.all(), "sites.change")
        self.areas = {a.code: a for a in areas.order_by()}
        self.departments = {d.code: d for d in Department.objects.select_related("street")}
        self.streets = {a.pk for a in Area.objects.filter(level=Level.STREET).only("pk")}
        self.sites = {
            (s.area_id, s.name): s for s in authz.restrict(Site.objects.all(), "sites.change")
        }

    def street_id(self, area: Area) -> int | None:
        return next((pk for pk in [area.pk, *area.ancestor_ids] if pk in self.streets), None)


def parse(upload, authz) -> tuple[list[Row], list[str]]:
    """Validate every row; the sites the sheet describes, or the errors that stop the import."""
    sheet = read_sheet(upload, REQUIRED)
    if sheet.errors:
        return [], sheet.errors
    lookups = Lookups(authz)
    rows, seen = [], {}
    for number, raw in sheet.rows:
        site = _parse_row(number, raw, sheet, lookups)
        if site is None:
            continue
        key = (site.area.pk, site.name)
        if key in seen:
            sheet.error(
                number,
                _("与第 %(row)s 行的名称和区域相同，同一区域内点位名称不能重复。")
                % {"row": seen[key]},
            )
            continue
        seen[key] = number
        rows.append(Row(number, site))
    if not rows and not sheet.errors:
        sheet.errors.append(_("文件中没有点位数据。"))
    return rows, sheet.errors


def _parse_row(number: int, raw: dict, sheet: SheetRows, lookups: Lookups) -> Site | None:
    errors_before = len(sheet.errors)
    name, address = cell_text(raw, "名称"), cell_text(raw, "地址")
    if not name:
        sheet.error(number, _("名称不能为空。"))
    elif len(name) > 100:
        sheet.error(number, _("名称不能超过 100 字。"))
    if len(address) > 200:
        sheet.error(number, _("地址不能超过 200 字。"))
    point_type = _point_type(number, raw, sheet)
    area = _area(number, raw, sheet, lookups)
    lat, lng = sheet.position(number, raw)
    department = _department(number, raw, sheet, lookups, area)
    if len(sheet.errors) != errors_before:
        return None
    site = lookups.sites.get((area.pk, name)) or Site()
    site.name, site.point_type, site.area, site.address = name, point_type, area, address
    site.lat, site.lng, site.department = lat, lng, department
    return site


def _point_type(number, raw, sheet) -> str:
    text = cell_text(raw, "点位类型")
    if text in TYPE_BY_LABEL:
        return TYPE_BY_LABEL[text]
    if not text:
        sheet.error(number, _("点位类型不能为空。"))
    else:
        sheet.error(
            number,
            _("点位类型“%(value)s”不存在（可填：%(labels)s）。")
            % {"value": text, "labels": "、".join(str(label) for label in PointType.labels)},
        )
    return ""


def _area(number, raw, sheet, lookups) -> Area | None:
    code = cell_text(raw, "区域编码")
    area = lookups.areas.get(code)
    if area is None and not code:
        sheet.error(number, _("区域编码不能为空（填社区或网格编码）。"))
    elif area is None:
        sheet.error(number, _("区域编码“%(code)s”不存在或不在您的管辖范围内。") % {"code": code})
    return area


def _department(number, raw, sheet, lookups, area) -> Department | None:
    code = cell_text(raw, "责任单位编码")
    if not code:
        return None
    department = lookups.departments.get(code)
    if department is None:
        sheet.error(number, _("责任单位编码“%(code)s”不存在。") % {"code": code})
    elif area is not None and department.street_id != lookups.street_id(area):
        sheet.error(
            number,
            _("责任单位“%(dept)s”不服务于该点位所在的街道。") % {"dept": department.name},
        )
    return department


@transaction.atomic
def apply(rows: list[Row]) -> tuple[int, int]:
    """Save every row; (added, updated)."""
    added = sum(row.site.pk is None for row in rows)
    for row in rows:
        row.site.save()
    return added, len(rows) - added
