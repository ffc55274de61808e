import datetime as dt
from decimal import Decimal

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civicgrid.campaigns.models import (
    Campaign,
    Evidence,
    EvidenceRequirement,
    IndicatorDuty,
    WorkTask,
)
from civicgrid.campaigns.tests.base import CampaignTestCase
from civicgrid.inspections import submission
from civicgrid.inspections.models import Inspection, Round, Site

PASS, FAIL = "pass", "fail"


class CampaignAccessTests(CampaignTestCase):
    def url(self, suffix="", campaign=None):
        return f"/campaigns/{(campaign or self.campaign).pk}/{suffix}"

    def test_the_list_needs_campaigns_view_and_shows_only_campaigns_in_scope(self):
        self.assert_access(
            "/campaigns/",
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.chengguan],
            forbidden=[self.nobody],
        )
        self.login(self.paiqian)
        page = self.client.get("/campaigns/").content.decode()
        self.assertIn("创建全国文明城市", page)
        self.assertNotIn("外街道创卫", page)
        self.login(self.outsider)
        page = self.client.get("/campaigns/").content.decode()
        self.assertIn("外街道创卫", page)
        self.assertNotIn("创建全国文明城市", page)

    def test_only_administrators_create_campaigns(self):
        self.assert_access(
            "/campaigns/new/",
            allowed=[self.admin, self.paiqian, self.outsider],
            forbidden=[self.lingdao, self.duban1, self.shequ1, self.nobody],
        )

    def test_the_overview_is_seen_in_scope_and_hidden_outside(self):
        self.assert_access(
            self.url(),
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.chengguan],
            hidden=[self.outsider, self.nobody],
        )

    def test_edit_and_repin_are_for_administrators_of_the_campaign_s_streets(self):
        for suffix in ("edit/", "repin/"):
            self.assert_access(
                self.url(suffix),
                allowed=[self.admin, self.paiqian],
                forbidden=[self.lingdao, self.duban1, self.chengguan],
                hidden=[self.outsider],
            )

    def test_posting_an_edit_is_refused_the_same_way(self):
        data = self.form_data()
        self.assert_status(self.lingdao, self.url("edit/"), 403, "post", data)
        self.assert_status(self.outsider, self.url("edit/"), 404, "post", data)
        self.assert_status(self.outsider, self.url("repin/"), 404, "post", {"version": 1})
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.name, "创建全国文明城市")

    def form_data(self, **changes):
        data = {
            "name": "创建全国文明城市（改）",
            "kind": "civilized",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "status": "active",
            "streets": [self.street.pk],
        }
        return data | changes


class CampaignFormTests(CampaignTestCase):
    def test_an_administrator_creates_a_campaign_pinned_to_a_version(self):
        self.login(self.paiqian)
        r = self.client.post(
            "/campaigns/new/",
            {
                "name": "创建国家卫生城市",
                "kind": "sanitary",
                "start": "2026-03-01",
                "end": "2027-02-28",
                "status": "planned",
                "streets": [self.street.pk],
                "version": self.version.pk,
            },
        )
        campaign = Campaign.objects.get(name="创建国家卫生城市")
        self.assertRedirects(r, campaign.get_absolute_url())
        self.assertEqual(campaign.version, self.version)
        self.assertEqual(list(campaign.streets.all()), [self.street])

    def test_it_cannot_cover_a_street_outside_the_administrator_s_scope(self):
        self.login(self.paiqian)
        r = self.client.post(
            "/campaigns/new/",
            {
                "name": "越界",
                "kind": "sanitary",
                "start": "2026-03-01",
                "end": "2026-02-01",
                "status": "planned",
                "streets": [self.other_street.pk],
                "version": self.version.pk,
            },
        )
        self.assertEqual(r.status_code, 400)
        errors = r.context["form"].errors
        self.assertIn("streets", errors)
        self.assertEqual(errors["end"], ["结束日期不能早于开始日期。"])
        self.assertFalse(Campaign.objects.filter(name="越界").exists())

    def test_editing_keeps_the_version_and_the_streets_beyond_the_editor_s_scope(self):
        self.campaign.streets.add(self.other_street)
        self.login(self.paiqian)
        r = self.client.post(
            f"/campaigns/{self.campaign.pk}/edit/",
            CampaignAccessTests.form_data(self, status="finished"),
        )
        self.assertRedirects(r, self.campaign.get_absolute_url())
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, Campaign.Status.FINISHED)
        self.assertEqual(self.campaign.version, self.version)
        self.assertEqual(set(self.campaign.streets.all()), {self.street, self.other_street})


