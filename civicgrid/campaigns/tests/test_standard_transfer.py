from io import BytesIO

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from civicgrid.campaigns import standards, templates, transfer
from civicgrid.campaigns.models import Indicator, Standard, StandardVersion
from civicgrid.campaigns.tests.base import CampaignTestCase
from civicgrid.categories.catalogue import load as load_categories
from civicgrid.lib.spreadsheets import XLSX, workbook_bytes


def shape(version: StandardVersion) -> list[tuple]:
    """Everything an indicator says, in reading order, comparable across versions."""
    items = standards.tree(version)
    codes = {item.pk: item.code for item in items}
    return [
        (
            i.depth,
            i.code,
            codes.get(i.parent_id),
            i.title,
            i.criteria,
            i.points,
            i.method,
            i.point_types,
            i.deduction_per_count,
            i.negative,
            i.negative_value,
            i.category_id,
        )
        for i in items
    ]


def excel(version: StandardVersion) -> BytesIO:
    return BytesIO(workbook_bytes("测评体系", transfer.HEADERS, transfer.excel_rows(version)))


def sheet(*rows, headers=transfer.HEADERS) -> BytesIO:
    return BytesIO(workbook_bytes("测评体系", headers, rows))


MARKET = """
name: 测试体系
kind: civilized
projects:
  - code: "1"
    title: 实地考察
    contents:
      - code: "1.1"
        title: 农贸市场
        point_types: [farmers_market]
        items:
          - code: "1.1.1"
            title: 无占道经营
            points: 10
            deduction_per_count: 2.5
            category: matter:06010
          - code: "1.1.2"
            title: 斑马线礼让
            points: 5
            point_types: []
          - code: "1.1.3"
            title: 重大安全隐患
            negative: cap
            negative_value: 60
  - code: "2"
    title: 材料审核
    method: material
    contents:
      - code: "2.1"
        title: 工作机制
        items:
          - code: "2.1.1"
            title: 领导小组
            points: 5
"""


class RoundTripTests(CampaignTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_categories()
        templates.load_samples()
        cls.samples = [s.latest for s in Standard.objects.filter(is_sample=True)]

    def test_yaml_out_and_in_gives_the_same_tree(self):
        for version in [self.version, *self.samples]:
            with self.subTest(version.standard.name):
                parsed = transfer.read_yaml(transfer.to_yaml(version))
                copy = transfer.add_version(parsed, version.standard)
                self.assertEqual(shape(copy), shape(version))
                self.assertEqual(parsed.name, version.standard.name)
                self.assertEqual(parsed.kind, version.standard.kind)

    def test_excel_out_and_in_gives_the_same_tree(self):
        for version in [self.version, *self.samples]:
            with self.subTest(version.standard.name):
                copy = transfer.add_version(transfer.read_excel(excel(version)), version.standard)
                self.assertEqual(shape(copy), shape(version))

    def test_every_point_type_under_a_restricted_parent_survives_both_formats(self):
        version = transfer.create_standard(transfer.read_yaml(MARKET))
        road = version.indicators.get(code="1.1.2")
        self.assertEqual(road.point_types, [])
        self.assertEqual(version.indicators.get(code="1.1.1").point_types, ["farmers_market"])
        self.assertEqual(version.indicators.get(code="2.1.1").method, "material")
        self.assertIn("point_types: []", transfer.to_yaml(version))
        rows = list(transfer.excel_rows(version))
        self.assertEqual(rows[3][7], "全部")
        again = transfer.add_version(transfer.read_excel(excel(version)), version.standard)
        self.assertEqual(shape(again), shape(version))

    def test_yaml_leaves_out_what_children_inherit(self):
        document = yaml.safe_load(transfer.to_yaml(self.samples[0].standard.latest))
        content = document["projects"][0]["contents"][0]
        self.assertIn("point_types", content)
        self.assertNotIn("point_types", content["items"][0])
        self.assertNotIn("method", content)

    def test_the_excel_export_reads_like_the_list(self):
        book = load_workbook(excel(self.version))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), transfer.HEADERS)
        self.assertEqual(
            rows[3][:8], (3, "1.1.1", "1.1", "公益广告不少于5处", None, 10, "实地考察", None)
        )
        self.assertEqual(rows[5][11:], ("matter:06010", "暴露垃圾"))


