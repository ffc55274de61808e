"""Telling people about case events, in the worker (`manage.py db_worker`), never in a request.

`deliver_case_event` runs once per event: it writes the in-app notifications
and, when a case closes, tells every reporter not yet told. E-mail and robot
posts go out as tasks of their own, so a failing one is retried alone: it is
logged and enqueued again after NOTIFY_RETRY_SECONDS, doubling, at most
NOTIFY_MAX_ATTEMPTS times.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from civicgrid.cases.models import CaseEvent, Report
from civicgrid.notifications import channels, recipients
from civicgrid.notifications.models import ROBOTS, Channel, Notification, Subscription
from civicgrid.people.models import User

logger = logging.getLogger(__name__)


def _event(event_id: int) -> CaseEvent | None:
    return (
        CaseEvent.objects.select_related("case__category", "case__reported_by", "by")
        .filter(pk=event_id)
        .first()
    )


@task()
def deliver_case_event(event_id: int) -> dict:
    """Tell the people an event concerns, through the channels their roles subscribe to."""
    event = _event(event_id)
    if event is None:
        return {}
    people = recipients.concerned(event)
    routes = list(Subscription.objects.filter(action=event.action, is_active=True))
    closure = _tell_reporters_of_closure(event) if event.action in recipients.CLOSING else 0
    in_app = set(people.personal).union(
        *(people.of(s.role) for s in routes if s.channel == Channel.IN_APP)
    )
    _notify(event, in_app, _in_app_text(event))
    emails = sorted(
        {u.pk for s in routes if s.channel == Channel.EMAIL for u in people.of(s.role) if u.email}
    )
    if emails:
        send_email.enqueue(event.pk, emails)
    robots = {s.webhook_url: s for s in routes if s.channel in ROBOTS and people.of(s.role)}
    for subscription in robots.values():
        post_to_robot.enqueue(subscription.pk, event.pk)
    return {"in_app": len(in_app), "closure": closure, "email": len(emails), "robots": len(robots)}


def _in_app_text(event) -> str:
    message = channels.message_for(event)
    return (f"{message.title} — {message.note}" if message.note else message.title)[:300]


def _notify(event, users, text: str) -> None:
    rows = [
        Notification(
            recipient=user,
            case=event.case,
            event=event,
            text=text,
            url=event.case.get_absolute_url(),
        )
        for user in users
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def _tell_reporters_of_closure(event) -> int:
    """Every reporter of a closed case (joined and merged ones too) is told once.

    Staff are told in the app; a resident's report is marked, and their tracking
    page shows the closure.
    """
    reports = list(
        Report.objects.filter(case_id=event.case_id, told_of_closure=False).select_related("user")
    )
    staff = {r.user for r in reports if r.user_id and r.user.is_active} - {event.by}
    _notify(event, staff, channels.closure_message(event.case))
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(told_of_closure=True)
    return len(reports)


@task()
def send_email(event_id: int, user_ids: list[int], attempt: int = 1) -> dict:
    event = _event(event_id)
    if event is None:
        return {}
    addresses = dict(
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    failed_addresses = channels.send_emails(list(addresses.values()), channels.message_for(event))
    failed = [pk for pk, address in addresses.items() if address in failed_addresses]
    if failed:
        logger.warning(
            "E-mail about event %s failed for users %s (attempt %s)", event_id, failed, attempt
        )
        _again(send_email, attempt, event_id, failed)
    return {"sent": len(addresses) - len(failed), "failed": len(failed)}


@task()
def post_to_robot(subscription_id: int, event_id: int, attempt: int = 1) -> dict:
    subscription = Subscription.objects.filter(pk=subscription_id, is_active=True).first()
    event = _event(event_id)
    if subscription is None or event is None:
        return {"posted": False}
    try:
        channels.post_to_robot(
            subscription.channel,
            subscription.webhook_url,
            subscription.secret,
            channels.message_for(event),
        )
    except channels.DeliveryError as e:
        # The webhook URL holds the robot's key: name the subscription, not the URL.
        logger.warning(
            "Robot of subscription %s: event %s not delivered (attempt %s): %s",
            subscription_id,
            event_id,
            attempt,
            e,
        )
        _again(post_to_robot, attempt, subscription_id, event_id)
        return {"posted": False, "error": str(e)}
    return {"posted": True}


def _again(task_, attempt: int, *args) -> bool:
    """Enqueue the task again later, unless it has had all its attempts."""
    if attempt >= settings.NOTIFY_MAX_ATTEMPTS or not task_.get_backend().supports_defer:
        logger.error("%s%s gave up after %s attempts", task_.name, args, attempt)
        return False
    run_after = timezone.now() + timedelta(
        seconds=settings.NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1)
    )
    task_.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)
    return True
