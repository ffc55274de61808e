"""Webhooks: signed POSTs to a real HTTP server on 127.0.0.1, retried after a failure, logged."""

import json

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicgrid.api import webhooks
from civicgrid.api.models import Webhook, WebhookDelivery
from civicgrid.api.tests.base import ApiTestCase
from civicgrid.demo.testing import run_worker
from civicgrid.lib.recording_server import RecordingServer

SECRET = "s3cret-shared-with-the-receiver"


def Receiver(*statuses) -> RecordingServer:
    """A subscriber answering each POST with the next of `statuses`."""
    return RecordingServer(statuses=statuses or (200,))


class WebhookTests(ApiTestCase):
    def webhook(self, url, area=None, events=()):
        return Webhook.objects.create(
            name="12345 平台", url=url, secret=SECRET, area=area or self.street, events=list(events)
        )

    def committed(self, do, *args, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            result = do(*args, **kwargs)
        run_worker()
        return result

    def test_a_subscriber_receives_a_signed_post_for_an_event_in_its_scope(self):
        with Receiver(200).running() as receiver:
            self.webhook(receiver.url)
            case = self.committed(self.report)
        [request] = receiver.requests
        headers, body = request["headers"], request["body"]
        self.assertTrue(webhooks.verify(SECRET, body, headers["X-Civicgrid-Signature"]))
        self.assertFalse(webhooks.verify("another secret", body, headers["X-Civicgrid-Signature"]))
        document = json.loads(body)
        self.assertEqual(document["event"]["action"], "report")
        self.assertEqual(headers["X-Civicgrid-Event"], "report")
        self.assertEqual(headers["X-Civicgrid-Event-Id"], str(document["event"]["id"]))
        self.assertLess(abs(int(headers["X-Civicgrid-Timestamp"]) - timezone.now().timestamp()), 60)
        self.assertEqual(document["case"]["number"], case.number)
        self.assertEqual(document["event"]["note"], "")  # the reporter's words stay inside
        [delivery] = WebhookDelivery.objects.all()
        self.assertEqual((delivery.status_code, delivery.attempt), (200, 1))
        self.assertIsNotNone(delivery.delivered_at)

    def test_a_failed_delivery_is_logged_and_retried_later(self):
        with Receiver(500, 200).running() as receiver:
            self.webhook(receiver.url)
            with self.assertLogs("civicgrid.api.tasks", "WARNING"):
                self.committed(self.report)
            [failed] = WebhookDelivery.objects.all()
            self.assertEqual((failed.status_code, failed.delivered_at), (500, None))
            self.assertEqual(failed.response_excerpt, json.dumps(receiver.answer))
            [retry] = DBTaskResult.objects.filter(status="READY")
            self.assertGreater(retry.run_after, timezone.now())
            self.assertEqual(retry.args_kwargs["kwargs"], {"attempt": 2})
            DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
            run_worker()
        self.assertEqual(len(receiver.requests), 2)
        second = WebhookDelivery.objects.get(attempt=2)
        self.assertEqual(second.status_code, 200)
        self.assertIsNotNone(second.delivered_at)
        last = receiver.requests[-1]
        self.assertTrue(
            webhooks.verify(SECRET, last["body"], last["headers"]["X-Civicgrid-Signature"])
        )

    def test_retries_stop_after_the_last_attempt(self):
        with self.settings(NOTIFY_MAX_ATTEMPTS=1), Receiver(503).running() as receiver:
            self.webhook(receiver.url)
            with self.assertLogs("civicgrid.api.tasks", "WARNING") as logs:
                self.committed(self.report)
        self.assertIn("gave up", "".join(logs.output))
        self.assertFalse(DBTaskResult.objects.filter(status="READY").exists())

    def test_events_outside_the_scope_or_not_chosen_are_not_sent(self):
        with Receiver(200).running() as receiver:
            self.webhook(receiver.url, area=self.demo.community(1))
            self.webhook(receiver.url, events=["dispatch"])
            case = self.committed(self.report)
            self.committed(self.step, case, "register", self.paiqian)
        self.assertEqual(receiver.requests, [])

    def test_nothing_is_enqueued_while_no_webhook_is_active(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.report()
        paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
        self.assertNotIn("civicgrid.api.tasks.deliver_event", paths)

    def test_a_webhook_names_only_known_events(self):
        hook = Webhook(
            name="x", url="http://127.0.0.1/", secret="s", area=self.street, events=["explode"]
        )
        with self.assertRaises(ValidationError):
            hook.full_clean()
