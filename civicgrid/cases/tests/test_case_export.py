"""The 问题清单 in Excel: the list's filters, the officials' columns, large files in the background."""

import shutil
import tempfile
from io import BytesIO
from unittest import mock

from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.campaigns import evidence
from civicgrid.cases.models import Case
from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.demo.testing import run_worker

MEDIA = tempfile.mkdtemp(prefix="civicgrid-media-")
HEADERS = [
    "案件编号",
    "上报时间",
    "地点",
    "社区",
    "网格",
    "类别",
    "问题描述",
    "责任单位",
    "处置期限",
    "状态",
    "结案时间",
    "是否超期",
]


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(BytesIO(content)).active
    return [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@override_settings(MEDIA_ROOT=MEDIA)
class CaseExportTests(CaseTestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def export(self, user, **params):
        return self.assert_status(user, "/cases/export.xlsx", 200, data=params)

    def run_the_worker(self):
        run_worker()

    def test_the_export_is_for_signed_in_people(self):
        self.assert_access(
            "/cases/export.xlsx", allowed=[self.paiqian, self.wangge01, self.huanwei]
        )

    def test_the_file_lists_the_cases_with_the_columns_officials_use(self):
        dispatched = self.dispatched(address="建设路 12 号")
        Case.objects.filter(pk=dispatched.pk).update(is_overdue=True)
        dispatched.refresh_from_db()
        closed = self.report(category=self.parking)
        self.step(closed, "reject", self.paiqian, note="误报")
        closed.refresh_from_db()
        rows = sheet_rows(self.export(self.paiqian).content)
        self.assertEqual(rows[0], HEADERS)
        community, grid = self.demo.community(0).name, self.demo.grid(0, 0).name
        self.assertEqual(
            rows[1:],
            [
                [
                    closed.number,
                    local(closed.created_at),
                    "",
                    community,
                    grid,
                    "09009 机动车乱停放",
                    "路边有一堆垃圾",
                    "",
                    "",
                    "不予立案",
                    local(closed.closed_at),
                    "否",
                ],
                [
                    dispatched.number,
                    local(dispatched.created_at),
                    "建设路 12 号",
                    community,
                    grid,
                    "06010 暴露垃圾",
                    "路边有一堆垃圾",
                    "环卫所",
                    local(dispatched.deadline),
                    "已派遣",
                    "",
                    "是",
                ],
            ],
        )

    def test_the_export_takes_the_same_filters_as_the_list(self):
        self.report()
        parking = self.report(category=self.parking)
        rows = sheet_rows(self.export(self.paiqian, category="09009").content)
        self.assertEqual([r[0] for r in rows[1:]], [parking.number])

    def test_the_export_holds_only_the_persons_cases(self):
        mine = self.report()
        self.report(grid=self.demo.grid(1, 0), by=self.zhang)
        rows = sheet_rows(self.export(self.shequ1).content)
        self.assertEqual([r[0] for r in rows[1:]], [mine.number])

    def test_an_area_out_of_scope_is_not_found(self):
        code = self.demo.community(0).code
        self.assert_status(self.shequ2, "/cases/export.xlsx", 404, data={"area": code})

    def test_bad_filters_are_refused_rather_than_exporting_everything(self):
        self.assert_status(self.paiqian, "/cases/export.xlsx", 400, data={"created_from": "soon"})

    def test_a_large_export_is_built_in_the_background_and_then_downloaded(self):
        cases = [self.report(), self.report(), self.report(category=self.parking)]
        self.login(self.paiqian)
        with mock.patch("civicgrid.cases.export.DIRECT_LIMIT", 1):
            response = self.client.get("/cases/export.xlsx", {"state": "reported"})
        self.assertEqual(response.status_code, 302)
        status_url = response["Location"]
        waiting = self.client.get(status_url)
        self.assertContains(waiting, "生成中")
        self.assertContains(waiting, 'hx-trigger="every 2s"')

        self.run_the_worker()

        ready = self.client.get(status_url, headers={"HX-Request": "true"})
        self.assertContains(ready, "下载 Excel")
        self.assertNotContains(ready, "<html")
        download = self.client.get(ready.context["download"])
        self.assertEqual(download.status_code, 200)
        rows = sheet_rows(b"".join(download.streaming_content))
        self.assertEqual(rows[0], HEADERS)
        self.assertEqual([r[0] for r in rows[1:]], [c.number for c in reversed(cases)])

    def test_without_a_worker_that_reports_back_a_large_export_is_answered_at_once(self):
        immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        cases = [self.report(), self.report()]
        with (
            override_settings(TASKS=immediate),
            mock.patch("civicgrid.cases.export.DIRECT_LIMIT", 1),
        ):
            response = self.export(self.paiqian)
        rows = sheet_rows(response.content)
        self.assertEqual([r[0] for r in rows[1:]], [c.number for c in reversed(cases)])

    def test_someone_elses_export_is_not_found(self):
        self.report()
        self.report()
        self.login(self.paiqian)
        with mock.patch("civicgrid.cases.export.DIRECT_LIMIT", 1):
            status_url = self.client.get("/cases/export.xlsx")["Location"]
        self.assert_status(self.lingdao, status_url, 404)
        self.assert_status(self.lingdao, status_url + "file", 404)
        self.assert_status(self.paiqian, "/cases/exports/not-a-task/", 404)

    def test_the_id_of_another_kind_of_background_job_is_not_found_either(self):
        other = evidence.build_zip.enqueue(self.paiqian.pk, 1)
        self.assert_status(self.paiqian, f"/cases/exports/{other.id}/", 404)
        self.assert_status(self.paiqian, f"/cases/exports/{other.id}/file", 404)
