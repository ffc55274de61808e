"""A realistic 责任清单 for the demo street, written against the GB/T 47678.5 catalogue."""

from civicgrid.areas.models import Area, Department, Level
from civicgrid.cases.models import ResponsibilityRule
from civicgrid.categories.models import Category
from civicgrid.people.models import Role

MATTER = Category.Kind.MATTER
COMPONENT = Category.Kind.COMPONENT

# (kind, major code, department code, note): whole classes first.
CLASS_RULES = [
    (MATTER, "06", "HW", "市容环境类由环卫所负责"),
    (MATTER, "07", "CG", "宣传广告类由城管执法中队负责"),
    (MATTER, "08", "ZJ", "施工管理类由住建办负责"),
    (MATTER, "09", "CG", "街面秩序类由城管执法中队负责"),
    (MATTER, "03", "HW", "市容环卫设施类问题由环卫所负责"),
    (COMPONENT, "03", "HW", "市容环卫设施由环卫所维护"),
]
# (kind, code, department code, note): single categories that another unit answers for.
CATEGORY_RULES = [
    (MATTER, "09009", "JJ", "机动车乱停放由交警中队负责"),
    (MATTER, "09001", "SJ", "无照经营游商由市场监管所负责"),
    (MATTER, "09015", "SJ", "无证餐饮由市场监管所负责"),
    (MATTER, "06001", "CG", "私搭乱建由城管执法中队负责"),
]


def demo_rules(street: Area, departments: dict[str, Department]) -> list[ResponsibilityRule]:
    """Write the demo street's 责任清单; running it again changes nothing.

    `departments` is keyed by the short code ("HW", "CG", ...) as the demo generator returns
    them. Categories missing from the catalogue are skipped, so it works on a partial one.
    """
    rules = [
        _rule(street, role=Role.COMMUNITY, note="其余问题属地兜底，由所在社区负责"),
    ]
    majors = set(Category.objects.values_list("kind", "major_code"))
    for kind, major, dept, note in CLASS_RULES:
        if (kind, major) in majors:
            rules.append(
                _rule(street, kind=kind, major=major, department=departments[dept], note=note)
            )
    for kind, code, dept, note in CATEGORY_RULES:
        category = Category.objects.filter(kind=kind, code=code).first()
        if category is not None:
            rules.append(_rule(street, category, department=departments[dept], note=note))
    community = (
        Area.objects.filter(path__startswith=street.path, level=Level.COMMUNITY)
        .order_by("code")
        .first()
    )
    stalls = Category.objects.filter(kind=MATTER, code="09006").first()
    if community is not None and stalls is not None:
        note = f"{community.name}的占道经营由社区劝导，社区工作人员负责"
        rules.append(_rule(community, stalls, role=Role.COMMUNITY, note=note))
    return rules


def _rule(area, category=None, kind="", major="", department=None, role="", note=""):
    rule, _created = ResponsibilityRule.objects.update_or_create(
        area=area,
        category=category,
        category_kind=kind,
        major_code=major,
        defaults={"department": department, "area_role": role, "note": note},
    )
    return rule
