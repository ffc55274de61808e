from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area, Department


class FieldKind(models.TextChoices):
    NUMBER = "number", _("数字")
    TEXT = "text", _("文字")
    DATE = "date", _("日期")
    CHOICE = "choice", _("选项")
    PHOTO = "photo", _("照片")
    ATTACHMENT = "attachment", _("附件")


FILE_KINDS = {FieldKind.PHOTO, FieldKind.ATTACHMENT}


class LedgerType(models.Model):
    """A kind of ledger (台账) with its own fields, defined by an administrator without code.

    `fields` is a list of {"key", "label", "kind", "required", "choices", "unit"}.
    """

    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    street = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="ledger_types", verbose_name=_("街道")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ledger_types",
        verbose_name=_("所属创建项目"),
    )
    description = models.TextField(_("说明"), blank=True)
    fields = models.JSONField(_("字段"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)

    authz_paths = ("street__path",)
    authz_covers = ("street__path",)

    class Meta:
        verbose_name = _("台账类型")
        verbose_name_plural = _("台账类型")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "code"], name="ledger_type_code_unique")
        ]
        indexes = [models.Index(fields=["is_active", "name"], name="ledger_type_active")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ledgers:type", args=[self.pk])

    def field(self, key: str) -> dict | None:
        return next((f for f in self.fields if f.get("key") == key), None)

    def number_fields(self) -> list[dict]:
        return [f for f in self.fields if f.get("kind") == FieldKind.NUMBER]

    def clean(self):
        keys = [f.get("key") for f in self.fields]
        if len(keys) != len(set(keys)) or not all(keys):
            raise ValidationError({"fields": _("每个字段都要有唯一的代码。")})
        for f in self.fields:
            if f.get("kind") not in FieldKind.values:
                raise ValidationError(
                    {"fields": _("字段“%(label)s”的类型无效。") % {"label": f.get("label")}}
                )
            if f.get("kind") == FieldKind.CHOICE and not f.get("choices"):
                raise ValidationError(
                    {"fields": _("选项字段“%(label)s”须列出选项。") % {"label": f.get("label")}}
                )


class EntryQuerySet(models.QuerySet):
    def restrict(self, authz, perm: str = "ledgers.view"):
        return authz.restrict(self, perm)


class LedgerEntry(models.Model):
    """One line of a ledger: something done in an area on a date, with its figures and evidence."""

    ledger = models.ForeignKey(LedgerType, on_delete=models.PROTECT, related_name="entries")
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("区域")
    )
    area_path = models.CharField(max_length=255, default="", editable=False)
    date = models.DateField(_("日期"))
    values = models.JSONField(_("内容"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    objects = EntryQuerySet.as_manager()

    authz_paths = ("area_path",)
    authz_owners = ("created_by",)

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("台账记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["ledger", "-date", "-id"], name="entry_ledger_date"),
            models.Index(
                fields=["area_path", "date"],
                name="entry_area_date",
                opclasses=["varchar_pattern_ops", ""],
            ),
        ]

    def __str__(self):
        return f"{self.ledger} {self.date}"

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)


class EntryChange(models.Model):
    """The history of a ledger entry: who changed what, before and after (append-only)."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.entry_id} {self.at:%Y-%m-%d %H:%M}"


def ledger_file_path(item, filename):
    return f"ledgers/{item.entry.ledger_id}/{item.entry_id}/{filename}"


class LedgerFile(models.Model):
    """A photo or attachment kept as evidence for one field of an entry."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(_("字段"), max_length=40)
    file = models.FileField(_("文件"), upload_to=ledger_file_path)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.file.name

    @property
    def basename(self) -> str:
        """The file's own name, without its folders."""
        return self.file.name.rsplit("/", 1)[-1]


class Shop(models.Model):
    """A shop in the 门前三包 register (shop-front responsibility)."""

    name = models.CharField(_("店名"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    licence = models.CharField(_("营业执照号"), max_length=50, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="shops", verbose_name=_("区域")
    )
    area_path = models.CharField(max_length=255, default="", editable=False)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="shops", verbose_name=_("门前问题案件")
    )

    authz_paths = ("area_path",)

    class Meta:
        verbose_name = _("门前三包商户")
        verbose_name_plural = _("门前三包商户")
        ordering = ["area_path", "name"]
        indexes = [
            models.Index(fields=["area_path"], name="shop_area", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)


def pledge_path(pledge, filename):
    # Its own first folder: protected media finds a file's owner by that folder.
    return f"pledges/{pledge.shop_id}/{filename}"


class Pledge(models.Model):
    """A 门前三包 responsibility letter signed by a shop."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="pledges")
    signed_on = models.DateField(_("签订日期"))
    scope = models.CharField(_("责任范围"), max_length=200, help_text=_("如：门前至人行道外沿"))
    photo = models.ImageField(_("责任书照片"), upload_to=pledge_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    authz_paths = ("shop__area_path",)

    class Meta:
        verbose_name = _("门前三包责任书")
        verbose_name_plural = _("门前三包责任书")
        ordering = ["-signed_on"]

    def __str__(self):
        return f"{self.shop} {self.signed_on}"


class Target(models.Model):
    """A numeric target (目标) on ledgers or a rate, for an area and its children, per period."""

    class Metric(models.TextChoices):
        COUNT = "count", _("记录条数")
        SUM = "sum", _("数值合计")
        RATE = "rate", _("比率")

    class Period(models.TextChoices):
        YEAR = "year", _("每年")
        QUARTER = "quarter", _("每季度")
        MONTH = "month", _("每月")
        EVERY_N_MONTHS = "every_n_months", _("每 N 个月")

    name = models.CharField(_("名称"), max_length=100)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="targets", verbose_name=_("区域（含下级）")
    )
    metric = models.CharField(_("指标"), max_length=10, choices=Metric.choices)
    ledger = models.ForeignKey(
        LedgerType, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    field_key = models.CharField(_("合计字段"), max_length=40, blank=True)
    survey = models.ForeignKey(
        "ledgers.Survey", null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    rate_kind = models.CharField(
        _("比率"),
        max_length=10,
        blank=True,
        choices=[("aware", _("知晓率")), ("satisfied", _("满意率"))],
    )
    period = models.CharField(_("周期"), max_length=20, choices=Period.choices, default=Period.YEAR)
    every_months = models.PositiveSmallIntegerField(_("N（月）"), null=True, blank=True)
    anchor = models.DateField(_("起算日期"))
    threshold = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("责任单位"),
    )

    authz_paths = ("area__path",)
    # A street's target is everyone's in the street: its communities and grids work towards it.
    authz_covers = ("area__path",)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.metric in (self.Metric.COUNT, self.Metric.SUM) and not self.ledger_id:
            raise ValidationError({"ledger": _("请选择台账类型。")})
        if self.metric == self.Metric.SUM and not self.field_key:
            raise ValidationError({"field_key": _("请选择要合计的数字字段。")})
        if self.metric == self.Metric.RATE and not (self.survey_id and self.rate_kind):
            raise ValidationError({"survey": _("比率目标须选择问卷和比率类型。")})
        if self.period == self.Period.EVERY_N_MONTHS and not self.every_months:
            raise ValidationError({"every_months": _("请填写 N。")})


class Survey(models.Model):
    """A questionnaire (问卷调查) residents answer through a public link or QR code."""

    class OnePer(models.TextChoices):
        DEVICE = "device", _("每台设备一次")
        PHONE = "phone", _("每个手机号一次")
        NONE = "none", _("不限")

    title = models.CharField(_("标题"), max_length=200)
    street = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("街道")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    intro = models.TextField(_("说明"), blank=True)
    slug = models.SlugField(_("链接代码"), max_length=40, unique=True)
    is_open = models.BooleanField(_("开放填写"), default=True)
    one_per = models.CharField(
        _("每人一次的判断方式"), max_length=10, choices=OnePer.choices, default=OnePer.DEVICE
    )
    quotas = models.JSONField(
        _("各社区配额"), default=dict, blank=True, help_text=_("{社区编码: 份数}")
    )
    created_at = models.DateTimeField(default=timezone.now)

    authz_paths = ("street__path",)
    authz_covers = ("street__path",)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Question(models.Model):
    """One question; which answers count as aware or satisfied is set here, not guessed."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("单选")
        MULTIPLE = "multiple", _("多选")
        RATING = "rating", _("1–5 评分")
        TEXT = "text", _("文字")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("题目"), max_length=300)
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    aware_answers = models.JSONField(_("计为“知晓”的答案"), default=list, blank=True)
    satisfied_answers = models.JSONField(_("计为“满意”的答案"), default=list, blank=True)

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self):
        return self.text


class Response(models.Model):
    """One person's answers to a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    community = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device = models.CharField(max_length=64, blank=True, db_index=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["survey", "submitted_at"], name="response_survey_time")]

    def __str__(self):
        return f"{self.survey_id} {self.submitted_at:%Y-%m-%d}"
