"""demo_work fills a campaign's 责任分解表, 工作进度表 and 佐证材料 from the demo street."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from civicgrid.campaigns import evidence
from civicgrid.campaigns.demo_work import WorkSummary, demo_work
from civicgrid.campaigns.models import (
    Campaign,
    CampaignKind,
    Evidence,
    Indicator,
    IndicatorDuty,
    Standard,
    WorkTask,
)
from civicgrid.campaigns.schedule import overdue
from civicgrid.campaigns.templates import load_samples
from civicgrid.campaigns.tests.work_base import WorkTestCase
from civicgrid.campaigns.uploads import check_document
from civicgrid.categories.catalogue import load as load_categories
from civicgrid.people.authz import Authz

TODAY = dt.date(2026, 6, 15)


class DemoWorkTests(WorkTestCase):
    def run_demo(self, campaign=None) -> WorkSummary:
        return demo_work(campaign or self.campaign, self.demo, today=TODAY)

    def test_every_indicator_gets_a_line_spread_over_departments_and_communities(self):
        summary = self.run_demo()
        self.assertEqual(summary.duties, self.version.indicators.count())
        duties = IndicatorDuty.objects.filter(campaign=self.campaign)
        self.assertTrue(duties.filter(lead__isnull=False).exists())
        self.assertTrue(duties.filter(lead_area__isnull=False).exists())
        self.assertFalse(duties.filter(lead__isnull=False, lead_area__isnull=False).exists())
        self.assertTrue(all(d.partners.exists() for d in duties))
        hw_line = duties.filter(lead=self.hw).first()
        self.assertEqual(hw_line.person, self.huanwei)

    def test_the_schedule_has_twenty_tasks_some_done_some_under_way_a_few_overdue(self):
        self.assertEqual(self.run_demo().tasks, 20)
        tasks = WorkTask.objects.filter(campaign=self.campaign)
        self.assertEqual(tasks.filter(status="done").count(), 6)
        self.assertEqual(tasks.filter(status="doing").count(), 9)
        late = tasks.exclude(status="done").filter(due__lt=TODAY)
        self.assertEqual(late.count(), 4)
        self.assertTrue(all(t.done_at for t in tasks.filter(status="done")))
        self.assertTrue(tasks.filter(notes__isnull=False).exists())
        self.assertTrue(overdue(tasks).exists())

    def test_material_is_required_for_material_review_items_and_partly_in(self):
        summary = self.run_demo()
        requirements = self.campaign.evidence_requirements.all()
        self.assertEqual(summary.requirements, requirements.count())
        self.assertEqual({r.indicator.method for r in requirements}, {Indicator.Method.MATERIAL})
        total = evidence.total(requirements)
        self.assertTrue(0 < total.accepted < total.required, total)
        statuses = set(Evidence.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {"accepted", "submitted", "returned"})
        self.assertEqual(summary.files, Evidence.objects.count())

    def test_every_file_is_a_real_document_the_upload_check_accepts(self):
        self.run_demo()
        for item in Evidence.objects.all():
            with item.file.open("rb"):
                upload = SimpleUploadedFile(item.file.name, item.file.read())
            self.assertEqual(check_document(upload), item.file.name.rsplit(".", 1)[1])

    def test_a_unit_can_see_and_upload_to_what_it_is_asked_for(self):
        self.run_demo()
        for requirement in self.campaign.evidence_requirements.exclude(area=None):
            staff = next(
                user
                for user in self.demo.people.values()
                if user.assignments.filter(area=requirement.area).exists()
            )
            self.assertTrue(Authz(staff).may("evidence.upload", requirement))

    def test_running_it_again_adds_nothing(self):
        self.run_demo()
        counts = (IndicatorDuty.objects.count(), WorkTask.objects.count(), Evidence.objects.count())
        self.assertEqual(self.run_demo(), WorkSummary(0, 0, 0, 0))
        self.assertEqual(
            (IndicatorDuty.objects.count(), WorkTask.objects.count(), Evidence.objects.count()),
            counts,
        )

    def test_a_standard_without_material_items_gets_material_on_any_items(self):
        self.version.indicators.update(method=Indicator.Method.FIELD)
        summary = self.run_demo()
        self.assertGreater(summary.requirements, 0)
        self.assertTrue(self.campaign.evidence_requirements.filter(indicator__depth=3).exists())

    def test_it_works_on_each_sample_standard(self):
        load_categories()
        load_samples()
        for standard in Standard.objects.filter(is_sample=True):
            with self.subTest(standard.name):
                campaign = Campaign.objects.create(
                    name=standard.name,
                    kind=CampaignKind.OTHER,
                    start=dt.date(2026, 1, 1),
                    end=dt.date(2026, 12, 31),
                    version=standard.latest,
                )
                campaign.streets.add(self.street)
                summary = self.run_demo(campaign)
                self.assertEqual(summary.tasks, 20)
                self.assertGreater(summary.files, 0)
                methods = set(
                    campaign.evidence_requirements.values_list("indicator__method", flat=True)
                )
                self.assertEqual(methods, {Indicator.Method.MATERIAL})
