from django.urls import reverse

from civicgrid.notifications.models import Notification
from civicgrid.notifications.tests.base import NotificationTestCase


class NotificationPageTests(NotificationTestCase):
    def setUp(self):
        super().setUp()
        self.mine = Notification.objects.create(
            recipient=self.paiqian, text="新上报：2026-000001 暴露垃圾", url="/cases/2026-000001/"
        )
        self.theirs = Notification.objects.create(
            recipient=self.duban1,
            text="处置反馈：2026-000002 机动车乱停放",
            url="/cases/2026-000002/",
        )

    def test_anonymous_people_are_sent_to_log_in(self):
        for url in [
            reverse("notifications:list"),
            reverse("notifications:bell"),
            reverse("notifications:open", args=[self.mine.pk]),
        ]:
            response = self.assert_status(None, url, 302)
            self.assertIn("/login/", response["Location"])

    def test_a_person_sees_only_their_own_notifications(self):
        response = self.assert_status(self.paiqian, reverse("notifications:list"), 200)
        self.assertContains(response, "2026-000001")
        self.assertNotContains(response, "2026-000002")

    def test_opening_someone_elses_notification_is_not_found(self):
        self.assert_status(self.paiqian, reverse("notifications:open", args=[self.theirs.pk]), 404)
        self.theirs.refresh_from_db()
        self.assertIsNone(self.theirs.read_at)

    def test_opening_a_notification_marks_it_read_and_goes_to_the_case(self):
        url = reverse("notifications:open", args=[self.mine.pk])
        response = self.assert_status(self.paiqian, url, 302)
        self.assertEqual(response["Location"], "/cases/2026-000001/")
        self.mine.refresh_from_db()
        self.assertIsNotNone(self.mine.read_at)

    def test_a_link_elsewhere_is_not_followed(self):
        Notification.objects.filter(pk=self.mine.pk).update(url="https://evil.example.com/")
        response = self.assert_status(
            self.paiqian, reverse("notifications:open", args=[self.mine.pk]), 302
        )
        self.assertEqual(response["Location"], reverse("notifications:list"))

    def test_marking_all_read_marks_only_ones_own(self):
        self.assert_status(self.paiqian, reverse("notifications:read_all"), 302, method="post")
        self.mine.refresh_from_db()
        self.theirs.refresh_from_db()
        self.assertIsNotNone(self.mine.read_at)
        self.assertIsNone(self.theirs.read_at)

    def test_marking_all_read_needs_a_post(self):
        self.assert_status(self.paiqian, reverse("notifications:read_all"), 405)

    def test_the_bell_shows_the_unread_count_and_refreshes_every_minute(self):
        Notification.objects.create(recipient=self.paiqian, text="催办", url="/")
        response = self.assert_status(self.paiqian, reverse("notifications:bell"), 200)
        self.assertContains(response, 'data-unread="2"')
        self.assertContains(response, 'hx-trigger="every 60s"')
        self.assertContains(response, f'hx-get="{reverse("notifications:bell")}"')

    def test_the_bell_has_no_count_when_everything_is_read(self):
        Notification.objects.filter(recipient=self.paiqian).mark_read()
        response = self.assert_status(self.paiqian, reverse("notifications:bell"), 200)
        self.assertNotContains(response, "data-unread")

    def test_every_page_carries_the_bell(self):
        response = self.assert_status(self.paiqian, reverse("notifications:list"), 200)
        self.assertContains(response, 'class="bell"')
