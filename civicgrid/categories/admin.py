from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civicgrid.categories.models import Category
from civicgrid.people.authz import authz_for

# What the standard fixes on its own rows: reloading the directory would undo edits there.
STANDARD_COLUMNS = ["kind", "code", "major_code", "major_name", "name", "is_standard"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Every signed-in staff member may read the catalogue; "categories.change" edits it."""

    list_display = [
        "kind",
        "code",
        "name",
        "major_name",
        "time_limit_value",
        "time_limit_unit",
        "default_department",
        "severity",
        "open_to_residents",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_editable = [
        "time_limit_value",
        "time_limit_unit",
        "severity",
        "open_to_residents",
        "is_active",
    ]
    list_filter = [
        "kind",
        "major_name",
        "is_standard",
        "open_to_residents",
        "is_active",
        "severity",
        "default_department",
    ]
    list_select_related = ["default_department"]
    search_fields = ["code", "name", "keywords"]
    fieldsets = [
        (
            _("分类"),
            {"fields": ["kind", "code", "major_code", "major_name", "name", "is_standard"]},
        ),
        (
            _("处置"),
            {"fields": ["time_limit_value", "time_limit_unit", "default_department", "severity"]},
        ),
        (
            _("受理"),
            {
                "fields": [
                    "open_to_residents",
                    "case_threshold",
                    "duplicate_radius_m",
                    "duplicate_window_days",
                    "keywords",
                    "is_active",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return STANDARD_COLUMNS if obj is not None and obj.is_standard else ["is_standard"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return authz_for(request).has_perm("categories.change")

    def has_add_permission(self, request):
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Standard rows come back with the next load; only local extensions may go.
        return self.has_change_permission(request) and obj is not None and not obj.is_standard
