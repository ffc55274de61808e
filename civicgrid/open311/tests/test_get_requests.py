"""GET requests, one request and tokens: what is shown, to whom, its fields, filters and limits."""

import datetime as dt
from datetime import timedelta
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from civicgrid.cases.models import FINISHED, OPEN, Case, State
from civicgrid.cases.tests.base import photo
from civicgrid.open311 import listing
from civicgrid.open311.tests.base import API, FORMATS, Open311TestCase, w3c
from civicgrid.public.tests.base import jpeg
from civicgrid.public.tests.test_photo_uploads import exif_with_gps

FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
EIGHT_HOURS = timedelta(hours=8)


class Open311ListTestCase(Open311TestCase):
    def listed(self, **params) -> list[str]:
        return [
            r["service_request_id"] for r in self.fetch("requests", "service_requests", **params)
        ]

    def submitted(self, **fields) -> Case:
        """A case the 随手拍 app posted, still 待立案."""
        [answer] = self.post(**fields)
        return Case.objects.get(number=answer["service_request_id"])

    def registered(self, case) -> Case:
        self.step(case, "register", self.paiqian)
        return Case.objects.get(pk=case.pk)

    def aged(self, case, days: float) -> Case:
        Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days))
        return Case.objects.get(pk=case.pk)


class WhatIsListedTests(Open311ListTestCase):
    def test_it_lists_registered_cases_of_categories_open_to_residents(self):
        dispatched = self.dispatched()
        registered = self.registered(self.report())
        self.report()  # 待立案
        self.registered(self.report(category=self.parking))  # not open to residents
        self.assertEqual(self.listed(), [registered.number, dispatched.number])

    def test_it_never_lists_others_unregistered_rejected_or_merged_reports(self):
        self.report()
        self.step(self.report(), "reject", self.paiqian, note="重复举报")
        submitted = self.submitted()
        self.assertEqual(self.listed(), [])
        self.assertEqual(self.listed(api_key=self.hotline_key), [])
        self.fetch(f"requests/{submitted.number}", "errors", expect=404)

    def test_a_client_with_its_key_follows_its_own_submissions_in_every_state(self):
        waiting = self.submitted()
        rejected = self.submitted()
        self.step(rejected, "reject", self.paiqian, note="不属于城市管理问题")
        self.report()  # someone else's 待立案
        self.assertEqual(self.listed(api_key=self.app_key), [rejected.number, waiting.number])
        [request] = self.fetch(
            f"requests/{rejected.number}", "service_requests", api_key=self.app_key
        )
        self.assertEqual(request["status"], "closed")
        self.assertEqual(request["status_notes"], "不属于城市管理问题")

    def test_an_unknown_id_is_404(self):
        errors = self.fetch("requests/2025-999999", "errors", expect=404)
        self.assertIn("2025-999999", errors[0]["description"])


