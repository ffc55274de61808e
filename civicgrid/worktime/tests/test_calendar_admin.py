from datetime import date

from django.contrib import admin

from civicgrid.worktime.admin import CalendarDayAdmin
from civicgrid.worktime.models import CalendarDay


def test_the_calendar_admin_passes_djangos_checks():
    assert admin.site.is_registered(CalendarDay)
    assert CalendarDayAdmin(CalendarDay, admin.site).check() == []


def test_the_list_shows_the_weekday_in_chinese():
    model_admin = CalendarDayAdmin(CalendarDay, admin.site)
    assert model_admin.weekday(CalendarDay(date=date(2027, 2, 6), name="春节")) == "星期六"


def test_an_entry_reads_as_its_date_and_name():
    assert str(CalendarDay(date=date(2027, 2, 6), name="春节")) == "2027-02-06 春节"
