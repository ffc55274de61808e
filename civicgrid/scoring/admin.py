"""Schemes are configured here; periods and scores change only through the scoring pages,
where computing and publishing keep published figures frozen."""

from django.contrib import admin

from civicgrid.scoring.models import Period, Scheme, Score


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["campaign"]
    list_select_related = ["campaign"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Period)
class PeriodAdmin(ReadOnly):
    list_display = ["name", "campaign", "kind", "start", "end", "status", "public", "computed_at"]
    list_filter = ["campaign", "kind", "status", "public"]
    list_select_related = ["campaign"]


@admin.register(Score)
class ScoreAdmin(ReadOnly):
    list_display = ["name", "period", "unit", "rank", "index", "grade", "change"]
    list_filter = ["unit", "period__campaign"]
    list_select_related = ["period"]
    search_fields = ["name"]
