"""Campaigns and sites through the API: the lists and their filters, a campaign's figures and
indicator tree, a site with its history and open cases, adding and editing a site."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicgrid.api.tests.base import ApiTestCase
from civicgrid.campaigns.models import (
    Campaign,
    CampaignKind,
    EvidenceRequirement,
    Indicator,
    PointType,
)
from civicgrid.campaigns.tests.base import CampaignTestCase
from civicgrid.inspections import submission
from civicgrid.inspections.models import Inspection, Round, Site

PASS, FAIL = "pass", "fail"


class CampaignApiTestCase(ApiTestCase, CampaignTestCase):
    """The campaign fixture (a campaign on the demo street, one on another street with its
    administrator `outsider`, `nobody` without a role) with tokens; a square on the other
    street (`far_site`) and a road in community 1 (`road`)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.far_site = Site.objects.create(
            name="外街道广场", point_type=PointType.SQUARE, area=cls.other_street
        )
        cls.road = Site.objects.create(
            name="人民路", point_type=PointType.MAIN_ROAD, area=cls.demo.grid(1, 0)
        )

    def inspect(self, site, verdicts=None, round_=None) -> Inspection:
        inspection = Inspection.objects.create(
            round=round_ or self.round, site=site, inspector=self.duban1
        )
        for item in submission.checklist(inspection):
            verdict = (verdicts or {}).get(item.code, PASS)
            submission.save_item(inspection, item, verdict, count=1)
        submission.submit(inspection)
        return inspection

    def another_round(self, n: int) -> Round:
        return Round.objects.create(
            campaign=self.campaign, name=f"第{n}轮", start=self.round.start, end=self.round.end
        )

    def results(self, response) -> list[dict]:
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json()["results"]

    def all_pages(self, path, user, **query) -> list[dict]:
        seen, after = [], None
        while True:
            body = self.api("GET", path, user, {**query, **({"after": after} if after else {})})
            seen += self.results(body)
            after = body.json()["next"]
            if after is None:
                return seen

    def assert_same_queries(self, path, token, grow):
        """The request costs as many queries after `grow()` as before."""
        self.api("GET", "/auth/me", token=token)  # records the token's use, once
        with CaptureQueriesContext(connection) as before:
            self.assertEqual(self.api("GET", path, token=token).status_code, 200)
        grow()
        with self.assertNumQueries(len(before)):
            self.assertEqual(self.api("GET", path, token=token).status_code, 200)


