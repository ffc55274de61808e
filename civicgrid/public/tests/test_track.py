from datetime import timedelta

from django.utils import timezone

from civicgrid.cases.models import Report
from civicgrid.cases.tests.base import photo
from civicgrid.public.tests.base import PublicTestCase


class TrackTests(PublicTestCase):
    def setUp(self):
        super().setUp()
        self.mine = self.resident_report()
        self.case = self.mine.case

    def page(self, report=None):
        return self.client.get(self.track_url(report or self.mine))

    def test_an_unknown_code_is_not_found(self):
        self.assertEqual(self.client.get("/p/t/no-such-code/").status_code, 404)

    def test_the_lookup_box_leads_to_the_page_of_a_known_code(self):
        response = self.client.get("/p/track/", {"code": f" {self.mine.token} "})
        self.assertRedirects(response, self.track_url(self.mine))
        response = self.client.get("/p/track/", {"code": "wrong"})
        self.assertContains(response, "没有找到这个查询码", status_code=400)

    def test_the_page_follows_the_case_in_residents_words(self):
        self.step(self.case, "register", self.paiqian)
        self.step(self.case, "dispatch", self.paiqian)
        response = self.page()
        self.assertContains(response, "办理中")
        self.assertContains(response, "已交由“环卫所”办理")
        actions = [e.action for e in response.context["entries"]]
        self.assertEqual(actions, ["report", "register", "dispatch"])

    def test_the_expected_date_is_the_deadline_while_the_case_is_open(self):
        self.step(self.case, "register", self.paiqian)
        self.step(self.case, "dispatch", self.paiqian)
        self.case.refresh_from_db()
        local = timezone.localtime(self.case.deadline)
        self.assertContains(self.page(), local.strftime("%Y-%m-%d %H:%M"))

    def test_steps_kept_inside_the_office_are_not_shown(self):
        self.step(self.case, "register", self.paiqian)
        self.step(self.case, "dispatch", self.paiqian)
        self.step(self.case, "accept", self.huanwei)
        deadline = timezone.now() + timedelta(days=30)
        self.step(
            self.case, "request_extension", self.huanwei, note="需协调物业", deadline=deadline
        )
        self.step(self.case, "approve", self.paiqian)
        response = self.page()
        self.assertNotContains(response, "需协调物业")
        self.assertContains(response, "办理期限已延长")
        self.assertNotIn("request_extension", [e.action for e in response.context["entries"]])

    def test_the_after_photo_is_shown_once_handled_and_served_without_login(self):
        self.close(self.case)
        response = self.page()
        [photo_id] = response.context["after_photos"]
        self.assertContains(response, f"/p/t/{self.mine.token}/photos/{photo_id}.jpg")
        image = self.client.get(f"/p/t/{self.mine.token}/photos/{photo_id}.jpg")
        self.assertEqual((image.status_code, image["Content-Type"]), (200, "image/jpeg"))

    def test_photos_of_another_case_or_before_photos_are_not_served(self):
        before = self.case.photos.get()
        self.assertEqual(
            self.client.get(f"{self.track_url(self.mine)}photos/{before.pk}.jpg").status_code, 404
        )
        other = self.report()
        self.step(other, "register", self.paiqian)
        self.step(other, "dispatch", self.paiqian)
        self.step(other, "handle", self.huanwei, photos=[photo("after.jpg")])
        after = other.photos.get(kind="after")
        self.assertEqual(
            self.client.get(f"{self.track_url(self.mine)}photos/{after.pk}.jpg").status_code, 404
        )

    def test_closure_is_announced_once_the_reporter_has_been_told(self):
        self.close(self.case)
        self.assertContains(self.page(), "已办结")
        self.assertNotContains(self.page(), 'id="closure-notice"')
        Report.objects.filter(pk=self.mine.pk).update(told_of_closure=True)
        self.assertContains(self.page(), 'id="closure-notice"')

    def test_a_joined_reporter_sees_the_case_but_not_the_first_reporters_words(self):
        self.step(self.case, "register", self.paiqian)
        joined = self.resident_report(join=self.case.number, name="李四", phone="13700000000")
        response = self.page(joined)
        self.assertContains(response, "已受理")
        self.assertNotContains(response, self.case.description)
        self.assertContains(self.page(), self.case.description)
