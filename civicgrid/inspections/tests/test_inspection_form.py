"""The inspection form: item by item saved as you go, extra problems, re-checks, submit, result."""

import datetime as dt
import shutil
import tempfile

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.cases.models import Source, State
from civicgrid.cases.tests.base import photo
from civicgrid.inspections.models import Inspection, ItemPhoto, Round
from civicgrid.inspections.submission import save_item, submit
from civicgrid.inspections.tests.base import D, InspectionTestCase

MEDIA = tempfile.mkdtemp(prefix="civicgrid-media-")
HTMX = {"HTTP_HX_REQUEST": "true"}


@override_settings(MEDIA_ROOT=MEDIA)
class InspectionFormTests(InspectionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        _far, cls.outsider = cls.other_street()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.draft = self.inspection()

    def page(self, inspection=None):
        return reverse("inspections:inspection", args=[(inspection or self.draft).pk])

    def item_url(self, item, inspection=None):
        return reverse("inspections:item", args=[(inspection or self.draft).pk, item.pk])

    def save(self, item, user=None, **data):
        self.login(user or self.duban1)
        return self.client.post(self.item_url(item), data, **HTMX)

    # --- the page -------------------------------------------------------------------------

    def test_the_page_obeys_scope(self):
        self.assert_access(
            self.page(),
            allowed=[self.duban1, self.paiqian, self.shequ1],
            forbidden=[self.huanwei],
            hidden=[self.shequ2, self.outsider],
        )

    def test_the_form_lists_the_sites_items_grouped_by_project_and_content(self):
        self.login(self.duban1)
        r = self.client.get(self.page())
        [(project, contents)] = r.context["groups"]
        [(content, rows)] = contents
        self.assertEqual((project.code, content.code), ("1", "1.1"))
        self.assertEqual([item.code for item, _result in rows], ["1.1.1", "1.1.2", "1.1.3"])
        self.assertContains(r, "1 市容环境")
        self.assertContains(r, "1.1 农贸市场")
        self.assertNotContains(r, "斑马线礼让")
        self.assertContains(r, f'hx-post="{self.item_url(self.ads)}"')
        self.assertContains(r, 'capture="environment"')

    def test_another_person_sees_the_draft_read_only(self):
        self.login(self.duban2)
        r = self.client.get(self.page())
        self.assertFalse(r.context["editable"])
        self.assertNotContains(r, "hx-post")
        self.assertContains(r, "您只能查看")

    # --- saving as you go -----------------------------------------------------------------

    def test_an_item_is_saved_as_soon_as_it_is_marked(self):
        r = self.save(self.scale, verdict="pass")
        self.assertContains(r, "已保存")
        self.assertEqual(self.draft.results.get().verdict, "pass")

    def test_a_failure_keeps_its_count_note_and_photos_with_gps_and_time(self):
        r = self.save(
            self.ads,
            verdict="fail",
            count="2",
            note="只有3处公益广告",
            photos=[photo("a.jpg"), photo("b.jpg")],
            lat="34.7501",
            lng="113.6102",
        )
        self.assertContains(r, "已保存")
        self.assertContains(r, "<img", count=2)
        result = self.draft.results.get()
        self.assertEqual(
            (result.verdict, result.count, result.note), ("fail", 2, "只有3处公益广告")
        )
        photos = list(ItemPhoto.objects.filter(result=result))
        self.assertEqual([(p.lat, p.lng) for p in photos], [(34.7501, 113.6102)] * 2)
        self.assertTrue(all(p.taken_at for p in photos))

    def test_a_reload_shows_the_saved_verdicts(self):
        self.save(self.ads, verdict="fail", count="3", note="缺广告")
        r = self.client.get(self.page())
        self.assertContains(r, 'value="fail" checked')
        self.assertContains(r, 'value="3"')
        self.assertContains(r, 'value="缺广告"')
        self.assertContains(r, "已检查 <strong>1</strong> / 3 项")

    def test_a_failure_counted_per_problem_needs_the_count(self):
        r = self.save(self.ads, verdict="fail")
        self.assertContains(r, "按处数扣分的条目请填写问题处数")
        self.assertFalse(self.draft.results.exists())

    def test_an_item_needs_a_verdict(self):
        r = self.save(self.ads, note="先写说明")
        self.assertContains(r, "请选择合格、不合格或不适用")

    def test_a_photo_that_is_not_an_image_is_refused(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
        r = self.save(self.scale, verdict="fail", photos=[fake])
        self.assertContains(r, "图片")
        self.assertContains(r, "errorlist")
        self.assertFalse(self.draft.results.exists())

    def test_without_javascript_the_item_form_returns_to_the_page(self):
        self.login(self.duban1)
        r = self.client.post(self.item_url(self.scale), {"verdict": "na"})
        self.assertRedirects(r, self.page() + f"#item-{self.scale.pk}")

    def test_only_the_inspector_may_save(self):
        url = self.item_url(self.scale)
        data = {"verdict": "pass"}
        self.assert_status(None, url, 302, "post", data)
        self.assert_status(self.duban2, url, 403, "post", data)
        self.assert_status(self.shequ1, url, 403, "post", data)
        self.assert_status(self.outsider, url, 404, "post", data)
        self.assertFalse(self.draft.results.exists())

    def test_an_item_not_on_the_sites_checklist_is_not_found(self):
        self.assertEqual(self.save(self.road_only, verdict="pass").status_code, 404)

    # --- submitting -----------------------------------------------------------------------

    def test_an_unfinished_checklist_is_not_submitted(self):
        self.save(self.ads, verdict="pass")
        r = self.client.post(reverse("inspections:submit", args=[self.draft.pk]), follow=True)
        self.assertContains(r, "还有 2 项未检查：1.1.2、1.1.3")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Inspection.Status.DRAFT)

    def test_submitting_shows_the_score_each_verdict_and_the_cases_opened(self):
        self.save(self.ads, verdict="fail", count="2", note="只有3处")
        self.save(self.scale, verdict="na")
        self.save(self.stalls, verdict="fail", photos=[photo()])
        r = self.client.post(reverse("inspections:submit", args=[self.draft.pk]), follow=True)
        self.assertContains(r, "已提交：得分 11.00 / 20.00（55.00%），生成 2 个问题案件")
        self.assertContains(r, "55.00%")
        self.assertContains(r, "生成的问题案件（2 个）")
        for result in self.draft.results.filter(verdict="fail"):
            self.assertContains(r, result.case.get_absolute_url())
        self.assertContains(r, "不合格（2 处）")
        self.assertContains(r, "不适用")

    def test_only_the_inspector_may_submit(self):
        url = reverse("inspections:submit", args=[self.draft.pk])
        self.assert_status(self.duban2, url, 403, "post")
        self.assert_status(self.outsider, url, 404, "post")

    def test_a_submitted_inspection_refuses_changes(self):
        for item in (self.ads, self.scale, self.stalls):
            save_item(self.draft, item, "pass")
        submit(self.draft)
        r = self.save(self.ads, verdict="fail", count="1")
        self.assertContains(r, "该检查已提交，不能再修改")

    # --- extra problems -------------------------------------------------------------------

    def test_an_extra_problem_becomes_a_dispatched_case_at_the_site(self):
        self.login(self.duban1)
        r = self.client.post(
            reverse("inspections:problem", args=[self.draft.pk]),
            {
                "problem-category": self.garbage.pk,
                "problem-description": "市场后门垃圾堆积",
                "problem-photos": [photo()],
            },
        )
        self.assertRedirects(r, self.page() + "#extra-problems")
        case = self.draft.extra_cases.get()
        self.assertEqual(
            (case.source, case.state, case.category, case.grid),
            (Source.INSPECTION, State.DISPATCHED, self.garbage, self.market.area),
        )
        self.assertIn("幸福农贸市场：市场后门垃圾堆积", case.description)
        self.assertEqual(case.photos.count(), 1)
        self.assertContains(self.client.get(self.page()), case.number)

    def test_an_extra_problem_needs_a_category_and_a_description(self):
        self.login(self.duban1)
        r = self.client.post(reverse("inspections:problem", args=[self.draft.pk]), {})
        self.assertContains(r, "请选择问题类别", status_code=400)
        self.assertContains(r, "请简要描述问题", status_code=400)

    def test_extra_problems_are_among_the_cases_of_the_result(self):
        self.login(self.duban1)
        self.client.post(
            reverse("inspections:problem", args=[self.draft.pk]),
            {"problem-category": self.garbage.pk, "problem-description": "垃圾"},
        )
        for item in (self.ads, self.scale, self.stalls):
            save_item(self.draft, item, "pass")
        r = self.client.post(reverse("inspections:submit", args=[self.draft.pk]), follow=True)
        self.assertContains(r, "生成的问题案件（1 个）")
        self.assertContains(r, self.draft.extra_cases.get().number)

    # --- re-checking on a later visit -----------------------------------------------------

    def earlier_cases(self):
        """Round 1 found the stalls and the ads failed; the stalls case was handled since."""
        for item, verdict in ((self.ads, "fail"), (self.scale, "pass"), (self.stalls, "fail")):
            save_item(self.draft, item, verdict, count=1)
        submit(self.draft)
        results = self.draft.results
        stalls = results.get(indicator=self.stalls).case
        self.step(stalls, "accept", self.huanwei)
        self.step(stalls, "handle", self.huanwei, photos=[photo()])
        second = Round.objects.create(
            campaign=self.campaign,
            name="第2轮",
            start=dt.date(2026, 11, 30),
            end=dt.date(2026, 12, 6),
        )
        again = Inspection.objects.create(round=second, site=self.market, inspector=self.duban1)
        return again, stalls, results.get(indicator=self.ads).case

    def test_a_new_visit_shows_the_open_cases_of_earlier_visits(self):
        again, stalls, ads = self.earlier_cases()
        self.login(self.duban1)
        r = self.client.get(self.page(again))
        previous = {case.number: case.can_verify for case in r.context["previous"]}
        self.assertEqual(previous, {stalls.number: True, ads.number: False})
        self.assertContains(r, reverse("inspections:verify", args=[again.pk, stalls.number]))
        self.assertNotContains(r, reverse("inspections:verify", args=[again.pk, ads.number]))
        self.assertContains(r, "责任单位尚未反馈处置结果")

    def test_a_handled_case_passes_its_recheck_on_the_spot(self):
        again, stalls, _ads = self.earlier_cases()
        self.login(self.duban1)
        url = reverse("inspections:verify", args=[again.pk, stalls.number])
        r = self.client.post(url, {"action": "verify_pass", "note": "已整改"}, **HTMX)
        self.assertContains(r, "已核查，案件现为“已结案”")
        stalls.refresh_from_db()
        self.assertEqual(stalls.state, State.CLOSED)
        self.assertEqual(stalls.events.last().by, self.duban1)

    def test_a_failed_recheck_needs_a_reason_and_then_sends_it_back(self):
        again, stalls, _ads = self.earlier_cases()
        self.login(self.duban1)
        url = reverse("inspections:verify", args=[again.pk, stalls.number])
        r = self.client.post(url, {"action": "verify_fail"}, **HTMX)
        self.assertContains(r, "请填写理由")
        stalls.refresh_from_db()
        self.assertEqual(stalls.state, State.HANDLED)
        r = self.client.post(url, {"action": "verify_fail", "note": "仍有摊贩"}, **HTMX)
        stalls.refresh_from_db()
        self.assertEqual(stalls.state, State.REWORK)

    def test_a_case_not_yet_handled_answers_with_the_workflows_error(self):
        again, _stalls, ads = self.earlier_cases()
        self.login(self.duban1)
        url = reverse("inspections:verify", args=[again.pk, ads.number])
        r = self.client.post(url, {"action": "verify_pass"}, **HTMX)
        self.assertContains(r, "不能核查通过")

    def test_a_case_from_elsewhere_cannot_be_rechecked_here(self):
        again, _stalls, _ads = self.earlier_cases()
        elsewhere = self.dispatched()
        self.login(self.duban1)
        url = reverse("inspections:verify", args=[again.pk, elsewhere.number])
        self.assertEqual(self.client.post(url, {"action": "verify_pass"}).status_code, 404)

    # --- queries --------------------------------------------------------------------------

    def test_the_form_costs_the_same_queries_for_a_longer_checklist(self):
        for item in (self.ads, self.scale):
            save_item(self.draft, item, "fail", count=1, photos=[photo()])
        self.login(self.duban1)
        self.client.get(self.page())
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.page())
        content = self.ads.parent
        for n in range(5, 15):
            item = self.indicator(f"1.1.{n}", f"条目{n}", parent=content, points=D(1))
            save_item(self.draft, item, "fail", photos=[photo()])
        with CaptureQueriesContext(connection) as many:
            self.client.get(self.page())
        self.assertEqual(len(few), len(many))
