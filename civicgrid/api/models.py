"""Who may call the API (tokens) and who is told of case events (webhooks, with their log)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "cg_"
TOKEN_BYTES = 32
# Tokens issued through POST /auth/token: long enough for an app on a phone, short
# enough that a lost phone stops working on its own. Revoke sooner with DELETE.
# last_used_at is written at most this often: a write per request would queue writers.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 cannot be brute-forced, and it can be looked up.
    return hashlib.sha256(token.encode()).hexdigest()


AS_SET = object()  # a token's lifetime: as settings.API_TOKEN_DAYS says


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """A bearer token (接口令牌) acting as one person, with exactly that person's roles and scopes.

    Only the SHA-256 of the token is stored; the token itself is shown once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("人员"),
    )
    name = models.CharField(_("名称"), max_length=100, blank=True, help_text=_("如 巡查 App"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name or self.key_prefix}"

    @classmethod
    def issue(cls, user, name: str = "", lifetime=AS_SET) -> tuple["ApiToken", str]:
        """A new token for `user`; returns the row and the token, which is not kept.
        It lasts API_TOKEN_DAYS unless `lifetime` says otherwise (None: no expiry)."""
        if lifetime is AS_SET:
            lifetime = timedelta(days=settings.API_TOKEN_DAYS)
        token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        now = timezone.now()
        row = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(token),
            key_prefix=token[: len(TOKEN_PREFIX) + 6],
            created_at=now,
            expires_at=now + lifetime if lifetime else None,
        )
        return row, token

    @classmethod
    def authenticate(cls, token: str) -> "ApiToken | None":
        """The usable token row for `token` (its person loaded), or None."""
        if not token:
            return None
        row = cls.objects.usable().select_related("user").filter(key_hash=hash_token(token)).first()
        if row is not None:
            row.touch()
        return row

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > TOKEN_TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def revoke(self) -> None:
        ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def event_choices() -> list[tuple[str, str]]:
    from civicgrid.api.webhooks import EVENT_ACTIONS, event_label

    return [(action, f"{event_label(action)}（{action}）") for action in EVENT_ACTIONS]


class Webhook(models.Model):
    """An outside system told of case events in one area subtree by signed POSTs (事件推送)."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    secret = models.CharField(
        _("签名密钥"),
        max_length=200,
        help_text=_("双方共享的密钥；每次推送用它对请求体做 HMAC-SHA256 签名。"),
    )
    events = models.JSONField(
        _("推送的事件"),
        default=list,
        blank=True,
        help_text=_('案件记录的操作代码列表，如 ["report", "dispatch"]；留空推送全部。'),
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("范围"),
        help_text=_("只推送位于该区域（含下级）的案件的事件，通常为街道。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("事件推送")
        verbose_name_plural = _("事件推送")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        known = {action for action, _label in event_choices()}
        if not isinstance(self.events, list) or not all(isinstance(a, str) for a in self.events):
            raise ValidationError({"events": _("请填写操作代码的列表。")})
        unknown = [action for action in self.events if action not in known]
        if unknown:
            raise ValidationError(
                {"events": _("未知的操作：%(actions)s") % {"actions": "、".join(unknown)}}
            )

    def wants(self, event) -> bool:
        """Whether this webhook is told of `event` (its action and where its case lies)."""
        if self.events and event.action not in self.events:
            return False
        return bool(event.case.area_path) and event.case.area_path.startswith(self.area.path)


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one webhook (推送记录)."""

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("事件推送")
    )
    event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.PROTECT, related_name="+", verbose_name=_("案件记录")
    )
    attempt = models.PositiveSmallIntegerField(_("第几次"), default=1)
    status_code = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    response_excerpt = models.CharField(_("响应摘要"), max_length=500, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["webhook", "-created_at"], name="delivery_webhook")]

    def __str__(self):
        return f"{self.webhook} · {self.event_id} · {self.attempt}"

    @property
    def ok(self) -> bool:
        return self.delivered_at is not None
