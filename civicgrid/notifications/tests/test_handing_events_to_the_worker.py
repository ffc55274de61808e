"""How a case event reaches the worker: in its own transaction with the database backend,
on its commit with a backend that may run the task at once. Either way the worker never
sees an event that did not commit."""

from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from civicgrid.notifications.models import Notification
from civicgrid.notifications.tests.base import NotificationTestCase, run_worker

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DELIVER = "civicgrid.notifications.tasks.deliver_case_event"


class HandingEventsToTheWorkerTests(NotificationTestCase):
    def test_the_task_is_written_with_the_event_before_the_commit(self):
        case = self.report()  # a TestCase never commits: no on-commit hook runs
        [task] = DBTaskResult.objects.filter(task_path=DELIVER)
        self.assertEqual(task.args_kwargs["args"], [case.events.get().pk])
        run_worker()
        self.assertEqual(self.told(case.events.get()), {"admin", "paiqian"})

    def test_a_report_that_rolls_back_leaves_no_task(self):
        with self.assertRaises(RuntimeError), transaction.atomic():
            self.report()
            self.assertTrue(DBTaskResult.objects.filter(task_path=DELIVER).exists())
            raise RuntimeError("the request failed after reporting")
        self.assertFalse(DBTaskResult.objects.exists())

    @override_settings(TASKS=IMMEDIATE)
    def test_a_backend_that_runs_tasks_at_once_is_handed_the_event_on_commit(self):
        with self.captureOnCommitCallbacks() as callbacks:
            case = self.report()
            self.assertFalse(Notification.objects.exists())
        self.assertFalse(Notification.objects.exists())
        for callback in callbacks:
            callback()
        self.assertEqual(self.told(case.events.get()), {"admin", "paiqian"})
