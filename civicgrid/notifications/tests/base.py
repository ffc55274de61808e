"""Notifications on the demo street: steps taken for real, tasks run by django-tasks-db's worker."""

import json
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.demo.testing import run_worker  # noqa: F401  (re-exported for the tests here)
from civicgrid.notifications.models import Notification


class NotificationTestCase(CaseTestCase):
    """CaseTestCase with the default subscriptions loaded and media in a temporary folder."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_subscriptions", stdout=StringIO())

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="civicgrid-media-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    def committed(self, do, *args, **kwargs):
        """Do something as a request would: its on-commit hooks run; then the worker runs."""
        with self.captureOnCommitCallbacks(execute=True):
            result = do(*args, **kwargs)
        run_worker()
        return result

    def taken(self, case, action, user, **details):
        return self.committed(self.step, case, action, user, **details)

    def told(self, event) -> set[str]:
        """Usernames told of an event in the app."""
        return set(
            Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
        )


class RobotServer:
    """A real HTTP server on 127.0.0.1 that records what the robots are sent.

    `answer` is what it replies (the vendors reply errcode 0); `delay` holds the
    reply back, to try timeouts.
    """

    def __init__(self, answer=None, status=200, delay=0.0):
        self.answer = answer if answer is not None else {"errcode": 0, "errmsg": "ok"}
        self.status, self.delay = status, delay
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def _handler(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                robot.requests.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "json": json.loads(body),
                    }
                )
                time.sleep(robot.delay)
                reply = json.dumps(robot.answer).encode()
                try:
                    self.send_response(robot.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender stopped waiting, as a timeout test wants

            def log_message(self, *args):
                pass

        return Handler

    @contextmanager
    def running(self):
        thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()
