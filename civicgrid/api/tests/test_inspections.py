"""Rounds and field inspections through the API: the lists, a round's sites, starting,
saving items (JSON and multipart), submitting, extra problems, photos, and a whole inspection."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicgrid.api.tests.base import ApiTestCase
from civicgrid.campaigns.models import PointType
from civicgrid.cases.models import Case, Source, State
from civicgrid.cases.tests.base import photo
from civicgrid.inspections.models import Inspection, ItemPhoto, Round, Site
from civicgrid.inspections.submission import save_item, submit
from civicgrid.inspections.tests.base import InspectionTestCase


class InspectionApiTestCase(ApiTestCase, InspectionTestCase):
    """The inspections test campaign, its round covering the market (community 0) and an
    estate (community 1), and a supervisor of another street."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        _far, cls.outsider = cls.other_street()
        cls.estate = Site.objects.create(
            name="幸福小区", point_type=PointType.RESIDENTIAL, area=cls.demo.grid(1, 0)
        )
        cls.road = Site.objects.create(
            name="人民路", point_type=PointType.MAIN_ROAD, area=cls.demo.grid(2, 0)
        )
        cls.round.sites.add(cls.market, cls.estate)

    def ok(self, response, status=200) -> dict:
        self.assertEqual(response.status_code, status, response.content.decode()[:500])
        return response.json()

    def ids(self, response) -> list[int]:
        return [row["id"] for row in self.ok(response)["results"]]

    def fill(self, inspection, stalls="pass"):
        save_item(inspection, self.ads, "pass")
        save_item(inspection, self.scale, "na")
        save_item(inspection, self.stalls, stalls, note="东门外有摊贩", photos=[photo()])

    def put_multipart(self, path, user, data):
        """PUT a multipart body (the test client encodes multipart for POST only)."""
        return self.client.put(
            "/api/v1" + path,
            encode_multipart(BOUNDARY, data),
            content_type=MULTIPART_CONTENT,
            headers={"Authorization": f"Bearer {self.token(user)}"},
        )

    def assert_same_queries(self, path, user, add, n=4):
        """The answer costs as many queries for one row as after `add()` was called n times."""
        token = self.token(user)
        self.api("GET", "/auth/me", token=token)  # records the token's use, once
        with CaptureQueriesContext(connection) as one:
            self.ok(self.api("GET", path, token=token))
        for _ in range(n):
            add()
        with self.assertNumQueries(len(one)):
            return self.ok(self.api("GET", path, token=token))


