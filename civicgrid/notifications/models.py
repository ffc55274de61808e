from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.notifications.recipients import AUDIENCES, action_label
from civicgrid.people.models import Role


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


ROBOTS = (Channel.WECOM, Channel.DINGTALK)


class Subscription(models.Model):
    """通知订阅: which role hears of which case action, through which channel."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    # A CaseEvent action; the admin offers the known ones (recipients.AUDIENCES).
    action = models.CharField(_("案件操作"), max_length=30)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    webhook_url = models.URLField(
        _("机器人 Webhook 地址"),
        max_length=500,
        blank=True,
        help_text=_("企业微信或钉钉群机器人的 Webhook 地址；站内通知和邮件不填"),
    )
    secret = models.CharField(
        _("加签密钥"),
        max_length=200,
        blank=True,
        help_text=_("钉钉机器人“加签”安全设置的密钥（SEC 开头）；未启用加签时不填"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("通知订阅")
        verbose_name_plural = _("通知订阅")
        ordering = ["action", "role", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "action", "channel", "webhook_url"],
                name="subscription_unique",
                violation_error_message=_("该角色的这一操作已订阅了同一渠道。"),
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ROBOTS) & ~Q(webhook_url="")
                | ~Q(channel__in=ROBOTS) & Q(webhook_url=""),
                name="subscription_webhook_for_robots",
                violation_error_message=_("群机器人渠道须填写 Webhook 地址，其他渠道不填。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {action_label(self.action)} → {self.get_channel_display()}"

    def clean(self):
        if self.action not in AUDIENCES:
            raise ValidationError({"action": _("没有这一案件操作的通知。")})
        if self.channel in ROBOTS and not self.webhook_url:
            raise ValidationError({"webhook_url": _("群机器人渠道须填写 Webhook 地址。")})
        if self.channel not in ROBOTS and (self.webhook_url or self.secret):
            raise ValidationError(
                {"webhook_url": _("站内通知和邮件不需要 Webhook 地址和密钥，请清空。")}
            )


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """站内通知: one message to one person, usually about one step of a case."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
        db_index=False,  # the indexes below start with it
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("案件"),
    )
    event = models.ForeignKey(
        "cases.CaseEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("案件记录"),
    )
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"],
                name="notification_once_per_event",
                violation_error_message=_("同一案件记录只通知同一人一次。"),
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
