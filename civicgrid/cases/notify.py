"""A case event is recorded: hand it to the background worker to tell the people concerned.

With the database task backend the tasks are written in the event's own transaction: they
commit with the case (one commit per report, not two) and vanish if it rolls back, and the
worker reads only committed rows, so it never sees an event that did not happen. Another
backend may run or send a task at once: it is handed the event once the event commits.
"""

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def event_recorded(event_id: int) -> None:
    from civicgrid.notifications.tasks import deliver_case_event

    if isinstance(deliver_case_event.get_backend(), DatabaseBackend):
        event_happened(event_id)
    else:
        transaction.on_commit(lambda: event_happened(event_id))


def event_happened(event_id: int) -> None:
    from civicgrid.api import webhooks
    from civicgrid.notifications.tasks import deliver_case_event

    deliver_case_event.enqueue(event_id)
    webhooks.event_happened(event_id)
