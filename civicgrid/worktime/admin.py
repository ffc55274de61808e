from django.contrib import admin
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from civicgrid.worktime.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "name", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]

    @admin.display(description=_("星期"), ordering="date")
    def weekday(self, day: CalendarDay) -> str:
        return WEEKDAYS[day.date.weekday()]
