"""Webhook deliveries, in the worker (`manage.py db_worker`), never in a request.

`deliver_event` finds the webhooks an event concerns and enqueues one `post_webhook`
each, so a failing subscriber is retried alone: after NOTIFY_RETRY_SECONDS, doubling,
at most NOTIFY_MAX_ATTEMPTS attempts, like the other notifications. Every attempt is a
WebhookDelivery row (visible in the admin).
"""

import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from civicgrid.api import webhooks
from civicgrid.api.models import Webhook, WebhookDelivery
from civicgrid.cases.models import CaseEvent

logger = logging.getLogger(__name__)
EXCERPT = 500


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other: the body is not sent on somewhere else."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _event(event_id: int) -> CaseEvent | None:
    related = ("case__category", "case__grid", "case__responsible_department")
    return (
        CaseEvent.objects.select_related(*related, "case__responsible_area")
        .filter(pk=event_id)
        .first()
    )


@task()
def deliver_event(event_id: int) -> dict:
    event = _event(event_id)
    if event is None:
        return {"webhooks": 0}
    wanted = [
        w for w in Webhook.objects.filter(is_active=True).select_related("area") if w.wants(event)
    ]
    for webhook in wanted:
        post_webhook.enqueue(webhook.pk, event.pk)
    return {"webhooks": len(wanted)}


@task()
def post_webhook(webhook_id: int, event_id: int, attempt: int = 1) -> dict:
    webhook = Webhook.objects.filter(pk=webhook_id, is_active=True).first()
    event = _event(event_id)
    if webhook is None or event is None:
        return {"delivered": False}
    delivery = WebhookDelivery.objects.create(webhook=webhook, event=event, attempt=attempt)
    sent_at = timezone.now()
    body = webhooks.body_for(event, sent_at)
    request = urllib.request.Request(
        webhook.url,
        data=body,
        headers=webhooks.headers_for(webhook, event, delivery, body, sent_at),
        method="POST",
    )
    _send(delivery, request)
    if delivery.ok:
        return {"delivered": True, "status": delivery.status_code}
    logger.warning(
        "Webhook %s: event %s not delivered (attempt %s): %s",
        webhook_id,
        event_id,
        attempt,
        delivery.error,
    )
    _again(attempt, webhook_id, event_id)
    return {"delivered": False, "status": delivery.status_code, "error": delivery.error}


def _send(delivery: WebhookDelivery, request) -> None:
    """POST and log the answer on the delivery row: delivered on any 2xx."""
    try:
        with _opener.open(request, timeout=settings.NOTIFY_TIMEOUT_SECONDS) as response:
            delivery.status_code = response.status
            delivery.response_excerpt = _excerpt(response.read(EXCERPT * 4))
    except urllib.error.HTTPError as e:
        delivery.status_code = e.code
        delivery.response_excerpt = _excerpt(e.read(EXCERPT * 4))
        delivery.error = f"HTTP {e.code}"
    except (OSError, ValueError) as e:  # URLError, timeouts and refused connections are OSErrors
        delivery.error = f"{type(e).__name__}: {e}"[:EXCERPT]
    if delivery.status_code is not None and 200 <= delivery.status_code < 300:
        delivery.delivered_at = timezone.now()
        delivery.error = ""
    delivery.save()


def _excerpt(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")[:EXCERPT]


def _again(attempt: int, *args) -> bool:
    """Enqueue the delivery again later, unless it has had all its attempts."""
    if attempt >= settings.NOTIFY_MAX_ATTEMPTS or not post_webhook.get_backend().supports_defer:
        logger.error("post_webhook%s gave up after %s attempts", args, attempt)
        return False
    delay = settings.NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1)
    post_webhook.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
        *args, attempt=attempt + 1
    )
    return True
