"""After a case event commits: hand it to the background worker to tell the people concerned."""


def event_happened(event_id: int) -> None:
    from civicgrid.api import webhooks
    from civicgrid.notifications.tasks import deliver_case_event

    deliver_case_event.enqueue(event_id)
    webhooks.event_happened(event_id)
