from django.contrib import admin

from civicgrid.inspections.models import Inspection, ItemResult, Round, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "point_type", "area", "department", "is_active"]
    list_filter = ["point_type", "is_active"]
    search_fields = ["name", "address", "area__code"]
    raw_id_fields = ["area", "person"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "start", "end", "repeat_days", "template"]
    list_filter = ["campaign"]
    filter_horizontal = ["sites", "areas", "inspectors"]
    raw_id_fields = ["template"]


class ItemResultInline(admin.TabularInline):
    model = ItemResult
    fields = ["indicator", "verdict", "count", "note", "score", "case"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    """Read-only: inspections change only through the inspection form, where scoring happens."""

    list_display = ["round", "site", "inspector", "status", "percentage", "submitted_at"]
    list_filter = ["status", "round__campaign"]
    readonly_fields = [f.name for f in Inspection._meta.fields] + ["extra_cases"]
    inlines = [ItemResultInline]

    def has_add_permission(self, request):
        return False
