from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Department
from civicgrid.campaigns.models import Campaign, Indicator, PointType


class SiteQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "sites.view"):
        return authz.restrict(self, perm)


class Site(models.Model):
    """An inspection point (点位): a market, a road section, a housing estate…"""

    name = models.CharField(_("名称"), max_length=100)
    point_type = models.CharField(_("点位类型"), max_length=30, choices=PointType.choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="sites", verbose_name=_("所在区域")
    )
    area_path = models.CharField(max_length=255, default="", editable=False)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
        verbose_name=_("责任单位"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("责任人"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = SiteQuerySet.as_manager()

    authz_paths = ("area_path",)

    class Meta:
        verbose_name = _("点位")
        verbose_name_plural = _("点位")
        ordering = ["area_path", "point_type", "name"]
        indexes = [
            models.Index(fields=["area_path"], name="site_area", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["point_type"], name="site_type"),
            models.Index(
                fields=["is_active", "area_path"],
                name="site_active",
                opclasses=["", "varchar_pattern_ops"],
            ),
            # The list's keyset order (API /sites).
            models.Index(fields=["area_path", "point_type", "name", "id"], name="site_order"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("inspections:site", args=[self.pk])


class RoundQuerySet(models.QuerySet):
    def open_to(self, user):
        """Rounds the person is named an inspector of, or that name nobody (`may_inspect`)."""
        listed = Round.inspectors.through.objects.filter(round=models.OuterRef("pk"))
        return self.filter(models.Exists(listed.filter(user=user)) | ~models.Exists(listed))


class Round(models.Model):
    """A supervision round (督查轮次): which sites, when, by whom."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    sites = models.ManyToManyField(Site, blank=True, related_name="rounds", verbose_name=_("点位"))
    areas = models.ManyToManyField(Area, blank=True, related_name="+", verbose_name=_("区域"))
    point_types = models.JSONField(_("点位类型"), default=list, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="rounds", verbose_name=_("督查人员")
    )
    repeat_days = models.PositiveSmallIntegerField(
        _("重复周期（天）"), null=True, blank=True, help_text=_("如 7 表示每周一轮")
    )
    template = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )

    objects = RoundQuerySet.as_manager()

    authz_paths = ("campaign__streets__path",)
    authz_covers = ("campaign__streets__path",)

    class Meta:
        verbose_name = _("督查轮次")
        verbose_name_plural = _("督查轮次")
        ordering = ["-start", "pk"]
        indexes = [models.Index(fields=["start", "end"], name="round_dates")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:round", args=[self.pk])


class Inspection(models.Model):
    """One site inspected in one round, scored against the campaign's pinned standard."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("检查中")
        SUBMITTED = "submitted", _("已提交")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="inspections")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="inspections")
    site_path = models.CharField(max_length=255, default="", editable=False)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections"
    )
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(
        _("满分"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    percentage = models.DecimalField(
        _("得分率%"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    extra_cases = models.ManyToManyField(
        "cases.Case",
        blank=True,
        related_name="found_in_inspections",
        verbose_name=_("另报问题"),
        help_text=_("检查中发现的清单以外的问题"),
    )

    authz_paths = ("site_path",)
    authz_owners = ("inspector",)

    class Meta:
        verbose_name = _("实地检查")
        verbose_name_plural = _("实地检查")
        ordering = ["-started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "site"], name="inspection_once_per_round")
        ]
        indexes = [
            models.Index(fields=["site", "-submitted_at"], name="inspection_site_recent"),
            models.Index(fields=["status", "-started_at"], name="inspection_status"),
        ]

    def __str__(self):
        return f"{self.round} · {self.site}"

    def save(self, *args, **kwargs):
        self.site_path = self.site.area_path
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("inspections:inspection", args=[self.pk])


class ItemResult(models.Model):
    """The verdict on one checklist item at one inspection; a failure becomes a case."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")
        NA = "na", _("不适用")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="results")
    verdict = models.CharField(_("结果"), max_length=4, choices=Verdict.choices)
    count = models.PositiveSmallIntegerField(_("问题处数"), default=0)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_item",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "indicator"], name="result_once")
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.get_verdict_display()}"


def item_photo_path(photo, filename):
    return f"inspections/{photo.result.inspection_id}/{filename}"


class ItemPhoto(models.Model):
    """A photo of an item's finding, stamped with where and when it was taken."""

    result = models.ForeignKey(ItemResult, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=item_photo_path)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")

    def __str__(self):
        return self.image.name