class CampaignListTests(CampaignApiTestCase):
    def names(self, user, **query) -> list[str]:
        return [c["name"] for c in self.results(self.api("GET", "/campaigns", user, query))]

    def new_campaign(self, name, start, **fields) -> Campaign:
        made = Campaign.objects.create(
            name=name,
            kind=fields.pop("kind", CampaignKind.CIVILIZED),
            start=start,
            end=dt.date(2027, 12, 31),
            version=self.version,
            **fields,
        )
        made.streets.add(self.street)
        return made

    def test_the_list_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            "/campaigns",
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.chengguan],
            forbidden=[self.nobody],
        )

    def test_each_person_sees_the_campaigns_covering_their_street(self):
        self.assertEqual(self.names(self.paiqian), ["创建全国文明城市"])
        self.assertEqual(self.names(self.wangge01), ["创建全国文明城市"])
        self.assertEqual(self.names(self.outsider), ["外街道创卫"])
        self.assertEqual(set(self.names(self.admin)), {"创建全国文明城市", "外街道创卫"})

    def test_a_campaign_in_the_list_has_its_facts_streets_and_pinned_version(self):
        [row] = self.results(self.api("GET", "/campaigns", self.lingdao))
        self.assertEqual(row["id"], self.campaign.pk)
        self.assertEqual(row["url"], f"/api/v1/campaigns/{self.campaign.pk}")
        self.assertEqual((row["kind"], row["kind_label"]), ("civilized", "全国文明城市"))
        self.assertEqual((row["status"], row["status_label"]), ("active", "进行中"))
        self.assertEqual((row["start"], row["end"]), ("2026-01-01", "2026-12-31"))
        self.assertEqual(
            row["streets"], [{"code": self.street.code, "name": self.street.name, "level": 30}]
        )
        self.assertEqual(
            row["standard"],
            {"name": "文明城市测评（测试）", "kind": "civilized", "version": 1, "is_sample": False},
        )

    def test_the_list_filters_by_status_and_kind(self):
        self.new_campaign(
            "创建国家卫生城市", dt.date(2026, 3, 1), kind="sanitary", status="planned"
        )
        self.assertEqual(self.names(self.paiqian, status="planned"), ["创建国家卫生城市"])
        self.assertEqual(self.names(self.paiqian, kind="civilized"), ["创建全国文明城市"])
        self.assertEqual(self.names(self.paiqian, status="finished"), [])

    def test_an_invalid_filter_is_400_naming_it(self):
        response = self.api("GET", "/campaigns", self.paiqian, {"status": "over", "kind": "x"})
        self.assert_error(response, 400, "invalid", fields=["status", "kind"])

    def test_pages_go_newest_start_first_without_gaps_or_repeats(self):
        for n, day in enumerate([dt.date(2026, 6, 1), dt.date(2025, 1, 1), dt.date(2026, 6, 1)]):
            self.new_campaign(f"项目{n}", day)
        seen = [c["name"] for c in self.all_pages("/campaigns", self.paiqian, limit=2)]
        # Two start on 2026-06-01: the later made (higher id) first.
        self.assertEqual(seen, ["项目2", "项目0", "创建全国文明城市", "项目1"])

    def test_the_list_costs_the_same_queries_for_one_campaign_or_many(self):
        def grow():
            for n in range(4):
                made = self.new_campaign(f"项目{n}", dt.date(2026, 2, 1))
                made.streets.add(self.other_street)

        self.assert_same_queries("/campaigns", self.token(self.paiqian), grow)


class CampaignDetailTests(CampaignApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_work()

    def path(self, campaign=None) -> str:
        return f"/campaigns/{(campaign or self.campaign).pk}"

    def test_a_campaign_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            self.path(),
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.chengguan],
            hidden=[self.outsider, self.nobody],
        )
        self.assert_api_access("GET", self.path(self.other_campaign), hidden=[self.paiqian])

    def test_an_unknown_campaign_is_404(self):
        self.assert_error(self.api("GET", "/campaigns/999999", self.admin), 404, "not_found")

    def test_it_counts_evidence_tasks_cases_and_scores_as_the_page_does(self):
        self.inspect(self.market, {"1.1.3": FAIL})  # 15 of 20 → 75 %
        body = self.api("GET", self.path(), self.lingdao).json()
        self.assertEqual(
            body["evidence"],
            {"required": 2, "accepted": 1, "percent": 50, "incomplete_indicators": 1},
        )
        self.assertEqual(
            body["tasks"], {"total": 3, "todo": 1, "doing": 1, "done": 1, "overdue": 1}
        )
        self.assertEqual(body["cases"], {"open": 1, "overdue": 0})
        scores = body["scores"]
        self.assertEqual((scores["round"], scores["round_name"]), (self.round.pk, "第1轮"))
        self.assertEqual(scores["start"], "2026-11-23")
        [community] = scores["communities"]
        self.assertEqual(community["community"]["code"], self.demo.community(0).code)
        self.assertEqual((community["sites"], community["average"]), (1, 75.0))
        self.assertEqual((body["newer_versions"], body["left_behind"]), (0, 0))
        self.assertEqual(body["indicators_url"], f"/api/v1/campaigns/{self.campaign.pk}/indicators")

        self.login(self.lingdao)
        page = self.client.get(self.campaign.get_absolute_url()).context
        self.assertEqual(body["tasks"], page["tasks"])
        self.assertEqual(body["cases"], page["cases"])
        self.assertEqual(body["evidence"]["percent"], page["evidence"]["percent"])

    def test_scores_are_left_out_without_inspections_view(self):
        self.inspect(self.market)
        self.assertIsNone(self.api("GET", self.path(), self.chengguan).json()["scores"])
        self.assertIsNotNone(self.api("GET", self.path(), self.duban1).json()["scores"])

    def test_cases_count_only_those_the_person_may_see(self):
        self.inspect(self.market, {"1.1.3": FAIL})
        self.assertEqual(self.api("GET", self.path(), self.shequ1).json()["cases"]["open"], 1)
        self.assertEqual(self.api("GET", self.path(), self.shequ2).json()["cases"]["open"], 0)

    def test_a_newer_version_of_the_standard_is_told(self):
        self.version.copy(note="修订")
        self.assertEqual(self.api("GET", self.path(), self.paiqian).json()["newer_versions"], 1)

    def test_its_query_count_does_not_grow_with_the_campaign(self):
        self.inspect(self.market, {"1.1.3": FAIL})

        def grow():
            for indicator in (self.ads, self.scale):
                EvidenceRequirement.objects.create(
                    campaign=self.campaign, indicator=indicator, description="台账"
                )
            for n in range(1, 4):
                site = Site.objects.create(
                    name=f"市场{n}", point_type="farmers_market", area=self.demo.grid(n, 0)
                )
                self.inspect(site, {"1.1.1": FAIL})

        self.assert_same_queries(self.path(), self.token(self.paiqian), grow)


