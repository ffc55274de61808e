from datetime import datetime
from io import BytesIO
from xml.etree import ElementTree

import segno
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.ledgers.models import Response
from civicgrid.ledgers.surveys_views import QR_ERROR, QR_SVG
from civicgrid.ledgers.tests.survey_base import SurveyTestCase
from civicgrid.lib.spreadsheets import XLSX


class ExportTests(SurveyTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.lingdao)
        moment = datetime(2026, 5, 6, 9, 30, tzinfo=timezone.get_current_timezone())
        rows = [
            self.respond(0, q_known="知道", q_topics=["环境卫生", "交通秩序"], q_clean=5),
            self.respond(1, q_known="不知道", q_clean=2, q_advice="路灯坏了"),
        ]
        for row in rows:
            Response.objects.filter(pk=row.pk).update(
                submitted_at=moment, device="d" * 32, phone_hash="f" * 64
            )

    def workbook(self, query=""):
        r = self.client.get(f"/surveys/{self.survey.pk}/export.xlsx{query}")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], XLSX)
        self.assertIn("attachment", r["Content-Disposition"])
        return load_workbook(BytesIO(r.content))

    def test_the_answers_sheet_has_one_row_per_response_and_a_column_per_question(self):
        sheet = self.workbook()["答卷"]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(
            rows[0],
            ["序号", "提交时间", "社区"]
            + [f"{q.order}. {q.text}" for q in self.survey.questions.all()],
        )
        self.assertEqual(
            rows[1],
            [1, "2026-05-06 09:30", "幸福社区", "知道", "环境卫生、交通秩序", "5", None, None],
        )
        self.assertEqual(rows[2][:4], [2, "2026-05-06 09:30", "和平社区", "不知道"])
        self.assertEqual(rows[2][-1], "路灯坏了")
        self.assertEqual(len(rows), 3)

    def test_the_export_carries_no_device_or_phone(self):
        book = self.workbook()
        cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
        self.assertFalse(any("d" * 32 in v or "f" * 64 in v for v in cells))

    def test_the_summary_sheet_has_the_rates_per_community_and_per_question(self):
        sheet = self.workbook()["汇总"]
        rows = [list(r) for r in sheet.iter_rows(max_col=6, values_only=True)]
        five = [r[:5] for r in rows]
        self.assertEqual(rows[0][0], "创城知晓率满意率调查")
        self.assertIn(["答卷数", 2], [r[:2] for r in rows])
        self.assertIn(["知晓率", "50.0%"], [r[:2] for r in rows])
        self.assertIn(["满意率", "50.0%"], [r[:2] for r in rows])
        self.assertIn(["幸福社区", 1, None, "100.0%", "100.0%"], five)
        self.assertIn(["和平社区", 1, None, "0.0%", "0.0%"], five)
        self.assertIn(["团结社区", 0, None, None, None], five)
        known = [r for r in rows if r[0] == self.q_known.text][0]
        self.assertEqual(known, [self.q_known.text, "单选", 2, None, "50.0%", None])
        self.assertIn(["　知道", None, 1, "50.0%", None, None], rows)
        self.assertIn(["　5", None, 1, "50.0%", None, None], rows)

    def test_the_export_follows_the_filters(self):
        community = self.demo.community(1).pk
        sheet = self.workbook(f"?community={community}")["答卷"]
        self.assertEqual(sheet.max_row, 2)
        self.assertEqual(sheet.cell(2, 3).value, "和平社区")


class QrCodeTests(SurveyTestCase):
    @override_settings(SITE_ROOT="https://grid.example.cn/")
    def test_the_qr_code_is_an_svg_of_the_public_answering_url(self):
        self.login(self.paiqian)
        r = self.client.get(f"/surveys/{self.survey.pk}/qr.svg")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "image/svg+xml")
        root = ElementTree.fromstring(r.content)
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
        expected = BytesIO()
        segno.make("https://grid.example.cn/s/chuangcheng/", error=QR_ERROR).save(
            expected, **QR_SVG
        )
        self.assertEqual(r.content, expected.getvalue())
        other = BytesIO()
        segno.make("https://grid.example.cn/s/other/", error=QR_ERROR).save(other, **QR_SVG)
        self.assertNotEqual(r.content, other.getvalue())

    def test_the_poster_shows_the_street_the_title_the_code_and_the_link(self):
        self.login(self.lingdao)
        r = self.client.get(f"/surveys/{self.survey.pk}/poster")
        self.assertContains(r, "新城街道")
        self.assertContains(r, self.survey.title)
        self.assertContains(r, f'src="/surveys/{self.survey.pk}/qr.svg"')
        self.assertContains(r, "http://127.0.0.1:8000/s/chuangcheng/")
        self.assertContains(r, "@media print")
