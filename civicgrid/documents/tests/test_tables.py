"""The Excel documents: the 问题清单, the 责任清单 and the ranking tables, opened with openpyxl."""

import datetime as dt

from civicgrid.areas.models import Area, Level
from civicgrid.cases import export, rules_transfer
from civicgrid.cases.models import Case, ResponsibilityRule
from civicgrid.documents.tests.base import DocumentTestCase
from civicgrid.people.models import Role
from civicgrid.scoring.models import Score, Unit


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class ExcelDocumentTests(DocumentTestCase):
    def test_the_problem_list_has_the_export_columns_and_the_cases_of_the_dates(self):
        document = self.generate("cases", start=self.period.start, end=self.period.end)
        self.assertEqual(document.title, "新城街道问题清单（2026-11-23至2026-11-29）")
        sheet = self.workbook(document).active
        self.assertEqual(sheet.title, "问题清单")
        table = values(sheet)
        self.assertEqual(table[0], export.headers())
        cases = Case.objects.order_by("created_at", "pk")
        self.assertEqual([r[0] for r in table[1:]], [c.number for c in cases])
        self.assertEqual(len(table) - 1, 5)

    def test_the_problem_list_leaves_out_cases_reported_on_other_days(self):
        monday = dt.date(2026, 11, 23)
        table = values(self.workbook(self.generate("cases", start=monday, end=monday)).active)
        reported = Case.objects.filter(created_at__date=monday).order_by("created_at", "pk")
        self.assertEqual([r[0] for r in table[1:]], [c.number for c in reported])
        self.assertEqual(len(table) - 1, 4)  # the inspection's case came on Wednesday

    def test_the_responsibility_list_has_the_rules_that_apply_in_the_street(self):
        hw = self.demo.departments["HW"]
        on_street = ResponsibilityRule.objects.create(
            category=self.garbage, area=self.street, department=hw
        )
        on_community = ResponsibilityRule.objects.create(
            category_kind="matter",
            major_code="09",
            area=self.demo.community(0),
            area_role=Role.COMMUNITY,
        )
        above = ResponsibilityRule.objects.create(
            area=self.street.parent, area_role=Role.GRID_WORKER
        )
        far = Area.objects.create(
            level=Level.STREET,
            parent=self.street.parent,
            code=self.street.code[:6] + "995",
            name="远街道",
        )
        ResponsibilityRule.objects.create(category=self.parking, area=far, area_role=Role.COMMUNITY)
        document = self.generate("rules")
        self.assertEqual(document.title, "新城街道责任清单")
        table = values(self.workbook(document).active)
        self.assertEqual(table[0], rules_transfer.HEADERS)
        codes = [r[3] for r in table[1:]]
        self.assertEqual(codes, [above.area.code, on_street.area.code, on_community.area.code])
        self.assertEqual(table[2][1], "06010")
        self.assertEqual(table[3][2], "09")

    def test_the_ranking_workbook_has_a_sheet_per_unit_kind_in_rank_order(self):
        book = self.workbook(self.generate("ranking"))
        self.assertEqual(book.sheetnames, ["社区", "网格", "街道", "部门"])
        table = values(book["社区"])
        self.assertEqual(table[0][:5], ["排名", "名称", "综合指标值", "等级", "较上期"])
        scores = Score.objects.filter(period=self.period, unit=Unit.COMMUNITY)
        ranked = sorted((s for s in scores if s.rank), key=lambda s: s.rank)
        unranked = sorted((s for s in scores if not s.rank), key=lambda s: s.name)
        self.assertEqual(
            [(r[0], r[1]) for r in table[1:]], [(s.rank, s.name) for s in ranked + unranked]
        )
        self.assertEqual(
            len(values(book["部门"])) - 1,
            Score.objects.filter(period=self.period, unit=Unit.DEPARTMENT).count(),
        )
