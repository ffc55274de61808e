"""How complete the 佐证材料 are: accepted files against the quantity each requirement asks."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.campaigns import evidence
from civicgrid.campaigns.evidence import Completeness
from civicgrid.campaigns.models import EvidenceRequirement
from civicgrid.campaigns.tests.work_base import WorkTestCase
from civicgrid.people.authz import Authz

ACCEPTED, RETURNED, SUBMITTED = "accepted", "returned", "submitted"


class CompletenessTests(WorkTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 2.1.1 asks the 环卫所 for 2 files and the 城管 for 1; 2.1.2 asks a community for 3.
        cls.hw_plan = cls.requirement(cls.plan, quantity=2, department=cls.hw)
        cls.cg_plan = cls.requirement(cls.plan, quantity=1, department=cls.cg)
        cls.photos = cls.requirement(cls.meeting, quantity=3, area=cls.demo.community(0))
        for status in (ACCEPTED, ACCEPTED, ACCEPTED, SUBMITTED):  # one more than asked
            cls.file(cls.hw_plan, status=status)
        cls.file(cls.cg_plan, status=RETURNED)
        cls.file(cls.cg_plan, status=SUBMITTED)
        cls.file(cls.photos, status=ACCEPTED)
        cls.file(cls.far_plan_file(), status=ACCEPTED)

    @classmethod
    def far_plan_file(cls):
        return cls.requirement(campaign=cls.far_campaign, department=cls.far_dept, quantity=1)

    def requirements(self, user=None):
        return evidence.scoped_requirements(Authz(user or self.paiqian), self.campaign)

    def test_accepted_files_count_up_to_each_requirements_quantity(self):
        rows = {r.pk: r for r in evidence.with_counts(self.requirements())}
        self.assertEqual((rows[self.hw_plan.pk].accepted, rows[self.hw_plan.pk].pending), (3, 1))
        self.assertEqual((rows[self.cg_plan.pk].accepted, rows[self.cg_plan.pk].returned), (0, 1))
        per_indicator = evidence.by_indicator(self.requirements())
        # 2.1.1: min(3, 2) + min(0, 1) = 2 of 3; the extra accepted file does not fill the gap.
        self.assertEqual(per_indicator[self.plan.pk], Completeness(required=3, accepted=2))
        self.assertEqual(per_indicator[self.meeting.pk], Completeness(required=3, accepted=1))

    def test_the_total_is_the_sum_over_requirements_and_ignores_other_campaigns(self):
        total = evidence.total(self.requirements())
        self.assertEqual(total, Completeness(required=6, accepted=3))
        self.assertEqual((total.percent, total.missing, total.complete), (50, 3, False))

    def test_each_unit_has_its_own_figure_least_complete_first(self):
        units = [(u.unit, u.completeness) for u in evidence.by_unit(self.requirements())]
        self.assertEqual(
            units,
            [
                ("城管执法中队", Completeness(1, 0)),
                (self.demo.community(0).name, Completeness(3, 1)),
                ("环卫所", Completeness(2, 2)),
            ],
        )

    def test_a_requirement_without_a_unit_is_counted_under_unassigned(self):
        EvidenceRequirement.objects.create(
            campaign=self.campaign, indicator=self.plan, description="其他", quantity=1
        )
        units = {u.unit: u.completeness for u in evidence.by_unit(self.requirements())}
        self.assertEqual(units["未指定提供单位"], Completeness(1, 0))

    def test_a_department_counts_only_the_material_it_provides(self):
        total = evidence.total(self.requirements(self.huanwei))
        self.assertEqual(total, Completeness(required=2, accepted=2))
        self.assertTrue(total.complete)

    def test_a_campaign_without_requirements_is_complete_at_100_percent(self):
        empty = evidence.total(EvidenceRequirement.objects.none())
        self.assertEqual((empty.required, empty.percent, empty.complete), (0, 100, True))

    def test_the_overview_shows_the_figures(self):
        response = self.assert_status(
            self.paiqian, reverse("work:evidence", args=[self.campaign.pk]), 200
        )
        self.assertEqual(response.context["total"], Completeness(6, 3))
        self.assertEqual(response.context["pending"], 2)
        groups = response.context["groups"]
        self.assertEqual([g["indicator"].code for g in groups], ["2.1.1", "2.1.2"])
        self.assertEqual(groups[0]["completeness"], Completeness(3, 2))
        self.assertContains(response, "2/3")

    def test_the_overview_takes_the_same_queries_however_much_material_there_is(self):
        url = reverse("work:evidence", args=[self.campaign.pk])
        self.login(self.paiqian)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _ in range(5):
            self.file(self.requirement(self.meeting, department=self.cg), status=ACCEPTED)
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(many), len(few))
