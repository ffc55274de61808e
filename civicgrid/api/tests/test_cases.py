"""Cases through the API: the list and its filters, one case, reporting, steps and photos."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicgrid.api.models import ApiToken
from civicgrid.api.tests.base import ApiTestCase
from civicgrid.cases.models import Case, CasePhoto, Report, State
from civicgrid.cases.tests.base import photo
from civicgrid.lib.privacy import mask_name, mask_phone


class CaseListTests(ApiTestCase):
    def numbers(self, response) -> list[str]:
        self.assertEqual(response.status_code, 200, response.content[:300])
        return [case["number"] for case in response.json()["results"]]

    def test_the_list_follows_the_access_matrix(self):
        self.report()
        self.assert_api_access(
            "GET", "/cases", allowed=[self.admin, self.paiqian, self.lingdao, self.wangge02]
        )

    def test_each_person_sees_only_the_cases_in_their_scope(self):
        mine = self.report()
        other = self.report(grid=self.demo.grid(1, 0), by=self.shequ2)
        self.assertEqual(
            set(self.numbers(self.api("GET", "/cases", self.paiqian))), {mine.number, other.number}
        )
        self.assertEqual(self.numbers(self.api("GET", "/cases", self.shequ1)), [mine.number])
        self.assertEqual(self.numbers(self.api("GET", "/cases", self.shequ2)), [other.number])
        self.assertEqual(self.numbers(self.api("GET", "/cases", self.huanwei)), [])

    def test_a_case_in_the_list_has_its_facts_with_local_times(self):
        case = self.dispatched(address="建设路 12 号")
        [row] = self.api("GET", "/cases", self.paiqian).json()["results"]
        self.assertEqual(row["number"], case.number)
        self.assertEqual(row["state"], "dispatched")
        self.assertEqual(row["category"], {"kind": "matter", "code": "06010", "name": "暴露垃圾"})
        self.assertEqual(row["grid"]["code"], self.demo.grid(0, 0).code)
        self.assertEqual(row["responsible"]["type"], "department")
        self.assertEqual(row["address"], "建设路 12 号")
        self.assertTrue(row["created_at"].endswith("+08:00"))
        self.assertTrue(row["deadline"].endswith("+08:00"))
        self.assertFalse(row["is_overdue"])
        self.assertEqual(row["url"], f"/api/v1/cases/{case.number}")

    def test_the_filters_are_the_pages_filters(self):
        garbage = self.report()
        parking = self.report(category=self.parking)
        self.step(parking, "register", self.paiqian)
        get = lambda **q: self.numbers(self.api("GET", "/cases", self.paiqian, q))  # noqa: E731
        self.assertEqual(get(category="09009"), [parking.number])
        self.assertEqual(get(state="reported"), [garbage.number])
        self.assertEqual(get(queue="registered"), [parking.number])
        self.assertEqual(get(q=garbage.number), [garbage.number])
        self.assertEqual(get(area=self.demo.community(1).code), [])

    def test_an_invalid_filter_is_400_naming_it(self):
        response = self.api(
            "GET", "/cases", self.paiqian, {"category": "99999", "created_from": "x"}
        )
        self.assert_error(response, 400, "invalid", fields=["category", "created_from"])

    def test_an_unlikely_date_is_400_not_a_crash(self):
        response = self.api("GET", "/cases", self.paiqian, {"created_to": "9999-12-31"})
        self.assert_error(response, 400, fields=["created_to"])

    def test_an_area_out_of_scope_is_404_as_on_the_page(self):
        response = self.api("GET", "/cases", self.shequ1, {"area": self.demo.community(1).code})
        self.assert_error(response, 404, "not_found")

    def test_pages_follow_the_next_cursor_without_gaps_or_repeats(self):
        made = [self.report().number for _ in range(5)]
        seen, after = [], None
        while True:
            query = {"limit": 2, **({"after": after} if after else {})}
            body = self.api("GET", "/cases", self.paiqian, query).json()
            seen += [row["number"] for row in body["results"]]
            after = body["next"]
            if after is None:
                break
        self.assertEqual(seen, list(reversed(made)))

    def test_the_list_takes_the_same_number_of_queries_for_one_case_or_many(self):
        self.dispatched()
        token = self.token(self.paiqian)
        self.api("GET", "/auth/me", token=token)  # records the token's use, once
        with CaptureQueriesContext(connection) as one:
            self.api("GET", "/cases", token=token)
        for _ in range(4):
            self.dispatched()
        with self.assertNumQueries(len(one)):
            self.assertEqual(len(self.api("GET", "/cases", token=token).json()["results"]), 5)

    def test_a_limit_out_of_range_is_400(self):
        self.assert_error(
            self.api("GET", "/cases", self.paiqian, {"limit": 0}), 400, fields=["limit"]
        )
        self.assert_error(
            self.api("GET", "/cases", self.paiqian, {"limit": 101}), 400, fields=["limit"]
        )


class CaseDetailTests(ApiTestCase):
    def test_one_case_follows_the_access_matrix(self):
        case = self.report()
        self.assert_api_access(
            "GET",
            f"/cases/{case.number}",
            allowed=[
                self.admin,
                self.paiqian,
                self.lingdao,
                self.duban1,
                self.shequ1,
                self.wangge01,
            ],
            hidden=[self.shequ2, self.wangge02, self.huanwei],
        )

    def test_an_unknown_number_is_404(self):
        self.assert_error(self.api("GET", "/cases/2026-999999", self.admin), 404, "not_found")

    def test_the_case_has_its_timeline_photos_and_the_steps_one_may_take(self):
        case = self.dispatched()
        body = self.api("GET", f"/cases/{case.number}", self.huanwei).json()
        self.assertEqual(
            [e["action"] for e in body["timeline"]], ["report", "register", "dispatch"]
        )
        self.assertEqual(body["timeline"][1]["label"], "立案")
        [before] = body["photos"]
        self.assertEqual(before["kind"], "before")
        self.assertEqual(body["timeline"][0]["photos"], [before])
        actions = {a["action"]: a["needs"] for a in body["actions"]}
        self.assertIn("accept", actions)
        self.assertEqual(actions["handle"], ["after_photo"])
        self.assertNotIn("verify_pass", actions)

    def test_the_photo_file_is_served_to_token_holders_in_scope(self):
        case = self.report()
        url = self.api("GET", f"/cases/{case.number}", self.shequ1).json()["photos"][0]["url"]
        response = self.client.get(
            url, headers={"Authorization": f"Bearer {self.token(self.shequ1)}"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertEqual(self.client.get(url).status_code, 401)
        path = url.removeprefix("/api/v1")
        self.assert_error(self.api("GET", path, self.shequ2), 404)

    def test_reporters_are_masked_without_the_reporter_permission(self):
        case = self.report()
        Report.objects.filter(case=case).update(name="张三丰", phone="13812345678")
        masked = self.api("GET", f"/cases/{case.number}", self.shequ1).json()["reporters"][0]
        self.assertEqual(
            (masked["name"], masked["phone"]), (mask_name("张三丰"), mask_phone("13812345678"))
        )
        full = self.api("GET", f"/cases/{case.number}", self.lingdao).json()["reporters"][0]
        self.assertEqual((full["name"], full["phone"]), ("张三丰", "13812345678"))

    def test_the_reporters_name_in_the_timeline_is_masked_too(self):
        case = self.report()
        body = self.api("GET", f"/cases/{case.number}", self.shequ1).json()
        self.assertEqual(body["timeline"][0]["by"], mask_name(str(self.wangge01)))


class CaseReportTests(ApiTestCase):
    def payload(self, **changes):
        lat, lng = self.point_in(self.demo.grid(0, 1))
        return {
            "category": "06010",
            "description": "绿化带里有建筑垃圾",
            "lat": lat,
            "lng": lng,
            **changes,
        }

    def test_a_grid_worker_reports_a_case_located_in_its_grid(self):
        response = self.api("POST", "/cases", self.wangge01, self.payload(address="解放路 1 号"))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["state"], "reported")
        self.assertEqual(body["source"], "patrol")
        self.assertEqual(body["grid"]["code"], self.demo.grid(0, 1).code)
        case = Case.objects.get(number=body["number"])
        self.assertEqual(case.reported_by, self.wangge01)

    def test_a_report_locates_its_point_once_for_the_check_and_the_case(self):
        self.token(self.wangge01)
        with CaptureQueriesContext(connection) as queries:
            response = self.api("POST", "/cases", self.wangge01, self.payload())
        self.assertEqual(response.status_code, 201, response.content)
        fetched = 'FROM "areas_area" WHERE "areas_area"."id" ='
        areas = [q["sql"] for q in queries.captured_queries if fetched in q["sql"]]
        self.assertEqual(len(areas), 1, areas)

    def test_reporting_needs_the_report_permission(self):
        self.assert_error(
            self.api("POST", "/cases", self.huanwei, self.payload()), 403, "forbidden"
        )
        self.assert_error(self.api("POST", "/cases", None, self.payload()), 401)

    def test_validation_errors_name_the_fields(self):
        response = self.api("POST", "/cases", self.wangge01, {"category": "00000", "lat": "north"})
        error = self.assert_error(response, 400, "invalid", fields=["lat"])
        self.assertEqual(error["fields"]["lat"], ["应为数字。"])  # types are checked before values
        response = self.api("POST", "/cases", self.wangge01, {"category": "00000"})
        self.assert_error(response, 400, fields=["category", "description"])

    def test_a_place_outside_every_grid_is_an_error_on_lat_and_lng(self):
        response = self.api("POST", "/cases", self.wangge01, self.payload(lat=10.0, lng=10.0))
        error = self.assert_error(response, 400, fields=["lat", "lng"])
        self.assertIn("不在本平台的网格范围内", error["fields"]["lat"][0])

    def test_unknown_fields_and_bodies_that_are_not_json_objects_are_400(self):
        self.assert_error(
            self.api("POST", "/cases", self.wangge01, self.payload(colour="red")),
            400,
            fields=["colour"],
        )
        response = self.client.post(
            "/api/v1/cases",
            "[1, 2]",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token(self.wangge01)}"},
        )
        self.assert_error(response, 400)
        response = self.client.post(
            "/api/v1/cases",
            "{not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token(self.wangge01)}"},
        )
        self.assert_error(response, 400)

    def test_the_reporter_adds_before_photos_while_the_case_is_open(self):
        case = self.report()
        response = self.api(
            "POST", f"/cases/{case.number}/photos", self.wangge01, {"photos": [photo("a.jpg")]}
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(case.photos.filter(kind=CasePhoto.Kind.BEFORE).count(), 2)
        report_event = case.events.get(action="report")
        self.assertEqual(report_event.photos.count(), 2)

    def test_only_the_reporter_adds_photos(self):
        case = self.report()
        self.assert_api_access(
            "POST",
            f"/cases/{case.number}/photos",
            forbidden=[self.shequ1, self.paiqian],
            hidden=[self.shequ2],
            data={"photos": [photo()]},
        )

    def test_a_file_that_is_not_a_photo_is_400_on_photos(self):
        case = self.report()
        from django.core.files.uploadedfile import SimpleUploadedFile

        bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
        response = self.api(
            "POST", f"/cases/{case.number}/photos", self.wangge01, {"photos": [bad]}
        )
        self.assert_error(response, 400, fields=["photos"])


class CaseActionTests(ApiTestCase):
    def act(self, user, case, action, **data):
        return self.api("POST", f"/cases/{case.number}/actions/{action}", user, data)

    def test_a_dispatcher_registers_and_dispatches_to_a_department(self):
        case = self.report()
        response = self.act(self.paiqian, case, "register", version=case.version)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["state"], "registered")
        department = self.demo.departments["CG"]
        response = self.act(
            self.paiqian, case, "dispatch", department=department.code, note="请城管处理"
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["state"], "dispatched")
        self.assertEqual(body["responsible"]["code"], department.code)
        self.assertTrue(body["deadline"].endswith("+08:00"))

    def test_dispatch_without_a_unit_takes_the_proposed_one(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        body = self.act(self.paiqian, case, "dispatch").json()
        self.assertEqual(body["responsible"]["code"], self.demo.departments["HW"].code)

    def test_dispatch_to_a_department_that_does_not_exist_is_400_on_department(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        self.assert_error(
            self.act(self.paiqian, case, "dispatch", department="NOPE"), 400, fields=["department"]
        )

    def test_a_stale_version_is_409_in_chinese(self):
        case = self.report()
        stale = case.version
        self.step(case, "register", self.paiqian)
        error = self.assert_error(
            self.act(self.paiqian, case, "reject", version=stale, note="重复"), 409, "conflict"
        )
        self.assertIn("已被他人处理", error["message"])

    def test_a_step_the_state_does_not_allow_is_409(self):
        case = self.report()
        error = self.assert_error(self.act(self.paiqian, case, "verify_pass"), 409, "conflict")
        self.assertIn("待立案", error["message"])

    def test_a_step_follows_the_access_matrix(self):
        case = self.report()
        self.assert_api_access(
            "POST",
            f"/cases/{case.number}/actions/reject",
            forbidden=[self.lingdao, self.shequ1, self.duban1],
            hidden=[self.shequ2, self.huanwei],
            data={"note": "不属于受理范围"},
        )
        self.assertEqual(
            self.act(self.paiqian, case, "reject", note="不属于受理范围").status_code, 200
        )

    def test_a_reason_the_step_needs_is_400_on_note(self):
        case = self.report()
        error = self.assert_error(
            self.act(self.paiqian, case, "reject"), 400, "invalid", fields=["note"]
        )
        self.assertIn("理由", error["fields"]["note"][0])

    def test_handling_needs_an_after_photo_sent_as_multipart(self):
        case = self.dispatched()
        path = f"/cases/{case.number}/actions/handle"
        self.assert_error(self.api("POST", path, self.huanwei, {}), 400, fields=["photos"])
        response = self.api(
            "POST",
            path,
            self.huanwei,
            {"photos": [photo()], "note": "已清理", "version": str(case.version)},
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["state"], "handled")
        self.assertEqual([p["kind"] for p in body["timeline"][-1]["photos"]], ["after"])

    def test_an_extension_deadline_is_read_as_iso_8601(self):
        case = self.dispatched()
        self.step(case, "accept", self.huanwei)
        case.refresh_from_db()
        later = case.deadline.replace(year=case.deadline.year + 1).isoformat()
        response = self.act(
            self.huanwei, case, "request_extension", note="材料未到", deadline=later
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["pending"], "extension")
        error = self.assert_error(
            self.act(self.paiqian, case, "request_extension", deadline="soon"), 403
        )
        self.assertTrue(error["message"])

    def test_merging_names_the_surviving_case(self):
        first, second = self.report(), self.report()
        response = self.act(self.paiqian, second, "merge", duplicate_of=first.number)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["duplicate_of"], first.number)
        self.assert_error(
            self.act(self.paiqian, first, "merge", duplicate_of="2026-999999"),
            400,
            fields=["duplicate_of"],
        )

    def test_an_unknown_action_is_404(self):
        case = self.report()
        self.assert_error(self.act(self.paiqian, case, "explode"), 404)

    def test_a_revoked_token_cannot_take_steps(self):
        case = self.report()
        token = self.token(self.paiqian)
        ApiToken.objects.filter(user=self.paiqian).update(revoked_at=case.created_at)
        self.assert_error(
            self.api("POST", f"/cases/{case.number}/actions/register", token=token, data={}), 401
        )
        case.refresh_from_db()
        self.assertEqual(case.state, State.REPORTED)
