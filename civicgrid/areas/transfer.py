"""The territory tree to and from GeoJSON and Excel, validated whole before anything is saved."""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.areas.locate import forget_locator
from civicgrid.areas.models import Area, Level
from civicgrid.lib.spreadsheets import read_sheet

HEADERS = ["编码", "名称", "层级", "上级编码", "人口", "户数", "行政村", "边界GeoJSON"]
LEVEL_BY_LABEL = {str(label): value for value, label in Level.choices} | {
    "社区": Level.COMMUNITY,
    "村": Level.COMMUNITY,
    "区": Level.DISTRICT,
    "县": Level.DISTRICT,
}


def _record(area: Area, parent_code: str) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "parent_code": parent_code,
        "population": area.population,
        "households": area.households,
        "is_village": area.is_village,
    }


def _with_parent_codes(areas):
    codes = dict(Area.objects.filter(pk__in={a.parent_id for a in areas}).values_list("pk", "code"))
    return [(area, codes.get(area.parent_id, "")) for area in areas]


def export_geojson(areas) -> dict:
    features = [
        {"type": "Feature", "geometry": area.boundary, "properties": _record(area, parent)}
        for area, parent in _with_parent_codes(list(areas))
    ]
    return {"type": "FeatureCollection", "features": features}


def export_rows(areas):
    for area, parent in _with_parent_codes(list(areas)):
        yield [
            area.code,
            area.name,
            area.get_level_display(),
            parent,
            area.population,
            area.households,
            _("是") if area.is_village else "",
            json.dumps(area.boundary, ensure_ascii=False) if area.boundary else "",
        ]


@dataclass
class Plan:
    """Rows ready to save, or the errors that stop the import."""

    records: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}：{message}")


def records_from_geojson(data: bytes) -> Plan:
    plan = Plan()
    try:
        collection = json.loads(data)
        features = collection["features"]
    except (ValueError, KeyError, TypeError):
        plan.errors.append(_("文件不是 GeoJSON FeatureCollection。"))
        return plan
    for number, feature in enumerate(features, start=1):
        props = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        props["boundary"] = feature.get("geometry") if isinstance(feature, dict) else None
        plan.records.append({"where": _("第 %(n)s 个要素") % {"n": number}, **props})
    return plan


def records_from_sheet(upload) -> Plan:
    sheet = read_sheet(upload, ["编码", "名称", "层级", "上级编码"])
    plan = Plan(errors=list(sheet.errors))
    for number, row in sheet.rows:
        boundary = row.get("边界GeoJSON")
        try:
            boundary = json.loads(boundary) if boundary else None
        except ValueError:
            plan.error(_("第 %(n)s 行") % {"n": number}, _("边界不是有效的 GeoJSON。"))
            continue
        plan.records.append(
            {
                "where": _("第 %(n)s 行") % {"n": number},
                "code": row.get("编码"),
                "name": row.get("名称"),
                "level": row.get("层级"),
                "parent_code": row.get("上级编码"),
                "population": row.get("人口"),
                "households": row.get("户数"),
                "is_village": row.get("行政村") in ("是", "1", True, "true"),
                "boundary": boundary,
            }
        )
    return plan


def _level(value) -> int | None:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value) if int(value) in Level.values else None
    return LEVEL_BY_LABEL.get(str(value or "").strip())


def _count(value):
    if value in (None, ""):
        return None
    number = int(value)
    if number < 0:
        raise ValueError
    return number


@transaction.atomic
def apply(plan: Plan, authz) -> int:
    """Create or update every area of the plan, parents first; roll back if any row fails."""
    for record in plan.records:
        record["level"] = _level(record.get("level"))
    codes = {str(r.get(key) or "") for r in plan.records for key in ("code", "parent_code")}
    known = {a.code: a for a in Area.objects.filter(code__in=codes)}
    allowed = set(authz.restrict(Area.objects.all(), "areas.change").values_list("pk", flat=True))
    saved = 0
    for record in sorted(plan.records, key=lambda r: r["level"] or 0):
        area = _save_record(record, known, allowed, authz, plan)
        if area is not None:
            known[area.code] = area
            allowed.add(area.pk)
            saved += 1
    if plan.errors:
        transaction.set_rollback(True)
        return 0
    forget_locator()
    return saved


def _save_record(record, known, allowed, authz, plan) -> Area | None:
    where, code = record["where"], str(record.get("code") or "")
    if record["level"] is None:
        plan.error(where, _("层级“%(v)s”无法识别。") % {"v": record.get("level")})
        return None
    parent = known.get(str(record.get("parent_code") or ""))
    if record.get("parent_code") and parent is None:
        plan.error(where, _("上级编码“%(c)s”不存在。") % {"c": record.get("parent_code")})
        return None
    if not authz.is_superuser and (parent is None or parent.pk not in allowed):
        plan.error(where, _("您无权在该上级区域下导入（%(c)s）。") % {"c": code})
        return None
    area = known.get(code) or Area(code=code)
    try:
        area.population, area.households = (
            _count(record.get("population")),
            _count(record.get("households")),
        )
    except (TypeError, ValueError):
        plan.error(where, _("人口和户数应为非负整数。"))
        return None
    area.parent, area.level, area.name = parent, record["level"], str(record.get("name") or "")
    area.is_village, area.boundary = bool(record.get("is_village")), record.get("boundary")
    try:
        area.full_clean()
    except ValidationError as error:
        plan.error(where, "；".join(m for msgs in error.message_dict.values() for m in msgs))
        return None
    area.save()
    return area
