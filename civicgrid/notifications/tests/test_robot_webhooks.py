import base64
import hashlib
import hmac
import socket
import time
from urllib.parse import parse_qs, urlsplit

from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicgrid.cases.tests.base import photo
from civicgrid.notifications.models import Channel, Subscription
from civicgrid.notifications.tests.base import NotificationTestCase, RobotServer
from civicgrid.people.models import Role

SECRET = "SEC0123456789abcdef"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RobotWebhookTests(NotificationTestCase):
    def robot(self, channel, url, role=Role.ADMIN, action="report", secret=""):
        return Subscription.objects.create(
            role=role, action=action, channel=channel, webhook_url=url, secret=secret
        )

    def retries(self):
        return DBTaskResult.objects.filter(
            task_path="civicgrid.notifications.tasks.post_to_robot", status="READY"
        )

    @override_settings(SITE_ROOT="https://grid.example.cn/")
    def test_wecom_gets_its_markdown_message_with_a_link_to_the_case(self):
        with RobotServer().running() as server:
            self.robot(Channel.WECOM, f"{server.url}/cgi-bin/webhook/send?key=robot-key")
            case = self.committed(self.report)
        [request] = server.requests
        self.assertEqual(request["path"], "/cgi-bin/webhook/send?key=robot-key")
        self.assertEqual(request["content_type"], "application/json; charset=utf-8")
        self.assertEqual(set(request["json"]), {"msgtype", "markdown"})
        self.assertEqual(request["json"]["msgtype"], "markdown")
        content = request["json"]["markdown"]["content"]
        self.assertIn(f"### 新上报：{case.number} 暴露垃圾", content)
        self.assertIn(f"(https://grid.example.cn{case.get_absolute_url()})", content)

    def test_dingtalk_gets_a_titled_markdown_message_signed_with_its_secret(self):
        with RobotServer().running() as server:
            self.robot(Channel.DINGTALK, f"{server.url}/robot/send?access_token=t", secret=SECRET)
            case = self.committed(self.report)
        [request] = server.requests
        markdown = request["json"]["markdown"]
        self.assertEqual(request["json"]["msgtype"], "markdown")
        self.assertEqual(markdown["title"], f"新上报：{case.number} 暴露垃圾")
        self.assertIn(f"- 案件编号：{case.number}\n\n", markdown["text"])
        query = parse_qs(urlsplit(request["path"]).query)
        timestamp = query["timestamp"][0]
        expected = hmac.new(
            SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256
        ).digest()
        self.assertEqual(query["access_token"], ["t"])
        self.assertEqual(query["sign"], [base64.b64encode(expected).decode()])
        self.assertLess(abs(int(timestamp) - time.time() * 1000), 60_000)

    def test_dingtalk_without_a_secret_is_posted_unsigned(self):
        with RobotServer().running() as server:
            self.robot(Channel.DINGTALK, f"{server.url}/robot/send?access_token=t")
            self.committed(self.report)
        self.assertEqual(server.requests[0]["path"], "/robot/send?access_token=t")

    def test_taking_a_step_only_enqueues_nothing_is_sent_until_the_worker_runs(self):
        with RobotServer().running() as server:
            self.robot(Channel.WECOM, f"{server.url}/send?key=k")
            with self.captureOnCommitCallbacks(execute=True):
                self.report()
            self.assertEqual(server.requests, [])
            self.assertTrue(DBTaskResult.objects.filter(status="READY").exists())

    def test_a_robot_refusing_the_message_is_tried_again_later(self):
        with RobotServer(
            answer={"errcode": 45009, "errmsg": "api freq out of limit"}
        ).running() as s:
            self.robot(Channel.WECOM, f"{s.url}/send?key=k")
            with self.assertLogs("civicgrid.notifications.tasks", "WARNING"):
                self.committed(self.report)
        [retry] = self.retries()
        self.assertEqual(retry.args_kwargs["kwargs"], {"attempt": 2})
        self.assertGreater(retry.run_after, timezone.now())

    @override_settings(NOTIFY_TIMEOUT_SECONDS=0.2)
    def test_a_robot_that_does_not_answer_in_time_is_tried_again_later(self):
        # It would answer "ok" after a second: only the time limit makes this a failure.
        with RobotServer(delay=1.0).running() as server:
            self.robot(Channel.WECOM, f"{server.url}/send?key=k")
            with self.assertLogs("civicgrid.notifications.tasks", "WARNING") as logs:
                self.committed(self.report)
        self.assertIn("timed out", "".join(logs.output))
        self.assertEqual(self.retries().count(), 1)

    def test_an_unreachable_robot_is_tried_again_later(self):
        self.robot(Channel.DINGTALK, f"http://127.0.0.1:{closed_port()}/robot/send")
        with self.assertLogs("civicgrid.notifications.tasks", "WARNING"):
            self.committed(self.report)
        self.assertEqual(self.retries().count(), 1)

    @override_settings(NOTIFY_MAX_ATTEMPTS=1)
    def test_after_its_last_attempt_a_message_is_given_up_and_logged(self):
        with RobotServer(status=500).running() as server:
            self.robot(Channel.WECOM, f"{server.url}/send?key=k")
            with self.assertLogs("civicgrid.notifications.tasks", "ERROR") as logs:
                self.committed(self.report)
        self.assertFalse(self.retries().exists())
        self.assertIn("gave up after 1 attempts", logs.output[-1])
        self.assertNotIn("key=k", "".join(logs.output))

    def test_a_robot_is_not_posted_to_when_its_role_is_not_concerned(self):
        with RobotServer().running() as server:
            self.robot(Channel.WECOM, f"{server.url}/send?key=k", role=Role.LEADER)
            self.committed(self.report)
        self.assertEqual(server.requests, [])

    def test_one_group_subscribed_for_two_roles_gets_one_message(self):
        with RobotServer().running() as server:
            url = f"{server.url}/send?key=k"
            self.robot(Channel.WECOM, url, role=Role.ADMIN, action="handle")
            self.robot(Channel.WECOM, url, role=Role.SUPERVISOR, action="handle")
            case = self.committed(self.dispatched)
            self.taken(case, "handle", self.huanwei, photos=[photo()])
        self.assertEqual(len(server.requests), 1)