class RepinTests(CampaignTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.duty = IndicatorDuty.objects.create(
            campaign=cls.campaign, indicator=cls.scale, lead=cls.demo.departments["SJ"]
        )
        cls.requirement = EvidenceRequirement.objects.create(
            campaign=cls.campaign, indicator=cls.stalls, description="整治台账"
        )
        cls.task = WorkTask.objects.create(
            campaign=cls.campaign,
            indicator=cls.ads,
            title="补齐公益广告",
            owner=cls.shequ1,
            due=dt.date(2026, 12, 1),
        )

    def test_the_campaign_keeps_its_version_until_re_pinned_then_everything_follows_by_code(self):
        new = self.version.copy(note="修订")
        new.indicators.get(code="1.1.1").delete()  # the task's indicator is gone in v2
        self.login(self.paiqian)
        preview = self.client.get(f"/campaigns/{self.campaign.pk}/repin/?version={new.pk}")
        self.assertContains(preview, "1.1.1")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.version, self.version)

        r = self.client.post(f"/campaigns/{self.campaign.pk}/repin/", {"version": new.pk})
        self.assertRedirects(r, self.campaign.get_absolute_url())
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.version, new)
        self.duty.refresh_from_db()
        self.requirement.refresh_from_db()
        self.task.refresh_from_db()
        self.assertEqual(self.duty.indicator, new.indicators.get(code="1.1.2"))
        self.assertEqual(self.requirement.indicator, new.indicators.get(code="1.1.3"))
        self.assertEqual(self.task.indicator, self.ads)  # nothing to follow: left as it was
        self.assertTrue(LogEntry.objects.filter(object_id=str(new.pk)).exists())

    def test_only_versions_of_the_same_standard_are_offered(self):
        self.login(self.paiqian)
        other = self.other_campaign.version
        r = self.client.post(f"/campaigns/{self.campaign.pk}/repin/", {"version": other.pk})
        self.assertEqual(r.status_code, 400)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.version, self.version)