class YamlErrorTests(CampaignTestCase):
    def errors(self, text) -> list[str]:
        with self.assertRaises(transfer.TransferError) as raised:
            transfer.read_yaml(text)
        return raised.exception.errors

    def test_bad_yaml_names_the_line(self):
        self.assertEqual(
            self.errors("name: x\nprojects:\n  - code: '1'\n   title: y\n"),
            ["YAML 格式有误（第 4 行），请检查缩进和冒号。"],
        )

    def test_every_problem_is_named_by_its_path(self):
        text = """
name: 测试
kind: civilised
projects:
  - code: "1"
    title: 项目
    colour: red
    contents:
      - code: 1.10
        title: 内容
        items:
          - code: "1.1.1"
            title: 条目
            points: -1
            negative: cap
            negative_value: 120
          - code: "1.1.1"
            title: 重复
            method: inspection
            point_types: [market]
            category: matter:99999
          - code: "1.1.3"
            title: 类别格式
            category: "06010"
            deduction_per_count: abc
"""
        self.assertEqual(
            self.errors(text),
            [
                "kind：类型“civilised”不存在。",
                "projects[0]（编号 1）：未知的字段：colour。",
                'projects[0].contents[0]（编号 1.1）：编号请加引号（如 "1.10"），否则会被读成数字。',
                "projects[0].contents[0].items[0]（编号 1.1.1）：分值不能为负数。",
                "projects[0].contents[0].items[0]（编号 1.1.1）：封顶得分率应在 0 到 100 之间。",
                "projects[0].contents[0].items[1]（编号 1.1.1）：测评方法“inspection”不存在（可填：实地考察、问卷调查、材料审核）。",
                "projects[0].contents[0].items[1]（编号 1.1.1）：点位类型“market”不存在（可填：政务大厅、医院、车站、公交站台、窗口单位、中小学校及周边、网吧、主次干道、商业大街、交通路口、背街小巷、街道办、社区居委会、小区、农贸市场、爱国主义教育基地、公共文化设施、公园、公共广场、景区、公共厕所、建筑围挡、环卫中转站）。",
                "projects[0].contents[0].items[1]（编号 1.1.1）：编号与 projects[0].contents[0].items[0] 重复，同一版本中编号不能重复。",
                "projects[0].contents[0].items[1]（编号 1.1.1）：类别“matter:99999”不存在；国家标准目录请先用 load_categories 载入。",
                "projects[0].contents[0].items[2]（编号 1.1.3）：每处扣分应为数字，实为“abc”。",
                "projects[0].contents[0].items[2]（编号 1.1.3）：类别“06010”应写成 种类:代码，如 matter:09006（事项）或 component:01001（部件）。",
            ],
        )

    def test_scoring_rules_belong_to_items(self):
        text = "projects:\n  - code: '1'\n    title: 项目\n    negative: deduct\n    negative_value: 5\n"
        self.assertEqual(
            self.errors(text),
            [
                "projects[0]（编号 1）：只有测评标准（第 3 层）可以设置每处扣分、负面清单和不合格生成案件的类别。"
            ],
        )

    def test_an_empty_or_shapeless_file_is_refused(self):
        self.assertEqual(self.errors("name: 空\nprojects: []\n"), ["文件中没有任何指标。"])
        self.assertEqual(self.errors("- a\n- b\n"), ["YAML 的顶层应包含 name、kind 和 projects。"])
        self.assertEqual(self.errors("projects: 1\n"), ["projects：应为列表（每项以 - 开头）。"])