class RoundListTests(InspectionApiTestCase):
    def test_the_round_list_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            "/rounds",
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.shequ1],
            forbidden=[self.wangge01, self.huanwei],
        )

    def test_people_see_the_rounds_of_campaigns_in_their_street_only(self):
        self.assertEqual(self.ids(self.api("GET", "/rounds", self.shequ2)), [self.round.pk])
        self.assertEqual(self.ids(self.api("GET", "/rounds", self.outsider)), [])

    def test_a_round_has_its_campaign_dates_and_inspectors(self):
        self.round.inspectors.add(self.duban2)
        [row] = self.ok(self.api("GET", "/rounds", self.duban1))["results"]
        self.assertEqual(row["name"], "第1轮")
        self.assertEqual(row["campaign"], {"id": self.campaign.pk, "name": "创建全国文明城市"})
        self.assertEqual((row["start"], row["end"]), ("2026-11-23", "2026-11-29"))
        self.assertEqual(row["inspectors"], [{"username": "duban2", "name": str(self.duban2)}])
        self.assertFalse(row["may_inspect"])
        self.assertEqual(row["url"], f"/api/v1/rounds/{self.round.pk}")
        self.assertEqual(row["web_url"], self.round.get_absolute_url())

    def test_the_filters_are_campaign_current_and_mine(self):
        today = timezone.localdate()
        now = Round.objects.create(
            campaign=self.campaign,
            name="本周",
            start=today - dt.timedelta(days=1),
            end=today + dt.timedelta(days=1),
        )
        others = Round.objects.create(
            campaign=self.campaign, name="他人", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 7)
        )
        others.inspectors.add(self.duban2)
        named = Round.objects.create(
            campaign=self.campaign, name="指定", start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 7)
        )
        named.inspectors.add(self.duban1, self.duban2)

        def get(**query):
            return set(self.ids(self.api("GET", "/rounds", self.duban1, query)))

        running = {r.pk for r in (self.round, now) if r.start <= today <= r.end}
        self.assertEqual(get(current="true"), running)
        self.assertEqual(get(mine="true"), {self.round.pk, now.pk, named.pk})
        self.assertEqual(
            get(campaign=self.campaign.pk), {self.round.pk, now.pk, others.pk, named.pk}
        )
        self.assertEqual(get(campaign=self.campaign.pk + 1000), set())

    def test_an_invalid_filter_is_400_naming_it(self):
        response = self.api("GET", "/rounds", self.duban1, {"campaign": "x", "limit": 0})
        self.assert_error(response, 400, "invalid", fields=["campaign"])
        self.assert_error(
            self.api("GET", "/rounds", self.duban1, {"limit": 0}), 400, fields=["limit"]
        )

    def test_pages_follow_the_cursor_latest_first(self):
        made = [
            Round.objects.create(
                campaign=self.campaign,
                name=f"第{n}轮",
                start=dt.date(2026, 1, n),
                end=dt.date(2026, 1, n + 6),
            ).pk
            for n in (2, 3, 4)
        ]
        seen, after = [], None
        while True:
            body = self.ok(
                self.api(
                    "GET",
                    "/rounds",
                    self.paiqian,
                    {"limit": 2, **({"after": after} if after else {})},
                )
            )
            seen += [row["id"] for row in body["results"]]
            if (after := body["next"]) is None:
                break
        self.assertEqual(seen, [self.round.pk, *reversed(made)])

    def test_the_list_costs_the_same_queries_for_one_round_or_many(self):
        def add():
            made = Round.objects.create(
                campaign=self.campaign,
                name="又一轮",
                start=dt.date(2026, 5, 1),
                end=dt.date(2026, 5, 7),
            )
            made.inspectors.add(self.duban1)

        body = self.assert_same_queries("/rounds", self.paiqian, add)
        self.assertEqual(len(body["results"]), 5)


class RoundDetailTests(InspectionApiTestCase):
    def test_a_round_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            f"/rounds/{self.round.pk}",
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.shequ1],
            forbidden=[self.wangge01, self.huanwei],
            hidden=[self.outsider],
        )
        self.assert_error(self.api("GET", "/rounds/999999", self.admin), 404, "not_found")

    def test_the_progress_counts_the_sites_in_the_persons_scope(self):
        done = self.inspection()
        self.fill(done)
        submit(done)
        self.inspection(site=self.estate)
        body = self.ok(self.api("GET", f"/rounds/{self.round.pk}", self.paiqian))
        self.assertEqual(body["progress"], {"sites": 2, "inspected": 2, "submitted": 1})
        self.assertTrue(body["may_inspect"])
        self.assertEqual(body["sites_url"], f"/api/v1/rounds/{self.round.pk}/sites")
        mine = self.ok(self.api("GET", f"/rounds/{self.round.pk}", self.shequ2))
        self.assertEqual(mine["progress"], {"sites": 1, "inspected": 1, "submitted": 0})
        self.assertFalse(mine["may_inspect"])


class RoundSitesTests(InspectionApiTestCase):
    def url(self):
        return f"/rounds/{self.round.pk}/sites"

    def test_the_sites_follow_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            self.url(),
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.shequ1],
            forbidden=[self.wangge01, self.huanwei],
            hidden=[self.outsider],
        )

    def test_each_site_has_its_inspections_status_inspector_and_score(self):
        done = self.inspection()
        self.fill(done)
        submit(done)
        draft = self.inspection(site=self.estate, inspector=self.duban2)
        rows = {
            row["name"]: row for row in self.ok(self.api("GET", self.url(), self.duban1))["results"]
        }
        market, estate = rows["幸福农贸市场"], rows["幸福小区"]
        self.assertEqual(market["status"], "submitted")
        self.assertEqual(market["inspection"]["percentage"], 100.0)
        self.assertEqual(market["inspection"]["inspector"]["username"], "duban1")
        self.assertEqual(market["area"]["code"], self.market.area.code)
        self.assertEqual(estate["status"], "draft")
        self.assertEqual(estate["inspection"]["id"], draft.pk)
        self.assertIsNone(estate["inspection"]["score"])
        self.assertTrue(estate["can_start"])
        self.assertEqual(
            estate["start_url"], f"/api/v1/rounds/{self.round.pk}/sites/{self.estate.pk}/inspection"
        )

    def test_a_site_not_yet_inspected_says_none(self):
        [row] = self.ok(self.api("GET", self.url(), self.shequ1))["results"]
        self.assertEqual(
            (row["name"], row["status"], row["inspection"]), ("幸福农贸市场", "none", None)
        )
        self.assertFalse(row["can_start"])  # sees the round, does not inspect

    def test_pages_follow_the_cursor_and_cost_the_same_queries_for_many_sites(self):
        self.inspection()

        def add():
            site = Site.objects.create(
                name=f"市场{Site.objects.count()}",
                point_type=PointType.FARMERS_MARKET,
                area=self.demo.grid(0, 1),
            )
            self.round.sites.add(site)
            Inspection.objects.create(round=self.round, site=site, inspector=self.duban2)

        body = self.assert_same_queries(self.url(), self.duban1, add)
        self.assertEqual(len(body["results"]), 6)
        first = self.ok(self.api("GET", self.url(), self.duban1, {"limit": 4}))
        rest = self.ok(
            self.api("GET", self.url(), self.duban1, {"limit": 4, "after": first["next"]})
        )
        names = [row["name"] for row in first["results"] + rest["results"]]
        self.assertEqual(names, [row["name"] for row in body["results"]])
        self.assertIsNone(rest["next"])


