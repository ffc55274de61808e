"""The dashboard page and its JSON: who may see it, what they see, and how many queries it takes."""

import datetime as dt

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civicgrid.cases.models import State
from civicgrid.dashboard import stats
from civicgrid.dashboard.models import Hotspot
from civicgrid.dashboard.tests.base import DashboardTestCase, east
from civicgrid.inspections.models import Inspection

URLS = [
    "dashboard:index",
    "dashboard:trends",
    "dashboard:breakdown",
    "dashboard:map",
    "dashboard:areas",
]


class DashboardPageTests(DashboardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        cls.mine = cls.demo.grid(0, 0)  # community 0: shequ1's
        cls.theirs = cls.demo.grid(1, 1)  # community 1: shequ2's
        lat, lng = cls.mine.centre_lat, cls.mine.centre_lng
        for n, metres in enumerate([-150, -75, 0]):  # 75 m apart: no spot
            cls.case(
                cls.mine, now - dt.timedelta(hours=n + 1), lat=lat, lng=east(lat, lng, metres)[1]
            )
        cls.case(
            cls.mine,
            now - dt.timedelta(hours=5),
            is_overdue=True,
            lat=lat,
            lng=east(lat, lng, 75)[1],
        )
        cls.parked = [
            cls.case(cls.theirs, now - dt.timedelta(days=n + 1), category=cls.parking)
            for n in range(2)
        ]
        lat, lng = cls.theirs.centre_lat, cls.theirs.centre_lng
        cls.spot = [
            cls.case(cls.theirs, now - dt.timedelta(days=2), lat=p[0], lng=p[1])
            for p in [east(lat, lng, m) for m in (0, 10, 20)]
        ]
        stats.refresh()

    def get_json(self, user, name, **params):
        self.client.force_login(user)
        response = self.client.get(reverse(name), params)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_leaders_the_office_supervisors_and_community_staff_may_see_it(self):
        for name in URLS:
            self.assert_access(
                reverse(name),
                allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.shequ1],
                forbidden=[self.wangge01, self.huanwei],
            )

    def test_targets_follow_the_same_rule(self):
        self.assert_access(
            reverse("dashboard:targets"), allowed=[self.lingdao], forbidden=[self.wangge01]
        )

    def test_the_nav_links_to_it_for_those_who_may_see_it(self):
        self.client.force_login(self.lingdao)
        self.assertContains(self.client.get(reverse("home")), reverse("dashboard:index"))
        self.client.force_login(self.wangge01)
        self.assertNotContains(self.client.get(reverse("home")), reverse("dashboard:index"))

    def test_the_page_shows_the_key_figures_with_links_to_the_cases(self):
        self.client.force_login(self.lingdao)
        response = self.client.get(reverse("dashboard:index"))
        cards = {card["key"]: card for card in response.context["cards"]}
        self.assertEqual(cards["open"]["value"], 9)
        self.assertEqual(cards["overdue"]["value"], 1)
        self.assertEqual(cards["open"]["url"], f"/cases/?area={self.street.code}&state=open")
        self.assertContains(response, 'id="figure-open"')
        self.assertContains(response, "/static/vendor/echarts.min.js")
        self.assertNotContains(response, "//cdn")

    def test_a_community_workers_dashboard_counts_only_their_community(self):
        self.client.force_login(self.shequ1)
        response = self.client.get(reverse("dashboard:index"))
        cards = {card["key"]: card["value"] for card in response.context["cards"]}
        self.assertEqual((cards["open"], cards["overdue"], cards["week"] >= 0), (4, 1, True))
        self.assertEqual(response.context["hotspots"], [])
        page = self.get_json(self.shequ1, "dashboard:map")
        self.assertEqual(len(page["cases"]), 4)
        self.assertEqual(page["hotspots"], [])
        shapes = self.get_json(self.shequ1, "dashboard:areas")
        names = {f["properties"]["name"] for f in shapes["features"]}
        self.assertEqual(
            names, {g.name for g in self.demo.grids if g.parent_id == self.mine.parent_id}
        )
        breakdown = self.get_json(self.shequ1, "dashboard:breakdown")
        self.assertEqual([c["name"] for c in breakdown["categories"]], ["暴露垃圾"])
        self.assertEqual(breakdown["areas_label"], "按网格")
        trend = self.get_json(self.shequ1, "dashboard:trends")
        self.assertEqual(sum(trend["reported"]), 4)

    def test_the_other_community_sees_its_spot_and_not_the_first_communitys_cases(self):
        page = self.get_json(self.shequ2, "dashboard:map")
        numbers = {c["number"] for c in page["cases"]}
        self.assertEqual(numbers, {c.number for c in self.spot + self.parked})
        self.assertEqual([s["count"] for s in page["hotspots"]], [3])

    def test_the_street_sees_both_communities(self):
        trend = self.get_json(self.lingdao, "dashboard:trends", days="90")
        self.assertEqual((len(trend["days"]), sum(trend["reported"])), (90, 9))
        breakdown = self.get_json(self.lingdao, "dashboard:breakdown")
        self.assertEqual(breakdown["areas_label"], "按社区")
        self.assertEqual(
            {a["name"]: a["reported"] for a in breakdown["areas"] if a["reported"]},
            {self.demo.community(0).name: 4, self.demo.community(1).name: 5},
        )
        self.assertEqual(
            breakdown["categories"][0]["url"],
            f"/cases/?area={self.street.code}&category=06010&created_from={breakdown['since']}",
        )

    def test_a_trend_day_links_to_that_days_cases(self):
        trend = self.get_json(self.lingdao, "dashboard:trends")
        day = trend["days"][-1]
        self.assertEqual(
            trend["reported_urls"][-1],
            f"/cases/?area={self.street.code}&created_from={day}&created_to={day}",
        )

    def test_the_latest_inspection_round_scores_each_community(self):
        inspection = self.inspection()
        inspection.status = Inspection.Status.SUBMITTED
        inspection.submitted_at = timezone.now()
        inspection.percentage = 87.5
        inspection.save()
        self.client.force_login(self.lingdao)
        response = self.client.get(reverse("dashboard:index"))
        round_, communities = response.context["inspections"]
        self.assertEqual(round_, self.round)
        self.assertEqual(
            [(g.label, str(g.average)) for g in communities],
            [(self.demo.community(0).name, "87.50")],
        )
        self.client.force_login(self.shequ2)
        self.assertIsNone(self.client.get(reverse("dashboard:index")).context["inspections"])

    def test_the_map_marks_open_cases_by_state_and_shades_grids(self):
        page = self.get_json(self.lingdao, "dashboard:map")
        self.assertEqual(len(page["cases"]), 9)
        self.assertEqual({c["state_label"] for c in page["cases"]}, {State.DISPATCHED.label})
        shapes = self.get_json(self.lingdao, "dashboard:areas")
        shades = {f["properties"]["name"]: f["properties"]["open"] for f in shapes["features"]}
        self.assertEqual(len(shades), 25)
        self.assertEqual((shades[self.mine.name], shades[self.theirs.name]), (4, 5))


