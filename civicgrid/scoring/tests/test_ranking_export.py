"""The ranking table in Excel: one sheet per kind of unit, the page's columns, the person's rows."""

from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from civicgrid.scoring.models import Unit
from civicgrid.scoring.tests.pages_base import ScoringTestCase


class RankingExportTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.computed()

    def workbook(self, user):
        self.login(user)
        r = self.client.get(reverse("scoring:period-export", args=[self.period.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment;", r["Content-Disposition"])
        return load_workbook(BytesIO(r.content))

    def test_each_kind_of_unit_has_its_sheet(self):
        book = self.workbook(self.lingdao)
        self.assertEqual(book.sheetnames, ["社区", "网格", "街道", "部门"])

    def test_the_columns_are_the_pages(self):
        sheet = self.workbook(self.lingdao)["社区"]
        headers = [cell.value for cell in sheet[1]]
        self.assertEqual(
            headers[:12],
            [
                "排名",
                "名称",
                "综合指标值",
                "等级",
                "较上期",
                "结案率",
                "按期结案率",
                "按期处置率",
                "返工率",
                "监督举报率",
                "满意率",
                "检查得分",
            ],
        )
        self.assertEqual(
            headers[12:],
            [
                "立案数",
                "监督举报核实数",
                "应结案数",
                "结案数",
                "按期结案数",
                "按期处置数",
                "返工数",
                "评价数",
                "满意数",
            ],
        )

    def test_the_rows_hold_the_scores_figures_in_rank_order(self):
        sheet = self.workbook(self.lingdao)["社区"]
        first = self.score(Unit.COMMUNITY, self.demo.community(0))
        values = [cell.value for cell in sheet[2]]
        self.assertEqual(values[:4], [1, first.name, float(first.index), first.grade])
        self.assertEqual(Decimal(str(values[5])), Decimal(first.rates["closure_rate"]))
        self.assertEqual(Decimal(str(values[11])), Decimal(first.rates["inspection"]))
        self.assertEqual(values[14], first.counts["due"])
        self.assertEqual(sheet.cell(3, 2).value, self.demo.community(1).name)
        self.assertEqual(sheet.max_row, 1 + len(self.demo.communities))

    def test_a_community_worker_exports_only_their_rows(self):
        book = self.workbook(self.shequ1)
        self.assertEqual(book.sheetnames, ["社区", "网格"])
        self.assertEqual(book["社区"].max_row, 2)
        self.assertEqual(book["网格"].max_row, 1 + 5)
