"""Read-mostly admin for campaigns and standards: edits to a standard's indicators go through
the standard pages, which copy a version that scores were given against."""

from django.contrib import admin

from civicgrid.campaigns.models import (
    Campaign,
    Evidence,
    EvidenceRequirement,
    Indicator,
    IndicatorDuty,
    Standard,
    StandardVersion,
    WorkTask,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_sample"]
    list_filter = ["kind", "is_sample"]
    search_fields = ["name"]


@admin.register(StandardVersion)
class StandardVersionAdmin(ReadOnlyAdmin):
    list_display = ["standard", "number", "created_at", "created_by", "note"]
    list_filter = ["standard"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "version", "depth", "method", "points", "negative"]
    list_filter = ["version", "depth", "method"]
    search_fields = ["code", "title"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "start", "end", "status", "version"]
    list_filter = ["kind", "status"]
    filter_horizontal = ["streets"]

    def get_readonly_fields(self, request, obj=None):
        # A campaign changes version only by re-pinning, which moves its duties and evidence.
        return ["version"] if obj else []


@admin.register(IndicatorDuty)
class IndicatorDutyAdmin(admin.ModelAdmin):
    list_display = ["campaign", "indicator", "lead", "lead_area", "person"]
    list_filter = ["campaign"]
    raw_id_fields = ["indicator", "person"]


@admin.register(WorkTask)
class WorkTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "owner", "due", "status", "progress"]
    list_filter = ["campaign", "status"]
    raw_id_fields = ["indicator", "owner"]


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(admin.ModelAdmin):
    list_display = ["description", "campaign", "indicator", "quantity", "department", "area"]
    list_filter = ["campaign"]
    raw_id_fields = ["indicator"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["file", "requirement", "status", "uploaded_by", "uploaded_at"]
    list_filter = ["status"]
    raw_id_fields = ["requirement", "uploaded_by", "reviewed_by"]