@override_settings(DASHBOARD_HOTSPOT_COUNT=2)
class QueryCountTests(DashboardTestCase):
    """Each view takes a fixed number of queries, however many cases, areas and spots there are."""

    def queries(self, user, name) -> int:
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(reverse(name)).status_code, 200)
        return len(captured)

    def counts(self) -> dict:
        return {name: self.queries(self.lingdao, name) for name in URLS}

    def add_cases(self, n):
        now = timezone.now()
        for i in range(n):
            grid = self.demo.grids[i % len(self.demo.grids)]
            self.case(
                grid, now - dt.timedelta(days=i % 20), category=[self.garbage, self.parking][i % 2]
            )
        stats.refresh()

    def test_the_number_of_queries_does_not_grow_with_the_data(self):
        self.add_cases(4)
        few = self.counts()
        self.add_cases(60)
        self.assertGreater(Hotspot.objects.count(), 1)
        self.assertEqual(self.counts(), few)

    def test_the_page_and_each_json_take_a_known_number_of_queries(self):
        self.add_cases(10)
        # Each: session, user, grants, the scope's areas. The page: figures, refresh time,
        # spots, the latest inspection (three more for its results when there is one), the
        # bell. Trends: one. Breakdown: categories and their names, sub-areas, their counts
        # and open cases.
        # Map: open cases, spots. Areas: grid outlines, open per grid.
        self.assertEqual(
            self.counts(),
            {
                "dashboard:index": 9,
                "dashboard:trends": 5,
                "dashboard:breakdown": 9,
                "dashboard:map": 6,
                "dashboard:areas": 6,
            },
        )