class OverviewTests(CampaignTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_work()

    def inspect(self, site, verdicts, round_=None):
        inspection = Inspection.objects.create(
            round=round_ or self.round, site=site, inspector=self.duban1
        )
        for item in submission.checklist(inspection):
            submission.save_item(inspection, item, verdicts.get(item.code, PASS), count=1)
        submission.submit(inspection)
        return inspection

    def test_it_shows_units_evidence_tasks_scores_and_cases_per_indicator(self):
        self.inspect(self.market, {"1.1.3": FAIL})  # 15 of 20 → 75 %
        self.login(self.lingdao)
        r = self.client.get(self.campaign.get_absolute_url())
        rows = {row.indicator.code: row for row in r.context["rows"]}
        stalls = rows["1.1.3"]
        self.assertEqual(stalls.duty.lead.name, self.demo.departments["CG"].name)
        self.assertEqual((stalls.accepted, stalls.required), (1, 2))
        self.assertEqual((stalls.tasks, stalls.tasks_done, stalls.tasks_overdue), (2, 1, 1))
        self.assertEqual(stalls.cases_open, 1)
        self.assertEqual(r.context["evidence"]["percent"], 50)
        self.assertEqual(
            r.context["tasks"], {"total": 3, "todo": 1, "doing": 1, "done": 1, "overdue": 1}
        )
        self.assertEqual(r.context["cases"]["open"], 1)
        scores = r.context["scores"]
        self.assertEqual(scores["round"], self.round)
        [community] = scores["communities"]
        self.assertEqual(community.area, self.demo.community(0))
        self.assertEqual(community.average, Decimal("75.00"))
        self.assertContains(r, "1/2")

    def test_the_evidence_card_is_the_evidence_pages_total(self):
        extra = EvidenceRequirement.objects.create(
            campaign=self.campaign, indicator=self.scale, description="公平秤台账"
        )
        Evidence.objects.create(
            requirement=extra, file="evidence/s.pdf", uploaded_by=self.shequ1, status="accepted"
        )
        self.login(self.paiqian)
        card = self.client.get(self.campaign.get_absolute_url()).context["evidence"]
        total = self.client.get(reverse("work:evidence", args=[self.campaign.pk])).context["total"]
        self.assertEqual((card["accepted"], card["required"]), (total.accepted, total.required))
        self.assertEqual((card["percent"], card["missing"]), (66, 1))  # 2 of 3, floored
        self.assertEqual(card["percent"], total.percent)

    def test_community_scores_average_the_latest_round_only(self):
        self.inspect(self.market, {"1.1.3": FAIL})
        later = Round.objects.create(
            campaign=self.campaign,
            name="第2轮",
            start=dt.date(2026, 12, 1),
            end=dt.date(2026, 12, 7),
        )
        grid = self.demo.grid(0, 1)
        second = Site.objects.create(name="和平农贸市场", point_type="farmers_market", area=grid)
        self.inspect(self.market, {}, later)
        self.inspect(second, {"1.1.1": FAIL, "1.1.3": FAIL}, later)  # 20-2-5 = 13 of 20 → 65 %
        self.login(self.paiqian)
        scores = self.client.get(self.campaign.get_absolute_url()).context["scores"]
        self.assertEqual(scores["round"], later)
        [community] = scores["communities"]
        self.assertEqual((community.sites, community.average), (2, Decimal("82.50")))

    def test_a_person_without_inspections_view_sees_no_scores(self):
        self.inspect(self.market, {})
        self.login(self.chengguan)
        r = self.client.get(self.campaign.get_absolute_url())
        self.assertIsNone(r.context["scores"])

    def test_an_overdue_case_from_an_inspection_is_listed(self):
        self.inspect(self.market, {"1.1.3": FAIL})
        result = self.campaign.rounds.get().inspections.get().results.get(indicator=self.stalls)
        type(result.case).objects.filter(pk=result.case_id).update(
            deadline=timezone.now() - dt.timedelta(hours=1)
        )
        self.login(self.paiqian)
        r = self.client.get(self.campaign.get_absolute_url())
        self.assertEqual(r.context["cases"]["overdue"], 1)
        self.assertEqual(list(r.context["overdue_cases"]), [result.case])

    def test_the_overview_s_query_count_does_not_grow_with_the_campaign(self):
        self.inspect(self.market, {"1.1.3": FAIL})
        self.login(self.paiqian)
        url = self.campaign.get_absolute_url()
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        self.grow()
        with CaptureQueriesContext(connection) as large:
            r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(len(large), len(small), [q["sql"] for q in large])
        self.assertLessEqual(len(large), 25)

    def grow(self):
        depts = self.demo.departments
        for indicator in (self.ads, self.scale, self.road_only):
            duty = IndicatorDuty.objects.create(
                campaign=self.campaign, indicator=indicator, lead=depts["HW"]
            )
            duty.partners.add(depts["CG"], depts["SJ"])
            requirement = EvidenceRequirement.objects.create(
                campaign=self.campaign, indicator=indicator, description="台账"
            )
            Evidence.objects.create(
                requirement=requirement, file="evidence/x.pdf", uploaded_by=self.shequ1
            )
            WorkTask.objects.create(
                campaign=self.campaign,
                indicator=indicator,
                title="任务",
                owner=self.shequ1,
                due=dt.date(2020, 1, 1),
            )
        for n in range(1, 4):
            site = Site.objects.create(
                name=f"市场{n}", point_type="farmers_market", area=self.demo.grid(n, 0)
            )
            self.inspect(site, {"1.1.1": FAIL})
