import json

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicgrid.cases.models import ResponsibilityRule
from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.categories.models import Category
from civicgrid.people.models import Role

MATTER = Category.Kind.MATTER


class RulePagesTests(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        depts = cls.demo.departments
        cls.street_rule = ResponsibilityRule.objects.create(
            area=cls.street, major_code="06", category_kind=MATTER, department=depts["HW"]
        )
        cls.local_rule = ResponsibilityRule.objects.create(
            area=cls.demo.community(0),
            category=cls.garbage,
            area_role=Role.COMMUNITY,
            note="社区自治",
        )

    def form(self, **changes):
        data = {
            "categories": f"category:{self.parking.pk}",
            "area": self.street.pk,
            "responsible": f"department:{self.demo.departments['JJ'].pk}",
            "note": "",
        }
        return data | changes

    def try_url(self, category, grid):
        return f"/rules/try/?category=category:{category.pk}&grid={grid.pk}"

    # access

    def test_the_list_is_open_to_everyone_who_holds_rules_view(self):
        self.assert_access(
            "/rules/",
            allowed=[self.admin, self.paiqian, self.lingdao, self.shequ1],
            forbidden=[self.wangge01, self.chengguan],
        )
        for url in (
            "/rules/export.xlsx",
            "/rules/history/",
            self.try_url(self.garbage, self.demo.grid(0, 0)),
        ):
            self.assert_access(url, allowed=[self.paiqian, self.lingdao], forbidden=[self.wangge01])

    def test_only_admins_create_and_import(self):
        for url in ("/rules/new/", "/rules/import/"):
            self.assert_access(
                url, allowed=[self.admin, self.paiqian], forbidden=[self.lingdao, self.shequ1]
            )

    def test_a_rule_is_seen_in_scope_changed_by_admins_and_hidden_outside(self):
        rule = self.local_rule.pk
        self.assert_access(
            f"/rules/{rule}/",
            allowed=[self.paiqian, self.lingdao, self.shequ1],
            hidden=[self.shequ2],
        )
        for url in (f"/rules/{rule}/edit/", f"/rules/{rule}/delete/"):
            self.assert_access(
                url,
                allowed=[self.admin, self.paiqian],
                forbidden=[self.lingdao, self.shequ1],
                hidden=[self.shequ2],
            )

    def test_an_outsider_cannot_change_or_delete_by_posting(self):
        self.assert_status(
            self.shequ2, f"/rules/{self.local_rule.pk}/edit/", 404, "post", self.form()
        )
        self.assert_status(self.shequ2, f"/rules/{self.local_rule.pk}/delete/", 404, "post")
        self.assert_status(self.shequ1, f"/rules/{self.local_rule.pk}/delete/", 403, "post")
        self.assert_status(self.lingdao, "/rules/new/", 403, "post", self.form())
        self.assertEqual(ResponsibilityRule.objects.count(), 2)

    # the list

    def test_the_list_shows_category_area_responsible_and_precedence(self):
        self.login(self.paiqian)
        page = self.client.get("/rules/").content.decode()
        for text in (
            "06010 暴露垃圾",
            "事项 06 大类 市容环境类",
            "环卫所",
            "社区工作人员",
            "社区自治",
            "具体类别 · 社区/村",
            "大类 · 街道",
        ):
            self.assertIn(text, page)

    def test_a_community_sees_only_the_rules_set_in_its_community(self):
        self.login(self.shequ1)
        rows = self.client.get("/rules/").context["rows"]
        self.assertEqual([row[0] for row in rows], [self.local_rule])

    def test_the_list_filters_by_area_and_category_text(self):
        self.login(self.paiqian)
        in_community_1 = self.client.get("/rules/", {"area": self.demo.community(1).code})
        self.assertEqual([row[0] for row in in_community_1.context["rows"]], [self.street_rule])
        parking = self.client.get("/rules/", {"q": "乱停放"})
        self.assertEqual(parking.context["rows"], [])
        garbage = self.client.get("/rules/", {"q": "垃圾"})
        self.assertEqual(len(garbage.context["rows"]), 2)

    def test_the_list_does_not_query_once_per_rule(self):
        self.login(self.paiqian)
        with CaptureQueriesContext(connection) as few:
            self.client.get("/rules/")
        for n in range(1, 5):
            ResponsibilityRule.objects.create(
                area=self.demo.community(n), category=self.parking, area_role=Role.GRID_WORKER
            )
        with CaptureQueriesContext(connection) as more:
            self.client.get("/rules/")
        self.assertEqual(len(more), len(few))

    # editing

    def test_an_admin_adds_a_rule_and_the_change_is_logged(self):
        self.login(self.paiqian)
        response = self.client.post("/rules/new/", self.form(note="交警负责"))
        self.assertRedirects(response, "/rules/")
        rule = ResponsibilityRule.objects.get(category=self.parking)
        self.assertEqual((rule.area, rule.department.code[-2:]), (self.street, "JJ"))
        entry = LogEntry.objects.get(object_id=str(rule.pk))
        self.assertEqual(entry.user, self.paiqian)
        self.assertIn("新增", self.client.get("/rules/history/").content.decode())

    def test_a_rule_for_a_class_or_for_everything_can_be_added(self):
        self.login(self.paiqian)
        self.client.post("/rules/new/", self.form(categories=f"major:{MATTER}:09"))
        self.client.post(
            "/rules/new/", self.form(categories="all", responsible=f"role:{Role.COMMUNITY}")
        )
        self.assertTrue(
            ResponsibilityRule.objects.filter(major_code="09", category_kind=MATTER).exists()
        )
        self.assertTrue(
            ResponsibilityRule.objects.filter(
                category=None, major_code="", area_role=Role.COMMUNITY
            ).exists()
        )

    def test_a_second_rule_for_the_same_category_and_area_is_refused(self):
        self.login(self.paiqian)
        response = self.client.post("/rules/new/", self.form(categories=f"major:{MATTER}:06"))
        self.assertContains(response, "已有同一类别的条目", status_code=400)
        self.assertEqual(ResponsibilityRule.objects.count(), 2)

    def test_the_form_says_in_chinese_what_is_missing(self):
        self.login(self.paiqian)
        response = self.client.post("/rules/new/", self.form(responsible="", area=""))
        self.assertContains(response, "请选择责任部门或属地角色", status_code=400)
        self.assertContains(response, "请选择适用区域", status_code=400)

    def test_an_admin_cannot_place_a_rule_above_their_street(self):
        self.login(self.paiqian)
        response = self.client.post("/rules/new/", self.form(area=self.street.parent_id))
        self.assertContains(response, "不在您可修改的范围内", status_code=400)

    def test_editing_records_the_old_and_new_responsible_unit(self):
        self.login(self.paiqian)
        url = f"/rules/{self.street_rule.pk}/edit/"
        data = self.form(
            categories=f"major:{MATTER}:06",
            responsible=f"department:{self.demo.departments['CG'].pk}",
        )
        self.assertRedirects(self.client.post(url, data), f"/rules/{self.street_rule.pk}/")
        self.street_rule.refresh_from_db()
        self.assertEqual(self.street_rule.department, self.demo.departments["CG"])
        entry = LogEntry.objects.get(object_id=str(self.street_rule.pk))
        self.assertIn("环卫所 → 城管执法中队", json.loads(entry.change_message)[0]["detail"])
        self.assertContains(
            self.client.get(f"/rules/{self.street_rule.pk}/"), "环卫所 → 城管执法中队"
        )

    def test_a_deleted_rule_stays_in_the_history_of_those_who_saw_it(self):
        self.login(self.paiqian)
        response = self.client.post(f"/rules/{self.local_rule.pk}/delete/")
        self.assertRedirects(response, "/rules/")
        self.assertFalse(ResponsibilityRule.objects.filter(pk=self.local_rule.pk).exists())
        self.login(self.shequ1)
        self.assertContains(self.client.get("/rules/history/"), "删除：06010")
        self.login(self.shequ2)
        self.assertNotContains(self.client.get("/rules/history/"), "删除：06010")

    def test_edits_made_in_the_admin_show_in_the_history_of_the_rules_scope(self):
        self.login(self.admin)
        self.client.post(
            f"/admin/cases/responsibilityrule/{self.local_rule.pk}/change/",
            {
                "area": self.local_rule.area_id,
                "category": self.garbage.pk,
                "area_role": Role.GRID_WORKER,
                "note": "管理后台修改",
            },
        )
        self.assertTrue(LogEntry.objects.filter(object_id=str(self.local_rule.pk)).exists())
        self.login(self.shequ1)
        self.assertEqual(len(self.client.get("/rules/history/").context["history"]), 1)
        self.login(self.shequ2)
        self.assertEqual(self.client.get("/rules/history/").context["history"], [])

    def test_a_rule_deleted_in_the_admin_stays_in_the_history_of_its_area(self):
        self.login(self.admin)
        response = self.client.post(
            f"/admin/cases/responsibilityrule/{self.local_rule.pk}/delete/", {"post": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ResponsibilityRule.objects.filter(pk=self.local_rule.pk).exists())
        self.login(self.shequ1)
        self.assertContains(self.client.get("/rules/history/"), "管理后台：删除：06010")
        self.login(self.shequ2)
        self.assertNotContains(self.client.get("/rules/history/"), "删除：06010")

    # try it

    def assert_preview_matches_registration(self, category, grid):
        self.login(self.paiqian)
        trial = self.client.get(self.try_url(category, grid)).context["result"]
        case = self.report(category=category, grid=grid)
        self.step(case, "register", self.paiqian)
        self.assertEqual(trial.rule, case.rule)
        self.assertEqual(
            (
                trial.case.responsible_department,
                trial.case.responsible_area,
                trial.case.responsible_role,
            ),
            (case.responsible_department, case.responsible_area, case.responsible_role),
        )
        return trial

    def test_the_preview_answers_as_registration_does(self):
        exact = self.assert_preview_matches_registration(self.garbage, self.demo.grid(0, 0))
        self.assertEqual(exact.rule, self.local_rule)
        by_class = self.assert_preview_matches_registration(self.garbage, self.demo.grid(1, 0))
        self.assertEqual(by_class.rule, self.street_rule)
        fallback = self.assert_preview_matches_registration(self.parking, self.demo.grid(2, 0))
        self.assertEqual(fallback.case.responsible_area, self.demo.community(2))

    def test_the_preview_explains_what_decided(self):
        self.login(self.paiqian)
        self.assertContains(
            self.client.get(self.try_url(self.garbage, self.demo.grid(0, 0))), "由责任清单条目决定"
        )
        self.assertContains(
            self.client.get(self.try_url(self.parking, self.demo.grid(0, 0))), "属地兜底"
        )

    def test_the_preview_locates_a_point(self):
        grid = self.demo.grid(1, 0)
        lat, lng = self.point_in(grid)
        self.login(self.lingdao)
        response = self.client.get(
            "/rules/try/", {"category": f"category:{self.garbage.pk}", "lat": lat, "lng": lng}
        )
        self.assertEqual(response.context["result"].area, grid)
        self.assertContains(response, "环卫所")

    def test_the_preview_refuses_a_point_outside_the_persons_scope(self):
        lat, lng = self.point_in(self.demo.grid(1, 0))
        self.login(self.shequ1)
        response = self.client.get(
            "/rules/try/", {"category": f"category:{self.garbage.pk}", "lat": lat, "lng": lng}
        )
        self.assertContains(response, "不在您的管辖范围内")
        self.assertIsNone(response.context["result"])

    def test_the_preview_answers_htmx_with_the_result_alone(self):
        self.login(self.paiqian)
        response = self.client.get(
            self.try_url(self.garbage, self.demo.grid(0, 0)), HTTP_HX_REQUEST="true"
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="trial"')
