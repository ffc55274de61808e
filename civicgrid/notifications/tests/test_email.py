import socket

from django.core import mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from civicgrid.notifications.models import Channel, Subscription
from civicgrid.notifications.tests.base import NotificationTestCase
from civicgrid.people.models import Role


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class EmailTests(NotificationTestCase):
    def setUp(self):
        super().setUp()
        Subscription.objects.create(role=Role.ADMIN, action="report", channel=Channel.EMAIL)
        self.paiqian.email = "paiqian@jiedao.example.cn"
        self.paiqian.save()

    def test_a_subscribed_role_is_sent_one_email_per_person_with_an_address(self):
        case = self.committed(self.report)
        [email] = mail.outbox
        self.assertEqual(email.to, ["paiqian@jiedao.example.cn"])
        self.assertEqual(email.subject, f"[civicgrid] 新上报：{case.number} 暴露垃圾")
        self.assertIn(case.get_absolute_url(), email.body)

    def test_the_email_leaves_the_description_out(self):
        self.committed(self.report)
        self.assertNotIn("路边有一堆垃圾", mail.outbox[0].body)

    def test_people_whose_role_is_not_subscribed_get_no_email(self):
        self.duban1.email = "duban1@jiedao.example.cn"
        self.duban1.save()
        self.committed(self.report)
        self.assertEqual([e.to for e in mail.outbox], [["paiqian@jiedao.example.cn"]])

    def test_an_unreachable_mail_server_means_trying_again_later_for_those_not_reached(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
        }
        with (
            override_settings(**smtp),
            self.assertLogs("civicgrid.notifications.tasks", "WARNING"),
        ):
            self.committed(self.report)
        retry = DBTaskResult.objects.get(
            task_path="civicgrid.notifications.tasks.send_email", status="READY"
        )
        self.assertEqual(retry.args_kwargs["args"][1], [self.paiqian.pk])
        self.assertEqual(retry.args_kwargs["kwargs"], {"attempt": 2})
