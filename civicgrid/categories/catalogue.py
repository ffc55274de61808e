"""Loading the GB/T 47678.5-2026 directory, and the street's local defaults.

Loading is idempotent: a row is found by (kind, code) and only the standard's own columns
are refreshed; what an administrator configured (time limit, department, keywords…) stays.
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from civicgrid.categories.models import Category, is_local_code

DIRECTORY = Path(__file__).parent / "data" / "gbt47678-5-2026-directory.csv"
COLUMNS = ["kind", "code", "major_code", "major_name", "name"]
STANDARD_KINDS = {Category.Kind.COMPONENT, Category.Kind.MATTER}
# The only fields a reload may change: the rest is the street's configuration.
STANDARD_FIELDS = ["major_code", "major_name", "name", "is_standard"]
MAX_REPORTED_ERRORS = 20

HOURS, DAYS = Category.Unit.HOURS, Category.Unit.DAYS


class DirectoryError(Exception):
    """A directory file that cannot be loaded; `errors` says what is wrong, row by row."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_REPORTED_ERRORS]
        if len(errors) > len(shown):
            shown.append(f"……另有 {len(errors) - len(shown)} 处错误。")
        super().__init__("\n".join(shown))


@dataclass(frozen=True)
class Loaded:
    created: int
    updated: int
    total: int

    def __str__(self):
        return f"新增 {self.created} 项，更新 {self.updated} 项，共 {self.total} 项"


def load(path=DIRECTORY) -> Loaded:
    """Read and load a directory file: all of it, or nothing when any row is wrong."""
    return load_rows(read_directory(path))


def read_directory(path=DIRECTORY) -> list[Category]:
    """The file's rows as unsaved categories; DirectoryError names every bad row."""
    reader = csv.reader(io.StringIO(_read_text(Path(path))))
    header = next(reader, [])
    if header != COLUMNS:
        raise DirectoryError([f"第 1 行应为表头 {','.join(COLUMNS)}，实为 {','.join(header)}。"])
    rows, errors, seen = [], [], {}
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        line, problems = reader.line_num, _problems(values)
        key = tuple(value.strip() for value in values[:2])
        if not problems and key in seen:
            problems = [f"与第 {seen[key]} 行重复（{key[0]} {key[1]}）"]
        if problems:
            errors.append(f"第 {line} 行：{'；'.join(problems)}。")
        else:
            seen[key] = line
            rows.append(_category(values))
    if errors or not rows:
        raise DirectoryError(errors or ["文件中没有数据行。"])
    return rows


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # tolerate the BOM that Excel writes
    except FileNotFoundError:
        raise DirectoryError([f"找不到文件 {path}。"]) from None
    except UnicodeDecodeError:
        raise DirectoryError([f"文件 {path} 不是 UTF-8 编码，请另存为 UTF-8 后重试。"]) from None


def _problems(values: list[str]) -> list[str]:
    if len(values) != len(COLUMNS):
        return [f"应有 {len(COLUMNS)} 列，实有 {len(values)} 列"]
    kind, code, major_code, major_name, name = (value.strip() for value in values)
    problems = []
    if kind not in STANDARD_KINDS:
        problems.append(f"种类“{kind}”无效，应为 component（部件）或 matter（事项）")
    if not re.fullmatch(r"\d{5}", code):
        problems.append(f"代码“{code}”应为 5 位数字")
    elif is_local_code(code):
        problems.append(f"代码“{code}”属于本地扩展的 90–99 大类，不是国家标准代码")
    elif major_code != code[:2]:
        problems.append(f"大类代码“{major_code}”与代码“{code}”的前两位不符")
    problems += _length_problems(major_name, "大类名称", "major_name")
    problems += _length_problems(name, "名称", "name")
    return problems


def _length_problems(value: str, label: str, field: str) -> list[str]:
    limit = Category._meta.get_field(field).max_length
    if not value:
        return [f"缺少{label}"]
    if len(value) > limit:
        return [f"{label}超过 {limit} 个字"]
    return []


def _category(values: list[str]) -> Category:
    fields = dict(zip(COLUMNS, (value.strip() for value in values), strict=True))
    return Category(**fields, is_standard=True)


@transaction.atomic
def load_rows(rows: list[Category]) -> Loaded:
    """Create the rows not yet there and refresh the names of those that are."""
    existing = {(c.kind, c.code): c for c in Category.objects.filter(kind__in=STANDARD_KINDS)}
    new, changed = [], []
    for row in rows:
        old = existing.get((row.kind, row.code))
        if old is None:
            new.append(row)
        elif _refresh(old, row):
            changed.append(old)
    Category.objects.bulk_create(new)
    Category.objects.bulk_update(changed, STANDARD_FIELDS)
    return Loaded(created=len(new), updated=len(changed), total=len(rows))


def _refresh(old: Category, row: Category) -> bool:
    """Copy the standard's columns onto `old`; whether anything changed."""
    stale = [f for f in STANDARD_FIELDS if getattr(old, f) != getattr(row, f)]
    for field in stale:
        setattr(old, field, getattr(row, field))
    return bool(stale)


@dataclass(frozen=True)
class Default:
    """A local default for one matter: not from the standard, changeable in the admin."""

    limit: tuple[int, str]
    open_to_residents: bool = False
    keywords: str = ""


# Matter code → default. Limits marked DOMAIN are the practice quoted in DOMAIN.md §4; the
# others are our choice for the matters residents report most. 路面积水 (4 working hours
# in practice) has no matter of its own in the directory, so it has no default here.
LOCAL_DEFAULTS: dict[str, Default] = {
    "06010": Default((4, HOURS), open_to_residents=True, keywords="垃圾堆"),  # 暴露垃圾, DOMAIN
    "06012": Default((2, HOURS)),  # 道路不洁: 道路保洁, DOMAIN
    "04013": Default((5, DAYS)),  # 绿地异常: 绿地养护, DOMAIN
    # 私搭乱建: stop work in 4 h, penalty in 7 days, demolition in 20 days (DOMAIN). A case
    # has one limit, so it is the last stage; the earlier ones need staged deadlines.
    "06001": Default((20, DAYS), keywords="违建 违章建筑"),
    "06036": Default((1, DAYS), open_to_residents=True, keywords="堆物 杂物堆放"),
    "07001": Default((1, DAYS), open_to_residents=True, keywords="牛皮癣 小广告 乱贴乱画"),
    "09006": Default((4, HOURS), open_to_residents=True, keywords="摆摊 地摊 出摊"),
    "09009": Default((2, HOURS), open_to_residents=True, keywords="违停 乱停车"),
}


@transaction.atomic
def apply_default_limits() -> int:
    """Give the well-known matters their local defaults where no time limit is set yet.

    Returns how many categories were configured. A category with a time limit counts as
    configured by an administrator and is left alone.
    """
    rows = list(
        Category.objects.unconfigured().filter(kind=Category.Kind.MATTER, code__in=LOCAL_DEFAULTS)
    )
    for category in rows:
        default = LOCAL_DEFAULTS[category.code]
        category.time_limit_value, category.time_limit_unit = default.limit
        category.open_to_residents = category.open_to_residents or default.open_to_residents
        category.keywords = category.keywords or default.keywords
    fields = ["time_limit_value", "time_limit_unit", "open_to_residents", "keywords"]
    Category.objects.bulk_update(rows, fields)
    return len(rows)
