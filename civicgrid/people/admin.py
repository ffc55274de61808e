from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from civicgrid.people.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["area", "department"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ["username", "name", "phone", "is_active", "is_superuser", "is_demo"]
    search_fields = ["username", "name", "phone"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["name", "phone", "email"]}),
        (
            _("状态"),
            {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]},
        ),
    ]
    add_fieldsets = [(None, {"fields": ["username", "name", "phone", "password1", "password2"]})]
    inlines = [RoleAssignmentInline]
