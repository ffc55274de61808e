from django.core.exceptions import ValidationError

from civicgrid.cases.models import Case, Source, State
from civicgrid.cases.tests.base import photo
from civicgrid.inspections.models import Inspection, ItemResult
from civicgrid.inspections.submission import checklist, save_item, submit
from civicgrid.inspections.tests.base import D, InspectionTestCase


class SubmissionTests(InspectionTestCase):
    def fill(self, inspection, stalls="fail"):
        save_item(inspection, self.ads, "fail", count=2, note="只有3处")
        save_item(inspection, self.scale, "na")
        save_item(inspection, self.stalls, stalls, note="东门外有摊贩", photos=[photo()])

    def test_the_checklist_holds_only_the_items_for_the_sites_type(self):
        codes = [item.code for item in checklist(self.inspection())]
        self.assertEqual(codes, ["1.1.1", "1.1.2", "1.1.3"])

    def test_submitting_scores_the_site(self):
        inspection = self.inspection()
        self.fill(inspection)
        submit(inspection)
        # 10 - 2×2 = 6, N/A 5, fail 0: 11 of 20 = 55 %
        self.assertEqual(
            (inspection.score, inspection.max_score, inspection.percentage),
            (D("11.00"), D("20.00"), D("55.00")),
        )
        self.assertEqual(inspection.status, Inspection.Status.SUBMITTED)

    def test_each_failed_item_becomes_exactly_one_dispatched_case(self):
        inspection = self.inspection()
        self.fill(inspection)
        cases = submit(inspection)
        self.assertEqual(len(cases), 2)
        stalls = ItemResult.objects.get(inspection=inspection, indicator=self.stalls).case
        self.assertEqual(
            (stalls.category, stalls.source, stalls.grid),
            (self.garbage, Source.INSPECTION, self.market.area),
        )
        self.assertEqual(stalls.state, State.DISPATCHED)
        self.assertEqual(stalls.responsible_department, self.demo.departments["HW"])
        self.assertEqual(stalls.photos.count(), 1)
        self.assertIn("幸福农贸市场", stalls.description)

    def test_an_item_without_a_category_falls_in_the_local_campaign_category(self):
        inspection = self.inspection()
        self.fill(inspection)
        submit(inspection)
        ads = ItemResult.objects.get(inspection=inspection, indicator=self.ads).case
        self.assertEqual((ads.category.kind, ads.category.code), ("local", "90001"))

    def test_an_unfinished_checklist_cannot_be_submitted(self):
        inspection = self.inspection()
        save_item(inspection, self.ads, "pass")
        with self.assertRaisesMessage(ValidationError, "还有 2 项未检查"):
            submit(inspection)
        self.assertEqual(Case.objects.count(), 0)

    def test_a_submitted_inspection_is_frozen(self):
        inspection = self.inspection()
        self.fill(inspection, stalls="pass")
        submit(inspection)
        with self.assertRaises(ValidationError):
            save_item(inspection, self.ads, "pass")
        with self.assertRaises(ValidationError):
            submit(inspection)

    def test_saving_an_item_again_replaces_the_verdict(self):
        inspection = self.inspection()
        save_item(inspection, self.ads, "fail", count=1)
        save_item(inspection, self.ads, "pass")
        self.assertEqual(inspection.results.get().verdict, "pass")

    def test_a_count_is_needed_for_an_item_deducted_by_count(self):
        with self.assertRaises(ValidationError):
            save_item(self.inspection(), self.ads, "fail", count=0)

    def test_editing_the_standard_after_scoring_leaves_old_scores_alone(self):
        inspection = self.inspection()
        self.fill(inspection)
        submit(inspection)
        self.assertTrue(self.version.in_use)
        new = self.version.copy(note="2027版")
        new.indicators.filter(code="1.1.1").update(points=D(50))
        inspection.refresh_from_db()
        self.assertEqual(inspection.score, D("11.00"))
        self.assertEqual(self.version.indicators.get(code="1.1.1").points, D(10))
        self.assertEqual(new.indicators.count(), self.version.indicators.count())
        self.assertEqual(new.indicators.get(code="1.1.1").parent.code, "1.1")
