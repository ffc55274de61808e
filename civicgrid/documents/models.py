from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area


class Kind(models.TextChoices):
    BULLETIN = "bulletin", _("督导通报")
    REPORT = "report", _("工作汇报")
    CASES = "cases", _("问题清单")
    RULES = "rules", _("责任清单")
    RANKING = "ranking", _("排名表")


# Kinds issued as numbered issues (第N期), counted per street, kind and year.
NUMBERED = {Kind.BULLETIN}
# Kinds that read a period's published scores.
NEED_PERIOD = {Kind.BULLETIN, Kind.REPORT, Kind.RANKING}
# Kinds written as Word files; the others are Excel workbooks.
WORD = {Kind.BULLETIN, Kind.REPORT}


def document_path(document, filename):
    return f"documents/{document.street_id}/{filename}"


# A document takes seconds to generate; one "running" this long lost its worker.
STUCK_AFTER = timedelta(minutes=30)


class Document(models.Model):
    """A generated document kept in the archive: what was asked, by whom, when, and the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    street = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("创建项目"),
    )
    period = models.ForeignKey(
        "scoring.Period",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("考核周期"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("生成人"),
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("失败原因"), blank=True)
    file = models.FileField(_("文件"), upload_to=document_path, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    authz_paths = ("street__path",)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书档案")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "kind", "year", "number"],
                condition=Q(number__isnull=False),
                name="document_number_unique",
                violation_error_message=_("该期号已被使用。"),
            )
        ]
        indexes = [models.Index(fields=["street", "kind", "-created_at"], name="document_recent")]

    def __str__(self):
        return f"{self.number_label} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    @property
    def number_label(self) -> str:
        return _("第%(n)s期") % {"n": self.number} if self.number else ""

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stuck(self) -> bool:
        """Running for longer than any generation takes: its worker died on the way."""
        started = self.started_at
        return (
            self.status == self.Status.RUNNING
            and bool(started)
            and (timezone.now() - started > STUCK_AFTER)
        )

    @property
    def may_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stuck

    @property
    def extension(self) -> str:
        return "docx" if self.kind in WORD else "xlsx"

    @property
    def filename(self) -> str:
        """The name the file is downloaded under."""
        return f"{self}.{self.extension}".replace("/", "-")


class DocumentSequence(models.Model):
    """The last issue number given to a kind of document of a street in a year; numbers
    are never reused, not even those of failed or deleted documents."""

    street = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["street", "kind", "year"], name="document_sequence_unique"
            )
        ]

    def __str__(self):
        return f"{self.street_id} {self.kind} {self.year}: {self.last}"

    @classmethod
    def next_number(cls, street: Area, kind: str, year: int) -> int:
        with transaction.atomic():
            cls.objects.get_or_create(street=street, kind=kind, year=year)
            row = cls.objects.filter(street=street, kind=kind, year=year)
            row.update(last=F("last") + 1)
            return row.select_for_update().get().last
