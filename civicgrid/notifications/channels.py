"""How a message leaves civicgrid: e-mail, and the group robots of 企业微信 and 钉钉.

Robot payloads follow the vendors' documented formats:
- 企业微信群机器人: POST {"msgtype": "markdown", "markdown": {"content": ...}}
- 钉钉自定义机器人: POST {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}},
  with the optional 加签: `timestamp` (ms) and `sign` = urlencode(base64(
  HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))) as query parameters.
Both answer {"errcode": 0, "errmsg": "ok"} on success. Nothing here retries;
the tasks do.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases.models import State
from civicgrid.cases.timeline import REPORTER_ACTIONS
from civicgrid.notifications.models import Channel
from civicgrid.notifications.recipients import action_label

WECOM_MAX_BYTES = 4096  # the robot refuses longer markdown content


class DeliveryError(Exception):
    """A message could not be handed over; worth trying again later."""


@dataclass(frozen=True)
class Message:
    """What is said about one case event, whatever the channel."""

    title: str
    facts: tuple[tuple[str, str], ...]
    url: str  # absolute, for people outside the app
    note: str = ""  # what the person who took the step wrote

    def _facts(self) -> list[tuple[str, str]]:
        return [*self.facts, (_("说明"), self.note)] if self.note else list(self.facts)

    def markdown(self, separator: str = "\n") -> str:
        lines = [f"### {self.title}"]
        lines += [f"- {name}：{value}" for name, value in self._facts()]
        lines.append(f"[{_('查看案件')}]({self.url})")
        return separator.join(lines)

    def plain(self) -> str:
        lines = [self.title, ""]
        lines += [f"{name}：{value}" for name, value in self._facts()]
        return "\n".join([*lines, "", self.url])


def message_for(event) -> Message:
    """The message about an event. Residents' names and the description stay out of it."""
    case = event.case
    facts = [(_("案件编号"), case.number), (_("类别"), case.category.name)]
    if case.address:
        facts.append((_("地址"), case.address))
    state = State(event.to_state).label if event.to_state else case.get_state_display()
    facts.append((_("状态"), str(state)))
    if case.deadline and case.is_open:
        deadline = timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")
        facts.append((_("处置期限"), deadline))
    note = "" if event.action in REPORTER_ACTIONS else event.note[:200]
    title = f"{action_label(event.action)}：{case.number} {case.category.name}"
    url = settings.SITE_ROOT.rstrip("/") + case.get_absolute_url()
    return Message(title, tuple(facts), url, note)


def closure_message(case) -> str:
    return _("您上报的问题 %(number)s（%(category)s）已办结。") % {
        "number": case.number,
        "category": case.category.name,
    }


def robot_payload(channel: str, message: Message) -> dict:
    if channel == Channel.WECOM:
        content = message.markdown("\n").encode()[:WECOM_MAX_BYTES].decode(errors="ignore")
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if channel == Channel.DINGTALK:
        # DingTalk's markdown needs blank lines between lines.
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": message.markdown("\n\n")},
        }
    raise ValueError(f"not a robot channel: {channel}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: base64 of HMAC-SHA256("timestamp\\nsecret"), urlencoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def robot_url(channel: str, url: str, secret: str = "", now_ms: int | None = None) -> str:
    if channel != Channel.DINGTALK or not secret:
        return url
    timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"


def post_json(url: str, payload: dict) -> dict:
    """POST the payload; the robot's answer, or DeliveryError on any failure."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as e:  # URLError, HTTPError and timeouts are OSErrors
        raise DeliveryError(f"{type(e).__name__}: {e}") from e
    if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        raise DeliveryError(f"robot answered {answer!r}")
    return answer


def post_to_robot(channel: str, url: str, secret: str, message: Message) -> dict:
    return post_json(robot_url(channel, url, secret), robot_payload(channel, message))


def send_emails(addresses: list[str], message: Message) -> list[str]:
    """Send one e-mail to each address; the addresses that failed."""
    failed = []
    try:
        connection = get_connection(timeout=settings.NOTIFY_TIMEOUT_SECONDS)
        connection.open()
    except OSError:
        return list(addresses)
    try:
        for address in addresses:
            email = EmailMessage(
                subject=f"[civicgrid] {message.title}",
                body=message.plain(),
                to=[address],
                connection=connection,
            )
            try:
                email.send()
            except OSError:
                failed.append(address)
    finally:
        connection.close()
    return failed