class IndicatorTests(CampaignApiTestCase):
    def path(self, campaign=None) -> str:
        return f"/campaigns/{(campaign or self.campaign).pk}/indicators"

    def codes(self, **query) -> list[str]:
        return [i["code"] for i in self.results(self.api("GET", self.path(), self.lingdao, query))]

    def test_the_tree_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            self.path(),
            allowed=[self.paiqian, self.lingdao, self.chengguan, self.wangge01],
            hidden=[self.outsider, self.nobody],
        )

    def test_the_tree_is_flat_in_the_standards_order_with_parent_codes(self):
        body = self.api("GET", self.path(), self.lingdao).json()
        self.assertEqual(body["standard"]["version"], 1)
        rows = {row["code"]: row for row in body["results"]}
        self.assertEqual(list(rows), ["1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4"])
        self.assertEqual([rows[c]["parent"] for c in ("1", "1.1", "1.1.3")], [None, "1", "1.1"])
        self.assertEqual([rows[c]["depth"] for c in ("1", "1.1", "1.1.3")], [1, 2, 3])
        ads = rows["1.1.1"]
        self.assertEqual((ads["points"], ads["deduction_per_count"]), (10.0, 2.0))
        self.assertEqual(
            (ads["method"], ads["negative"], ads["negative_value"]), ("field", "", None)
        )
        self.assertEqual(rows["1"]["item_points"], 25.0)
        self.assertEqual(rows["1.1.3"]["category"]["code"], "06010")
        self.assertIsNone(rows["1.1.2"]["category"])
        self.assertEqual(rows["1.1.4"]["point_types"], ["main_road"])
        self.assertEqual(rows["1.1.1"]["point_types"], [])

    def test_the_filters_give_a_site_types_checklist(self):
        checklist = {"depth": 3, "method": "field"}
        self.assertEqual(
            self.codes(point_type="farmers_market", **checklist), ["1.1.1", "1.1.2", "1.1.3"]
        )
        self.assertEqual(self.codes(point_type="main_road", **checklist)[-1], "1.1.4")
        self.assertEqual(self.codes(depth=2), ["1.1"])
        self.assertEqual(self.codes(method="survey"), [])

    def test_negative_list_settings_are_numbers(self):
        Indicator.objects.filter(pk=self.scale.pk).update(negative="cap", negative_value=60)
        rows = {r["code"]: r for r in self.results(self.api("GET", self.path(), self.paiqian))}
        self.assertEqual(
            (rows["1.1.2"]["negative"], rows["1.1.2"]["negative_value"]), ("cap", 60.0)
        )

    def test_invalid_filters_are_400_naming_them(self):
        response = self.api(
            "GET", self.path(), self.paiqian, {"depth": 4, "method": "x", "point_type": "moon"}
        )
        self.assert_error(response, 400, "invalid", fields=["depth", "method", "point_type"])

    def test_the_tree_costs_the_same_queries_however_large(self):
        def grow():
            for n in range(5, 9):
                Indicator.objects.create(
                    version=self.version,
                    code=f"1.1.{n}",
                    title="条目",
                    depth=3,
                    parent=self.ads.parent,
                    category=self.parking,
                )

        self.assert_same_queries(self.path(), self.token(self.paiqian), grow)


