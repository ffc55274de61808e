"""A test base with the demo street's people as personas (healthchecks style)."""

from unittest import mock

from django.test import TestCase
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from civicgrid.areas.locate import forget_locator
from civicgrid.demo.generator import Size, build


class DemoTestCase(TestCase):
    """The small demo street, built once per class; each test rolls back its own changes.

    Personas: admin (superuser), paiqian (dispatcher), lingdao (leader),
    duban1 (supervisor), shequ1..5 (community staff of communities 0..4),
    wangge01.. (grid workers), chengguan/huanwei/... (department handlers),
    zhang (grid worker in community 0 and community staff of community 1).
    """

    @classmethod
    def setUpTestData(cls):
        cls.demo = build(Size())
        for username, user in cls.demo.people.items():
            setattr(cls, username, user)
        cls.street = cls.demo.streets[0]

    def setUp(self):
        forget_locator()

    def login(self, user):
        self.client.force_login(user)

    def assert_status(self, user, url: str, status: int, method: str = "get", data=None):
        """`user` None means anonymous; returns the response for further checks."""
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        response = getattr(self.client, method)(url, data or {})
        self.assertEqual(response.status_code, status, f"{user} {method.upper()} {url}")
        return response

    def assert_access(self, url, allowed=(), forbidden=(), hidden=(), method="get", data=None):
        """The matrix every view must pass: allowed, 403, out of scope 404, anonymous to login."""
        for user in allowed:
            self.assertIn(self.assert_status(user, url, 200, method, data).status_code, (200,))
        for user in forbidden:
            self.assert_status(user, url, 403, method, data)
        for user in hidden:
            self.assert_status(user, url, 404, method, data)
        response = self.assert_status(None, url, 302, method, data)
        self.assertIn("/login/", response["Location"])


def run_worker() -> None:
    """Run every ready task through django-tasks-db's own worker, as `db_worker --batch` does.

    The worker's connection housekeeping (close_old_connections) is held off, as
    Django's test client holds it off for requests: closing the connection would
    end the test's transaction. A task that failed fails the test, with its traceback.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
    failed = DBTaskResult.objects.failed().first()
    if failed is not None:
        raise AssertionError(f"task {failed.task_path} failed:\n{failed.traceback}")