class StartTests(InspectionApiTestCase):
    def url(self, site=None):
        return f"/rounds/{self.round.pk}/sites/{(site or self.market).pk}/inspection"

    def test_starting_follows_the_access_matrix(self):
        self.assert_api_access(
            "POST",
            self.url(),
            allowed=[self.duban1],
            forbidden=[self.shequ1, self.lingdao, self.huanwei, self.wangge01],
            hidden=[self.outsider],
            ok=201,
        )
        self.assertEqual(Inspection.objects.get().inspector, self.duban1)

    def test_starting_answers_201_with_the_checklist_and_resuming_200_with_the_same(self):
        body = self.ok(self.api("POST", self.url(), self.duban1), 201)
        self.assertEqual((body["status"], body["inspector"]["username"]), ("draft", "duban1"))
        self.assertEqual([item["code"] for item in body["items"]], ["1.1.1", "1.1.2", "1.1.3"])
        self.assertTrue(body["editable"])
        again = self.ok(self.api("POST", self.url(), self.duban1), 200)
        self.assertEqual(again["id"], body["id"])
        self.assertEqual(Inspection.objects.count(), 1)

    def test_someone_elses_draft_is_409_naming_them(self):
        self.inspection(inspector=self.duban1)
        error = self.assert_error(self.api("POST", self.url(), self.duban2), 409, "conflict")
        self.assertIn("正在检查该点位", error["message"])
        self.assertIn(str(self.duban1), error["message"])

    def test_only_the_named_inspectors_may_start(self):
        self.round.inspectors.add(self.duban2)
        error = self.assert_error(self.api("POST", self.url(), self.duban1), 403, "forbidden")
        self.assertIn("不是本轮的督查人员", error["message"])
        self.ok(self.api("POST", self.url(), self.duban2), 201)

    def test_a_site_outside_the_round_is_404(self):
        self.assert_error(self.api("POST", self.url(self.road), self.duban1), 404)
        self.assertFalse(Inspection.objects.exists())

    def test_a_submitted_inspection_is_answered_as_it_is(self):
        done = self.inspection(inspector=self.duban2)
        self.fill(done)
        submit(done)
        body = self.ok(self.api("POST", self.url(), self.duban1), 200)
        self.assertEqual(
            (body["id"], body["status"], body["editable"]), (done.pk, "submitted", False)
        )


