from io import BytesIO

from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from civicgrid.areas.models import Area, Department, Level
from civicgrid.cases import responsibility
from civicgrid.cases.models import Case, ResponsibilityRule
from civicgrid.cases.rules_demo import demo_rules
from civicgrid.cases.rules_transfer import HEADERS
from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.categories.models import Category
from civicgrid.lib.spreadsheets import workbook_bytes
from civicgrid.people.models import Role

MATTER = Category.Kind.MATTER
MATTER_LABEL = str(MATTER.label)
FIELDS = (
    "category_id",
    "category_kind",
    "major_code",
    "area_id",
    "department_id",
    "area_role",
    "note",
)


def rules_now():
    return sorted(ResponsibilityRule.objects.values_list(*FIELDS), key=str)


class RuleTransferTests(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        depts = cls.demo.departments
        cls.street_rule = ResponsibilityRule.objects.create(
            area=cls.street, major_code="06", category_kind=MATTER, department=depts["HW"]
        )
        ResponsibilityRule.objects.create(
            area=cls.street, category=cls.parking, department=depts["JJ"], note="交警负责"
        )
        ResponsibilityRule.objects.create(
            area=cls.demo.community(0), category=cls.garbage, area_role=Role.COMMUNITY
        )
        ResponsibilityRule.objects.create(
            area=cls.street, area_role=Role.COMMUNITY, note="属地兜底"
        )

    def upload(self, rows, user=None):
        self.login(user or self.paiqian)
        content = workbook_bytes("责任清单", HEADERS, rows)
        return self.client.post("/rules/import/", {"file": SimpleUploadedFile("r.xlsx", content)})

    def dept(self, code):
        return self.demo.departments[code].code

    def test_the_export_has_one_row_per_rule_in_scope(self):
        self.login(self.paiqian)
        rows = list(
            load_workbook(BytesIO(self.client.get("/rules/export.xlsx").content)).active.values
        )
        self.assertEqual(list(rows[0]), HEADERS)
        self.assertEqual(len(rows), 5)
        self.assertIn(
            (MATTER_LABEL, "09009", None, self.street.code, self.dept("JJ"), None, "交警负责"), rows
        )
        self.assertIn(
            (MATTER_LABEL, None, "06", self.street.code, self.dept("HW"), None, None), rows
        )
        self.assertIn((None, None, None, self.street.code, None, "社区工作人员", "属地兜底"), rows)

    def test_an_exported_sheet_imports_back_without_changes(self):
        before = rules_now()
        self.login(self.paiqian)
        exported = self.client.get("/rules/export.xlsx").content
        response = self.client.post(
            "/rules/import/", {"file": SimpleUploadedFile("r.xlsx", exported)}
        )
        self.assertRedirects(response, "/rules/")
        self.assertEqual(rules_now(), before)
        self.assertFalse(LogEntry.objects.exists())

    def test_a_row_with_the_same_category_and_area_replaces_the_responsible_unit(self):
        response = self.upload(
            [[MATTER_LABEL, "", "06", self.street.code, self.dept("HJ"), "", "专线负责"]]
        )
        self.assertRedirects(response, "/rules/")
        self.street_rule.refresh_from_db()
        self.assertEqual(
            (self.street_rule.department.code, self.street_rule.note), (self.dept("HJ"), "专线负责")
        )
        self.assertEqual(ResponsibilityRule.objects.count(), 4)
        self.assertEqual(LogEntry.objects.get().user, self.paiqian)

    def test_a_row_with_a_new_key_adds_a_rule_and_keeps_the_others(self):
        community = self.demo.community(1)
        self.upload([["", "09009", "", community.code, "", "网格员", ""]])
        self.assertEqual(ResponsibilityRule.objects.count(), 5)
        added = ResponsibilityRule.objects.get(area=community)
        self.assertEqual((added.category, added.area_role), (self.parking, Role.GRID_WORKER))

    def test_a_sheet_with_errors_imports_nothing_and_names_each_row(self):
        community = self.demo.community(0).code
        response = self.upload(
            [
                [MATTER_LABEL, "09009", "", community, "", "社区工作人员", "正确的一行"],
                [MATTER_LABEL, "99999", "", community, self.dept("CG"), "", ""],
                ["", "", "", "999999999999", self.dept("CG"), "", ""],
                ["", "", "06", community, "NOPE", "", ""],
                ["", "", "06", community, self.dept("CG"), "网格员", ""],
                ["", "", "06", community, "", "", ""],
                ["", "", "06", community, "", "队长", ""],
                ["部件事项", "06010", "", community, "", "网格员", ""],
                [MATTER_LABEL, "09009", "", community, "", "网格员", "重复"],
            ]
        )
        self.assertEqual(response.status_code, 400)
        for text in (
            "第 3 行：类别代码“99999”不存在",
            "第 4 行：区域编码“999999999999”不存在或不在您的管辖范围内",
            "第 5 行：责任部门编码“NOPE”不存在",
            "第 6 行：责任部门编码和责任角色须填且只填一个",
            "第 7 行：责任部门编码和责任角色须填且只填一个",
            "第 8 行：责任角色“队长”不存在",
            "第 9 行：类别种类“部件事项”不存在",
            "第 10 行：与第 2 行的类别和区域相同",
        ):
            self.assertContains(response, text, status_code=400)
        self.assertEqual(ResponsibilityRule.objects.count(), 4)

    def test_an_area_outside_the_importers_scope_is_an_error(self):
        district = self.street.parent
        response = self.upload([["", "", "", district.code, "", "社区工作人员", ""]])
        self.assertContains(response, "不在您的管辖范围内", status_code=400)
        self.assertEqual(ResponsibilityRule.objects.count(), 4)

    def test_a_department_of_another_street_is_an_error(self):
        other = Area(
            level=Level.STREET,
            parent=self.street.parent,
            code=self.street.parent.code + "099",
            name="外街道",
        )
        other.save()
        Department.objects.create(code="OTHER-CG", name="外街道城管", street=other)
        response = self.upload([["", "", "06", self.street.code, "OTHER-CG", "", ""]])
        self.assertContains(response, "不服务于", status_code=400)

    def test_people_without_rules_change_cannot_import(self):
        response = self.upload(
            [["", "", "", self.street.code, "", "社区工作人员", ""]], self.lingdao
        )
        self.assertEqual(response.status_code, 403)


class DemoRulesTests(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for code, major, major_name, name in [
            ("09006", "09", "街面秩序类", "占道经营"),
            ("07001", "07", "宣传广告类", "非法小广告"),
            ("08004", "08", "施工管理类", "工地扬尘"),
        ]:
            Category.objects.create(
                kind=MATTER, code=code, major_code=major, major_name=major_name, name=name
            )
        cls.rules = demo_rules(cls.street, cls.demo.departments)

    def who(self, code, grid):
        case = Case(category=Category.objects.get(kind=MATTER, code=code), area_path=grid.path)
        responsibility.propose(case, responsibility.resolve(case))
        if case.responsible_department_id:
            return case.responsible_department.code.split("-")[-1]
        return (case.responsible_area, case.responsible_role)

    def test_the_demo_list_answers_as_a_street_office_would(self):
        grid = self.demo.grid(1, 0)
        self.assertEqual(self.who("06010", grid), "HW")
        self.assertEqual(self.who("07001", grid), "CG")
        self.assertEqual(self.who("08004", grid), "ZJ")
        self.assertEqual(self.who("09006", grid), "CG")
        self.assertEqual(self.who("09009", grid), "JJ")

    def test_stalls_in_the_first_community_go_to_its_community_staff(self):
        community = self.demo.community(0)
        self.assertEqual(self.who("09006", self.demo.grid(0, 1)), (community, Role.COMMUNITY))

    def test_running_it_twice_changes_nothing(self):
        before = rules_now()
        demo_rules(self.street, self.demo.departments)
        self.assertEqual(rules_now(), before)