class FieldTests(Open311ListTestCase):
    def test_a_request_has_every_field_of_the_spec_in_order(self):
        case = self.dispatched(address="建设路 12 号")
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        self.assertEqual(list(request), FIELDS)
        case.refresh_from_db()
        self.assertEqual(request["service_request_id"], case.number)
        self.assertEqual(request["status"], "open")
        self.assertEqual(request["status_notes"], "派遣")
        self.assertEqual(request["service_name"], "暴露垃圾")
        self.assertEqual(request["service_code"], "matter-06010")
        self.assertEqual(request["description"], "路边有一堆垃圾")
        self.assertEqual(request["agency_responsible"], "环卫所")
        self.assertIn("4 个工作时", request["service_notice"])
        self.assertEqual(request["address"], "建设路 12 号")
        self.assertEqual([request["lat"], request["long"]], [case.lat, case.lng])
        self.assertIsInstance(request["lat"], float)
        self.assertEqual(w3c(request["expected_datetime"]), case.deadline)

    def test_datetimes_are_w3c_with_the_local_offset(self):
        case = self.dispatched()
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        for field in ["requested_datetime", "updated_datetime", "expected_datetime"]:
            with self.subTest(field):
                moment = w3c(request[field])
                self.assertEqual(moment.utcoffset(), EIGHT_HOURS)
                self.assertRegex(request[field], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
        self.assertEqual(w3c(request["requested_datetime"]), case.created_at.replace(microsecond=0))

    def test_a_closed_case_is_closed_and_updated_when_it_closed(self):
        case = self.dispatched()
        self.step(case, "handle", self.huanwei, note="已清运", photos=[photo("after.jpg")])
        self.step(case, "verify_pass", self.duban1)
        case.refresh_from_db()
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        self.assertEqual(request["status"], "closed")
        self.assertEqual(w3c(request["updated_datetime"]), case.closed_at.replace(microsecond=0))
        self.assertEqual(request["status_notes"], "核查通过，结案")
        self.assertIsNone(request["service_notice"])

    def test_every_civicgrid_state_maps_to_open_or_closed(self):
        for state in State:
            with self.subTest(state):
                expected = "open" if state in OPEN else "closed"
                self.assertEqual(listing.status(Case(state=state)), expected)
        self.assertEqual(FINISHED, {State.CLOSED, State.REJECTED, State.MERGED})

    def test_reporters_photos_are_not_published(self):
        case = self.dispatched()
        self.assertTrue(case.photos.exists())
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        self.assertIsNone(request["media_url"])
        body = self.client.get(f"{API}requests/{case.number}.xml").content.decode()
        self.assertNotIn("/media/", body)

    def test_a_handled_public_case_links_its_after_photo_thumbnail_without_metadata(self):
        case = self.dispatched()
        big = jpeg("after.jpg", size=(1600, 1200), exif=exif_with_gps())
        self.step(case, "handle", self.huanwei, note="已清运", photos=[big])
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        url = request["media_url"]
        self.assertEqual(url, f"http://127.0.0.1:8000/p/cases/{case.number}/photo.jpg")
        response = self.client.get(url.removeprefix("http://127.0.0.1:8000"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        body = b"".join(response) if response.streaming else response.content
        image = Image.open(BytesIO(body))
        self.assertLess(max(image.size), 1600)
        self.assertFalse(image.getexif())

    def test_a_case_residents_may_not_see_has_no_public_photo(self):
        case = self.dispatched()
        self.step(case, "handle", self.huanwei, note="已清运", photos=[photo("after.jpg")])
        case.category.open_to_residents = False
        case.category.save()
        self.assertEqual(self.client.get(f"/p/cases/{case.number}/photo.jpg").status_code, 404)
        before_only = self.dispatched()
        url = f"/p/cases/{before_only.number}/photo.jpg"
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_media_url_is_the_link_the_client_sent(self):
        case = self.registered(self.submitted(media_url="https://img.example.cn/a.jpg"))
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        self.assertEqual(request["media_url"], "https://img.example.cn/a.jpg")

    def test_without_an_address_the_grid_names_the_place(self):
        case = self.dispatched()
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        self.assertEqual(request["address"], self.demo.grid(0, 0).name)

    def test_status_notes_skip_the_reporters_own_words(self):
        case = self.registered(self.submitted(description="门口垃圾"))
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        self.assertEqual(request["status_notes"], "立案")


class PrivacyTests(Open311ListTestCase):
    def test_nothing_about_the_reporter_appears_in_any_answer(self):
        case = self.registered(
            self.submitted(
                first_name="三",
                last_name="张",
                phone="13812345678",
                email="zhang@example.cn",
                account_id="u-42",
                device_id="dev-77",
                description="门口有垃圾，有事打我电话 13912345678",
            )
        )
        token = case.reports.get().token
        paths = ["requests", f"requests/{case.number}"]
        for path in paths:
            for fmt in FORMATS:
                for params in [{}, {"api_key": self.app_key}]:
                    body = self.client.get(f"{API}{path}.{fmt}", params).content.decode()
                    self.assertIn(case.number, body)
                    for secret in ["张三", "13812345678", "zhang@example.cn", "u-42", "dev-77"]:
                        self.assertNotIn(secret, body)
                    self.assertNotIn("13912345678", body)
                    self.assertIn("139****5678", body)
                    self.assertNotIn(token, body)
                    self.assertNotIn(self.wangge01.username, body)


class FilterTests(Open311ListTestCase):
    def test_status_filters_open_closed_or_both(self):
        open_case = self.dispatched()
        closed = self.dispatched()
        self.step(closed, "close_special", self.paiqian, note="已由业主自行清理", closure="special")
        self.assertEqual(self.listed(status="open"), [open_case.number])
        self.assertEqual(self.listed(status="closed"), [closed.number])
        self.assertEqual(self.listed(status="open,closed"), [closed.number, open_case.number])

    def test_an_unknown_status_is_400(self):
        self.fetch("requests", "errors", expect=400, status="pending")

    def test_service_code_takes_a_comma_list(self):
        garbage = self.dispatched()
        manhole = self.registered(self.report(category=self.manhole))
        self.assertEqual(self.listed(service_code="matter-06010"), [garbage.number])
        self.assertEqual(self.listed(service_code="component-01001"), [manhole.number])
        both = self.listed(service_code="component-01001,matter-06010")
        self.assertEqual(both, [manhole.number, garbage.number])
        self.assertEqual(self.listed(service_code="nonsense"), [])

    def test_service_request_ids_override_every_other_argument(self):
        old = self.aged(self.dispatched(), days=400)
        recent = self.dispatched()
        hidden = self.report()
        ids = f"{old.number}, {recent.number},{hidden.number}"
        self.assertEqual(
            self.listed(service_request_id=ids, status="closed"), [recent.number, old.number]
        )


class WindowTests(Open311ListTestCase):
    def test_by_default_it_answers_for_the_last_90_days(self):
        inside = self.aged(self.dispatched(), days=89)
        self.aged(self.dispatched(), days=91)
        self.assertEqual(self.listed(), [inside.number])

    def test_start_and_end_date_choose_an_older_span(self):
        old = self.aged(self.dispatched(), days=200)
        self.dispatched()
        day = timezone.localtime(old.created_at)
        listed = self.listed(
            start_date=(day - timedelta(days=1)).isoformat(),
            end_date=(day + timedelta(days=1)).isoformat(),
        )
        self.assertEqual(listed, [old.number])

    def test_dates_in_utc_with_z_are_understood(self):
        case = self.dispatched()
        start = (case.created_at - timedelta(minutes=1)).astimezone(dt.UTC)
        listed = self.listed(start_date=start.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertEqual(listed, [case.number])

    def test_a_start_date_alone_reaches_90_days_after_it(self):
        old = self.aged(self.dispatched(), days=200)
        later = self.aged(self.dispatched(), days=150)
        self.aged(self.dispatched(), days=100)
        start = (old.created_at - timedelta(days=1)).isoformat()
        self.assertEqual(self.listed(start_date=start), [later.number, old.number])

    def test_a_span_over_90_days_is_400(self):
        errors = self.fetch(
            "requests",
            "errors",
            expect=400,
            start_date="2025-01-01T00:00:00+08:00",
            end_date="2025-04-02T00:00:00+08:00",
        )
        self.assertIn("90", errors[0]["description"])

    def test_an_end_before_the_start_is_400(self):
        self.fetch(
            "requests",
            "errors",
            expect=400,
            start_date="2025-02-01T00:00:00Z",
            end_date="2025-01-01T00:00:00Z",
        )

    def test_a_date_that_is_not_w3c_is_400(self):
        errors = self.fetch("requests", "errors", expect=400, start_date="yesterday")
        self.assertIn("start_date", errors[0]["description"])


class LimitTests(Open311ListTestCase):
    def test_it_answers_with_at_most_1000_requests_newest_first(self):
        now = timezone.now()
        Case.objects.bulk_create(
            Case(
                number=f"2025-{n:06d}",
                category=self.garbage,
                description=f"第 {n} 件",
                state=State.REGISTERED,
                created_at=now - timedelta(minutes=n),
            )
            for n in range(1, 1002)
        )
        for fmt in FORMATS:
            with self.subTest(fmt):
                response = self.client.get(f"{API}requests.{fmt}")
                requests = self.read(response, fmt)
                requests = requests if fmt == "json" else requests[1]
                self.assertEqual(len(requests), 1000)
                self.assertEqual(requests[0]["service_request_id"], "2025-000001")
                self.assertEqual(requests[-1]["service_request_id"], "2025-001000")

    def test_the_list_needs_the_same_queries_for_3_or_30_cases(self):
        for _ in range(3):
            self.dispatched()
        with CaptureQueriesContext(connection) as three:
            self.client.get(f"{API}requests.json")
        for _ in range(27):
            self.dispatched(grid=self.demo.grid(2, 1))
        with self.assertNumQueries(len(three.captured_queries)):
            response = self.client.get(f"{API}requests.json")
        self.assertEqual(len(response.json()), 30)
        self.assertEqual(len(three.captured_queries), 2)

    def test_a_client_key_costs_one_query_more(self):
        self.dispatched()
        with self.assertNumQueries(3):
            self.client.get(f"{API}requests.xml", {"api_key": self.app_key})


class RoundTripTests(Open311ListTestCase):
    def test_a_submission_is_found_by_its_id_and_by_its_token(self):
        for fmt in FORMATS:
            with self.subTest(fmt):
                [answer] = self.post(
                    fmt, description="楼下井盖没了", service_code="component-01001"
                )
                number, token = answer["service_request_id"], answer["token"]
                [request] = self.fetch(
                    f"requests/{number}", "service_requests", api_key=self.app_key
                )
                self.assertEqual(request["service_request_id"], number)
                self.assertEqual(request["status"], "open")
                self.assertEqual(request["service_code"], "component-01001")
                self.assertEqual(request["description"], "楼下井盖没了")
                [found] = self.fetch(f"tokens/{token}", "service_requests")
                self.assertEqual(found, {"service_request_id": number, "token": token})

    def test_once_registered_everyone_can_read_it(self):
        case = self.submitted()
        self.fetch(f"requests/{case.number}", "errors", expect=404)
        self.registered(case)
        [request] = self.fetch(f"requests/{case.number}", "service_requests")
        self.assertEqual(request["status_notes"], "立案")

    def test_an_unknown_token_is_404(self):
        errors = self.fetch("tokens/no-such-token", "errors", expect=404)
        self.assertEqual(errors[0]["code"], 404)