class InspectionListTests(InspectionApiTestCase):
    def test_the_list_follows_the_access_matrix(self):
        self.inspection()
        self.assert_api_access(
            "GET",
            "/inspections",
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.shequ1],
            forbidden=[self.wangge01, self.huanwei],
        )

    def test_each_person_sees_the_inspections_in_their_scope(self):
        market = self.inspection()
        estate = self.inspection(site=self.estate, inspector=self.duban2)
        self.assertEqual(
            self.ids(self.api("GET", "/inspections", self.paiqian)), [estate.pk, market.pk]
        )
        self.assertEqual(self.ids(self.api("GET", "/inspections", self.shequ1)), [market.pk])
        self.assertEqual(self.ids(self.api("GET", "/inspections", self.shequ2)), [estate.pk])
        self.assertEqual(self.ids(self.api("GET", "/inspections", self.outsider)), [])

    def test_the_filters_are_round_site_status_and_mine(self):
        market = self.inspection()
        self.fill(market)
        submit(market)
        estate = self.inspection(site=self.estate, inspector=self.duban2)

        def get(**query):
            return self.ids(self.api("GET", "/inspections", self.paiqian, query))

        self.assertEqual(get(status="draft"), [estate.pk])
        self.assertEqual(get(status="submitted"), [market.pk])
        self.assertEqual(get(site=self.estate.pk), [estate.pk])
        self.assertEqual(get(round=self.round.pk), [estate.pk, market.pk])
        self.assertEqual(get(round=self.round.pk + 1000), [])
        self.assertEqual(
            self.ids(self.api("GET", "/inspections", self.duban2, {"mine": "true"})), [estate.pk]
        )

    def test_a_row_has_its_round_site_inspector_and_score(self):
        market = self.inspection()
        self.fill(market, stalls="fail")
        submit(market)
        [row] = self.ok(self.api("GET", "/inspections", self.lingdao))["results"]
        self.assertEqual(row["round"]["name"], "第1轮")
        self.assertEqual(row["site"]["name"], "幸福农贸市场")
        self.assertEqual((row["score"], row["max_score"], row["percentage"]), (15.0, 20.0, 75.0))
        self.assertTrue(row["submitted_at"].endswith("+08:00"))
        self.assertEqual(row["url"], f"/api/v1/inspections/{market.pk}")

    def test_an_invalid_filter_is_400_naming_it(self):
        response = self.api("GET", "/inspections", self.paiqian, {"round": "x", "status": "done"})
        self.assert_error(response, 400, "invalid", fields=["round", "status"])

    def test_the_list_costs_the_same_queries_for_one_inspection_or_many(self):
        self.inspection()
        sites = iter(
            Site.objects.create(
                name=f"点{n}", point_type=PointType.FARMERS_MARKET, area=self.demo.grid(0, 1)
            )
            for n in range(4)
        )
        body = self.assert_same_queries(
            "/inspections",
            self.paiqian,
            lambda: self.inspection(site=next(sites), inspector=self.duban2),
        )
        self.assertEqual(len(body["results"]), 5)


class InspectionDetailTests(InspectionApiTestCase):
    def test_an_inspection_follows_the_access_matrix(self):
        draft = self.inspection()
        self.assert_api_access(
            "GET",
            f"/inspections/{draft.pk}",
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.duban2, self.shequ1],
            forbidden=[self.wangge01, self.huanwei],
            hidden=[self.shequ2, self.outsider],
        )

    def test_the_checklist_has_each_items_saved_verdict_and_progress(self):
        draft = self.inspection()
        save_item(
            draft, self.ads, "fail", count=2, note="只有3处", photos=[photo()], lat=30.1, lng=120.2
        )
        body = self.ok(self.api("GET", f"/inspections/{draft.pk}", self.duban1))
        self.assertEqual((body["items_total"], body["items_done"]), (3, 1))
        ads, scale = body["items"][0], body["items"][1]
        self.assertEqual(ads["project"], {"code": "1", "title": "市容环境"})
        self.assertEqual(ads["content"], {"code": "1.1", "title": "农贸市场"})
        self.assertEqual((ads["points"], ads["deduction_per_count"]), (10.0, 2.0))
        self.assertEqual((ads["verdict"], ads["count"], ads["note"]), ("fail", 2, "只有3处"))
        [picture] = ads["photos"]
        self.assertEqual((picture["lat"], picture["lng"]), (30.1, 120.2))
        self.assertEqual(picture["url"], f"/api/v1/inspections/{draft.pk}/photos/{picture['id']}")
        self.assertEqual(ads["url"], f"/api/v1/inspections/{draft.pk}/items/{self.ads.pk}")
        self.assertEqual(
            (scale["verdict"], scale["count"], scale["photos"], scale["case"]), (None, 0, [], None)
        )
        self.assertIsNone(body["score"])
        self.assertTrue(body["editable"])
        self.assertFalse(
            self.ok(self.api("GET", f"/inspections/{draft.pk}", self.duban2))["editable"]
        )

    def test_a_submitted_inspection_has_its_score_and_the_cases_of_its_failed_items(self):
        done = self.inspection()
        self.fill(done, stalls="fail")
        submit(done)
        body = self.ok(self.api("GET", f"/inspections/{done.pk}", self.shequ1))
        self.assertEqual((body["score"], body["max_score"], body["percentage"]), (15.0, 20.0, 75.0))
        stalls = body["items"][2]
        case = done.results.get(indicator=self.stalls).case
        self.assertEqual((stalls["score"], stalls["case"]["number"]), (0.0, case.number))
        self.assertEqual(stalls["case"]["url"], f"/api/v1/cases/{case.number}")
        self.assertEqual(body["items"][0]["case"], None)
        self.assertFalse(body["editable"])

    def test_the_open_cases_of_earlier_visits_are_given_to_the_inspector(self):
        first = self.inspection()
        self.fill(first, stalls="fail")
        submit(first)
        second = Round.objects.create(
            campaign=self.campaign,
            name="第2轮",
            start=dt.date(2026, 11, 30),
            end=dt.date(2026, 12, 6),
        )
        again = Inspection.objects.create(round=second, site=self.market, inspector=self.duban1)
        earlier = first.results.get(indicator=self.stalls).case
        body = self.ok(self.api("GET", f"/inspections/{again.pk}", self.duban1))
        self.assertEqual([c["number"] for c in body["previous_cases"]], [earlier.number])
        self.assertEqual(
            self.ok(self.api("GET", f"/inspections/{again.pk}", self.lingdao))["previous_cases"], []
        )

    def test_the_detail_costs_the_same_queries_for_a_longer_checklist(self):
        draft = self.inspection()
        save_item(draft, self.ads, "fail", count=1, photos=[photo()])
        draft.extra_cases.add(self.dispatched())
        codes = iter(range(5, 20))

        def add():
            item = self.indicator(f"1.1.{next(codes)}", "又一条", parent=self.ads.parent)
            save_item(draft, item, "pass", photos=[photo()])
            draft.extra_cases.add(self.dispatched())

        body = self.assert_same_queries(f"/inspections/{draft.pk}", self.duban1, add)
        self.assertEqual(len(body["items"]), 7)
        self.assertEqual(len(body["extra_cases"]), 5)


