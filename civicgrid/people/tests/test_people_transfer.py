from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from civicgrid.demo.testing import DemoTestCase
from civicgrid.lib.spreadsheets import workbook_bytes
from civicgrid.people.models import Role, RoleAssignment, User
from civicgrid.people.transfer import HEADERS


class PeopleTransferTests(DemoTestCase):
    def upload(self, rows):
        content = workbook_bytes("人员", HEADERS, rows)
        return self.client.post("/people/import/", {"file": SimpleUploadedFile("p.xlsx", content)})

    def test_the_people_pages_follow_the_access_matrix(self):
        self.assert_access(
            "/people/",
            allowed=[self.admin, self.shequ1, self.lingdao],
            forbidden=[self.wangge01, self.chengguan],
        )
        self.assert_access(
            "/people/import/", allowed=[self.paiqian], forbidden=[self.shequ1, self.lingdao]
        )

    def test_the_export_lists_one_row_per_role_of_the_people_in_scope(self):
        self.login(self.shequ1)
        rows = list(
            load_workbook(BytesIO(self.client.get("/people/export.xlsx").content)).active.values
        )
        self.assertEqual(list(rows[0]), HEADERS)
        self.assertIn("wangge01", {r[0] for r in rows[1:]})
        self.assertNotIn("wangge04", {r[0] for r in rows[1:]})

    def test_an_exported_sheet_imports_back_without_changes(self):
        self.login(self.paiqian)
        exported = self.client.get("/people/export.xlsx").content
        before = sorted(
            RoleAssignment.objects.values_list(
                "user__username", "role", "area_id", "department_id", "valid_to"
            )
        )
        response = self.client.post(
            "/people/import/", {"file": SimpleUploadedFile("p.xlsx", exported)}
        )
        self.assertRedirects(response, "/people/")
        after = sorted(
            RoleAssignment.objects.values_list(
                "user__username", "role", "area_id", "department_id", "valid_to"
            )
        )
        self.assertEqual(after, before)

    def test_a_new_grid_worker_is_created_with_their_grid(self):
        grid = self.demo.grid(0, 0)
        self.login(self.paiqian)
        self.upload(
            [["xinren", "新人", "13900001111", "网格员", grid.code, "", "", "2026-01-01", ""]]
        )
        person = User.objects.get(username="xinren")
        self.assertEqual(person.phone, "13900001111")
        self.assertFalse(person.has_usable_password())
        self.assertTrue(person.assignments.filter(role=Role.GRID_WORKER, area=grid).exists())

    def test_a_role_left_out_of_the_file_is_ended_not_deleted(self):
        grid = self.demo.grid(0, 2)
        self.login(self.paiqian)
        self.upload([["zhang", "", "", "网格员", grid.code, "", "", "", ""]])
        ended = self.zhang.assignments.get(role=Role.COMMUNITY)
        self.assertIsNotNone(ended.valid_to)

    def test_a_sheet_with_errors_imports_nothing_and_says_which_rows(self):
        grid = self.demo.grid(0, 0)
        self.login(self.paiqian)
        response = self.upload(
            [
                ["good", "好", "", "网格员", grid.code, "", "", "", ""],
                ["bad", "坏", "12345", "队长", "999", "", "", "", ""],
            ]
        )
        self.assertContains(response, "第 3 行：角色“队长”不存在", status_code=400)
        self.assertContains(response, "手机号“12345”格式不正确", status_code=400)
        self.assertFalse(User.objects.filter(username="good").exists())

    def test_community_staff_cannot_place_people_outside_their_scope(self):
        RoleAssignment.objects.create(
            user=self.shequ1, role=Role.ADMIN, area=self.demo.community(0)
        )
        self.login(self.shequ1)
        response = self.upload([["x", "", "", "网格员", self.demo.grid(1, 0).code, "", "", "", ""]])
        self.assertContains(response, "不在您的管辖范围内", status_code=400)

    def test_a_file_that_is_not_really_excel_is_refused_with_a_clear_message(self):
        self.login(self.paiqian)
        upload = SimpleUploadedFile("fake.xlsx", b"this is plain text, not a workbook")
        response = self.client.post("/people/import/", {"file": upload})
        self.assertContains(response, "无法读取该文件", status_code=400)
