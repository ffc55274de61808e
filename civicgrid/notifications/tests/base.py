"""Notifications on the demo street: steps taken for real, tasks run by django-tasks-db's worker."""

import shutil
import tempfile
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.demo.testing import run_worker  # noqa: F401  (re-exported for the tests here)
from civicgrid.lib.recording_server import RecordingServer
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


class RobotServer(RecordingServer):
    """A robot's HTTP endpoint: replies as the vendors do (errcode 0) unless told otherwise."""

    def __init__(self, answer=None, status=200, delay=0.0):
        answer = answer if answer is not None else {"errcode": 0, "errmsg": "ok"}
        super().__init__(answer, statuses=(status,), delay=delay)
