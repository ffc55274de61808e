from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicgrid.lib.geo import footprint, parse_boundary


class Level(models.IntegerChoices):
    CITY = 10, _("市")
    DISTRICT = 20, _("区县")
    STREET = 30, _("街道")
    ZONE = 40, _("工作区")
    COMMUNITY = 50, _("社区/村")
    GRID = 60, _("网格")


# Which level may sit under which: a grid always belongs to a community.
ALLOWED_PARENTS = {
    Level.CITY: {None},
    Level.DISTRICT: {None, Level.CITY},
    Level.STREET: {None, Level.CITY, Level.DISTRICT},
    Level.ZONE: {Level.STREET},
    Level.COMMUNITY: {Level.STREET, Level.ZONE},
    Level.GRID: {Level.COMMUNITY},
}

# Unit-grid codes (GB/T 2260 county code + 3 street + 3 community + 3 grid).
CODE_LENGTHS = {
    Level.CITY: 6,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}
ZONE_SUFFIX = "Z"


class AreaQuerySet(models.QuerySet):
    def subtree(self, area: "Area"):
        return self.filter(path__startswith=area.path)

    def restrict(self, authz, perm: str = "areas.view"):
        return authz.restrict(self, perm)


class Area(models.Model):
    """A node of the territory tree: 市 → 区县 → 街道 → 工作区 → 社区/村 → 网格."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级区域"),
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_village = models.BooleanField(_("行政村"), default=False)
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    boundary = models.JSONField(_("边界（GeoJSON，WGS-84）"), null=True, blank=True)
    min_lng = models.FloatField(null=True, editable=False)
    min_lat = models.FloatField(null=True, editable=False)
    max_lng = models.FloatField(null=True, editable=False)
    max_lat = models.FloatField(null=True, editable=False)
    centre_lng = models.FloatField(null=True, editable=False)
    centre_lat = models.FloatField(null=True, editable=False)
    # Materialised path of ids ("1/7/42/"): a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = AreaQuerySet.as_manager()

    authz_paths = ("path",)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="area_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "code"], name="area_level_code"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._store_footprint()
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = (self.parent.path if self.parent_id else "") + f"{self.pk}/"
            if new_path != old_path:
                self._move_path(old_path, new_path)

    def get_absolute_url(self):
        return reverse("areas:detail", args=[self.code])

    @property
    def depth(self) -> int:
        return self.path.count("/")

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split("/") if part][:-1]

    def ancestors(self):
        return Area.objects.filter(pk__in=self.ancestor_ids).order_by("path")

    def ancestor_at(self, level: int) -> "Area | None":
        if self.level == level:
            return self
        return self.ancestors().filter(level=level).first()

    def clean(self):
        self._clean_parent()
        self._clean_code()
        if self.boundary is not None:
            parse_boundary(self.boundary)

    def _clean_parent(self):
        parent_level = self.parent.level if self.parent_id else None
        if parent_level not in ALLOWED_PARENTS[self.level]:
            raise ValidationError(
                {"parent": _("%(level)s不能设在该上级之下。") % {"level": self.get_level_display()}}
            )
        if self.pk and self.parent_id and f"/{self.pk}/" in f"/{self.parent.path}":
            raise ValidationError({"parent": _("不能把区域移到它自己的下级之下。")})

    def _clean_code(self):
        expected = self.expected_code_prefix()
        if self.level == Level.ZONE:
            if not (self.code.startswith(expected + ZONE_SUFFIX) and self.code[-2:].isdigit()):
                raise ValidationError({"code": _("工作区编码应为街道编码加 Z 和两位序号。")})
            return
        length = CODE_LENGTHS[self.level]
        if len(self.code) != length or not self.code.isdigit():
            raise ValidationError(
                {
                    "code": _("%(level)s编码应为 %(n)s 位数字。")
                    % {"level": self.get_level_display(), "n": length}
                }
            )
        if expected and not self.code.startswith(expected):
            raise ValidationError(
                {"code": _("编码应以上级编码 %(prefix)s 开头。") % {"prefix": expected}}
            )
        if self.level in (Level.STREET, Level.COMMUNITY, Level.GRID) and self.code.endswith("000"):
            raise ValidationError({"code": _("序号不能为 000。")})

    def expected_code_prefix(self) -> str:
        """The code this area's own code must start with, skipping work zones."""
        parent = self.parent
        while parent is not None and parent.level == Level.ZONE:
            parent = parent.parent
        if parent is None or parent.level == Level.CITY:
            return ""
        return parent.code

    def child_code(self, sequence: int) -> str:
        """The code of this area's child number `sequence` (grids, communities, streets)."""
        base = self.code
        if self.level == Level.ZONE:
            base = self.code.split(ZONE_SUFFIX)[0]
        return f"{base}{sequence:03d}"

    def _move_path(self, old_path: str, new_path: str):
        Area.objects.filter(pk=self.pk).update(path=new_path)
        if old_path:
            Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
            )
        self.path = new_path

    def _store_footprint(self):
        if self.boundary is None:
            self.min_lng = self.min_lat = self.max_lng = self.max_lat = None
            self.centre_lng = self.centre_lat = None
            return
        fp = footprint(parse_boundary(self.boundary))
        self.min_lng, self.min_lat, self.max_lng, self.max_lat = (
            fp.min_lng,
            fp.min_lat,
            fp.max_lng,
            fp.max_lat,
        )
        self.centre_lng, self.centre_lat = fp.centre_lng, fp.centre_lat


class DepartmentQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "departments.view"):
        return authz.restrict(self, perm)


class Department(models.Model):
    """A functional department (职能部门) or campaign task force (创城专线) serving a street."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("职能部门")
        TASK_FORCE = "task_force", _("创城专线")

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    street = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("服务街道"),
        limit_choices_to={"level": Level.STREET},
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = DepartmentQuerySet.as_manager()

    authz_paths = ("street__path",)
    authz_covers = ("street__path",)
    authz_departments = ("pk",)

    class Meta:
        verbose_name = _("部门/专线")
        verbose_name_plural = _("部门/专线")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.street_id and self.street.level != Level.STREET:
            raise ValidationError({"street": _("部门服务的区域必须是街道。")})
