"""Who may submit through Open311, and what a submission carried that a case keeps no field for."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.areas.models import Level

KEY_BYTES = 32
PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    # Keys are 256 random bits: a plain SHA-256 cannot be brute-forced, and it can be looked up.
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClient(models.Model):
    """A client application (随手拍 app, 12345 hotline system) holding an Open311 api_key.

    Only the key's SHA-256 is stored: a leaked database or backup gives no usable key.
    The key is shown once, when the client is created; a lost key means a new client.
    """

    name = models.CharField(_("应用名称"), max_length=100)
    street = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.STREET},
        verbose_name=_("所属街道"),
        help_text=_("只有地址、没有坐标的诉求归入该街道（属地兜底），由街道工作人员看到并定位。"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("密钥前缀"), max_length=PREFIX_LENGTH, editable=False)
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("取消勾选即吊销密钥，该应用将无法再提交。")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Open311 客户端")
        verbose_name_plural = _("Open311 客户端")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def new_key(self) -> str:
        """Give the client a fresh key and return it; only its hash is kept (save afterwards)."""
        key = secrets.token_urlsafe(KEY_BYTES)
        self.key_hash, self.key_prefix = hash_key(key), key[:PREFIX_LENGTH]
        return key

    @classmethod
    def create(cls, name: str, street) -> tuple["ApiClient", str]:
        client = cls(name=name, street=street)
        key = client.new_key()
        client.save()
        return client, key

    @classmethod
    def authenticate(cls, key: str) -> "ApiClient | None":
        """The active client holding this key, or None."""
        if not key:
            return None
        return cls.objects.filter(key_hash=hash_key(key), is_active=True).first()


class ServiceRequest(models.Model):
    """A case that came in through Open311: which application sent it and what came with it.

    The reporter's name and phone go to the case's Report like any other report; the e-mail
    and the client's own account and device ids stay here and never leave through the API.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="open311", verbose_name=_("案件")
    )
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="requests", verbose_name=_("客户端")
    )
    email = models.EmailField(_("电子邮箱"), blank=True)
    account_id = models.CharField(_("应用内账号"), max_length=100, blank=True)
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    media_url = models.URLField(_("媒体链接"), max_length=1000, blank=True)
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 提交")
        verbose_name_plural = _("Open311 提交")
        indexes = [models.Index(fields=["client", "-created_at"], name="open311_client_recent")]

    def __str__(self):
        return f"{self.client} → {self.case_id}"
