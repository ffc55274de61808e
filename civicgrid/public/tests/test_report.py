from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from civicgrid.cases.models import Case, Report, Source, State
from civicgrid.public import categories
from civicgrid.public.tests.base import RESIDENT, PublicTestCase


class ReportTests(PublicTestCase):
    def test_the_report_page_opens_without_login(self):
        response = self.client.get("/p/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'accept="image/*"')
        self.assertContains(response, 'capture="environment"')

    def test_the_report_page_loads_no_map_library_until_the_map_is_opened(self):
        html = self.client.get("/p/").content.decode()
        self.assertNotIn('<script src="/static/vendor/leaflet', html)
        self.assertNotIn("htmx", html)
        self.assertIn('data-leaflet-js="/static/vendor/leaflet/leaflet.js"', html)

    def test_a_resident_report_waits_for_registration_with_its_reporter_kept_apart(self):
        report = self.resident_report()
        case = report.case
        self.assertEqual((case.state, case.source), (State.REPORTED, Source.RESIDENT))
        self.assertIsNone(case.reported_by)
        self.assertEqual((report.name, report.phone, report.anonymous), (*RESIDENT.values(), False))
        self.assertEqual(case.photos.get().kind, "before")
        self.assertFalse(Case.objects.public().filter(pk=case.pk).exists())

    def test_the_reporter_gets_a_tracking_code_and_its_page_shows_the_state(self):
        response = self.post_report()
        report = Report.objects.get()
        self.assertRedirects(response, f"/p/t/{report.token}/?new=1")
        page = self.client.get(response["Location"])
        self.assertContains(page, report.token)
        self.assertContains(page, "请截图或抄下保存")
        self.assertContains(page, "已收到，待受理")

    def test_an_anonymous_report_keeps_neither_name_nor_phone(self):
        report = self.resident_report(anonymous="on")
        self.assertEqual((report.name, report.phone, report.anonymous), ("", "", True))

    def test_name_and_phone_are_optional(self):
        report = self.resident_report(name="", phone="", photos=[])
        self.assertEqual((report.name, report.phone), ("", ""))
        self.assertFalse(report.case.photos.exists())

    def test_a_report_needs_a_place_inside_the_street(self):
        response = self.post_report(lat="", lng="")
        self.assertContains(response, "使用当前位置", status_code=400)
        self.assertContains(response, "请点“使用当前位置”", status_code=400)
        response = self.post_report(lat=10.0, lng=10.0)
        self.assertContains(response, "不在本街道的受理范围内", status_code=400)
        self.assertFalse(Case.objects.exists())

    def test_a_resident_cannot_choose_a_category_closed_to_residents(self):
        response = self.post_report(category=self.parking.pk)
        self.assertContains(response, "不能由居民直接反映", status_code=400)
        self.assertFalse(Case.objects.exists())

    def test_a_wrong_phone_number_is_explained(self):
        response = self.post_report(phone="12345")
        self.assertContains(response, "11 位手机号", status_code=400)

    def test_the_place_is_located_once_for_the_check_and_the_case(self):
        with CaptureQueriesContext(connection) as queries:
            report = self.resident_report()
        fetched = 'FROM "areas_area" WHERE "areas_area"."id" ='
        areas = [q["sql"] for q in queries.captured_queries if fetched in q["sql"]]
        self.assertEqual(len(areas), 1, areas)
        self.assertEqual(report.case.grid, self.demo.grid(0, 0))


class CategoryPickerTests(PublicTestCase):
    def litter(self):
        return self.garbage.__class__.objects.create(
            kind="matter",
            code="06011",
            major_name="市容环境类",
            name="乱扔垃圾",
            open_to_residents=True,
        )

    def common(self) -> list[str]:
        return [c.name for c in categories.common_categories()]

    def test_the_most_reported_categories_come_first(self):
        litter = self.litter()
        for _ in range(2):
            self.report(category=litter)
        self.report()
        self.assertEqual(self.common()[:2], ["乱扔垃圾", "暴露垃圾"])
        self.assertNotIn(self.parking.name, self.common())

    def test_the_counting_is_cached_but_a_category_closed_since_is_not_offered(self):
        litter = self.litter()
        self.report()
        self.assertEqual(self.common(), ["暴露垃圾", "乱扔垃圾"])
        for _ in range(2):
            self.report(category=litter)
        self.assertEqual(self.common(), ["暴露垃圾", "乱扔垃圾"])
        self.garbage.open_to_residents = False
        self.garbage.save()
        self.assertEqual(self.common(), ["乱扔垃圾"])

    def test_the_search_finds_only_categories_open_to_residents(self):
        response = self.client.get("/p/categories.json", {"q": "垃圾"})
        self.assertEqual([r["name"] for r in response.json()["results"]], ["暴露垃圾"])
        response = self.client.get("/p/categories.json", {"q": "停放"})
        self.assertEqual(response.json()["results"], [])


class JoinTests(PublicTestCase):
    def setUp(self):
        super().setUp()
        self.open_case = self.report()
        self.step(self.open_case, "register", self.paiqian)

    def nearby(self, **params):
        lat, lng = self.point_in(self.demo.grid(0, 0))
        query = {"category": self.garbage.pk, "lat": lat, "lng": lng, **params}
        return self.client.get("/p/nearby.json", query).json()["cases"]

    def test_an_open_public_case_of_the_category_nearby_is_offered(self):
        [offered] = self.nearby()
        self.assertEqual(offered["number"], self.open_case.number)
        self.assertEqual(offered["state_label"], "已受理")
        self.assertLessEqual(offered["distance_m"], 1)
        self.assertNotIn("description", offered)

    def test_cases_not_yet_registered_or_far_away_are_not_offered(self):
        self.report()  # a second one, still 待立案
        self.assertEqual(len(self.nearby()), 1)
        far = self.demo.grid(1, 0)
        self.assertEqual(self.nearby(lat=far.centre_lat + 0.01, lng=far.centre_lng), [])

    def test_me_too_joins_the_case_with_the_residents_own_tracking_code(self):
        response = self.post_report(join=self.open_case.number, description="")
        joined = Report.objects.get(case=self.open_case, joined=True)
        self.assertRedirects(response, f"/p/t/{joined.token}/?new=1")
        self.assertEqual((joined.name, joined.phone), tuple(RESIDENT.values()))
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(self.open_case.events.last().action, "join")

    def test_me_too_on_a_case_that_has_closed_meanwhile_asks_for_a_new_report(self):
        Case.objects.filter(pk=self.open_case.pk).update(state=State.CLOSED)
        response = self.post_report(join=self.open_case.number)
        self.assertContains(response, "请直接提交您的反映", status_code=400)
        self.assertFalse(Report.objects.filter(joined=True).exists())


class AbuseTests(PublicTestCase):
    def test_a_filled_in_honeypot_is_refused_silently(self):
        response = self.post_report(homepage="http://spam.example")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Case.objects.exists())

    @override_settings(PUBLIC_RATE_PER_IP=2)
    def test_too_many_reports_from_one_address_are_answered_429_in_chinese(self):
        self.resident_report(phone="13900000001")
        self.resident_report(phone="13900000002")
        response = self.post_report(phone="13900000003")
        self.assertContains(response, "提交的反映过多", status_code=429)
        self.assertIn("Retry-After", response)
        self.assertEqual(Case.objects.count(), 2)

    @override_settings(PUBLIC_RATE_PER_PHONE=1)
    def test_too_many_reports_from_one_phone_are_answered_429(self):
        self.resident_report()
        response = self.client.post("/p/", self.form(), REMOTE_ADDR="10.0.0.9")
        self.assertContains(response, "请约", status_code=429)
        self.assertEqual(Case.objects.count(), 1)

    @override_settings(PUBLIC_RATE_PER_IP=1, CLIENT_IP_HEADER="X-Real-IP")
    def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_names(self):
        self.client.post("/p/", self.form(phone="13900000001"), HTTP_X_REAL_IP="10.0.0.1")
        response = self.client.post(
            "/p/", self.form(phone="13900000002"), HTTP_X_REAL_IP="10.0.0.2"
        )
        self.assertEqual(response.status_code, 302)
        response = self.client.post(
            "/p/", self.form(phone="13900000003"), HTTP_X_REAL_IP="10.0.0.2"
        )
        self.assertEqual(response.status_code, 429)
