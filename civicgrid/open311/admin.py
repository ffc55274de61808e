from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext as _

from civicgrid.open311.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Client applications and their api_keys: the key is shown once, when it is made.

    Superusers only: a key lets an outside system put cases into the 问题清单.
    """

    list_display = ["name", "street", "key_prefix", "is_active", "created_at", "submitted"]
    list_filter = ["is_active"]
    list_select_related = ["street"]
    search_fields = ["name", "key_prefix"]
    fields = ["name", "street", "is_active", "key_prefix", "created_at"]
    readonly_fields = ["key_prefix", "created_at"]
    actions = ["replace_key"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(submitted=Count("requests"))

    @admin.display(description=_("已提交"), ordering="submitted")
    def submitted(self, client):
        return client.submitted

    def save_model(self, request, obj, form, change):
        key = obj.new_key() if not change else None
        super().save_model(request, obj, form, change)
        if key:
            self._show_key(request, obj, key)

    @admin.action(description=_("换发新密钥（旧密钥立即失效）"))
    def replace_key(self, request, queryset):
        for client in queryset:
            key = client.new_key()
            client.save(update_fields=["key_hash", "key_prefix"])
            self._show_key(request, client, key)

    def _show_key(self, request, client, key):
        message = _("%(name)s 的 api_key：%(key)s（只显示这一次，请立即复制并安全交给对方）")
        self.message_user(request, message % {"name": client.name, "key": key}, messages.WARNING)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke by unticking 启用: submitted cases keep their client
