"""A standard version to and from YAML and Excel; an import is all or nothing.

YAML, nested as the standard is (the shipped samples in `data/` are written in it):

    name: 全国文明城市测评体系（样例）   # the standard; used when a file creates one
    kind: civilized                      # a CampaignKind value (or its Chinese label)
    note: 样例，须按本市现行测评手册调整
    projects:                            # 测评项目
      - code: "1"
        title: 实地考察
        method: field                    # field | survey | material
        contents:                        # 测评内容
          - code: "1.1"
            title: 农贸市场
            point_types: [farmers_market]
            items:                       # 测评标准
              - code: "1.1.5"
                title: 无占道经营
                criteria: 市场内外无占道经营、店外经营。
                points: 12
                deduction_per_count: 3   # per problem found; absent: a failure loses all
                category: matter:09006   # kind:code in the GB/T 47678.5 directory
              - code: "1.1.12"
                title: 存在重大安全隐患
                points: 0
                negative: cap            # deduct (extra points off) | cap (site % capped)
                negative_value: 60

Every node takes code, title, criteria, points, method, point_types, deduction_per_count,
negative, negative_value and category; the last four only on items. `method` and
`point_types` (PointType values) are inherited from the parent when absent; `point_types: []`
means every point type. Quote codes that look like numbers ("1.10").

Excel: one row per indicator, columns HEADERS. 层级 is 1, 2, 3 (or 测评项目, 测评内容, 测评标准);
上级编号 names the parent's 编号. Empty 测评方法 and 适用点位类型 cells inherit as in YAML, and
适用点位类型 “全部” means every type. Chinese labels and English values are both accepted for
method, point types, the negative list and the category kind. 类别名称 is only written, for
reading.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.campaigns.models import (
    CampaignKind,
    Indicator,
    PointType,
    Standard,
    StandardVersion,
)
from civicgrid.campaigns.standards import point_type_labels, problems, tree
from civicgrid.categories.models import Category
from civicgrid.lib.spreadsheets import read_sheet

Level = Indicator.Level
NODE_FIELDS = (
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
)
CHILDREN = {Level.PROJECT: "contents", Level.CONTENT: "items", Level.ITEM: None}
HEADERS = [
    "层级",
    "编号",
    "上级编号",
    "名称",
    "测评标准",
    "分值",
    "测评方法",
    "适用点位类型",
    "每处扣分",
    "负面清单",
    "负面清单扣分/封顶%",
    "类别",
    "类别名称",
]
COLUMNS = dict(
    zip(
        HEADERS,
        ["depth", "code", "parent", "title", *NODE_FIELDS[2:], "category_name"],
        strict=True,
    )
)
REQUIRED_HEADERS = ["层级", "编号", "上级编号", "名称"]
ALL_TYPES = "全部"
MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 50
LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")


def _choices(choices) -> dict[str, str]:
    """Value or Chinese label → value."""
    return {str(label): value for value, label in choices} | {v: v for v, _label in choices}


METHODS = _choices(Indicator.Method.choices)
NEGATIVES = _choices([c for c in Indicator.Negative.choices if c[0]])
POINT_TYPES = _choices(PointType.choices)
KINDS = _choices(CampaignKind.choices)
CATEGORY_KINDS = _choices(Category.Kind.choices)
LEVELS = {str(level.value): level for level in Level} | {str(level.label): level for level in Level}


class TransferError(Exception):
    """A file that cannot be imported; `errors` names each problem's row or YAML path."""

    def __init__(self, errors: list[str]):
        self.errors = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            self.errors.append(_("……另有 %(n)s 处错误。") % {"n": len(errors) - MAX_ERRORS})
        super().__init__("\n".join(self.errors))


@dataclass
class Entry:
    """One YAML node or Excel row: the indicator it describes, not yet saved."""

    where: str
    indicator: Indicator
    parent_code: str = ""
    category_text: str = ""
    inherit_method: bool = False
    inherit_types: bool = False
    errors: list[str] = field(default_factory=list)
    parent: "Entry | None" = None

    def error(self, message: str) -> None:
        code = self.indicator.code
        label = _("%(where)s（编号 %(code)s）") % {"where": self.where, "code": code}
        self.errors.append(f"{label if code else self.where}：{message}")


