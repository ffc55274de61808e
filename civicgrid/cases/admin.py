from django.contrib import admin
from django.utils.translation import gettext as _

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

    def log_deletions(self, request, queryset):
        """As the rules pages log a deletion: with the rule's area, so that the 责任清单
        history keeps showing it to the people of that area after the rule is gone."""
        from civicgrid.cases.rules_views import log_change

        for rule in queryset:  # a queryset from the list's action, a list from the delete page
            log_change(request.user, rule, deleted=True, via=_("管理后台："))