class SiteListTests(CampaignApiTestCase):
    def names(self, user, **query) -> list[str]:
        return [s["name"] for s in self.results(self.api("GET", "/sites", user, query))]

    def test_the_list_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            "/sites",
            allowed=[self.paiqian, self.lingdao, self.duban1, self.shequ1, self.wangge01],
            forbidden=[self.huanwei, self.nobody],
        )

    def test_each_person_sees_the_sites_in_their_scope(self):
        self.assertEqual(self.names(self.paiqian), ["幸福农贸市场", "人民路"])
        self.assertEqual(self.names(self.shequ2), ["人民路"])
        self.assertEqual(self.names(self.outsider), ["外街道广场"])

    def test_the_filters_are_the_site_pages_filters(self):
        self.assertEqual(self.names(self.duban1, point_type="main_road"), ["人民路"])
        self.assertEqual(
            self.names(self.duban1, area=self.demo.community(0).code), ["幸福农贸市场"]
        )
        self.assertEqual(self.names(self.duban1, q="人民"), ["人民路"])
        self.assertEqual(self.names(self.duban1, q="幸福路"), ["幸福农贸市场"])  # the address

    def test_inactive_sites_are_left_out_unless_asked_for(self):
        Site.objects.filter(pk=self.road.pk).update(is_active=False)
        self.assertEqual(self.names(self.duban1), ["幸福农贸市场"])
        self.assertEqual(self.names(self.duban1, inactive="true"), ["幸福农贸市场", "人民路"])

    def test_an_area_out_of_scope_or_unknown_is_404_unlike_the_page(self):
        for user, code in [
            (self.shequ1, self.demo.community(1).code),
            (self.paiqian, self.other_street.code),
            (self.paiqian, "000000000"),
        ]:
            self.assert_error(self.api("GET", "/sites", user, {"area": code}), 404, "not_found")

    def test_an_invalid_filter_is_400_naming_it(self):
        response = self.api("GET", "/sites", self.duban1, {"point_type": "moon", "q": "x" * 101})
        self.assert_error(response, 400, "invalid", fields=["point_type", "q"])

    def test_a_site_in_the_list_has_its_place_unit_and_latest_score(self):
        Site.objects.filter(pk=self.market.pk).update(department=self.demo.departments["SJ"])
        self.inspect(self.market, {"1.1.3": FAIL})
        [row] = self.results(
            self.api("GET", "/sites", self.duban1, {"area": self.market.area.code})
        )
        self.assertEqual(row["id"], self.market.pk)
        self.assertEqual(row["url"], f"/api/v1/sites/{self.market.pk}")
        self.assertEqual(
            (row["point_type"], row["point_type_label"]), ("farmers_market", "农贸市场")
        )
        self.assertEqual(row["area"]["code"], self.demo.grid(0, 0).code)
        self.assertEqual((row["lat"], row["lng"]), (self.market.lat, self.market.lng))
        self.assertEqual(row["department"]["code"], self.demo.departments["SJ"].code)
        self.assertEqual(row["latest_percentage"], 75.0)
        self.assertTrue(row["is_active"])

    def test_pages_follow_the_site_pages_order_without_gaps_or_repeats(self):
        for n in range(5):
            Site.objects.create(
                name=f"小区{n}", point_type=PointType.RESIDENTIAL, area=self.demo.grid(0, 0)
            )
        everything = self.names(self.paiqian, limit=100)
        paged = [s["name"] for s in self.all_pages("/sites", self.paiqian, limit=2)]
        self.assertEqual(paged, everything)
        expected = Site.objects.filter(area_path__startswith=self.street.path)
        self.assertEqual(
            paged, [s.name for s in expected.order_by("area_path", "point_type", "name")]
        )

    def test_the_list_costs_the_same_queries_for_few_sites_or_many(self):
        def grow():
            for n in range(6):
                site = Site.objects.create(
                    name=f"小区{n}",
                    point_type=PointType.RESIDENTIAL,
                    area=self.demo.grid(2, 0),
                    department=self.demo.departments["HW"],
                )
                self.inspect(site, round_=self.another_round(n))

        self.assert_same_queries("/sites", self.token(self.duban1), grow)