@dataclass
class Parsed:
    """A checked file: the standard's name, kind and note, and its indicators in order."""

    entries: list[Entry]
    name: str = ""
    kind: str = ""
    note: str = ""


# --- reading values ---------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _decimal(entry: Entry, value, label: str) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    try:
        number = None if isinstance(value, bool) else Decimal(_text(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        entry.error(_("%(label)s应为数字，实为“%(value)s”。") % {"label": label, "value": value})
        return None
    if number != number.quantize(Decimal("0.01")):
        entry.error(_("%(label)s最多两位小数。") % {"label": label})
        return None
    return number


def _choice(entry: Entry, value, choices: dict, label: str) -> str:
    text = _text(value)
    if text in choices:
        return choices[text]
    allowed = "、".join(k for k in choices if not k.isascii())
    entry.error(
        _("%(label)s“%(value)s”不存在（可填：%(allowed)s）。")
        % {"label": label, "value": text, "allowed": allowed}
    )
    return ""


def _point_types(entry: Entry, value) -> list[str]:
    if isinstance(value, str):
        value = [] if value.strip() == ALL_TYPES else LIST_SEPARATORS.split(value.strip())
    if not isinstance(value, list):
        entry.error(_("适用点位类型应为列表。"))
        return []
    found = [_choice(entry, item, POINT_TYPES, _("点位类型")) for item in value if _text(item)]
    return list(dict.fromkeys(t for t in found if t))


def _entry(where: str, depth: int, values: dict) -> Entry:
    """Turn one node's values (keyed by NODE_FIELDS) into an entry; absent means empty."""
    entry = Entry(where, Indicator(depth=depth, code=_text(values.get("code"))))
    item = entry.indicator
    item.title = _text(values.get("title"))
    item.criteria = _text(values.get("criteria"))
    item.points = _decimal(entry, values.get("points"), _("分值")) or Decimal(0)
    item.deduction_per_count = _decimal(entry, values.get("deduction_per_count"), _("每处扣分"))
    item.negative_value = _decimal(entry, values.get("negative_value"), _("负面清单扣分/封顶%"))
    method, types = values.get("method"), values.get("point_types")
    entry.inherit_method = _text(method) == ""
    if not entry.inherit_method:
        item.method = _choice(entry, method, METHODS, _("测评方法"))
    entry.inherit_types = types is None or types == ""
    if not entry.inherit_types:
        item.point_types = _point_types(entry, types)
    negative = _text(values.get("negative"))
    item.negative = _choice(entry, negative, NEGATIVES, _("负面清单")) if negative else ""
    entry.category_text = _text(values.get("category"))
    return entry


# --- YAML -------------------------------------------------------------------------------------


def read_yaml(data) -> Parsed:
    """Parse and check a YAML standard; TransferError lists every problem."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise TransferError([_("文件不能超过 5 MB。")])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TransferError([_("文件不是 UTF-8 编码的文本，请另存为 UTF-8。")]) from None
    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("（第 %(line)s 行）") % {"line": mark.line + 1} if mark else ""
        message = _("YAML 格式有误%(where)s，请检查缩进和冒号。") % {"where": where}
        raise TransferError([message]) from None
    if not isinstance(document, dict):
        raise TransferError([_("YAML 的顶层应包含 name、kind 和 projects。")])
    errors = []
    kind = _text(document.get("kind"))
    if kind and kind not in KINDS:
        errors.append(_("kind：类型“%(value)s”不存在。") % {"value": kind})
    unknown = set(document) - {"name", "kind", "note", "sample", "projects"}
    if unknown:
        errors.append(_("顶层有未知的字段：%(keys)s。") % {"keys": "、".join(map(str, unknown))})
    entries: list[Entry] = []
    _walk(document.get("projects"), Level.PROJECT, "projects", "", entries, errors)
    parsed = Parsed(
        entries, _text(document.get("name")), KINDS.get(kind, ""), _text(document.get("note"))
    )
    return check(parsed, errors)


def _walk(nodes, depth: int, path: str, parent_code: str, out: list, errors: list) -> None:
    if not isinstance(nodes, list):
        errors.append(_("%(path)s：应为列表（每项以 - 开头）。") % {"path": path})
        return
    child_key = CHILDREN[depth]
    allowed = set(NODE_FIELDS) | ({child_key} if child_key else set())
    for index, node in enumerate(nodes):
        where = f"{path}[{index}]"
        if not isinstance(node, dict):
            errors.append(_("%(path)s：应为一个指标（键值对）。") % {"path": where})
            continue
        entry = _entry(where, depth, node)
        entry.parent_code = parent_code
        if isinstance(node.get("code"), float):
            entry.error(_('编号请加引号（如 "1.10"），否则会被读成数字。'))
        unknown = [str(key) for key in node if key not in allowed]
        if unknown:
            entry.error(_("未知的字段：%(keys)s。") % {"keys": "、".join(unknown)})
        out.append(entry)
        if child_key and node.get(child_key) is not None:
            _walk(
                node[child_key],
                depth + 1,
                f"{where}.{child_key}",
                entry.indicator.code,
                out,
                errors,
            )


def to_yaml(version: StandardVersion) -> str:
    """The version as nested YAML that `read_yaml` reads back into the same tree."""
    standard = version.standard
    document = {"name": standard.name, "kind": str(standard.kind)}
    if standard.note:
        document["note"] = standard.note
    items = tree(version)
    by_pk = {item.pk: item for item in items}
    nodes: dict[int, dict] = {}
    document["projects"] = []
    for item in items:
        nodes[item.pk] = node = _node(item, by_pk.get(item.parent_id))
        if item.parent_id is None:
            document["projects"].append(node)
        else:
            nodes[item.parent_id].setdefault(CHILDREN[item.depth - 1], []).append(node)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _node(item: Indicator, parent: Indicator | None) -> dict:
    """One indicator's YAML; method and point types only where they differ from the parent."""
    node = {"code": item.code, "title": item.title}
    if item.criteria:
        node["criteria"] = item.criteria
    if item.points:
        node["points"] = _number(item.points)
    if item.method != (parent.method if parent else Indicator.Method.FIELD):
        node["method"] = str(item.method)
    if list(item.point_types) != (list(parent.point_types) if parent else []):
        node["point_types"] = [str(t) for t in item.point_types]
    for key in ("deduction_per_count", "negative", "negative_value"):
        value = getattr(item, key)
        if value not in (None, ""):
            node[key] = _number(value) if isinstance(value, Decimal) else str(value)
    if item.category_id:
        node["category"] = f"{item.category.kind}:{item.category.code}"
    return node


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


# --- Excel ------------------------------------------------------------------------------------


def read_excel(upload) -> Parsed:
    """Parse and check an Excel standard (one row per indicator); TransferError lists problems."""
    sheet = read_sheet(upload, REQUIRED_HEADERS)
    if sheet.errors:
        raise TransferError(sheet.errors)
    entries, errors = [], []
    for number, raw in sheet.rows:
        values = {COLUMNS[h]: v for h, v in raw.items() if h in COLUMNS}
        where = _("第 %(row)s 行") % {"row": number}
        level = LEVELS.get(_text(values.get("depth")))
        if level is None:
            errors.append(
                _("%(where)s：层级应为 1、2 或 3（测评项目、测评内容、测评标准）。")
                % {"where": where}
            )
            continue
        entry = _entry(where, level, values)
        entry.parent_code = _text(values.get("parent"))
        entries.append(entry)
    return check(Parsed(entries), errors)


def excel_rows(version: StandardVersion):
    items = tree(version)
    by_pk = {item.pk: item for item in items}
    for item in items:
        parent = by_pk.get(item.parent_id)
        types = point_type_labels(item.point_types)
        if not item.point_types and parent is not None and parent.point_types:
            types = ALL_TYPES
        yield [
            item.depth,
            item.code,
            parent.code if parent else "",
            item.title,
            item.criteria,
            item.points,
            item.get_method_display(),
            types,
            item.deduction_per_count,
            item.get_negative_display() if item.negative else "",
            item.negative_value,
            f"{item.category.kind}:{item.category.code}" if item.category_id else "",
            item.category.name if item.category_id else "",
        ]


# --- checking and saving ------------------------------------------------------------------------


def check(parsed: Parsed, errors: list[str]) -> Parsed:
    """Resolve parents, inheritance and categories, and check every entry; raise on any error."""
    entries = parsed.entries
    if not entries and not errors:
        errors.append(_("文件中没有任何指标。"))
    by_code: dict[str, Entry] = {}
    for entry in entries:
        code = entry.indicator.code
        if code in by_code:
            entry.error(
                _("编号与 %(where)s 重复，同一版本中编号不能重复。")
                % {"where": by_code[code].where}
            )
        elif code:
            by_code[code] = entry
    categories = _categories(entries)
    for entry in sorted(entries, key=lambda e: e.indicator.depth):
        _resolve(entry, by_code, categories)
    errors += [message for entry in entries for message in entry.errors]
    if errors:
        raise TransferError(errors)
    return parsed


def _resolve(entry: Entry, by_code: dict, categories: dict) -> None:
    item = entry.indicator
    parent = by_code.get(entry.parent_code) if entry.parent_code else None
    if entry.parent_code and parent is None:
        entry.error(_("上级编号“%(code)s”在文件中不存在。") % {"code": entry.parent_code})
    entry.parent = parent
    if entry.inherit_method:
        item.method = parent.indicator.method if parent else Indicator.Method.FIELD
    if entry.inherit_types:
        item.point_types = list(parent.indicator.point_types) if parent else []
    if entry.category_text:
        item.category = _category(entry, categories)
    found = problems(item, parent.indicator if parent else None)
    if entry.parent_code and parent is None:
        found.pop("parent", None)
    for message in found.values():
        entry.error(message)


def _categories(entries) -> dict[tuple[str, str], Category]:
    codes = {e.category_text.rpartition(":")[2].strip() for e in entries if e.category_text}
    return {(c.kind, c.code): c for c in Category.objects.filter(code__in=codes)}


def _category(entry: Entry, categories: dict) -> Category | None:
    kind_text, sep, code = entry.category_text.partition(":")
    kind = CATEGORY_KINDS.get(kind_text.strip())
    if not sep or kind is None:
        entry.error(
            _(
                "类别“%(value)s”应写成 种类:代码，如 matter:09006（事项）或 component:01001（部件）。"
            )
            % {"value": entry.category_text}
        )
        return None
    category = categories.get((kind, code.strip()))
    if category is None:
        entry.error(
            _("类别“%(value)s”不存在；国家标准目录请先用 load_categories 载入。")
            % {"value": entry.category_text}
        )
    return category


def save(parsed: Parsed, version: StandardVersion) -> None:
    """Create the checked indicators in `version`, parents first; siblings keep file order."""
    for position, entry in enumerate(parsed.entries, start=1):
        item = entry.indicator
        item.version, item.order = version, position
        item.parent = entry.parent.indicator if entry.parent else None
    for depth in Level:
        Indicator.objects.bulk_create(
            [e.indicator for e in parsed.entries if e.indicator.depth == depth]
        )


@transaction.atomic
def create_standard(parsed: Parsed, by=None, is_sample=False) -> StandardVersion:
    standard = Standard.objects.create(
        name=parsed.name, kind=parsed.kind, note=parsed.note, is_sample=is_sample
    )
    version = StandardVersion.objects.create(
        standard=standard, number=1, created_by=by, note=_("导入")
    )
    save(parsed, version)
    return version


@transaction.atomic
def add_version(parsed: Parsed, standard: Standard, by=None, note="") -> StandardVersion:
    latest = standard.latest
    version = StandardVersion.objects.create(
        standard=standard,
        number=(latest.number if latest else 0) + 1,
        created_by=by,
        note=note or _("从文件导入"),
    )
    save(parsed, version)
    return version
