from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from civicgrid.notifications.models import Channel, Subscription
from civicgrid.notifications.tests.base import NotificationTestCase
from civicgrid.people.models import Role


class SubscriptionTests(NotificationTestCase):
    def load(self) -> str:
        out = StringIO()
        call_command("load_subscriptions", stdout=out)
        return out.getvalue()

    def test_loading_the_defaults_again_changes_nothing(self):
        before = Subscription.objects.count()
        self.assertIn("0 created", self.load())
        self.assertEqual(Subscription.objects.count(), before)

    def test_a_default_switched_off_stays_off_when_loaded_again(self):
        Subscription.objects.filter(role=Role.LEADER, action="escalate").update(is_active=False)
        self.load()
        self.assertFalse(Subscription.objects.get(role=Role.LEADER, action="escalate").is_active)

    def test_a_deleted_default_comes_back(self):
        Subscription.objects.filter(role=Role.ADMIN, action="report").delete()
        self.assertIn("1 created", self.load())

    def test_the_defaults_tell_each_role_in_the_app_what_concerns_it(self):
        self.assertEqual(
            set(Subscription.objects.filter(action="handle").values_list("role", "channel")),
            {(Role.ADMIN, Channel.IN_APP), (Role.SUPERVISOR, Channel.IN_APP)},
        )

    def test_a_robot_subscription_needs_a_webhook_address(self):
        robot = Subscription(role=Role.ADMIN, action="report", channel=Channel.WECOM)
        with self.assertRaises(ValidationError):
            robot.full_clean()
        with self.assertRaises(IntegrityError):
            robot.save()

    def test_a_subscription_to_an_unknown_action_is_refused(self):
        with self.assertRaises(ValidationError):
            Subscription(role=Role.ADMIN, action="dance", channel=Channel.IN_APP).full_clean()
