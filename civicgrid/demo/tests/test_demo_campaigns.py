from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from civicgrid.campaigns.models import Campaign
from civicgrid.cases.models import Source
from civicgrid.demo.campaigns import add_campaigns
from civicgrid.demo.generator import Size, build
from civicgrid.inspections.models import Inspection, ItemResult, Round, Site


class DemoCampaignTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_categories", "--with-defaults", verbosity=0)
        cls.demo = build(Size())
        cls.campaigns = add_campaigns(cls.demo, weeks=2)

    def test_two_campaigns_run_on_the_demo_street(self):
        self.assertEqual({c.kind for c in Campaign.objects.all()}, {"civilized", "sanitary"})

    def test_there_are_forty_sites_of_several_types(self):
        self.assertGreaterEqual(Site.objects.count(), 40)
        self.assertGreaterEqual(Site.objects.values("point_type").distinct().count(), 6)

    def test_past_rounds_are_submitted_and_their_failures_became_inspection_cases(self):
        self.assertFalse(Inspection.objects.filter(status=Inspection.Status.DRAFT).exists())
        failed = ItemResult.objects.filter(verdict="fail")
        self.assertTrue(failed.exists())
        self.assertFalse(failed.filter(case__isnull=True).exists())
        self.assertEqual(
            {r.case.source for r in failed.select_related("case")}, {Source.INSPECTION}
        )

    def test_inspections_happened_in_the_past_not_today(self):
        today = timezone.localdate()
        for inspection in Inspection.objects.all():
            self.assertLess(timezone.localdate(inspection.submitted_at), today)

    def test_this_weeks_round_is_open_and_repeats_weekly(self):
        current = Round.objects.get(repeat_days=7)
        self.assertFalse(current.inspections.exists())
        self.assertGreaterEqual(current.sites.count(), 40)

    def test_it_adds_nothing_the_second_time(self):
        self.assertEqual(add_campaigns(self.demo), [])
