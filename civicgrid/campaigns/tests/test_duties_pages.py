"""The 责任分解表: who may see and edit it, editing one line, and Excel out and in."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from civicgrid.campaigns.models import Campaign, Indicator, IndicatorDuty, StandardVersion
from civicgrid.campaigns.tests.work_base import WorkTestCase
from civicgrid.lib.spreadsheets import workbook_bytes

HEADERS = ["指标编号", "指标名称", "牵头单位编码", "配合单位编码", "责任人"]


def sheet(rows, headers=HEADERS) -> SimpleUploadedFile:
    return SimpleUploadedFile("责任分解表.xlsx", workbook_bytes("责任分解表", headers, rows))


def sheet_rows(content: bytes) -> list[list]:
    book = load_workbook(BytesIO(content))
    return [
        ["" if v is None else v for v in row] for row in book.active.iter_rows(values_only=True)
    ]


class DutyPageTests(WorkTestCase):
    def url(self, name="duties", campaign=None, *args):
        return reverse(f"work:{name}", args=[(campaign or self.campaign).pk, *args])

    def edit_url(self, indicator=None):
        return self.url("duty-edit", None, (indicator or self.plan).pk)

    def duty(self, indicator=None, **fields) -> IndicatorDuty:
        return IndicatorDuty.objects.create(
            campaign=self.campaign, indicator=indicator or self.plan, **fields
        )

    # --- access ------------------------------------------------------------------------------

    def test_the_table_is_for_people_who_may_view_the_campaign(self):
        from civicgrid.people.authz import Authz

        for u in [self.outsider, self.shequ1, self.wangge01]:
            a = Authz(u)
            print(
                "DBG",
                u.username,
                u.name,
                a.grants,
                list(self.campaign.streets.values_list("path", flat=True)),
                Campaign.objects.restrict(a).filter(pk=self.campaign.pk).query,
            )
        self.assert_access(
            self.url(),
            allowed=[self.paiqian, self.lingdao, self.huanwei, self.duban1, self.shequ1],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )

    def test_the_export_follows_the_table(self):
        self.assert_access(
            self.url("duties-export"),
            allowed=[self.paiqian, self.lingdao, self.huanwei, self.wangge01],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )

    def test_editing_a_line_is_for_campaign_administrators(self):
        self.assert_access(
            self.edit_url(),
            allowed=[self.paiqian],
            forbidden=[self.lingdao, self.huanwei, self.nobody],
            hidden=[self.outsider],
        )

    def test_importing_is_for_campaign_administrators(self):
        self.assert_access(
            self.url("duties-import"),
            allowed=[self.paiqian],
            forbidden=[self.lingdao, self.huanwei, self.nobody],
            hidden=[self.outsider],
        )

    def test_an_indicator_of_another_version_is_not_found(self):
        other = StandardVersion.objects.create(standard=self.version.standard, number=2)
        stray = Indicator.objects.create(version=other, code="1", title="别的版本", depth=1)
        self.assert_status(self.paiqian, self.edit_url(stray), 404)

    # --- the table and editing ---------------------------------------------------------------

    def test_the_table_lists_every_indicator_in_reading_order_with_its_units(self):
        duty = self.duty(lead=self.hw, person=self.huanwei)
        duty.partners.add(self.cg)
        self.duty(self.meeting, lead_area=self.demo.community(0))
        response = self.assert_status(self.lingdao, self.url(), 200)
        codes = [indicator.code for indicator, _ in response.context["rows"]]
        self.assertEqual(
            codes, ["1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4", "2", "2.1", "2.1.1", "2.1.2"]
        )
        self.assertContains(response, "环卫所")
        self.assertContains(response, "城管执法中队")
        self.assertContains(response, self.demo.community(0).name)
        self.assertContains(response, "已分解 2 / 10 项指标")
        self.assertNotContains(response, "编辑")

    def test_the_table_takes_the_same_queries_however_many_lines_it_has(self):
        self.duty(lead=self.hw).partners.add(self.cg)
        self.login(self.paiqian)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url())
        for indicator in self.version.indicators.all():
            duty = IndicatorDuty.objects.get_or_create(campaign=self.campaign, indicator=indicator)[
                0
            ]
            duty.lead, duty.person = self.hw, self.huanwei
            duty.save()
            duty.partners.add(self.cg)
        with CaptureQueriesContext(connection) as many:
            self.client.get(self.url())
        self.assertEqual(len(many), len(few))

    def test_an_administrator_sets_lead_partners_and_person(self):
        self.login(self.paiqian)
        response = self.client.post(
            self.edit_url(),
            {"lead": self.hw.pk, "partners": [self.cg.pk], "person": self.huanwei.pk},
        )
        self.assertEqual(response.status_code, 302)
        duty = IndicatorDuty.objects.get(campaign=self.campaign, indicator=self.plan)
        self.assertEqual((duty.lead, duty.person), (self.hw, self.huanwei))
        self.assertEqual(list(duty.partners.all()), [self.cg])

    def test_a_community_can_lead(self):
        self.login(self.paiqian)
        self.client.post(self.edit_url(), {"lead_area": self.demo.community(1).pk})
        duty = IndicatorDuty.objects.get(campaign=self.campaign, indicator=self.plan)
        self.assertEqual(duty.lead_area, self.demo.community(1))

    def test_a_line_has_one_lead_only(self):
        self.login(self.paiqian)
        response = self.client.post(
            self.edit_url(), {"lead": self.hw.pk, "lead_area": self.demo.community(1).pk}
        )
        self.assertContains(response, "牵头单位只能有一个", status_code=400)
        self.assertFalse(IndicatorDuty.objects.exists())

    def test_units_of_another_street_cannot_be_chosen(self):
        self.login(self.paiqian)
        response = self.client.post(self.edit_url(), {"lead": self.far_dept.pk})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(IndicatorDuty.objects.exists())

    def test_emptying_a_line_removes_it(self):
        self.duty(lead=self.hw)
        self.login(self.paiqian)
        self.client.post(self.edit_url(), {})
        self.assertFalse(IndicatorDuty.objects.exists())

    # --- Excel ------------------------------------------------------------------------------

    def test_the_export_has_a_row_per_indicator_with_codes_to_import_again(self):
        duty = self.duty(lead=self.hw, person=self.huanwei)
        duty.partners.add(self.cg, self.demo.departments["SJ"])
        self.duty(self.meeting, lead_area=self.demo.community(0))
        rows = sheet_rows(self.assert_status(self.paiqian, self.url("duties-export"), 200).content)
        self.assertEqual(rows[0], HEADERS)
        by_code = {row[0]: row for row in rows[1:]}
        self.assertEqual(len(by_code), 10)
        self.assertEqual(
            by_code["2.1.1"],
            [
                "2.1.1",
                "制定创建工作方案",
                self.hw.code,
                f"{self.cg.code}、{self.demo.departments['SJ'].code}",
                "huanwei",
            ],
        )
        self.assertEqual(by_code["2.1.2"][2], self.demo.community(0).code)
        self.assertEqual(by_code["1"][2:], ["", "", ""])

    def test_an_import_sets_lines_and_clears_emptied_ones(self):
        self.duty(self.meeting, lead=self.cg)
        self.login(self.paiqian)
        rows = [
            [
                "2.1.1",
                "",
                self.hw.code,
                f"{self.cg.code}、{self.demo.departments['SJ'].code}",
                "huanwei",
            ],
            ["1.1", "农贸市场", self.demo.community(2).code, "", "shequ3"],
            ["2.1.2", "", "", "", ""],
        ]
        response = self.client.post(self.url("duties-import"), {"file": sheet(rows)})
        self.assertEqual(response.status_code, 302)
        plan = IndicatorDuty.objects.get(indicator=self.plan)
        self.assertEqual((plan.lead, plan.person), (self.hw, self.huanwei))
        self.assertEqual(set(plan.partners.all()), {self.cg, self.demo.departments["SJ"]})
        market = IndicatorDuty.objects.get(indicator__code="1.1")
        self.assertEqual((market.lead_area, market.person), (self.demo.community(2), self.shequ3))
        self.assertFalse(IndicatorDuty.objects.filter(indicator=self.meeting).exists())

    def test_an_import_updates_an_existing_line_in_place(self):
        duty = self.duty(lead=self.cg)
        duty.partners.add(self.hw)
        self.login(self.paiqian)
        self.client.post(
            self.url("duties-import"), {"file": sheet([["2.1.1", "", self.hw.code, "", ""]])}
        )
        duty.refresh_from_db()
        self.assertEqual(duty.lead, self.hw)
        self.assertEqual(list(duty.partners.all()), [])

    def test_an_import_with_any_error_imports_nothing_and_names_each_row(self):
        self.login(self.paiqian)
        rows = [
            ["2.1.1", "", self.hw.code, "", "huanwei"],
            ["9.9.9", "", self.hw.code, "", ""],
            ["2.1.2", "", "NOPE", f"{self.cg.code}、XX", "ghost"],
            ["2.1.1", "", self.cg.code, "", ""],
            ["1.1.1", "", self.far_dept.code, self.hw.code, ""],
            ["1.1.2", "", self.hw.code, self.hw.code, ""],
        ]
        response = self.client.post(self.url("duties-import"), {"file": sheet(rows)})
        self.assertEqual(response.status_code, 400)
        errors = response.context["errors"]
        self.assertIn("第 3 行：指标编号“9.9.9”不在本项目的测评体系中。", errors)
        self.assertIn(
            "第 4 行：牵头单位编码“NOPE”不是本项目所在街道的部门、专线、街道或社区编码。", errors
        )
        self.assertIn("第 4 行：配合单位编码“XX”不是本项目所在街道的部门或专线编码。", errors)
        self.assertIn(
            "第 4 行：责任人“ghost”不存在或不在本项目所在街道工作（请填用户名）。", errors
        )
        self.assertIn("第 5 行：指标编号与第 2 行重复，每个指标只能有一行。", errors)
        self.assertIn(
            f"第 6 行：牵头单位编码“{self.far_dept.code}”不是本项目所在街道的部门、专线、街道或社区编码。",
            errors,
        )
        self.assertIn("第 7 行：“环卫所”已是牵头单位，不必再列为配合单位。", errors)
        self.assertContains(response, "文件有错误，未导入", status_code=400)
        self.assertFalse(IndicatorDuty.objects.exists())

    def test_a_sheet_without_the_unit_columns_is_refused(self):
        self.login(self.paiqian)
        upload = sheet([["2.1.1", "x"]], headers=["指标编号", "指标名称"])
        response = self.client.post(self.url("duties-import"), {"file": upload})
        self.assertIn("缺少列：牵头单位编码、配合单位编码、责任人。", response.context["errors"])

    def test_what_the_export_writes_the_import_reads_back_unchanged(self):
        duty = self.duty(lead=self.hw, person=self.huanwei)
        duty.partners.add(self.cg)
        self.duty(self.meeting, lead_area=self.demo.community(0))
        before = sheet_rows(
            self.assert_status(self.paiqian, self.url("duties-export"), 200).content
        )
        upload = SimpleUploadedFile("x.xlsx", workbook_bytes("x", before[0], before[1:]))
        self.client.post(self.url("duties-import"), {"file": upload})
        after = sheet_rows(self.client.get(self.url("duties-export")).content)
        self.assertEqual(after, before)