class ItemTests(InspectionApiTestCase):
    def setUp(self):
        super().setUp()
        self.draft = self.inspection()

    def url(self, item=None):
        return f"/inspections/{self.draft.pk}/items/{(item or self.scale).pk}"

    def test_saving_follows_the_access_matrix(self):
        self.assert_api_access(
            "PUT",
            self.url(),
            allowed=[self.duban1],
            forbidden=[self.duban2, self.shequ1, self.shequ2, self.huanwei],
            hidden=[self.outsider],
            data={"verdict": "pass"},
        )
        self.assertEqual(self.draft.results.get().verdict, "pass")

    def test_a_verdict_saved_as_json_answers_with_the_item_and_replaces_the_last(self):
        self.ok(self.api("PUT", self.url(self.ads), self.duban1, {"verdict": "fail", "count": 2}))
        body = self.ok(
            self.api("PUT", self.url(self.ads), self.duban1, {"verdict": "pass", "note": "已补齐"})
        )
        self.assertEqual(
            (body["code"], body["verdict"], body["count"], body["note"]),
            ("1.1.1", "pass", 0, "已补齐"),
        )
        self.assertTrue(body["saved_at"].endswith("+08:00"))
        self.assertEqual(self.draft.results.get().verdict, "pass")

    def test_photos_come_as_multipart_with_where_they_were_taken(self):
        response = self.put_multipart(
            self.url(self.stalls),
            self.duban1,
            {
                "verdict": "fail",
                "note": "东门外有摊贩",
                "lat": "30.25",
                "lng": "120.16",
                "photos": [photo("a.jpg"), photo("b.jpg")],
            },
        )
        body = self.ok(response)
        self.assertEqual(len(body["photos"]), 2)
        self.assertEqual((body["photos"][0]["lat"], body["photos"][0]["lng"]), (30.25, 120.16))
        result = self.draft.results.get()
        self.assertEqual(
            (result.verdict, result.note, result.photos.count()), ("fail", "东门外有摊贩", 2)
        )

    def test_the_item_photo_is_served_to_token_holders_who_see_the_inspection(self):
        save_item(self.draft, self.stalls, "fail", photos=[photo()])
        picture = ItemPhoto.objects.get()
        path = f"/inspections/{self.draft.pk}/photos/{picture.pk}"
        response = self.api("GET", path, self.shequ1)
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/jpeg"))
        self.assertTrue(b"".join(response.streaming_content).startswith(b"\xff\xd8"))
        self.assert_api_access(
            "GET", path, forbidden=[self.huanwei], hidden=[self.shequ2, self.outsider]
        )
        self.assert_error(
            self.api("GET", f"/inspections/{self.draft.pk}/photos/999999", self.admin), 404
        )

    def test_wrong_values_are_400_naming_the_fields(self):
        error = self.assert_error(
            self.api("PUT", self.url(), self.duban1, {}), 400, "invalid", fields=["verdict"]
        )
        self.assertEqual(error["fields"]["verdict"], ["请选择合格、不合格或不适用。"])
        response = self.api(
            "PUT", self.url(), self.duban1, {"verdict": "maybe", "count": -1, "note": "长" * 301}
        )
        self.assert_error(response, 400, fields=["verdict", "count", "note"])
        response = self.api(
            "PUT", self.url(), self.duban1, {"verdict": "pass", "lat": 95.0, "lng": 10.0}
        )
        self.assert_error(response, 400, fields=["lat", "lng"])
        response = self.api("PUT", self.url(), self.duban1, {"verdict": "pass", "colour": "red"})
        self.assert_error(response, 400, fields=["colour"])
        self.assertFalse(self.draft.results.exists())

    def test_a_file_that_is_not_a_photo_is_400_on_photos(self):
        text = SimpleUploadedFile("note.jpg", b"not an image", content_type="image/jpeg")
        response = self.put_multipart(
            self.url(), self.duban1, {"verdict": "pass", "photos": [text]}
        )
        self.assert_error(response, 400, fields=["photos"])
        self.assertFalse(self.draft.results.exists())

    def test_a_failure_counted_per_problem_needs_the_count(self):
        response = self.api("PUT", self.url(self.ads), self.duban1, {"verdict": "fail"})
        error = self.assert_error(response, 400, fields=["count"])
        self.assertIn("问题处数", error["fields"]["count"][0])

    def test_an_item_not_on_the_sites_checklist_is_404(self):
        response = self.api("PUT", self.url(self.road_only), self.duban1, {"verdict": "pass"})
        self.assert_error(response, 404, "not_found")

    def test_a_submitted_inspection_is_409(self):
        self.fill(self.draft)
        submit(self.draft)
        response = self.api("PUT", self.url(), self.duban1, {"verdict": "fail"})
        error = self.assert_error(response, 409, "conflict")
        self.assertIn("已提交", error["message"])


