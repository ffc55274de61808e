"""Public pages never show who reported (not even masked), who handled, or what stayed inside."""

from datetime import timedelta

from django.utils import timezone

from civicgrid.cases.tests.base import photo
from civicgrid.public.tests.base import RESIDENT, PublicTestCase

INTERNAL = "物业经理不配合，需街道协调"


class PublicPrivacyTests(PublicTestCase):
    def setUp(self):
        super().setUp()
        self.mine = self.resident_report()
        self.case = self.mine.case
        self.other = self.resident_report(
            name="赵六六", phone="13611112222", description="另一处垃圾"
        )
        self.step(self.case, "register", self.paiqian)
        self.step(self.case, "dispatch", self.paiqian)
        self.step(self.case, "accept", self.huanwei)
        later = timezone.now() + timedelta(days=20)
        self.step(self.case, "request_extension", self.huanwei, note=INTERNAL, deadline=later)
        self.step(self.case, "approve", self.paiqian)
        self.joined = self.resident_report(join=self.case.number, name="李四", phone="13700000000")
        staff_words = (
            f"已联系{RESIDENT['name']}（{RESIDENT['phone']}），{self.huanwei.name}现场清运"
        )
        self.step(self.case, "handle", self.huanwei, note=staff_words, photos=[self.after()])
        self.step(self.case, "verify_pass", self.duban1)
        self.client.post(f"/p/t/{self.mine.token}/rate", {"level": 5})

    def after(self):
        return photo("after.jpg")

    def public_pages(self) -> dict[str, str]:
        lat, lng = self.point_in(self.demo.grid(0, 0))
        nearby = f"/p/nearby.json?category={self.garbage.pk}&lat={lat}&lng={lng}"
        urls = [
            self.track_url(self.mine),
            self.track_url(self.joined),
            self.track_url(self.other),
            "/p/",
            "/p/map/",
            "/p/map.json",
            nearby,
        ]
        pages = {}
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            pages[url] = response.content.decode()
        return pages

    def secrets(self) -> list[str]:
        staff = [self.paiqian, self.huanwei, self.duban1]
        return [
            *RESIDENT.values(),
            "赵六六",
            "13611112222",
            "李四",
            "13700000000",
            *(user.name for user in staff),
            *(user.username for user in staff),
            *(user.phone for user in staff),
            INTERNAL,
        ]

    def test_no_public_page_names_a_reporter_a_staff_member_or_an_internal_note(self):
        for url, html in self.public_pages().items():
            for secret in self.secrets():
                self.assertNotIn(secret, html, f"{secret!r} on {url}")

    def test_nor_a_masked_form_of_a_reporters_name_or_phone(self):
        for url, html in self.public_pages().items():
            self.assertNotIn("王**", html, url)
            self.assertNotIn("139****5678", html, url)

    def test_the_staff_note_is_shown_with_the_people_in_it_hidden(self):
        html = self.client.get(self.track_url(self.mine)).content.decode()
        self.assertIn("已联系***（***），***现场清运", html)

    def test_the_map_gives_no_words_and_rounds_the_position_to_about_ten_metres(self):
        [point] = self.client.get("/p/map.json").json()["cases"]
        self.assertEqual(
            set(point), {"number", "category", "state", "state_label", "date", "lat", "lng"}
        )
        self.assertEqual(point["lat"], round(self.case.lat, 4))
        self.assertEqual(point["state_label"], "已办结")

    def test_a_report_not_yet_registered_is_not_on_the_map(self):
        numbers = [c["number"] for c in self.client.get("/p/map.json").json()["cases"]]
        self.assertEqual(numbers, [self.case.number])
        self.assertNotIn(self.other.case.number, numbers)
