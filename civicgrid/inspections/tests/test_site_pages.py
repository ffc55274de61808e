"""The 点位 pages: list and filters, the site page, create and edit, Excel in and out."""

import shutil
import tempfile
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from civicgrid.campaigns.models import PointType
from civicgrid.cases import workflow
from civicgrid.cases.models import State
from civicgrid.inspections.models import Inspection, Round, Site
from civicgrid.inspections.sites_transfer import HEADERS
from civicgrid.inspections.submission import save_item, submit
from civicgrid.inspections.tests.base import D, InspectionTestCase
from civicgrid.people.authz import Authz

MEDIA = tempfile.mkdtemp(prefix="civicgrid-media-")


def xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("点位.xlsx", out.getvalue())


@override_settings(MEDIA_ROOT=MEDIA)
class SitePageTests(InspectionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.far_street, cls.outsider = cls.other_street()
        cls.far_site = Site.objects.create(
            name="外街道广场", point_type=PointType.SQUARE, area=cls.far_street
        )
        cls.road = Site.objects.create(
            name="人民路", point_type=PointType.MAIN_ROAD, area=cls.demo.grid(1, 0)
        )

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def url(self, site=None):
        return reverse("inspections:site", args=[(site or self.market).pk])

    # --- list -----------------------------------------------------------------------------

    def test_the_list_is_for_people_who_may_view_sites(self):
        url = reverse("inspections:sites")
        self.assert_access(
            url, allowed=[self.duban1, self.paiqian, self.shequ1], forbidden=[self.huanwei]
        )

    def test_a_community_sees_only_the_sites_in_its_community(self):
        self.login(self.shequ2)
        r = self.client.get(reverse("inspections:sites"))
        self.assertContains(r, "人民路")
        self.assertNotContains(r, "幸福农贸市场")
        self.assertNotContains(r, "外街道广场")

    def test_the_list_filters_by_type_area_and_name(self):
        self.login(self.duban1)
        url = reverse("inspections:sites")
        r = self.client.get(url, {"point_type": PointType.MAIN_ROAD})
        self.assertContains(r, "人民路")
        self.assertNotContains(r, "幸福农贸市场")
        r = self.client.get(url, {"area": self.demo.community(0).code})
        self.assertContains(r, "幸福农贸市场")
        self.assertNotContains(r, "人民路")
        r = self.client.get(url, {"q": "人民"})
        self.assertContains(r, "人民路")
        self.assertNotContains(r, "幸福农贸市场")

    def test_an_area_outside_scope_matches_no_site(self):
        self.login(self.duban1)
        r = self.client.get(reverse("inspections:sites"), {"area": self.far_street.code})
        self.assertContains(r, "没有符合条件的点位")

    def test_inactive_sites_are_left_out_unless_asked_for(self):
        Site.objects.filter(pk=self.road.pk).update(is_active=False)
        self.login(self.duban1)
        url = reverse("inspections:sites")
        self.assertNotContains(self.client.get(url), "人民路")
        self.assertContains(self.client.get(url, {"inactive": "on"}), "人民路")

    def test_the_list_costs_the_same_queries_for_many_sites(self):
        self.login(self.duban1)
        url = reverse("inspections:sites")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        grid = self.demo.grid(2, 0)
        for n in range(20):
            site = Site.objects.create(name=f"小区{n}", point_type=PointType.RESIDENTIAL, area=grid)
            self.submitted(site, self.round_n(n))
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(few), len(many))

    # --- the site page --------------------------------------------------------------------

    def test_the_site_page_obeys_scope(self):
        self.assert_access(
            self.url(),
            allowed=[self.duban1, self.paiqian, self.shequ1],
            forbidden=[self.huanwei],
            hidden=[self.shequ2, self.outsider],
        )

    def test_the_site_page_shows_the_score_history_with_its_trend(self):
        self.submitted(self.market, self.round, fail=("ads", "stalls"))
        self.submitted(self.market, self.round_n(2))
        self.login(self.duban1)
        r = self.client.get(self.url())
        history = r.context["history"]
        self.assertEqual([i.percentage for i, _change in history], [D("100.00"), D("65.00")])
        self.assertEqual(history[0][1], D("35.00"))
        self.assertContains(r, "↑ 35.00")

    def test_the_site_page_shows_the_open_cases_found_there(self):
        self.submitted(self.market, self.round, fail=("ads", "stalls"))
        results = Inspection.objects.get().results
        ads, stalls = (results.get(indicator=item).case for item in (self.ads, self.stalls))
        system = Authz.for_automation(self.paiqian)
        workflow.take(stalls, "close_special", system, note="已整治", closure="special")
        self.login(self.duban1)
        r = self.client.get(self.url())
        self.assertEqual([c.number for c in r.context["cases"]], [ads.number])
        self.assertEqual(stalls.state, State.CLOSED)

    def test_a_draft_inspection_is_not_in_the_history(self):
        Inspection.objects.create(round=self.round, site=self.market, inspector=self.duban1)
        self.login(self.duban1)
        self.assertEqual(self.client.get(self.url()).context["history"], [])

    # --- create and edit ------------------------------------------------------------------

    def test_creating_a_site_needs_sites_change(self):
        self.assert_access(
            reverse("inspections:site-new"), allowed=[self.paiqian], forbidden=[self.duban1]
        )

    def test_an_admin_adds_a_site(self):
        self.login(self.paiqian)
        grid = self.demo.grid(1, 1)
        r = self.client.post(
            reverse("inspections:site-new"),
            {
                "name": "青年公园",
                "point_type": PointType.PARK,
                "area": grid.pk,
                "lat": grid.centre_lat,
                "lng": grid.centre_lng,
                "address": "青年路8号",
                "is_active": "on",
            },
        )
        site = Site.objects.get(name="青年公园")
        self.assertRedirects(r, self.url(site))
        self.assertEqual(site.area_path, grid.path)

    def test_a_site_cannot_be_put_outside_the_persons_scope(self):
        self.login(self.paiqian)
        r = self.client.post(
            reverse("inspections:site-new"),
            {"name": "越界", "point_type": PointType.PARK, "area": self.far_street.pk},
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "不在您可修改的范围内", status_code=400)

    def test_half_a_position_is_refused(self):
        self.login(self.paiqian)
        r = self.client.post(
            reverse("inspections:site-new"),
            {
                "name": "半坐标",
                "point_type": PointType.PARK,
                "area": self.demo.grid(0, 1).pk,
                "lat": 34.7,
            },
        )
        self.assertContains(r, "纬度和经度须同时填写", status_code=400)

    def test_editing_obeys_scope(self):
        url = reverse("inspections:site-edit", args=[self.market.pk])
        self.assert_access(url, allowed=[self.paiqian], forbidden=[self.duban1, self.shequ1])
        far = reverse("inspections:site-edit", args=[self.far_site.pk])
        self.assert_status(self.paiqian, far, 404)

    def test_an_admin_renames_a_site(self):
        self.login(self.paiqian)
        r = self.client.post(
            reverse("inspections:site-edit", args=[self.market.pk]),
            {
                "name": "幸福综合市场",
                "point_type": PointType.FARMERS_MARKET,
                "area": self.market.area_id,
                "is_active": "on",
            },
        )
        self.assertRedirects(r, self.url())
        self.market.refresh_from_db()
        self.assertEqual(self.market.name, "幸福综合市场")

    # --- Excel ----------------------------------------------------------------------------

    def test_the_export_lists_the_sites_in_scope(self):
        self.assert_access(
            reverse("inspections:sites-export"), allowed=[self.duban1], forbidden=[self.huanwei]
        )
        self.login(self.shequ2)
        r = self.client.get(reverse("inspections:sites-export"))
        sheet = load_workbook(BytesIO(r.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), HEADERS)
        self.assertEqual(
            [row[:3] for row in rows[1:]], [("人民路", "主次干道", self.road.area.code)]
        )

    def test_importing_needs_sites_change(self):
        self.assert_access(
            reverse("inspections:sites-import"), allowed=[self.paiqian], forbidden=[self.duban1]
        )

    def import_rows(self, rows):
        self.login(self.paiqian)
        return self.client.post(reverse("inspections:sites-import"), {"file": xlsx(rows)})

    def test_an_import_adds_new_sites_and_updates_known_ones(self):
        hw = self.demo.departments["HW"]
        grid = self.demo.grid(0, 0)
        r = self.import_rows(
            [
                ["幸福农贸市场", "农贸市场", grid.code, 34.75, 113.62, "幸福路2号", hw.code],
                ["东风公厕", "公共厕所", grid.code, None, None, "", ""],
            ]
        )
        self.assertRedirects(r, reverse("inspections:sites"))
        self.market.refresh_from_db()
        self.assertEqual((self.market.address, self.market.department), ("幸福路2号", hw))
        toilet = Site.objects.get(name="东风公厕")
        self.assertEqual((toilet.point_type, toilet.lat), (PointType.PUBLIC_TOILET, None))

    def test_an_import_with_any_error_imports_nothing_and_says_why(self):
        grid = self.demo.grid(0, 0)
        r = self.import_rows(
            [
                ["新公园", "公园", grid.code, 34.7, 113.6, "", ""],
                ["", "菜场", "000", "北纬", 113.6, "", "NOPE"],
                ["越界广场", "公共广场", self.far_street.code, None, None, "", ""],
                ["半坐标", "公园", grid.code, 34.7, None, "", ""],
                ["新公园", "公园", grid.code, None, None, "", ""],
            ]
        )
        self.assertEqual(r.status_code, 400)
        errors = r.context["errors"]
        for text in [
            "第 3 行：名称不能为空",
            "第 3 行：点位类型“菜场”不存在",
            "第 3 行：区域编码“000”不存在",
            "第 3 行：纬度和经度须为数字",
            "第 3 行：责任单位编码“NOPE”不存在",
            f"第 4 行：区域编码“{self.far_street.code}”不存在或不在您的管辖范围内",
            "第 5 行：纬度和经度须同时填写",
            "第 6 行：与第 2 行的名称和区域相同",
        ]:
            self.assertTrue(any(e.startswith(text) for e in errors), (text, errors))
        self.assertFalse(Site.objects.filter(name="新公园").exists())

    def test_a_file_without_the_columns_is_refused(self):
        self.login(self.paiqian)
        r = self.client.post(
            reverse("inspections:sites-import"), {"file": xlsx([["x"]], headers=["名字"])}
        )
        self.assertContains(r, "缺少列：名称、点位类型、区域编码", status_code=400)

    def test_an_export_imports_back_unchanged(self):
        self.login(self.paiqian)
        exported = self.client.get(reverse("inspections:sites-export")).content
        before = list(Site.objects.order_by("pk").values())
        r = self.client.post(
            reverse("inspections:sites-import"),
            {"file": SimpleUploadedFile("点位.xlsx", exported)},
        )
        self.assertRedirects(r, reverse("inspections:sites"))
        after = list(Site.objects.order_by("pk").values())
        for old, new in zip(before, after, strict=True):
            for field in ("lat", "lng"):
                if old[field] is not None:
                    self.assertAlmostEqual(old.pop(field), new.pop(field), places=6)
            self.assertEqual(new, old)

    # --- helpers --------------------------------------------------------------------------

    def round_n(self, n):
        return Round.objects.create(
            campaign=self.campaign, name=f"第{n}轮", start=self.round.start, end=self.round.end
        )

    def submitted(self, site, round, fail=()):
        inspection = Inspection.objects.create(round=round, site=site, inspector=self.duban1)
        for name in ("ads", "scale", "stalls"):
            item = getattr(self, name)
            verdict = "fail" if name in fail else "pass"
            save_item(inspection, item, verdict, count=1 if verdict == "fail" else 0)
        if site.point_type == PointType.MAIN_ROAD:
            save_item(inspection, self.road_only, "pass")
        submit(inspection)
        return inspection
