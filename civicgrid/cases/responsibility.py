"""The one place that decides who answers for a case (责任清单).

Rules map (category, or a category class, or everything) × (an area subtree)
to a department or to an area role. The most specific rule wins: an exact
category beats a class, a class beats "all"; then the deeper area beats the
shallower. With no rule, the category's default department answers, and
failing that the community the case lies in (属地兜底).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Department, Level
from civicgrid.cases.models import ResponsibilityRule
from civicgrid.people.models import Role

ROLE_LEVEL = {Role.COMMUNITY: Level.COMMUNITY, Role.GRID_WORKER: Level.GRID}


def _ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.split("/") if part]


def specificity(rule: ResponsibilityRule, depth: dict[int, int]) -> tuple[int, int]:
    category = 2 if rule.category_id else (1 if rule.major_code else 0)
    return category, depth[rule.area_id]


def resolve(case) -> ResponsibilityRule | None:
    """The rule that decides this case, or None."""
    ids = _ancestor_ids(case.area_path)
    if not ids:
        return None
    category = case.category
    rules = ResponsibilityRule.objects.filter(area_id__in=ids).select_related("department", "area")
    matching = [
        rule
        for rule in rules
        if rule.category_id == category.pk
        or (
            not rule.category_id
            and rule.major_code == category.major_code
            and rule.category_kind in ("", category.kind)
        )
        or (not rule.category_id and not rule.major_code)
    ]
    depth = {pk: n for n, pk in enumerate(ids)}
    return max(matching, key=lambda rule: specificity(rule, depth), default=None)


def area_for_role(case, role: str) -> Area | None:
    """The community or grid, among the case's areas, that the role answers for."""
    level = ROLE_LEVEL.get(role)
    if level is None or not case.area_path:
        return None
    return Area.objects.filter(pk__in=_ancestor_ids(case.area_path), level=level).first()


def propose(case, rule: ResponsibilityRule | None) -> None:
    """Fill the responsible unit from the rule, or the fallbacks."""
    case.rule = rule
    if rule is not None and rule.department_id:
        _set(case, department=rule.department)
    elif rule is not None:
        _set(case, area=area_for_role(case, rule.area_role), role=rule.area_role)
    elif case.category.default_department_id:
        _set(case, department=case.category.default_department)
    else:
        _set(case, area=area_for_role(case, Role.COMMUNITY), role=Role.COMMUNITY)


def assign(case, department=None, area=None, role=None, note="") -> None:
    """Dispatch to the given unit, or to the proposal; a change from the rule needs a reason."""
    if department is None and area is None:
        if case.responsible is None:
            raise ValidationError({"unit": _("请选择责任单位。")})
        return
    before = (case.responsible_department_id, case.responsible_area_id)
    if isinstance(department, Department) or area is not None:
        _set(case, department=department, area=area, role=role or Role.COMMUNITY)
    after = (case.responsible_department_id, case.responsible_area_id)
    if case.rule_id and after != before:
        if not note.strip():
            raise ValidationError({"note": _("改派给责任清单以外的单位时须填写理由。")})
        case.override_reason = note.strip()[:200]


def clear(case) -> None:
    _set(case)


def _set(case, department=None, area=None, role=""):
    case.responsible_department = department
    case.responsible_area = area if department is None else None
    case.responsible_role = (role or "") if department is None and area is not None else ""
    case.responsible_path = case.responsible_area.path if case.responsible_area else ""
