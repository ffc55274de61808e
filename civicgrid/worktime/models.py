"""The 工作日历 table: days an administrator sets by hand."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day of the 工作日历 set by hand: a holiday (放假) or a make-up working day (调休上班).

    An entry wins over the chinese-calendar package. Administrators fill the table for
    years the package does not know yet: the State Council announces next year's
    holidays late in the year, often after the package's last release. Dates without
    an entry follow the package, or Monday to Friday for a year it does not know.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("上班"),
        default=False,
        help_text=_("勾选表示这一天上班（如周末调休上班）；不勾选表示放假。"),
    )
    name = models.CharField(_("名称"), max_length=40, help_text=_("例如“春节”“调休上班”。"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("放假与调休")
        verbose_name_plural = _("放假与调休")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