class ExcelErrorTests(CampaignTestCase):
    def errors(self, upload) -> list[str]:
        with self.assertRaises(transfer.TransferError) as raised:
            transfer.read_excel(upload)
        return raised.exception.errors

    def test_every_row_is_checked_and_named(self):
        upload = sheet(
            [1, "1", "", "项目"] + [""] * 9,
            [2, "1.1", "9", "内容"] + [""] * 9,
            [3, "1.1.1", "1", "条目", "", "x"] + [""] * 7,
            [4, "1.1.2", "1.1", "层级错"] + [""] * 9,
            [3, "1.1.3", "", "没有上级"] + [""] * 9,
            [1, "1", "", "重复"] + [""] * 9,
        )
        self.assertEqual(
            self.errors(upload),
            [
                "第 5 行：层级应为 1、2 或 3（测评项目、测评内容、测评标准）。",
                "第 3 行（编号 1.1）：上级编号“9”在文件中不存在。",
                "第 4 行（编号 1.1.1）：分值应为数字，实为“x”。",
                "第 4 行（编号 1.1.1）：上级“1”是测评项目，测评标准的上级应为测评内容。",
                "第 6 行（编号 1.1.3）：测评标准须设在某个测评内容之下。",
                "第 7 行（编号 1）：编号与 第 2 行 重复，同一版本中编号不能重复。",
            ],
        )

    def test_a_sheet_without_the_key_columns_is_refused(self):
        self.assertEqual(
            self.errors(sheet(["1"], headers=["编号"])), ["缺少列：层级、上级编号、名称。"]
        )


class ImportPageTests(CampaignTestCase):
    def upload(self, name, content, content_type="application/yaml"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    def test_a_yaml_file_becomes_a_new_standard_named_by_the_file(self):
        self.login(self.paiqian)
        r = self.client.post(
            "/campaigns/standards/new/", {"file": self.upload("市场.yaml", MARKET.encode())}
        )
        standard = Standard.objects.get(name="测试体系")
        version = standard.latest
        self.assertRedirects(r, f"/campaigns/versions/{version.pk}/", fetch_redirect_response=False)
        self.assertEqual(version.indicators.count(), 8)
        self.assertFalse(standard.is_sample)
        self.assertIn("新建，8 个指标。", [e.detail for e in standards.history(version)])

    def test_an_excel_standard_needs_a_name_and_kind_from_the_form(self):
        self.login(self.paiqian)
        data = excel(self.version).getvalue()
        r = self.client.post(
            "/campaigns/standards/new/", {"file": self.upload("体系.xlsx", data, XLSX)}
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.context["form"].errors["name"], ["请填写名称。"])
        r = self.client.post(
            "/campaigns/standards/new/",
            {"name": "本市体系", "kind": "civilized", "file": self.upload("体系.xlsx", data, XLSX)},
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(shape(Standard.objects.get(name="本市体系").latest), shape(self.version))

    def test_a_file_with_errors_imports_nothing_and_lists_them(self):
        self.login(self.paiqian)
        broken = MARKET.replace("points: 10", "points: -10").encode()
        before = Indicator.objects.count()
        r = self.client.post(
            f"/campaigns/standards/{self.version.standard_id}/import/",
            {"file": self.upload("坏.yaml", broken)},
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(
            r, "projects[0].contents[0].items[0]（编号 1.1.1）：分值不能为负数。", status_code=400
        )
        self.assertEqual(Indicator.objects.count(), before)
        self.assertEqual(self.version.standard.versions.count(), 1)

    def test_a_file_becomes_the_next_version_and_campaigns_stay(self):
        self.login(self.paiqian)
        r = self.client.post(
            f"/campaigns/standards/{self.version.standard_id}/import/",
            {"file": self.upload("新.yaml", MARKET.encode()), "note": "2027 版"},
            follow=True,
        )
        self.assertContains(r, "已导入为新版本 v2")
        v2 = self.version.standard.versions.get(number=2)
        self.assertEqual((v2.note, v2.created_by), ("2027 版", self.paiqian))
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.version, self.version)

    def test_only_yaml_and_excel_are_taken(self):
        self.login(self.paiqian)
        r = self.client.post(
            f"/campaigns/standards/{self.version.standard_id}/import/",
            {"file": self.upload("a.csv", b"x", "text/csv")},
        )
        self.assertEqual(r.context["form"].errors["file"], ["请上传 .yaml 或 .xlsx 文件。"])

    def test_exports_are_named_after_the_version(self):
        self.login(self.lingdao)
        r = self.client.get(f"/campaigns/versions/{self.version.pk}/export.yaml")
        self.assertIn("v1.yaml", r["Content-Disposition"])
        self.assertEqual(yaml.safe_load(r.content)["projects"][0]["code"], "1")
        r = self.client.get(f"/campaigns/versions/{self.version.pk}/export.xlsx")
        self.assertEqual(r["Content-Type"], XLSX)
