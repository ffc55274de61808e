from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Department


class CampaignKind(models.TextChoices):
    CIVILIZED = "civilized", _("全国文明城市")
    SANITARY = "sanitary", _("国家卫生城市")
    ETHNIC_UNITY = "ethnic_unity", _("全国民族团结进步示范区")
    OTHER = "other", _("其他")


class PointType(models.TextChoices):
    """The inspection point types (点位) of the evaluation manual."""

    GOVERNMENT_HALL = "government_hall", _("政务大厅")
    HOSPITAL = "hospital", _("医院")
    STATION = "station", _("车站")
    BUS_STOP = "bus_stop", _("公交站台")
    SERVICE_WINDOW = "service_window", _("窗口单位")
    SCHOOL = "school", _("中小学校及周边")
    INTERNET_CAFE = "internet_cafe", _("网吧")
    MAIN_ROAD = "main_road", _("主次干道")
    COMMERCIAL_STREET = "commercial_street", _("商业大街")
    CROSSING = "crossing", _("交通路口")
    BACK_STREET = "back_street", _("背街小巷")
    STREET_OFFICE = "street_office", _("街道办")
    COMMUNITY_OFFICE = "community_office", _("社区居委会")
    RESIDENTIAL = "residential", _("小区")
    FARMERS_MARKET = "farmers_market", _("农贸市场")
    PATRIOTIC_BASE = "patriotic_base", _("爱国主义教育基地")
    CULTURAL_FACILITY = "cultural_facility", _("公共文化设施")
    PARK = "park", _("公园")
    SQUARE = "square", _("公共广场")
    SCENIC_AREA = "scenic_area", _("景区")
    PUBLIC_TOILET = "public_toilet", _("公共厕所")
    HOARDING = "hoarding", _("建筑围挡")
    TRANSFER_STATION = "transfer_station", _("环卫中转站")


class Standard(models.Model):
    """An evaluation standard (测评体系), e.g. 全国文明城市测评体系; its content lives in versions."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    is_sample = models.BooleanField(
        _("样例"), default=False, help_text=_("内置样例，须按本市现行测评手册调整")
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("测评体系")
        verbose_name_plural = _("测评体系")

    def __str__(self):
        return self.name

    @property
    def latest(self) -> "StandardVersion | None":
        return self.versions.order_by("-number").first()


class StandardVersion(models.Model):
    """One frozen version of a standard; editing a used version makes a new one."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("修订说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("测评体系版本")
        verbose_name_plural = _("测评体系版本")
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="standard_version_unique")
        ]

    def __str__(self):
        return f"{self.standard} v{self.number}"

    @property
    def in_use(self) -> bool:
        """Scores were given against it, so its items must not change."""
        from civicgrid.inspections.models import ItemResult

        return ItemResult.objects.filter(indicator__version=self).exists()

    @transaction.atomic
    def copy(self, by=None, note="") -> "StandardVersion":
        """A new version with the same tree, for editing without touching old scores."""
        latest = self.standard.latest
        new = StandardVersion.objects.create(
            standard=self.standard, number=latest.number + 1, created_by=by, note=note
        )
        clones = {}
        for item in self.indicators.order_by("depth", "order", "pk"):
            old_pk = item.pk
            item.pk, item.version = None, new
            item.parent = clones.get(item.parent_id)
            item.save()
            clones[old_pk] = item
        return new


