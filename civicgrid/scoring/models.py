from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Department

# Defaults from DOMAIN.md §5; a campaign's scheme may set its own.
DEFAULT_WEIGHTS = {
    "community": {
        "inspection": 40,
        "closure_rate": 15,
        "ontime_closure_rate": 15,
        "ontime_handling_rate": 15,
        "rework_score": 15,
    },
    "grid": {
        "closure_rate": 30,
        "ontime_closure_rate": 30,
        "ontime_handling_rate": 20,
        "rework_score": 20,
    },
    "street": {
        "inspection": 40,
        "closure_rate": 15,
        "ontime_closure_rate": 15,
        "ontime_handling_rate": 15,
        "rework_score": 15,
    },
    "department": {
        "registered_score": 10,
        "closure_rate": 30,
        "ontime_handling_rate": 30,
        "rework_score": 30,
    },
}
DEFAULT_GRADES = [("A", 90), ("B", 75), ("C", 60), ("D", 40), ("E", 0)]


class Unit(models.TextChoices):
    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DEPARTMENT = "department", _("部门")


class Scheme(models.Model):
    """How a campaign scores: metric weights per kind of unit, point-type weights, grade bands."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="scheme"
    )
    weights = models.JSONField(
        _("权重"), default=dict, blank=True, help_text=_("{单位类型: {指标: 权重}}；空则用默认")
    )
    point_type_weights = models.JSONField(_("点位类型权重"), default=dict, blank=True)
    grades = models.JSONField(_("等级线"), default=list, blank=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")

    def __str__(self):
        return str(self.campaign)

    def weights_for(self, unit: str) -> dict[str, Decimal]:
        chosen = (self.weights or {}).get(unit) or DEFAULT_WEIGHTS[unit]
        return {metric: Decimal(str(weight)) for metric, weight in chosen.items()}

    def grade_bands(self) -> list[tuple[str, Decimal]]:
        return [(g, Decimal(str(floor))) for g, floor in (self.grades or DEFAULT_GRADES)]

    @classmethod
    def of(cls, campaign_id: int) -> "Scheme":
        """The campaign's scheme, or the defaults when it has none."""
        return cls.objects.filter(campaign=campaign_id).first() or cls()


class PeriodQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "scoring.view"):
        """The periods of the streets the person works in (without the streets join's repeats)."""
        return self.filter(pk__in=authz.restrict(Period.objects.all(), perm).values("pk"))

    def published(self):
        return self.filter(status=Period.Status.PUBLISHED)


class Period(models.Model):
    """A scoring period of a campaign; publishing freezes its scores."""

    class Kind(models.TextChoices):
        WEEK = "week", _("周")
        MONTH = "month", _("月")
        QUARTER = "quarter", _("季度")
        CUSTOM = "custom", _("自定义")

    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        PUBLISHED = "published", _("已发布")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="periods"
    )
    kind = models.CharField(_("周期"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), help_text=_("含当日"))
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    # The background computation under way (a django-tasks result id); cleared when it succeeds.
    compute_task = models.CharField(max_length=64, blank=True, default="", editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField(_("公示"), default=False, help_text=_("发布后在公示页面展示"))

    objects = PeriodQuerySet.as_manager()

    authz_paths = ("campaign__streets__path",)
    authz_covers = ("campaign__streets__path",)

    class Meta:
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")
        ordering = ["-start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind", "start"], name="period_unique")
        ]
        indexes = [
            models.Index(fields=["status", "start"], name="period_status_start"),
            models.Index(fields=["kind", "start"], name="period_kind_start"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scoring:period", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ScoreQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "scoring.view"):
        return authz.restrict(self, perm)


class Score(models.Model):
    """One unit's figures for one period: the counts behind every ratio, the index, rank and grade."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="scores")
    unit = models.CharField(_("单位类型"), max_length=12, choices=Unit.choices)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    area_path = models.CharField(max_length=255, default="")
    counts = models.JSONField(_("计数"), default=dict)
    rates = models.JSONField(_("比率"), default=dict)
    index = models.DecimalField(_("综合指标值"), max_digits=6, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("排名"), null=True)
    grade = models.CharField(_("等级"), max_length=1, blank=True)
    change = models.DecimalField(_("较上期"), max_digits=6, decimal_places=2, null=True)

    objects = ScoreQuerySet.as_manager()

    authz_paths = ("area_path",)
    authz_departments = ("department",)

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["period", "unit", "rank", "name"]
        indexes = [models.Index(fields=["period", "unit", "rank"], name="score_period_rank")]

    def __str__(self):
        return f"{self.period} · {self.name}"
