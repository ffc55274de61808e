from django.contrib import admin

from civicgrid.cases.models import Case, CaseEvent, ResponsibilityRule


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "by", "at", "from_state", "to_state", "note", "data", "public"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the workflow, so every change is in the history."""

    list_display = [
        "number",
        "category",
        "state",
        "grid",
        "responsible_department",
        "deadline",
        "is_overdue",
    ]
    list_filter = ["state", "source", "is_overdue"]
    search_fields = ["number", "description", "address"]
    list_select_related = ["category", "grid", "responsible_department"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "major_code", "area", "department", "area_role"]
    raw_id_fields = ["category", "area"]
    list_select_related = ["category", "area", "department"]
