"""A ledger's entries to Excel and back: the columns, the round trip, row errors in
Chinese and nothing imported on any error."""

import datetime as dt
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from civicgrid.ledgers.models import LedgerEntry
from civicgrid.ledgers.tests.ledger_base import LedgerTestCase
from civicgrid.lib.spreadsheets import XLSX

HEADERS = ["区域编码", "日期", "讲座主题", "主讲人", "参加人数", "地点", "记录编号"]


def sheet(*rows, headers=HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(list(row))
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("讲座.xlsx", out.getvalue(), content_type=XLSX)


class ExportTests(LedgerTestCase):
    def exported(self, user, ledger=None, **params):
        self.login(user)
        ledger = ledger or self.lectures
        response = self.client.get(f"/ledgers/types/{ledger.pk}/export.xlsx", params)
        self.assertEqual(response.status_code, 200)
        return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))

    def test_the_columns_are_area_code_date_then_each_fields_label(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        rows = self.exported(self.paiqian)
        self.assertEqual(list(rows[0]), HEADERS)
        self.assertEqual(
            list(rows[1]),
            [
                self.demo.grid(0, 0).code,
                dt.datetime(2026, 3, 5),
                "控烟与健康",
                "李医生",
                40,
                None,
                entry.pk,
            ],
        )

    def test_the_export_follows_the_filters_and_the_persons_scope(self):
        self.entry(area=self.demo.grid(0, 0), day=dt.date(2026, 3, 5))
        self.entry(area=self.demo.grid(3, 0), day=dt.date(2026, 3, 6), by=self.paiqian)
        self.assertEqual(len(self.exported(self.wangge01)), 2)
        self.assertEqual(len(self.exported(self.paiqian, start="2026-03-06")), 2)
        self.assertEqual(len(self.exported(self.paiqian)), 3)

    def test_a_leader_exports_masked_parties(self):
        self.entry(self.disputes, kind="其他", parties="张三、李四", outcome="已化解")
        rows = self.exported(self.lingdao, self.disputes)
        self.assertIn("张**、李**", rows[1])

    def test_access_to_the_export(self):
        url = f"/ledgers/types/{self.lectures.pk}/export.xlsx"
        self.assert_access(
            url,
            allowed=[self.lingdao, self.wangge01],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )


class ImportTests(LedgerTestCase):
    url = property(lambda self: f"/ledgers/types/{self.lectures.pk}/import")

    def upload(self, upload, user=None):
        self.login(user or self.shequ1)
        return self.client.post(self.url, {"file": upload})

    def test_rows_are_added_with_their_history(self):
        grid = self.demo.grid(0, 1).code
        response = self.upload(
            sheet(
                [grid, dt.datetime(2026, 3, 5), "控烟与健康", "李医生", 45, "活动室", None],
                [grid, "2026/3/12", "合理膳食", "王主任", "60", None, None],
            )
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(LedgerEntry.objects.order_by("date").values_list("date", "values")),
            [
                (
                    dt.date(2026, 3, 5),
                    {
                        "title": "控烟与健康",
                        "speaker": "李医生",
                        "attendees": 45,
                        "place": "活动室",
                    },
                ),
                (dt.date(2026, 3, 12), {"title": "合理膳食", "speaker": "王主任", "attendees": 60}),
            ],
        )
        self.assertEqual(LedgerEntry.objects.filter(changes__before={}).count(), 2)

    def test_an_exported_sheet_imports_back_and_updates_what_was_changed(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        self.login(self.shequ1)
        exported = self.client.get(f"/ledgers/types/{self.lectures.pk}/export.xlsx").content
        book = load_workbook(BytesIO(exported))
        book.active["E2"] = 52
        out = BytesIO()
        book.save(out)
        response = self.upload(SimpleUploadedFile("讲座.xlsx", out.getvalue(), content_type=XLSX))
        self.assertEqual(response.status_code, 302)
        entry.refresh_from_db()
        self.assertEqual(entry.values["attendees"], 52)
        self.assertEqual(LedgerEntry.objects.count(), 1)
        self.assertEqual(entry.changes.last().before["values"]["attendees"], 40)

    def test_an_unchanged_sheet_changes_nothing(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        self.login(self.shequ1)
        exported = self.client.get(f"/ledgers/types/{self.lectures.pk}/export.xlsx").content
        self.upload(SimpleUploadedFile("讲座.xlsx", exported, content_type=XLSX))
        self.assertEqual(entry.changes.count(), 1)

    def test_row_errors_say_the_row_and_what_is_wrong_and_nothing_is_imported(self):
        grid = self.demo.grid(0, 0).code
        response = self.upload(
            sheet(
                [grid, "2026-03-05", "控烟与健康", "李医生", 45, None, None],
                [grid, "明天", "合理膳食", "王主任", "很多", None, None],
                ["999", "2026-03-05", "", "王主任", 3, None, None],
                [grid, "2026-03-05", "控烟", "李医生", 3, None, 999999],
            )
        )
        self.assertEqual(response.status_code, 400)
        errors = response.context["errors"]
        self.assertIn("第 3 行：日期应为日期，如 2026-03-15。", errors)
        self.assertIn("第 3 行：“参加人数”应为数字，如 12 或 3.5。", errors)
        self.assertIn("第 4 行：请填写“讲座主题”。", errors)
        self.assertTrue(any(e.startswith("第 4 行：区域编码“999”不在") for e in errors))
        self.assertTrue(
            any(e.startswith("第 5 行：记录编号“999999”不是本台账的记录") for e in errors)
        )
        self.assertFalse(LedgerEntry.objects.exists())

    def test_a_missing_column_is_named(self):
        response = self.upload(sheet(headers=["区域编码", "日期", "讲座主题"]))
        self.assertContains(response, "缺少列：主讲人、参加人数、地点。", status_code=400)

    def test_a_grid_worker_cannot_import_into_another_grid_or_update_an_entry_there(self):
        other = self.entry(area=self.demo.grid(3, 0), by=self.paiqian)
        response = self.upload(
            sheet([self.demo.grid(3, 0).code, "2026-03-05", "控烟", "李医生", 3, None, other.pk]),
            user=self.wangge01,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(response.context["errors"]), 2)

    def test_access_to_the_import(self):
        self.assert_access(
            self.url,
            allowed=[self.wangge01, self.shequ1],
            forbidden=[self.lingdao, self.nobody],
            hidden=[self.outsider],
        )