class Indicator(models.Model):
    """A node of the standard: 项目 → 测评内容 → 测评标准/条目, with points and how it is judged."""

    class Level(models.IntegerChoices):
        PROJECT = 1, _("测评项目")
        CONTENT = 2, _("测评内容")
        ITEM = 3, _("测评标准")

    class Method(models.TextChoices):
        FIELD = "field", _("实地考察")
        SURVEY = "survey", _("问卷调查")
        MATERIAL = "material", _("材料审核")

    class Negative(models.TextChoices):
        NONE = "", _("否")
        DEDUCT = "deduct", _("额外扣分")
        CAP = "cap", _("封顶得分率")

    version = models.ForeignKey(
        StandardVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    code = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("名称"), max_length=200)
    criteria = models.TextField(_("测评标准"), blank=True)
    order = models.PositiveIntegerField(default=0)
    points = models.DecimalField(
        _("分值"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    method = models.CharField(
        _("测评方法"), max_length=10, choices=Method.choices, default=Method.FIELD
    )
    point_types = models.JSONField(_("适用点位类型"), default=list, blank=True)
    deduction_per_count = models.DecimalField(
        _("每处扣分"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("按处数扣分时填写；不填则不合格扣该项全部分值"),
    )
    negative = models.CharField(
        _("负面清单"), max_length=10, choices=Negative.choices, blank=True, default=""
    )
    negative_value = models.DecimalField(
        _("负面清单扣分/封顶%"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    category = models.ForeignKey(
        "categories.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("不合格生成案件的类别"),
    )

    class Meta:
        verbose_name = _("测评指标")
        verbose_name_plural = _("测评指标")
        ordering = ["version", "depth", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_code_unique")
        ]
        indexes = [
            models.Index(fields=["version", "method", "depth"], name="indicator_version_method")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def applies_to(self, point_type: str) -> bool:
        return not self.point_types or point_type in self.point_types

    def clean(self):
        if self.parent_id and self.parent.depth != self.depth - 1:
            raise ValidationError({"parent": _("上级指标的层级不对。")})
        if self.negative and self.negative_value is None:
            raise ValidationError({"negative_value": _("负面清单条目须填写扣分或封顶比例。")})
        if self.negative == self.Negative.CAP and not (0 <= (self.negative_value or 0) <= 100):
            raise ValidationError({"negative_value": _("封顶得分率应在 0 到 100 之间。")})


class CampaignQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "campaigns.view"):
        return authz.restrict(self, perm).distinct()


class Campaign(models.Model):
    """A campaign for a national title (创建项目) that a street runs over a period."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        ACTIVE = "active", _("进行中")
        FINISHED = "finished", _("已结束")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    streets = models.ManyToManyField(Area, related_name="campaigns", verbose_name=_("覆盖街道"))
    version = models.ForeignKey(
        StandardVersion,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("测评体系版本"),
    )

    objects = CampaignQuerySet.as_manager()

    authz_paths = ("streets__path",)
    authz_covers = ("streets__path",)

    class Meta:
        verbose_name = _("创建项目")
        verbose_name_plural = _("创建项目")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="campaign_dates",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]
        indexes = [
            models.Index(fields=["-start", "-id"], name="campaign_recent"),
            models.Index(fields=["status", "-start"], name="campaign_status"),
            models.Index(fields=["kind", "-start"], name="campaign_kind"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:detail", args=[self.pk])


class IndicatorDuty(models.Model):
    """The 责任分解表 line of one indicator: lead unit, co-operating units, responsible person."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="duties")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="duties")
    lead = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_duties",
        verbose_name=_("牵头单位"),
    )
    lead_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("牵头社区/街道"),
    )
    partners = models.ManyToManyField(
        Department, blank=True, related_name="partner_duties", verbose_name=_("配合单位")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("责任人"),
    )

    authz_paths = ("campaign__streets__path",)
    authz_covers = ("campaign__streets__path",)

    class Meta:
        verbose_name = _("责任分解")
        verbose_name_plural = _("责任分解表")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "indicator"], name="duty_unique")
        ]

    def __str__(self):
        return f"{self.indicator} → {self.lead or self.lead_area or '-'}"


class WorkTask(models.Model):
    """A line of the 工作进度表: a task with owner, due date, status and progress notes."""

    class Status(models.TextChoices):
        TODO = "todo", _("未开始")
        DOING = "doing", _("进行中")
        DONE = "done", _("已完成")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(_("工作任务"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="work_tasks",
        verbose_name=_("负责人"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任单位"),
    )
    due = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.TODO)
    progress = models.PositiveSmallIntegerField(_("进度%"), default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    authz_paths = ("campaign__streets__path",)
    authz_covers = ("campaign__streets__path",)
    authz_departments = ("department",)
    authz_owners = ("owner",)

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作进度表")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due"], name="task_owner_due")]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.DONE and self.due < timezone.localdate()


class TaskNote(models.Model):
    """A progress note on a work task (append-only)."""

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="notes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("进展"))
    progress = models.PositiveSmallIntegerField(_("进度%"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return self.text[:30]


class EvidenceRequirement(models.Model):
    """Which supporting materials (佐证材料) an indicator needs, how many, and from which unit."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="evidence_requirements"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="evidence_requirements"
    )
    description = models.CharField(_("材料要求"), max_length=300)
    quantity = models.PositiveSmallIntegerField(_("份数"), default=1)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提供单位"),
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提供社区/街道"),
    )

    # The street's staff, and the community or department that provides the material.
    authz_paths = ("campaign__streets__path", "area__path")
    authz_departments = ("department",)

    class Meta:
        verbose_name = _("佐证材料要求")
        verbose_name_plural = _("佐证材料要求")
        ordering = ["indicator__code", "pk"]

    def __str__(self):
        return self.description


def evidence_path(evidence, filename):
    return f"evidence/{evidence.requirement.campaign_id}/{evidence.requirement.indicator.code}/{filename}"


class Evidence(models.Model):
    """One uploaded supporting document, accepted or returned by a reviewer."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("已通过")
        RETURNED = "returned", _("已退回")

    requirement = models.ForeignKey(
        EvidenceRequirement, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("文件"), upload_to=evidence_path)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.CharField(_("审核意见"), max_length=300, blank=True)

    authz_paths = ("requirement__campaign__streets__path", "requirement__area__path")
    authz_departments = ("requirement__department",)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.file.name
