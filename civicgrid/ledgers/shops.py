"""门前三包: the shop register to and from Excel, and the cases found at a shop's front.

The register's rows are keyed by (区域编码, 店名): a row matching a shop in the person's
scope updates it, any other row adds a shop. Every row is checked first; one error anywhere
and nothing is imported. A case is linked to a shop by its number, and only a case the
person may see: the link must not tell whether a hidden case exists.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Level
from civicgrid.cases.models import Case
from civicgrid.ledgers.models import Shop
from civicgrid.lib.spreadsheets import SheetRows, cell_text, read_sheet

HEADERS = ["店名", "地址", "区域编码", "营业执照号", "联系人", "联系电话", "纬度", "经度"]
REQUIRED = ["店名", "地址", "区域编码"]
LIMITS = {"店名": 100, "地址": 200, "营业执照号": 50, "联系人": 50, "联系电话": 20}
ATTRIBUTES = {
    "店名": "name",
    "地址": "address",
    "营业执照号": "licence",
    "联系人": "contact",
    "联系电话": "phone",
}


def export_rows(shops):
    for shop in shops:
        yield [
            shop.name,
            shop.address,
            shop.area.code,
            shop.licence,
            shop.contact,
            shop.phone,
            shop.lat,
            shop.lng,
        ]


@dataclass
class Row:
    number: int
    shop: Shop  # unsaved when new; the existing shop with the row's values otherwise


def parse(upload, authz) -> tuple[list[Row], list[str]]:
    sheet = read_sheet(upload, REQUIRED)
    if sheet.errors:
        return [], sheet.errors
    areas = authz.restrict(Area.objects.filter(level__gte=Level.STREET), "ledgers.record")
    areas = {a.code: a for a in areas.order_by()}
    existing = {
        (s.area_id, s.name): s for s in authz.restrict(Shop.objects.all(), "ledgers.record")
    }
    rows, seen = [], {}
    for number, raw in sheet.rows:
        shop = _parse_row(number, raw, sheet, areas, existing)
        if shop is None:
            continue
        key = (shop.area.pk, shop.name)
        if key in seen:
            sheet.error(number, _("与第 %(row)s 行的店名和区域相同。") % {"row": seen[key]})
            continue
        seen[key] = number
        rows.append(Row(number, shop))
    if not rows and not sheet.errors:
        sheet.errors.append(_("文件中没有商户数据。"))
    return rows, sheet.errors


def _parse_row(number, raw, sheet: SheetRows, areas, existing) -> Shop | None:
    before = len(sheet.errors)
    texts = {header: cell_text(raw, header) for header in LIMITS}
    for header in REQUIRED:
        if header in texts and not texts[header]:
            sheet.error(number, _("%(col)s不能为空。") % {"col": header})
    for header, limit in LIMITS.items():
        if len(texts[header]) > limit:
            sheet.error(number, _("%(col)s不能超过 %(n)s 字。") % {"col": header, "n": limit})
    code = cell_text(raw, "区域编码")
    area = areas.get(code)
    if area is None:
        sheet.error(
            number,
            _("区域编码不能为空（填社区或网格编码）。")
            if not code
            else _("区域编码“%(code)s”不存在或不在您的管辖范围内。") % {"code": code},
        )
    lat, lng = sheet.position(number, raw)
    if len(sheet.errors) != before:
        return None
    shop = existing.get((area.pk, texts["店名"])) or Shop(area=area)
    for header, attribute in ATTRIBUTES.items():
        setattr(shop, attribute, texts[header])
    shop.lat, shop.lng = lat, lng
    return shop


@transaction.atomic
def apply(rows: list[Row]) -> tuple[int, int]:
    """Save every row; (added, updated)."""
    added = sum(row.shop.pk is None for row in rows)
    for row in rows:
        row.shop.save()
    return added, len(rows) - added


# --- cases at a shop's front -----------------------------------------------------------------


def visible_case(authz, number: str) -> Case | None:
    """The case with this number if the person may see it; None for any other number."""
    number = (number or "").strip()
    return Case.objects.restrict(authz).filter(number=number).first() if number else None


def shop_cases(shop: Shop, authz) -> tuple[list[Case], int]:
    """The shop's linked cases the person may see, newest first, and how many are hidden."""
    linked = shop.cases.all()
    visible = list(
        Case.objects.restrict(authz)
        .filter(pk__in=linked.values("pk"))
        .select_related("category")
        .order_by("-created_at", "-pk")
    )
    return visible, linked.count() - len(visible)
