from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.api.models import ApiToken, Webhook, WebhookDelivery


class SuperusersOnly(admin.ModelAdmin):
    """Tokens act as a person and webhooks send case data out: superusers only."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(SuperusersOnly):
    """Tokens people made for themselves, or that an administrator makes for an integration.

    The token is shown once, when it is made; only its hash is kept.
    """

    list_display = [
        "key_prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "key_prefix", "user__username", "user__name"]
    raw_id_fields = ["user"]
    fields = [
        "user",
        "name",
        "expires_at",
        "key_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["key_prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        row, token = ApiToken.issue(obj.user, obj.name, lifetime=None)
        row.expires_at = obj.expires_at
        row.save(update_fields=["expires_at"])
        obj.pk = row.pk
        message = _("%(name)s 的访问令牌：%(token)s（只显示这一次，请立即复制并安全保存）")
        self.message_user(request, message % {"name": obj.user, "token": token}, messages.WARNING)

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("已吊销 %(n)s 个令牌。") % {"n": count})


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["created_at", "event", "attempt", "status_code", "error", "delivered_at"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event__case")


@admin.register(Webhook)
class WebhookAdmin(SuperusersOnly):
    list_display = ["name", "url", "area", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["area"]
    search_fields = ["name", "url"]
    raw_id_fields = ["area"]
    inlines = [DeliveryInline]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SuperusersOnly):
    """The delivery log: one row per attempt, read-only."""

    list_display = [
        "created_at",
        "webhook",
        "event",
        "attempt",
        "status_code",
        "delivered_at",
        "error",
    ]
    list_filter = ["webhook", ("delivered_at", admin.EmptyFieldListFilter)]
    list_select_related = ["webhook", "event"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "webhook",
        "event",
        "attempt",
        "status_code",
        "response_excerpt",
        "error",
        "created_at",
        "delivered_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
