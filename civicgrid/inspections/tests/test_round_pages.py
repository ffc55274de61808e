"""Rounds: the list, creating one, its scope of sites, the round page and starting an inspection."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.campaigns.models import PointType
from civicgrid.inspections.models import Inspection, Round, Site
from civicgrid.inspections.rounds import sites_in_scope
from civicgrid.inspections.submission import save_item, submit
from civicgrid.inspections.tests.base import InspectionTestCase


class RoundPageTests(InspectionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.far_street, cls.outsider = cls.other_street()
        cls.estate = Site.objects.create(
            name="幸福小区", point_type=PointType.RESIDENTIAL, area=cls.demo.grid(1, 0)
        )
        cls.closed_estate = Site.objects.create(
            name="拆迁小区",
            point_type=PointType.RESIDENTIAL,
            area=cls.demo.grid(1, 1),
            is_active=False,
        )
        cls.road = Site.objects.create(
            name="人民路", point_type=PointType.MAIN_ROAD, area=cls.demo.grid(2, 0)
        )
        cls.far_market = Site.objects.create(
            name="外街道市场", point_type=PointType.FARMERS_MARKET, area=cls.far_street
        )
        cls.round.sites.add(cls.market)

    def url(self, name="round", round=None):
        return reverse(f"inspections:{name}", args=[(round or self.round).pk])

    def start_url(self, site=None):
        return reverse("inspections:start", args=[self.round.pk, (site or self.market).pk])

    # --- scope ----------------------------------------------------------------------------

    def test_the_scope_is_the_sites_the_areas_and_the_point_types_together(self):
        self.round.areas.add(self.demo.community(1))
        self.round.point_types = [PointType.MAIN_ROAD]
        self.round.save()
        names = set(sites_in_scope(self.round).values_list("name", flat=True))
        self.assertEqual(names, {"幸福农贸市场", "幸福小区", "人民路"})

    def test_point_types_reach_only_the_campaigns_streets(self):
        self.round.point_types = [PointType.FARMERS_MARKET]
        self.round.save()
        self.assertNotIn(self.far_market, sites_in_scope(self.round))

    def test_an_explicit_site_stays_even_when_inactive(self):
        self.round.sites.add(self.closed_estate)
        self.round.areas.add(self.demo.community(1))
        names = set(sites_in_scope(self.round).values_list("name", flat=True))
        self.assertEqual(names, {"幸福农贸市场", "幸福小区", "拆迁小区"})

    # --- list and page --------------------------------------------------------------------

    def test_the_round_list_is_for_people_who_may_view_inspections(self):
        self.assert_access(
            reverse("inspections:rounds"),
            allowed=[self.duban1, self.paiqian, self.shequ1],
            forbidden=[self.huanwei, self.wangge01],
        )

    def test_the_round_list_groups_rounds_by_campaign_in_scope(self):
        self.login(self.duban1)
        r = self.client.get(reverse("inspections:rounds"), {"campaign": self.campaign.pk})
        self.assertContains(r, "创建全国文明城市")
        self.assertContains(r, self.round.get_absolute_url())
        self.login(self.outsider)
        self.assertNotContains(self.client.get(reverse("inspections:rounds")), "第1轮")

    def test_the_round_page_obeys_scope(self):
        self.assert_access(
            self.url(),
            # community staff see their street's rounds (authz_covers) but conduct none
            allowed=[self.duban1, self.paiqian, self.shequ1],
            forbidden=[self.huanwei, self.wangge01],
            hidden=[self.outsider],
        )

    def test_the_round_page_lists_each_site_with_its_status_and_score(self):
        self.round.areas.add(self.demo.community(1))
        inspection = Inspection.objects.create(
            round=self.round, site=self.market, inspector=self.duban1
        )
        for item in (self.ads, self.scale, self.stalls):
            save_item(inspection, item, "pass")
        submit(inspection)
        Inspection.objects.create(round=self.round, site=self.estate, inspector=self.duban2)
        self.login(self.duban1)
        r = self.client.get(self.url())
        rows = {s.name: s.inspection for s in r.context["sites"]}
        self.assertEqual(rows["幸福农贸市场"].percentage, 100)
        self.assertEqual(rows["幸福小区"].status, Inspection.Status.DRAFT)
        self.assertContains(r, "100.00%")
        self.assertContains(r, "已检查 1 / 2 个点位")

    def test_an_inspector_sees_a_start_button_and_an_admin_reader_does_too(self):
        self.login(self.duban1)
        self.assertContains(self.client.get(self.url()), self.start_url())

    def test_a_round_with_named_inspectors_offers_the_start_only_to_them(self):
        self.round.inspectors.add(self.duban2)
        self.login(self.duban1)
        self.assertNotContains(self.client.get(self.url()), self.start_url())

    def test_the_round_page_costs_the_same_queries_for_many_sites(self):
        self.login(self.duban1)
        self.client.get(self.url())
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url())
        grid = self.demo.grid(3, 0)
        for n in range(15):
            site = Site.objects.create(name=f"站台{n}", point_type=PointType.BUS_STOP, area=grid)
            self.round.sites.add(site)
            if n % 2:
                Inspection.objects.create(round=self.round, site=site, inspector=self.duban1)
        with CaptureQueriesContext(connection) as many:
            self.client.get(self.url())
        self.assertEqual(len(few), len(many))

    # --- creating a round -----------------------------------------------------------------

    def test_creating_a_round_needs_campaigns_change(self):
        self.assert_access(
            reverse("inspections:round-new"), allowed=[self.paiqian], forbidden=[self.duban1]
        )

    def post_round(self, **changes):
        data = {
            "campaign": self.campaign.pk,
            "name": "第2轮",
            "start": "2026-11-30",
            "end": "2026-12-06",
            "sites": [self.market.pk],
            "areas": [self.demo.community(1).pk],
            "point_types": [PointType.MAIN_ROAD],
            "inspectors": [self.duban1.pk, self.duban2.pk],
            "repeat_days": "7",
        } | changes
        data = {k: v for k, v in data.items() if v is not None}
        self.login(self.paiqian)
        return self.client.post(reverse("inspections:round-new"), data)

    def test_an_admin_creates_a_round_with_its_scope_and_inspectors(self):
        r = self.post_round()
        made = Round.objects.get(name="第2轮")
        self.assertRedirects(r, made.get_absolute_url())
        self.assertEqual(made.point_types, [PointType.MAIN_ROAD])
        self.assertEqual(set(made.inspectors.all()), {self.duban1, self.duban2})
        self.assertEqual(made.repeat_days, 7)
        self.assertEqual(
            set(sites_in_scope(made).values_list("name", flat=True)),
            {"幸福农贸市场", "幸福小区", "人民路"},
        )

    def test_a_round_needs_some_scope(self):
        r = self.post_round(sites=None, areas=None, point_types=None)
        self.assertContains(r, "请至少选择点位、区域或点位类型之一", status_code=400)

    def test_a_round_stays_within_its_campaigns_dates(self):
        r = self.post_round(start="2027-01-01", end="2027-01-07")
        self.assertContains(r, "轮次须在项目期间内", status_code=400)
        r = self.post_round(start="2026-12-06", end="2026-11-30")
        self.assertContains(r, "结束日期不能早于开始日期", status_code=400)

    def test_a_round_cannot_reach_outside_its_campaigns_streets(self):
        r = self.post_round(sites=[self.far_market.pk])
        self.assertEqual(r.status_code, 400)  # not even offered to the street's admin
        self.client.force_login(self.admin)
        r = self.client.post(
            reverse("inspections:round-new"),
            {
                "campaign": self.campaign.pk,
                "name": "第3轮",
                "start": "2026-11-30",
                "end": "2026-12-06",
                "sites": [self.far_market.pk],
            },
        )
        self.assertContains(r, "不在该项目覆盖的街道内：外街道市场", status_code=400)

    # --- starting an inspection -----------------------------------------------------------

    def test_starting_an_inspection_obeys_scope(self):
        url = self.start_url()
        self.assert_status(None, url, 302, "post")
        self.assert_status(self.huanwei, url, 403, "post")
        self.assert_status(self.shequ1, url, 403, "post")  # sees the round, may not inspect
        self.assert_status(self.outsider, url, 404, "post")
        self.assertFalse(Inspection.objects.exists())

    def test_a_site_outside_the_round_cannot_be_started(self):
        self.assert_status(self.duban1, self.start_url(self.road), 404, "post")

    def test_an_inspector_starts_and_resumes_an_inspection(self):
        self.login(self.duban1)
        r = self.client.post(self.start_url())
        inspection = Inspection.objects.get()
        self.assertRedirects(r, inspection.get_absolute_url())
        self.assertEqual((inspection.inspector, inspection.status), (self.duban1, "draft"))
        self.client.post(self.start_url())
        self.assertEqual(Inspection.objects.count(), 1)

    def test_a_second_inspector_is_told_someone_is_already_there(self):
        Inspection.objects.create(round=self.round, site=self.market, inspector=self.duban1)
        self.login(self.duban2)
        r = self.client.post(self.start_url(), follow=True)
        self.assertContains(r, "正在检查该点位")

    def test_only_the_named_inspectors_may_start(self):
        self.round.inspectors.add(self.duban2)
        self.assert_status(self.duban1, self.start_url(), 403, "post")
        self.login(self.duban2)
        self.assertEqual(self.client.post(self.start_url()).status_code, 302)
