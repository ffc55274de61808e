import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


class ThrottledLoginForm(AuthenticationForm):
    """Login that locks a name/IP pair out for a while after repeated failures."""

    username = forms.CharField(label=_("用户名或手机号"), max_length=150)
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名（或手机号）或密码不正确。"),
        "throttled": _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
    }

    def _key(self) -> str:
        ip = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        name = (self.data.get("username") or "").strip().lower()
        digest = hashlib.sha256(f"{ip}|{name}".encode()).hexdigest()
        return f"login-failures:{digest}"

    def clean(self):
        key = self._key()
        if cache.get(key, 0) >= settings.LOGIN_MAX_FAILURES:
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60 or 1},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            cache.set(key, cache.get(key, 0) + 1, settings.LOGIN_LOCKOUT_SECONDS)
            raise