class SubmitTests(InspectionApiTestCase):
    def setUp(self):
        super().setUp()
        self.draft = self.inspection()
        self.url = f"/inspections/{self.draft.pk}/submit"

    def test_submitting_follows_the_access_matrix(self):
        self.assert_api_access(
            "POST",
            self.url,
            forbidden=[self.duban2, self.shequ1, self.lingdao, self.huanwei],
            hidden=[self.outsider],
        )
        self.fill(self.draft)
        self.ok(self.api("POST", self.url, self.duban1))

    def test_an_unfinished_checklist_is_400_naming_the_missing_items(self):
        save_item(self.draft, self.ads, "pass")
        error = self.assert_error(
            self.api("POST", self.url, self.duban1), 400, "invalid", fields=["items"]
        )
        self.assertEqual(error["fields"]["items"], ["1.1.2 入口设公平秤", "1.1.3 无占道经营"])
        self.assertIn("还有 2 项未检查", error["message"])
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, "draft")

    def test_submitting_scores_and_answers_with_the_cases_opened(self):
        save_item(self.draft, self.ads, "fail", count=2)
        save_item(self.draft, self.scale, "na")
        save_item(self.draft, self.stalls, "fail")
        body = self.ok(self.api("POST", self.url, self.duban1))
        inspection = body["inspection"]
        self.assertEqual(
            (inspection["status"], inspection["score"], inspection["percentage"]),
            ("submitted", 11.0, 55.0),
        )
        numbers = sorted(result.case.number for result in self.draft.results.filter(verdict="fail"))
        self.assertEqual([case["number"] for case in body["cases"]], numbers)
        self.assertEqual({case["state"] for case in body["cases"]}, {"dispatched"})
        self.assertEqual(body["cases"][0]["url"], f"/api/v1/cases/{numbers[0]}")

    def test_submitting_twice_is_409(self):
        self.fill(self.draft)
        self.ok(self.api("POST", self.url, self.duban1))
        self.assert_error(self.api("POST", self.url, self.duban1), 409, "conflict")
        self.assertEqual(Case.objects.count(), 0)


