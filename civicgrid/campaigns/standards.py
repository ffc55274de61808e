"""The evaluation standard as a tree, the checks on each indicator, and edits that keep scores.

A version that scores were given against (`in_use`) is frozen: an edit first copies it
(`StandardVersion.copy`) and makes the change in the copy, so every published score can
still be explained by the items it was given on. A version pinned by a campaign the editor
may not change is copied too: one street's edit never alters another street's checklist.
Campaigns keep their pinned version until an administrator re-pins them (`repin`).
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.campaigns.models import (
    Campaign,
    EvidenceRequirement,
    Indicator,
    IndicatorDuty,
    PointType,
    Standard,
    StandardVersion,
    WorkTask,
)

Level = Indicator.Level
MAX_POINTS = Decimal("99999.99")
MAX_DEDUCTION = Decimal("9999.99")
# Fields that only an item (测评标准, the third level) uses when a site is scored.
ITEM_ONLY = ("deduction_per_count", "negative", "negative_value", "category_id")
# The fields an edit compares and the change log names.
COMPARED = (
    "code",
    "title",
    "criteria",
    "points",
    "method",
    "point_types",
    "deduction_per_count",
    "negative",
    "negative_value",
    "category",
    "parent",
    "order",
)


# --- the tree -------------------------------------------------------------------------------


def ordered(indicators) -> list[Indicator]:
    """Indicators in reading order (each followed by its children), with `item_points`: the
    points of the items below (or of itself, for an item) that a site is scored on."""
    children: dict[int | None, list[Indicator]] = {}
    for indicator in sorted(indicators, key=lambda i: (i.depth, i.order, i.pk)):
        children.setdefault(indicator.parent_id, []).append(indicator)
    result: list[Indicator] = []

    def walk(node: Indicator) -> Decimal:
        result.append(node)
        below = children.get(node.pk, [])
        node.item_points = sum((walk(child) for child in below), Decimal(0))
        if node.depth == Level.ITEM:
            node.item_points = node.points
        return node.item_points

    for root in children.get(None, []):
        walk(root)
    return result


def tree(version: StandardVersion) -> list[Indicator]:
    return ordered(version.indicators.select_related("category"))


def point_type_labels(values) -> str:
    labels = dict(PointType.choices)
    return "、".join(str(labels.get(value, value)) for value in values)


# --- checks ---------------------------------------------------------------------------------


def problems(indicator: Indicator, parent: Indicator | None) -> dict[str, str]:
    """What is wrong with one indicator under `parent`, by field, in words a person can act on.

    The one set of checks behind the edit form, the YAML and the Excel import."""
    found: dict[str, str] = {}
    if not indicator.code:
        found["code"] = _("请填写编号。")
    elif len(indicator.code) > 20:
        found["code"] = _("编号不能超过 20 个字符。")
    if not indicator.title:
        found["title"] = _("请填写名称。")
    elif len(indicator.title) > 200:
        found["title"] = _("名称不能超过 200 字。")
    if parent_problem := _parent_problem(indicator, parent):
        found["parent"] = parent_problem
    if indicator.points is None or indicator.points < 0:
        found["points"] = _("分值不能为负数。")
    elif indicator.points > MAX_POINTS:
        found["points"] = _("分值不能超过 99999.99。")
    unknown = [t for t in indicator.point_types if t not in PointType.values]
    if unknown:
        found["point_types"] = _("没有这种点位类型：%(types)s。") % {"types": "、".join(unknown)}
    if indicator.depth != Level.ITEM:
        used = [name for name in ITEM_ONLY if getattr(indicator, name) not in (None, "")]
        if used:
            found[used[0].removesuffix("_id")] = _(
                "只有测评标准（第 3 层）可以设置每处扣分、负面清单和不合格生成案件的类别。"
            )
            return found
    found.update(_scoring_problems(indicator))
    return found


def _parent_problem(indicator: Indicator, parent: Indicator | None) -> str | None:
    if indicator.depth == Level.PROJECT:
        return _("测评项目是第一层，不能有上级。") if parent is not None else None
    expected = Level(indicator.depth - 1).label
    if parent is None:
        return _("%(level)s须设在某个%(parent)s之下。") % {
            "level": Level(indicator.depth).label,
            "parent": expected,
        }
    if parent.depth != indicator.depth - 1:
        return _("上级“%(code)s”是%(found)s，%(level)s的上级应为%(parent)s。") % {
            "code": parent.code,
            "found": Level(parent.depth).label,
            "level": Level(indicator.depth).label,
            "parent": expected,
        }
    return None


def _scoring_problems(indicator: Indicator) -> dict[str, str]:
    found = {}
    deduction = indicator.deduction_per_count
    if deduction is not None and not 0 < deduction <= MAX_DEDUCTION:
        found["deduction_per_count"] = _("每处扣分应大于 0（不按处数扣分时请留空）。")
    value, negative = indicator.negative_value, indicator.negative
    if negative and value is None:
        found["negative_value"] = _("负面清单条目须填写扣分或封顶比例。")
    elif not negative and value is not None:
        found["negative_value"] = _("填写了负面清单扣分/封顶比例，却没有选择负面清单类型。")
    elif negative == Indicator.Negative.CAP and not 0 <= value <= 100:
        found["negative_value"] = _("封顶得分率应在 0 到 100 之间。")
    elif negative == Indicator.Negative.DEDUCT and not 0 < value <= MAX_DEDUCTION:
        found["negative_value"] = _("负面清单扣分应大于 0。")
    return found


# --- edits that keep given scores ------------------------------------------------------------


def locked(version: StandardVersion, authz) -> bool:
    """Whether an edit must go to a new version: scores were given against this one, or a
    campaign the editor may not change has it pinned."""
    if version.in_use:
        return True
    theirs = authz.restrict(Campaign.objects.all(), "campaigns.change").values("pk")
    return version.campaigns.exclude(pk__in=theirs).exists()


@dataclass
class Target:
    """Where an edit lands: the version itself, or a copy made for it."""

    version: StandardVersion
    copied: bool

    def counterpart(self, indicator: Indicator | None) -> Indicator | None:
        """The same indicator (by code) in the target version."""
        if indicator is None or indicator.version_id == self.version.pk:
            return indicator
        return self.version.indicators.get(code=indicator.code)

    def message(self) -> str:
        if self.copied:
            return _(
                "已生成新版本 v%(n)s：原版本已有检查评分（或被您无权修改的创建项目使用），"
                "修改已在新版本中进行。使用原版本的创建项目不变，可在项目页改用新版本。"
            ) % {"n": self.version.number}
        return _("已保存。")


def target(version: StandardVersion, authz, note: str) -> Target:
    """The version to change: a fresh copy when `version` is locked. Call inside a transaction."""
    if not locked(version, authz):
        return Target(version, False)
    # One copy at a time per standard, so two editors never race for the same number.
    Standard.objects.select_for_update().filter(pk=version.standard_id).first()
    return Target(version.copy(by=authz.user, note=note), True)


def snapshot(indicator: Indicator) -> dict:
    """What an indicator says, comparable across versions (the parent by its code)."""
    values = {name: getattr(indicator, name) for name in COMPARED}
    values["parent"] = indicator.parent.code if indicator.parent else None
    values["category"] = str(indicator.category) if indicator.category else None
    return values


def differences(before: dict, after: dict) -> list[str]:
    """Field by field, what an edit changed, for the change log."""
    labels = {name: Indicator._meta.get_field(name).verbose_name for name in COMPARED}
    labels["parent"], labels["order"] = _("上级"), _("排序")
    return [
        f"{labels[name]}：{_shown(before[name])} → {_shown(after[name])}"
        for name in COMPARED
        if before[name] != after[name]
    ]


def _shown(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return point_type_labels(value)
    return str(value)


def log(user, version: StandardVersion, flag: int, detail: str) -> None:
    """Record an edit of a version in Django's admin log: the standard's change history."""
    LogEntry.objects.log_actions(
        user.pk, [version], flag, change_message=[{"detail": detail}], single_object=True
    )


def history(version: StandardVersion):
    content_type = ContentType.objects.get_for_model(StandardVersion)
    entries = LogEntry.objects.filter(content_type=content_type, object_id=str(version.pk))
    for entry in entries.select_related("user").order_by("-action_time"):
        entry.detail = _detail(entry)
        yield entry


def _detail(entry: LogEntry) -> str:
    try:
        return json.loads(entry.change_message)[0]["detail"]
    except (ValueError, LookupError, TypeError):
        return entry.get_change_message()


def next_order(version: StandardVersion, parent: Indicator | None) -> int:
    last = version.indicators.filter(parent=parent).order_by("-order").first()
    return last.order + 1 if last else 1


# --- re-pinning a campaign --------------------------------------------------------------------

PINNED_MODELS = (IndicatorDuty, EvidenceRequirement, WorkTask)


@dataclass
class RepinPlan:
    """What re-pinning a campaign to another version does to what hangs on its indicators."""

    moves: dict = field(default_factory=dict)  # model → [(pk, new indicator id)]
    unmatched: list[str] = field(default_factory=list)  # codes missing from the new version
    drafts: int = 0  # inspections in progress on the old checklist

    @property
    def moved(self) -> int:
        return sum(len(rows) for rows in self.moves.values())


def repin_plan(campaign: Campaign, version: StandardVersion) -> RepinPlan:
    """Duties, evidence requirements and tasks follow their indicator's code to `version`;
    those whose code the new version lacks stay where they are and are named."""
    from civicgrid.inspections.models import Inspection

    codes = dict(version.indicators.values_list("code", "pk"))
    plan = RepinPlan()
    taken = set(
        IndicatorDuty.objects.filter(campaign=campaign, indicator__version=version).values_list(
            "indicator_id", flat=True
        )
    )
    for model in PINNED_MODELS:
        rows = (
            model.objects.filter(campaign=campaign, indicator__isnull=False)
            .exclude(indicator__version=version)
            .values_list("pk", "indicator__code")
        )
        for pk, code in rows:
            new = codes.get(code)
            if new is None or (model is IndicatorDuty and new in taken):
                plan.unmatched.append(code)
            else:
                plan.moves.setdefault(model, []).append((pk, new))
    plan.unmatched = sorted(set(plan.unmatched))
    plan.drafts = Inspection.objects.filter(
        round__campaign=campaign, status=Inspection.Status.DRAFT
    ).count()
    return plan


@transaction.atomic
def repin(campaign: Campaign, version: StandardVersion, user) -> RepinPlan:
    old = campaign.version
    plan = repin_plan(campaign, version)
    for model, rows in plan.moves.items():
        objects = [model(pk=pk, indicator_id=indicator_id) for pk, indicator_id in rows]
        model.objects.bulk_update(objects, ["indicator_id"])
    Campaign.objects.filter(pk=campaign.pk).update(version=version)
    campaign.version = version
    detail = _("创建项目“%(campaign)s”由 %(old)s 改用此版本，迁移 %(moved)s 条关联。") % {
        "campaign": campaign.name,
        "old": old,
        "moved": plan.moved,
    }
    log(user, version, CHANGE, detail)
    return plan
