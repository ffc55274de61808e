"""The dashboard's statistics: small tables kept by `manage.py refresh_stats` (see stats.py).

Pages read these instead of counting the case history on every view.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Area


class CaseDay(models.Model):
    """One day's case counts in one area: per category, and in total (no category).

    Every area from the grid up has a total row for each day with any count; areas from
    the community up also have a row per category. A case counts in its located area and
    every area above it.
    """

    day = models.DateField(_("日期"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(max_length=255)
    category = models.ForeignKey(
        "categories.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reported = models.PositiveIntegerField(_("新增"), default=0)
    closed = models.PositiveIntegerField(_("结案"), default=0)
    overdue = models.PositiveIntegerField(_("到期未按时处置"), default=0)

    authz_paths = ("area_path",)

    class Meta:
        verbose_name = _("每日案件统计")
        verbose_name_plural = _("每日案件统计")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "day", "category"],
                condition=Q(category__isnull=False),
                name="caseday_once_per_category",
            ),
            models.UniqueConstraint(
                fields=["area", "day"],
                condition=Q(category__isnull=True),
                name="caseday_once_in_total",
            ),
        ]
        indexes = [models.Index(fields=["day"], name="caseday_day")]

    def __str__(self):
        return f"{self.day} {self.area_id} {self.category_id or '*'}"


class AreaNow(models.Model):
    """One area's figures as of the last refresh: open cases by state, overdue, this week's
    and this month's counts. Every area with any such count has a row, grids included."""

    area = models.OneToOneField(Area, primary_key=True, on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(max_length=255)
    open = models.PositiveIntegerField(_("办理中"), default=0)
    overdue = models.PositiveIntegerField(_("已超期"), default=0)
    states = models.JSONField(_("各状态办理中案件数"), default=dict)
    reported_today = models.PositiveIntegerField(_("今日新增"), default=0)
    reported_week = models.PositiveIntegerField(_("本周新增"), default=0)
    closed_week = models.PositiveIntegerField(_("本周结案"), default=0)
    due_month = models.PositiveIntegerField(_("本月应结案数"), default=0)
    closed_month = models.PositiveIntegerField(_("本月结案数"), default=0)
    closed_on_time_month = models.PositiveIntegerField(_("本月按期结案数"), default=0)

    authz_paths = ("area_path",)

    class Meta:
        verbose_name = _("区域当前案件统计")
        verbose_name_plural = _("区域当前案件统计")
        indexes = [
            models.Index(
                fields=["area_path"], name="areanow_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return f"{self.area_id}: {self.open}"


class Hotspot(models.Model):
    """顽疾点位: one category reported again and again at one place (see hotspots.py)."""

    category = models.ForeignKey(
        "categories.Category", on_delete=models.CASCADE, related_name="+", verbose_name=_("类别")
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="+", verbose_name=_("所属区域")
    )
    area_path = models.CharField(max_length=255)
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("次数"))
    open = models.PositiveIntegerField(_("办理中"), default=0)
    first_at = models.DateTimeField(_("首次上报"))
    last_at = models.DateTimeField(_("最近上报"))
    cases = models.JSONField(_("案件编号"), default=list)

    authz_paths = ("area_path",)

    class Meta:
        verbose_name = _("顽疾点位")
        verbose_name_plural = _("顽疾点位")
        ordering = ["-count", "-last_at", "pk"]

    def __str__(self):
        return f"{self.category_id} × {self.count} @ {self.lat:.5f},{self.lng:.5f}"


class Refresh(models.Model):
    """When the statistics were last refreshed, and the day they were recomputed up to."""

    refreshed_at = models.DateTimeField(_("统计时间"))
    through = models.DateField(_("已统计到"))

    class Meta:
        verbose_name = _("统计刷新")
        verbose_name_plural = _("统计刷新")

    def __str__(self):
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"