class ProblemTests(InspectionApiTestCase):
    def setUp(self):
        super().setUp()
        self.draft = self.inspection()
        self.url = f"/inspections/{self.draft.pk}/problems"

    def test_reporting_a_problem_follows_the_access_matrix(self):
        self.assert_api_access(
            "POST",
            self.url,
            allowed=[self.duban1],
            forbidden=[self.duban2, self.shequ1, self.huanwei],
            hidden=[self.outsider],
            data={"category": "06010", "description": "市场后门垃圾堆积"},
            ok=201,
        )
        self.assertEqual(self.draft.extra_cases.count(), 1)

    def test_an_extra_problem_is_a_dispatched_case_at_the_site_with_its_photos(self):
        response = self.api(
            "POST",
            self.url,
            self.duban1,
            {"category": "06010", "description": "市场后门垃圾堆积", "photos": [photo()]},
        )
        body = self.ok(response, 201)
        case = self.draft.extra_cases.get()
        self.assertEqual(body["number"], case.number)
        self.assertEqual((body["state"], body["source"]), ("dispatched", "inspection"))
        self.assertEqual((case.grid, case.photos.count()), (self.market.area, 1))
        self.assertIn("幸福农贸市场：市场后门垃圾堆积", case.description)
        detail = self.ok(self.api("GET", f"/inspections/{self.draft.pk}", self.duban1))
        self.assertEqual([c["number"] for c in detail["extra_cases"]], [case.number])

    def test_a_problem_needs_a_known_category_and_a_description(self):
        self.assert_error(
            self.api("POST", self.url, self.duban1, {}), 400, fields=["category", "description"]
        )
        response = self.api(
            "POST", self.url, self.duban1, {"category": "99999", "description": "x"}
        )
        error = self.assert_error(response, 400, fields=["category"])
        self.assertIn("/categories", error["fields"]["category"][0])
        self.assertFalse(Case.objects.exists())

    def test_a_submitted_inspection_takes_no_more_problems(self):
        self.fill(self.draft)
        submit(self.draft)
        response = self.api(
            "POST", self.url, self.duban1, {"category": "06010", "description": "x"}
        )
        self.assert_error(response, 409, "conflict")


class WholeInspectionTests(InspectionApiTestCase):
    def test_a_patrol_app_does_a_whole_inspection_through_the_api(self):
        start = f"/rounds/{self.round.pk}/sites/{self.market.pk}/inspection"
        inspection = self.ok(self.api("POST", start, self.duban1), 201)
        for item in inspection["items"]:
            path = item["url"].removeprefix("/api/v1")
            if item["code"] == "1.1.3":
                data = {"verdict": "fail", "note": "东门外有摊贩", "photos": [photo()]}
                saved = self.ok(self.put_multipart(path, self.duban1, data))
                self.assertEqual(len(saved["photos"]), 1)
            else:
                self.ok(self.api("PUT", path, self.duban1, {"verdict": "pass"}))
        detail = self.ok(self.api("GET", inspection["url"].removeprefix("/api/v1"), self.duban1))
        self.assertEqual(detail["items_done"], detail["items_total"])
        submitted = self.ok(
            self.api("POST", f"/inspections/{inspection['id']}/submit", self.duban1)
        )
        self.assertEqual(submitted["inspection"]["percentage"], 75.0)
        [opened] = submitted["cases"]
        self.assertEqual(submitted["inspection"]["items"][2]["case"]["number"], opened["number"])
        case = self.ok(self.api("GET", opened["url"].removeprefix("/api/v1"), self.duban1))
        self.assertEqual((case["state"], case["source"]), (State.DISPATCHED, Source.INSPECTION))
        self.assertEqual(
            [e["action"] for e in case["timeline"]], ["report", "register", "dispatch"]
        )
        self.assertEqual(case["responsible"]["code"], self.demo.departments["HW"].code)
        self.assertEqual(case["category"]["code"], "06010")
        self.assertEqual(len(case["photos"]), 1)
        self.assertEqual(
            self.ok(self.api("GET", f"/rounds/{self.round.pk}", self.duban1))["progress"][
                "submitted"
            ],
            1,
        )
