"""Outgoing webhooks (事件推送): what a subscriber is sent for a case event, and how it is signed.

Each POST carries the raw JSON body and these headers:

    X-Civicgrid-Event: dispatch                 the action of the case event
    X-Civicgrid-Event-Id: 1234                  the event's id: the same event may come twice
    X-Civicgrid-Delivery: 88                    this attempt's row in the delivery log
    X-Civicgrid-Timestamp: 1767225600           when this attempt was sent (Unix seconds)
    X-Civicgrid-Signature: sha256=<hex>         HMAC-SHA256 of the raw body with the secret

The receiver recomputes the HMAC over the bytes it received and compares in constant time.
The body repeats the timestamp (`sent_at`), so an old body replayed with a new timestamp
header does not verify.
"""

import hashlib
import hmac
import json

from django.utils import timezone

from civicgrid.api.fields import local_iso
from civicgrid.api.shapes import CASE
from civicgrid.cases.timeline import REPORTER_ACTIONS, event_label
from civicgrid.cases.workflow import STEPS

EVENT_ACTIONS = ["report", "join", "relocate", *STEPS, "remind", "chase", "escalate"]
SIGNATURE_HEADER = "X-Civicgrid-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests do): recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def body_for(event, sent_at=None) -> bytes:
    """The JSON body for one event: the event and the case as GET /cases/{number} lists it,
    without reporters."""
    sent_at = sent_at or timezone.now()
    document = {
        "sent_at": local_iso(sent_at),
        "event": {
            "id": event.pk,
            "action": event.action,
            "label": event_label(event.action),
            "at": local_iso(event.at),
            "from_state": event.from_state,
            "to_state": event.to_state,
            "note": "" if event.action in REPORTER_ACTIONS else event.note,
        },
        "case": CASE.dump(event.case),
    }
    return json.dumps(document, ensure_ascii=False).encode()


def headers_for(webhook, event, delivery, body: bytes, sent_at) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "civicgrid-webhook/1",
        "X-Civicgrid-Event": event.action,
        "X-Civicgrid-Event-Id": str(event.pk),
        "X-Civicgrid-Delivery": str(delivery.pk),
        "X-Civicgrid-Timestamp": str(int(sent_at.timestamp())),
        SIGNATURE_HEADER: sign(webhook.secret, body),
    }


def event_happened(event_id: int) -> None:
    """Called with every case event, in its transaction or on its commit (cases/notify.py)."""
    from civicgrid.api.models import Webhook
    from civicgrid.api.tasks import deliver_event

    if Webhook.objects.filter(is_active=True).exists():
        deliver_event.enqueue(event_id)