class SiteDetailTests(CampaignApiTestCase):
    def path(self, site=None) -> str:
        return f"/sites/{(site or self.market).pk}"

    def test_a_site_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            self.path(),
            allowed=[self.paiqian, self.lingdao, self.duban1, self.shequ1, self.wangge01],
            forbidden=[self.huanwei],
            hidden=[self.shequ2, self.outsider],
        )

    def test_an_unknown_site_is_404(self):
        self.assert_error(self.api("GET", "/sites/999999", self.admin), 404, "not_found")

    def test_it_has_the_score_history_with_its_trend_newest_first(self):
        first = self.inspect(self.market, {"1.1.1": FAIL, "1.1.3": FAIL})  # 13 of 20
        second = self.inspect(self.market, round_=self.another_round(2))
        body = self.api("GET", self.path(), self.duban1).json()
        history = body["history"]
        self.assertEqual([h["id"] for h in history], [second.pk, first.pk])
        self.assertEqual([h["percentage"] for h in history], [100.0, 65.0])
        self.assertEqual([h["change"] for h in history], [35.0, None])
        self.assertEqual((history[1]["score"], history[1]["max_score"]), (13.0, 20.0))
        self.assertEqual(history[1]["round_name"], "第1轮")
        self.assertTrue(history[0]["submitted_at"].endswith("+08:00"))
        self.assertEqual(body["latest_percentage"], 100.0)

    def test_it_lists_the_open_cases_inspections_found_there(self):
        inspection = self.inspect(self.market, {"1.1.1": FAIL, "1.1.3": FAIL})
        cases = [r.case for r in inspection.results.filter(case__isnull=False).order_by("pk")]
        self.step(cases[0], "close_special", self.paiqian, note="已整治", closure="special")
        body = self.api("GET", self.path(), self.duban1).json()
        self.assertEqual([c["number"] for c in body["open_cases"]], [cases[1].number])
        self.assertEqual(body["open_cases"][0]["category"]["code"], "06010")

    def test_a_grid_worker_sees_the_site_without_its_history_as_on_the_page(self):
        self.inspect(self.market)
        body = self.api("GET", self.path(), self.wangge01).json()
        self.assertEqual(body["history"], [])
        self.login(self.wangge01)
        self.assertEqual(self.client.get(self.market.get_absolute_url()).context["history"], [])

    def test_it_has_its_place_and_responsible_person(self):
        Site.objects.filter(pk=self.market.pk).update(person=self.shequ1)
        body = self.api("GET", self.path(), self.paiqian).json()
        self.assertEqual(body["area"]["code"], self.demo.grid(0, 0).code)
        self.assertEqual(body["address"], "幸福路1号")
        self.assertEqual(body["person"], str(self.shequ1))
        self.assertIsNone(body["department"])

    def test_its_query_count_does_not_grow_with_its_history(self):
        self.inspect(self.market, {"1.1.3": FAIL})

        def grow():
            for n in range(2, 6):
                self.inspect(self.market, {"1.1.1": FAIL}, self.another_round(n))

        self.assert_same_queries(self.path(), self.token(self.duban1), grow)


