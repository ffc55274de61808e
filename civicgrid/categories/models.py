import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

CODE_PATTERN = r"^\d{5}$"
ADMIN_CODE = re.compile(r"\d{6}")
# Classes 90–99 are ours. Local extensions (卫生城市, 民族团结 items) keep the standard's
# 5-digit shape so their full codes stay 11 digits, far above the standard's classes 01–10.
LOCAL_MAJOR_CODES = range(90, 100)
MAX_SEQUENCE = 999_999
# Hotline practice: a general matter within 5–7 working days. Until an administrator
# sets a category's own limit, its cases get the short end.
DEFAULT_TIME_LIMIT = (5, "days")
SEARCH_WORDS = re.compile(r"[\s,，、;；]+")
MAX_SEARCH_WORDS = 5


def is_local_code(code: str) -> bool:
    """Whether a 5-digit code lies in the range kept for local extensions."""
    return int(code[:2]) in LOCAL_MAJOR_CODES


def split_words(text: str) -> list[str]:
    """Words of a search or keyword text: split on spaces, commas and 、."""
    return [word for word in SEARCH_WORDS.split(text or "") if word]


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_residents(self):
        """What a resident may choose when reporting: active and open to the public."""
        return self.active().filter(open_to_residents=True)

    def unconfigured(self):
        """Categories nobody has given a time limit yet: what local defaults may fill in."""
        return self.filter(time_limit_value__isnull=True)

    def search(self, text: str):
        """Categories whose code starts with, or whose name or keywords contain, every word.

        Best first: exact code, exact name, code prefix, name prefix, name, keyword only.
        """
        words = split_words(text)[:MAX_SEARCH_WORDS]
        if not words:
            return self.none()
        found = self
        for word in words:
            found = found.filter(
                Q(code__startswith=word) | Q(name__icontains=word) | Q(keywords__icontains=word)
            )
        return found.annotate(search_rank=_rank(words[0])).order_by("search_rank", "kind", "code")


def _rank(word: str) -> models.Case:
    return models.Case(
        When(code=word, then=Value(0)),
        When(name=word, then=Value(1)),
        When(code__startswith=word, then=Value(2)),
        When(name__istartswith=word, then=Value(3)),
        When(name__icontains=word, then=Value(4)),
        default=Value(5),
        output_field=models.IntegerField(),
    )


