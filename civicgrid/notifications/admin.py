from django import forms
from django.contrib import admin
from django.db import models

from civicgrid.notifications.models import Notification, Subscription
from civicgrid.notifications.recipients import action_choices


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # robots' webhooks are https
    return db_field.formfield(**kwargs)


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        formfield_callback = _formfield
        fields = ["role", "action", "channel", "webhook_url", "secret", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = forms.ChoiceField(
            label=Subscription._meta.get_field("action").verbose_name, choices=action_choices()
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["action", "role", "channel", "is_active"]
    list_filter = ["channel", "role", "action", "is_active"]
    list_editable = ["is_active"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "text", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["text", "recipient__username", "recipient__name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "case", "event"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