class SiteWriteTests(CampaignApiTestCase):
    def payload(self, **changes) -> dict:
        grid = self.demo.grid(1, 1)
        return {
            "name": "青年公园",
            "point_type": "park",
            "area": grid.code,
            "lat": grid.centre_lat,
            "lng": grid.centre_lng,
            "address": "青年路8号",
            **changes,
        }

    def test_an_administrator_adds_a_site_by_area_code(self):
        hw = self.demo.departments["HW"]
        response = self.api("POST", "/sites", self.paiqian, self.payload(department=hw.pk))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        site = Site.objects.get(name="青年公园")
        self.assertEqual(body["id"], site.pk)
        self.assertEqual(site.area_path, self.demo.grid(1, 1).path)
        self.assertEqual((site.department, site.is_active), (hw, True))
        self.assertEqual((body["area"]["code"], body["history"]), (self.demo.grid(1, 1).code, []))

    def test_adding_a_site_needs_sites_change(self):
        self.assert_api_access(
            "POST",
            "/sites",
            forbidden=[self.duban1, self.shequ1, self.lingdao, self.wangge01],
            data=self.payload(),
        )
        self.assertFalse(Site.objects.filter(name="青年公园").exists())

    def test_missing_fields_are_400_naming_them(self):
        response = self.api("POST", "/sites", self.paiqian, {"address": "某处"})
        error = self.assert_error(response, 400, "invalid", fields=["name", "point_type", "area"])
        self.assertEqual(error["fields"]["name"], ["请填写点位名称。"])

    def test_an_area_outside_the_persons_scope_is_400_on_area(self):
        for code in (self.other_street.code, "000000000"):
            response = self.api("POST", "/sites", self.paiqian, self.payload(area=code))
            error = self.assert_error(response, 400, fields=["area"])
            self.assertIn("不在您可修改的范围内", error["fields"]["area"][0])
        self.assertFalse(Site.objects.filter(name="青年公园").exists())

    def test_half_a_position_is_400_on_lat_and_lng(self):
        response = self.api("POST", "/sites", self.paiqian, self.payload(lng=None))
        error = self.assert_error(response, 400, fields=["lat", "lng"])
        self.assertIn("同时填写", error["fields"]["lat"][0])

    def test_wrong_types_and_unknown_fields_are_400(self):
        response = self.api("POST", "/sites", self.paiqian, self.payload(lat="north", colour=1))
        self.assert_error(response, 400, fields=["lat", "colour"])
        response = self.api("POST", "/sites", self.paiqian, self.payload(point_type="moon"))
        self.assert_error(response, 400, fields=["point_type"])

    def test_an_administrator_renames_a_site_and_the_rest_stays(self):
        response = self.api(
            "PATCH", f"/sites/{self.market.pk}", self.paiqian, {"name": "幸福综合市场"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["name"], "幸福综合市场")
        site = Site.objects.get(pk=self.market.pk)
        self.assertEqual(site.name, "幸福综合市场")
        self.assertEqual(
            (site.area, site.lat, site.address, site.point_type),
            (self.market.area, self.market.lat, "幸福路1号", PointType.FARMERS_MARKET),
        )

    def test_moving_a_site_to_another_area_and_clearing_its_position(self):
        grid = self.demo.grid(1, 0)
        response = self.api(
            "PATCH",
            f"/sites/{self.market.pk}",
            self.paiqian,
            {"area": grid.code, "lat": None, "lng": None, "is_active": False},
        )
        self.assertEqual(response.status_code, 200, response.content)
        site = Site.objects.get(pk=self.market.pk)
        self.assertEqual((site.area_path, site.lat, site.is_active), (grid.path, None, False))

    def test_editing_follows_the_access_matrix(self):
        self.assert_api_access(
            "PATCH",
            f"/sites/{self.market.pk}",
            allowed=[self.paiqian],
            forbidden=[self.duban1, self.shequ1, self.lingdao],
            hidden=[self.outsider],
            data={"address": "幸福路2号"},
        )
        self.assert_api_access(
            "PATCH", f"/sites/{self.far_site.pk}", hidden=[self.paiqian], data={"name": "x"}
        )
        self.assertEqual(Site.objects.get(pk=self.far_site.pk).name, "外街道广场")

    def test_an_invalid_edit_is_400_and_changes_nothing(self):
        response = self.api(
            "PATCH",
            f"/sites/{self.market.pk}",
            self.paiqian,
            {"name": "", "area": self.other_street.code, "lng": None},
        )
        self.assert_error(response, 400, fields=["name", "area"])
        site = Site.objects.get(pk=self.market.pk)
        self.assertEqual((site.name, site.area), ("幸福农贸市场", self.market.area))
        response = self.api("PATCH", f"/sites/{self.market.pk}", self.paiqian, {"lng": None})
        self.assert_error(response, 400, fields=["lat", "lng"])