class Category(models.Model):
    """管理部件/管理事项分类: a line of the GB/T 47678.5-2026 directory, or a local extension,
    with how the street handles its cases (time limit, department, duplicates, 立案标准).

    The catalogue belongs to no area: every signed-in person sees all of it, so it declares
    no authz_paths. Changing it takes "categories.change", checked with `Authz.has_perm`
    (`Authz.may` finds no scope to match on a model without paths).
    """

    class Kind(models.TextChoices):
        COMPONENT = "component", _("部件")
        MATTER = "matter", _("事项")
        LOCAL = "local", _("本地扩展")

    class Unit(models.TextChoices):
        # Values are what the working-time clock is asked for (cases.deadlines).
        HOURS = "hours", _("工作时")
        DAYS = "days", _("工作日")

    class Severity(models.TextChoices):
        # Same values as cases.models.Severity: a report takes its category's severity.
        NORMAL = "normal", _("一般")
        SERIOUS = "serious", _("较重")
        MAJOR = "major", _("严重")
        URGENT = "urgent", _("紧急")

    kind = models.CharField(_("种类"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("代码"),
        max_length=5,
        validators=[RegexValidator(CODE_PATTERN, _("代码应为 5 位数字。"))],
        help_text=_("2 位大类 + 3 位小类。本地扩展使用 90–99 大类，如 91001。"),
    )
    major_code = models.CharField(_("大类代码"), max_length=2, blank=True)
    major_name = models.CharField(_("大类名称"), max_length=50)
    name = models.CharField(_("名称"), max_length=100)
    is_standard = models.BooleanField(
        _("国家标准"), default=False, help_text=_("由 load_categories 从国家标准目录载入。")
    )
    time_limit_value = models.PositiveSmallIntegerField(
        _("处置时限"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("从派遣起计算。留空时按 5 个工作日计。"),
    )
    time_limit_unit = models.CharField(
        _("时限单位"), max_length=10, choices=Unit.choices, default=Unit.DAYS
    )
    default_department = models.ForeignKey(
        "areas.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="categories",
        verbose_name=_("默认责任部门"),
        help_text=_("责任清单中没有适用条目时，由该部门处置。"),
    )
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    open_to_residents = models.BooleanField(
        _("向居民开放"), default=False, help_text=_("居民举报时可以选择这一类别。")
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("重复判定半径（米）"), default=50, validators=[MinValueValidator(1)]
    )
    duplicate_window_days = models.PositiveSmallIntegerField(
        _("重复判定时段（天）"), default=7, validators=[MinValueValidator(1)]
    )
    case_threshold = models.TextField(
        _("立案标准"), blank=True, help_text=_("例如：市政道路旁暴露垃圾 1 平方米以上。")
    )
    keywords = models.TextField(
        _("关键词"), blank=True, help_text=_("用空格或逗号分隔，搜索类别时使用，如：违停 乱停车。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # When the line last changed (Open311 discovery's changeset); empty before it was kept.
    updated_at = models.DateTimeField(auto_now=True, null=True, editable=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("部件/事项分类")
        verbose_name_plural = _("部件/事项分类")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                name="category_kind_code",
                violation_error_message=_("同一种类下已有这个代码的分类。"),
            ),
            models.CheckConstraint(
                condition=Q(major_code=Substr("code", 1, 2)),
                name="category_major_code_prefix",
                violation_error_message=_("大类代码应为代码的前两位。"),
            ),
        ]
        indexes = [
            # Exact codes and code prefixes (search). Names and keywords are searched by
            # substring over a few hundred rows, which no portable index would help.
            models.Index(fields=["code"], name="category_code", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "major_code"], name="category_kind_major"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        # The class code is the code's first two digits; stored for class-wide lookups.
        self.major_code = self.major_code or self.code[:2]
        super().save(*args, **kwargs)

    def clean(self):
        if not re.fullmatch(CODE_PATTERN, self.code or ""):
            return  # the field's own validator has said so
        self.major_code = self.major_code or self.code[:2]
        local = is_local_code(self.code)
        if self.kind == self.Kind.LOCAL and not local:
            raise ValidationError(
                {"code": _("本地扩展的代码应以 90–99 开头，避开国家标准的代码。")}
            )
        if self.kind != self.Kind.LOCAL and local:
            raise ValidationError(
                {"code": _("90–99 大类留给本地扩展；部件和事项请用国家标准代码。")}
            )

    @property
    def time_limit(self) -> tuple[int, str]:
        """(value, unit) for the working-time clock; unit is "hours" or "days"."""
        if self.time_limit_value is None:
            return DEFAULT_TIME_LIMIT
        return self.time_limit_value, self.time_limit_unit

    @property
    def time_limit_label(self) -> str:
        value, unit = self.time_limit
        label = f"{value} 个{self.Unit(unit).label}"
        return label if self.time_limit_value else _("默认 %(limit)s") % {"limit": label}

    @property
    def keyword_list(self) -> list[str]:
        return split_words(self.keywords)

    def full_code(self, admin_code: str) -> str:
        """The 11-digit matter code: 6-digit administrative code (GB/T 2260) + 5-digit code."""
        if self.kind == self.Kind.COMPONENT:
            raise ValueError("部件没有 11 位事项编码，请用 component_identifier。")
        return _checked_admin_code(admin_code) + self.code

    def component_identifier(self, admin_code: str, sequence: int) -> str:
        """A component's 17-digit identifier: administrative code + code + 6-digit sequence."""
        if self.kind != self.Kind.COMPONENT:
            raise ValueError("只有部件有 17 位标识码。")
        if not 1 <= sequence <= MAX_SEQUENCE:
            raise ValueError(f"部件序号应在 1–{MAX_SEQUENCE} 之间，收到 {sequence}。")
        return f"{_checked_admin_code(admin_code)}{self.code}{sequence:06d}"


def _checked_admin_code(admin_code: str) -> str:
    if not ADMIN_CODE.fullmatch(str(admin_code)):
        raise ValueError(f"行政区划代码应为 6 位数字，收到 {admin_code!r}。")
    return str(admin_code)
