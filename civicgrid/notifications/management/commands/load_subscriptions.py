"""Load the default subscriptions: every role an action concerns hears of it in the app.

Idempotent: rows that exist are left as they are, so a subscription switched off
(启用 unticked) stays off. Robots and e-mail are added by hand in the admin.
"""

from django.core.management.base import BaseCommand

from civicgrid.notifications.models import Channel, Subscription
from civicgrid.notifications.recipients import AUDIENCES, roles_told


def default_subscriptions() -> list[tuple[str, str]]:
    """(role, action) pairs told in the app by default."""
    return [(role, action) for action in AUDIENCES for role in sorted(roles_told(action))]


class Command(BaseCommand):
    help = "Load the default in-app subscriptions (safe to run again)."

    def handle(self, *args, **options):
        created = 0
        for role, action in default_subscriptions():
            _, new = Subscription.objects.get_or_create(
                role=role, action=action, channel=Channel.IN_APP, webhook_url=""
            )
            created += new
        total = len(default_subscriptions())
        self.stdout.write(f"Subscriptions: {created} created, {total - created} already there.")
