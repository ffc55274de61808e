"""A round's results: per site, per community weighted by point type, per type, worst items."""

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.campaigns.models import PointType
from civicgrid.inspections import results
from civicgrid.inspections.models import Inspection, Site
from civicgrid.inspections.submission import save_item, submit
from civicgrid.inspections.tests.base import D, InspectionTestCase


class RoundResultsTests(InspectionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.estate = Site.objects.create(
            name="幸福小区", point_type=PointType.RESIDENTIAL, area=cls.demo.grid(0, 1)
        )
        cls.road = Site.objects.create(
            name="人民路", point_type=PointType.MAIN_ROAD, area=cls.demo.grid(1, 0)
        )
        # 10 + 5 + 0 = 15 of 20: 75 %
        cls.inspect(cls.market, ads="pass", scale="pass", stalls="fail")
        # (10 - 2) + 5 + 0 = 13 of 20: 65 %
        cls.inspect(cls.estate, ads="fail", scale="pass", stalls="fail")
        # 10 + 0 + 5 + 5 = 20 of 25: 80 %
        cls.inspect(cls.road, ads="pass", scale="fail", stalls="pass", road_only="pass")

    @classmethod
    def inspect(cls, site, **verdicts):
        inspection = Inspection.objects.create(round=cls.round, site=site, inspector=cls.duban1)
        for name, verdict in verdicts.items():
            save_item(inspection, getattr(cls, name), verdict, count=1)
        submit(inspection)
        return inspection

    def results(self):
        return results.round_results(self.round.inspections.all())

    def test_each_site_has_its_score_and_community(self):
        rows = [
            (r.site.name, r.inspection.percentage, r.community.name) for r in self.results().sites
        ]
        community0, community1 = self.demo.community(0).name, self.demo.community(1).name
        self.assertEqual(
            rows,
            [
                ("人民路", D("80.00"), community1),
                ("幸福农贸市场", D("75.00"), community0),
                ("幸福小区", D("65.00"), community0),
            ],
        )

    def test_communities_average_their_sites_and_rank(self):
        groups = [(g.label, len(g.sites), g.average) for g in self.results().communities]
        self.assertEqual(
            groups,
            [
                (self.demo.community(1).name, 1, D("80.00")),
                (self.demo.community(0).name, 2, D("70.00")),
            ],
        )

    def test_a_point_types_weight_counts_in_its_communitys_average(self):
        with mock.patch.dict(results.POINT_TYPE_WEIGHTS, {PointType.RESIDENTIAL: D("3")}):
            average = self.results().communities[1].average
        # (75 × 1 + 65 × 3) / 4 = 67.5
        self.assertEqual(average, D("67.50"))

    def test_every_point_type_weighs_one_until_configured(self):
        self.assertEqual(set(results.POINT_TYPE_WEIGHTS.values()), {D("1.0")})
        self.assertEqual(set(results.POINT_TYPE_WEIGHTS), set(PointType.values))

    def test_point_types_average_their_sites(self):
        groups = [(g.key, g.average) for g in self.results().point_types]
        self.assertEqual(
            groups,
            [
                (PointType.MAIN_ROAD, D("80.00")),
                (PointType.FARMERS_MARKET, D("75.00")),
                (PointType.RESIDENTIAL, D("65.00")),
            ],
        )

    def test_the_worst_items_are_those_failed_most(self):
        worst = [(i.code, i.failures, i.checked, i.rate) for i in self.results().worst_items]
        self.assertEqual(
            worst,
            [("1.1.3", 2, 3, D("66.67")), ("1.1.1", 1, 3, D("33.33")), ("1.1.2", 1, 3, D("33.33"))],
        )

    def test_the_round_average_and_drafts_left_out(self):
        Inspection.objects.create(
            round=self.round,
            site=Site.objects.create(name="草稿", point_type=PointType.PARK, area=self.market.area),
            inspector=self.duban2,
        )
        found = self.results()
        self.assertEqual(len(found.sites), 3)
        self.assertEqual(found.average, D("73.33"))

    def test_the_results_page_obeys_scope(self):
        _far, outsider = self.other_street()
        self.assert_access(
            reverse("inspections:round-results", args=[self.round.pk]),
            allowed=[self.duban1, self.paiqian, self.shequ1],  # the street's round covers shequ1
            forbidden=[self.huanwei, self.wangge01],
            hidden=[outsider],
        )

    def test_the_results_page_shows_every_table(self):
        self.login(self.duban1)
        r = self.client.get(reverse("inspections:round-results", args=[self.round.pk]))
        for text in [
            "按社区",
            "按点位类型",
            "失分最多的条目",
            "1.1.3 无占道经营",
            "66.67%",
            "73.33%",
        ]:
            self.assertContains(r, text)

    def test_the_results_page_costs_the_same_queries_for_more_sites(self):
        self.login(self.duban1)
        url = reverse("inspections:round-results", args=[self.round.pk])
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(8):
            site = Site.objects.create(
                name=f"小区{n}", point_type=PointType.RESIDENTIAL, area=self.demo.grid(2 + n % 3, 0)
            )
            self.inspect(site, ads="pass", scale="fail", stalls="pass")
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(few), len(many))
