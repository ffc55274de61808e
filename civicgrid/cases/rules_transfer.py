"""The 责任清单 to and from Excel: one row per rule, keyed by (category or class, area)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Department, Level
from civicgrid.cases.models import ResponsibilityRule
from civicgrid.categories.models import Category
from civicgrid.lib.spreadsheets import SheetRows, cell_text, read_sheet

HEADERS = ["类别种类", "类别代码", "大类代码", "区域编码", "责任部门编码", "责任角色", "备注"]
ROLES = dict(ResponsibilityRule._meta.get_field("area_role").choices)
ROLE_BY_LABEL = {str(label): value for value, label in ROLES.items()} | {v: v for v in ROLES}
KIND_BY_LABEL = {str(label): value for value, label in Category.Kind.choices} | {
    v: v for v in Category.Kind.values
}


def rule_key(rule: ResponsibilityRule) -> tuple:
    """What makes two rules the same line of the list: the categories they cover and the area."""
    if rule.category_id:
        return ("category", rule.category_id, rule.area_id)
    if rule.major_code:
        return ("major", rule.category_kind, rule.major_code, rule.area_id)
    return ("all", rule.area_id)


def same_key(rule: ResponsibilityRule):
    """The stored rules with the same key as `rule` (itself excluded)."""
    found = ResponsibilityRule.objects.filter(
        area_id=rule.area_id,
        category_id=rule.category_id,
        major_code="" if rule.category_id else rule.major_code,
        category_kind="" if rule.category_id or not rule.major_code else rule.category_kind,
    )
    return found.exclude(pk=rule.pk) if rule.pk else found


def export_rows(rules):
    for rule in rules:
        kind = rule.category.kind if rule.category_id else rule.category_kind
        yield [
            str(Category.Kind(kind).label) if kind else "",
            rule.category.code if rule.category_id else "",
            rule.major_code,
            rule.area.code,
            rule.department.code if rule.department_id else "",
            str(ROLES[rule.area_role]) if rule.area_role else "",
            rule.note,
        ]


def street_of(area: Area) -> Area | None:
    """The street an area lies in (itself for a street); None above street level."""
    if area.level < Level.STREET:
        return None
    return area.ancestor_at(Level.STREET)


def department_error(department: Department, street: Area | None) -> str | None:
    """Why `department` cannot answer in an area of `street`, or None: it must serve that street."""
    if street is None:
        return _("街道以上的区域只能指定责任角色（属地），不能指定某个街道的部门。")
    if department.street_id != street.pk:
        return _("责任部门“%(dept)s”不服务于%(street)s，请选择该街道的部门。") % {
            "dept": department.name,
            "street": street.name,
        }
    return None


@dataclass
class Row:
    number: int
    rule: ResponsibilityRule  # unsaved: what the row says


class Catalogue:
    """Codes looked up once per import."""

    def __init__(self, authz):
        self.categories: dict[tuple[str, str], Category] = {}
        self.by_code: dict[str, list[Category]] = {}
        self.majors: set[tuple[str, str]] = set()
        for category in Category.objects.only("pk", "kind", "code", "major_code", "name"):
            self.categories[category.kind, category.code] = category
            self.by_code.setdefault(category.code, []).append(category)
            self.majors.add((category.kind, category.major_code))
        self.areas = {
            a.code: a for a in authz.restrict(Area.objects.all(), "rules.change").order_by()
        }
        self.departments = {d.code: d for d in Department.objects.all()}
        streets = {a.pk: a for a in Area.objects.filter(level=Level.STREET)}
        self.streets = {
            area.pk: next(
                (streets[pk] for pk in [area.pk, *area.ancestor_ids] if pk in streets), None
            )
            for area in self.areas.values()
        }


def parse(upload, authz) -> tuple[list[Row], list[str]]:
    """Validate every row; return the rules the sheet describes, or the errors that stop it."""
    sheet = read_sheet(upload, ["类别代码", "大类代码", "区域编码", "责任部门编码", "责任角色"])
    if sheet.errors:
        return [], sheet.errors
    catalogue = Catalogue(authz)
    rows, seen = [], {}
    for number, raw in sheet.rows:
        rule = _parse_row(number, raw, sheet, catalogue)
        if rule is None:
            continue
        key = rule_key(rule)
        if key in seen:
            sheet.error(
                number,
                _("与第 %(row)s 行的类别和区域相同，同一类别在同一区域只能有一条。")
                % {"row": seen[key]},
            )
            continue
        seen[key] = number
        rows.append(Row(number, rule))
    return rows, sheet.errors


def _parse_row(number: int, raw: dict, sheet: SheetRows, catalogue) -> ResponsibilityRule | None:
    errors_before = len(sheet.errors)
    rule = ResponsibilityRule(note=cell_text(raw, "备注"))
    _parse_category(rule, number, raw, sheet, catalogue)
    _parse_area(rule, number, raw, sheet, catalogue)
    _parse_responsible(rule, number, raw, sheet, catalogue)
    if len(rule.note) > 200:
        sheet.error(number, _("备注不能超过 200 字。"))
    return rule if len(sheet.errors) == errors_before else None


def _parse_category(rule, number, raw, sheet, catalogue) -> None:
    kind_text, code, major = (
        cell_text(raw, "类别种类"),
        cell_text(raw, "类别代码"),
        cell_text(raw, "大类代码"),
    )
    kind = KIND_BY_LABEL.get(kind_text, "") if kind_text else ""
    if kind_text and not kind:
        labels = "、".join(str(label) for label in Category.Kind.labels)
        sheet.error(
            number,
            _("类别种类“%(value)s”不存在（可填：%(labels)s）。")
            % {"value": kind_text, "labels": labels},
        )
        return
    if code:
        rule.category = _category(number, sheet, catalogue, kind, code)
        if rule.category is not None and major and major != rule.category.major_code:
            sheet.error(
                number,
                _("类别代码 %(code)s 不属于大类 %(major)s；填了类别代码时大类代码可以不填。")
                % {"code": code, "major": major},
            )
    elif major:
        if not any((k, major) in catalogue.majors for k in ([kind] if kind else Category.Kind)):
            sheet.error(number, _("大类代码“%(code)s”不存在。") % {"code": major})
        rule.major_code, rule.category_kind = major, kind
    elif kind:
        sheet.error(number, _("填了类别种类时，请同时填写类别代码或大类代码。"))


def _category(number, sheet, catalogue, kind, code) -> Category | None:
    if kind:
        found = [catalogue.categories[kind, code]] if (kind, code) in catalogue.categories else []
    else:
        found = catalogue.by_code.get(code, [])
    if not found:
        sheet.error(number, _("类别代码“%(code)s”不存在。") % {"code": code})
    elif len(found) > 1:
        sheet.error(
            number,
            _("类别代码“%(code)s”既是部件又是事项，请填写类别种类。") % {"code": code},
        )
    else:
        return found[0]
    return None


def _parse_area(rule, number, raw, sheet, catalogue) -> None:
    code = cell_text(raw, "区域编码")
    area = catalogue.areas.get(code)
    if area is not None:
        rule.area = area
    elif not code:
        sheet.error(number, _("区域编码不能为空（整个街道请填街道编码）。"))
    else:
        sheet.error(number, _("区域编码“%(code)s”不存在或不在您的管辖范围内。") % {"code": code})


def _parse_responsible(rule, number, raw, sheet, catalogue) -> None:
    dept_code, role_text = cell_text(raw, "责任部门编码"), cell_text(raw, "责任角色")
    if bool(dept_code) == bool(role_text):
        sheet.error(number, _("责任部门编码和责任角色须填且只填一个。"))
        return
    if role_text:
        rule.area_role = ROLE_BY_LABEL.get(role_text, "")
        if not rule.area_role:
            labels = "、".join(str(label) for label in ROLES.values())
            sheet.error(
                number,
                _("责任角色“%(value)s”不存在（可填：%(labels)s）。")
                % {"value": role_text, "labels": labels},
            )
        return
    rule.department = catalogue.departments.get(dept_code)
    if rule.department is None:
        sheet.error(number, _("责任部门编码“%(code)s”不存在。") % {"code": dept_code})
    elif rule.area_id and (
        message := department_error(rule.department, catalogue.streets[rule.area_id])
    ):
        sheet.error(number, message)


@dataclass
class Change:
    """One rule the import added or changed, with what it said before (None when added)."""

    rule: ResponsibilityRule
    before: ResponsibilityRule | None


def differences(
    before: ResponsibilityRule, after: ResponsibilityRule
) -> list[tuple[str, str, str]]:
    """(field, old, new) for each field of the rule that changed, in words."""
    fields = [
        (_("类别"), before.category_label, after.category_label),
        (_("区域"), str(before.area), str(after.area)),
        (_("责任单位"), before.responsible_label, after.responsible_label),
        (_("备注"), before.note or "—", after.note or "—"),
    ]
    return [(str(name), str(old), str(new)) for name, old, new in fields if old != new]


def summary(rule: ResponsibilityRule) -> str:
    note = f"（{rule.note}）" if rule.note else ""
    return f"{rule.category_label} · {rule.area} → {rule.responsible_label}{note}"


def snapshot(rule: ResponsibilityRule) -> ResponsibilityRule:
    """An unsaved copy of what the rule says now, to compare after an edit."""
    return ResponsibilityRule(
        pk=rule.pk,
        category=rule.category,
        major_code=rule.major_code,
        category_kind=rule.category_kind,
        area=rule.area,
        department=rule.department,
        area_role=rule.area_role,
        note=rule.note,
    )


@transaction.atomic
def apply(rows: list[Row]) -> list[Change]:
    """Update the rule with the same key, or add one; rules the file leaves out stay."""
    changes = []
    for row in rows:
        new = row.rule
        old = same_key(new).select_related("category", "area", "department").order_by("pk").first()
        if old is None:
            new.save()
            changes.append(Change(new, None))
            continue
        before = snapshot(old)
        old.department, old.area_role, old.note = new.department, new.area_role, new.note
        if differences(before, old):
            old.save(update_fields=["department", "area_role", "note"])
            changes.append(Change(old, before))
    return changes
