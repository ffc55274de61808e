from django.core.management.base import CommandError
from django.db.models import Count
from django.test import TestCase

from civicgrid.categories.models import Category
from civicgrid.categories.tests.base import (
    COMPONENT,
    MATTER,
    CatalogueTestCase,
    DirectoryFiles,
    load_categories,
)


class FirstLoadTests(TestCase):
    def test_it_loads_153_components_and_250_matters(self):
        self.assertEqual(load_categories(), "新增 403 项，更新 0 项，共 403 项")
        counts = dict(Category.objects.values_list("kind").annotate(n=Count("pk")))
        self.assertEqual(counts, {COMPONENT: 153, MATTER: 250})

    def test_every_loaded_row_is_marked_as_standard_and_unconfigured(self):
        load_categories()
        self.assertFalse(Category.objects.filter(is_standard=False).exists())
        self.assertEqual(Category.objects.unconfigured().count(), 403)


class ReloadTests(CatalogueTestCase):
    def test_the_same_code_exists_once_per_kind(self):
        self.assertEqual(self.category(COMPONENT, "01001").name, "供水井盖")
        self.assertEqual(self.category(MATTER, "01001").name, "供水井盖异常")

    def test_a_second_load_creates_and_changes_nothing(self):
        self.assertEqual(load_categories(), "新增 0 项，更新 0 项，共 403 项")
        self.assertEqual(Category.objects.count(), 403)

    def test_a_reload_restores_a_name_changed_by_hand(self):
        Category.objects.filter(kind=MATTER, code="06010").update(name="垃圾")
        self.assertEqual(load_categories(), "新增 0 项，更新 1 项，共 403 项")
        self.assertEqual(self.category(MATTER, "06010").name, "暴露垃圾")

    def test_a_reload_keeps_the_administrators_configuration(self):
        config = dict(
            time_limit_value=3,
            time_limit_unit=Category.Unit.HOURS,
            severity=Category.Severity.URGENT,
            open_to_residents=True,
            duplicate_radius_m=80,
            duplicate_window_days=3,
            case_threshold="1 平方米以上",
            keywords="垃圾堆",
            is_active=False,
        )
        Category.objects.filter(kind=MATTER, code="06010").update(name="垃圾", **config)
        load_categories("--with-defaults")
        garbage = Category.objects.filter(kind=MATTER, code="06010").values(*config).get()
        self.assertEqual(garbage, config)

    def test_local_extensions_are_left_alone(self):
        local = Category.objects.create(
            kind=Category.Kind.LOCAL, code="91001", major_name="卫生城市类", name="病媒孳生地"
        )
        load_categories()
        local.refresh_from_db()
        self.assertEqual((local.name, local.is_standard), ("病媒孳生地", False))


class BadFileTests(TestCase):
    def setUp(self):
        self.files = DirectoryFiles(self)

    def assert_refused(self, path: str, *messages: str):
        with self.assertRaises(CommandError) as caught:
            load_categories("--file", path)
        for message in messages:
            self.assertIn(message, str(caught.exception))
        self.assertFalse(Category.objects.exists())

    def test_a_bad_row_loads_nothing_and_names_the_row(self):
        path = self.files.write(
            "matter,06010,06,市容环境类,暴露垃圾",
            "matter,06036,06,市容环境类,乱堆杂物",
            "matter,7001,07,宣传广告类,非法小广告",
        )
        self.assert_refused(path, "未载入任何一项", "第 4 行", "代码“7001”应为 5 位数字")

    def test_an_unknown_kind_is_named(self):
        path = self.files.write("event,06010,06,市容环境类,暴露垃圾")
        self.assert_refused(path, "第 2 行", "种类“event”无效")

    def test_a_class_code_that_is_not_the_codes_prefix_is_named(self):
        path = self.files.write("matter,06010,07,市容环境类,暴露垃圾")
        self.assert_refused(path, "大类代码“07”与代码“06010”的前两位不符")

    def test_a_local_extension_code_is_not_accepted_as_standard(self):
        path = self.files.write("matter,91001,91,卫生城市类,病媒孳生地")
        self.assert_refused(path, "本地扩展")

    def test_a_repeated_key_names_both_rows(self):
        path = self.files.write(
            "matter,06010,06,市容环境类,暴露垃圾",
            "component,06010,06,市容环境类,暴露垃圾",
            "matter,06010,06,市容环境类,暴露垃圾",
        )
        self.assert_refused(path, "第 4 行：与第 2 行重复（matter 06010）")

    def test_missing_names_and_wrong_column_counts_are_named(self):
        path = self.files.write("matter,06010,06,市容环境类,", "matter,06036,06,市容环境类")
        self.assert_refused(path, "第 2 行：缺少名称", "第 3 行：应有 5 列，实有 4 列")

    def test_every_error_is_reported_at_once(self):
        path = self.files.write("matter,1,01,类,甲", "matter,2,01,类,乙")
        self.assert_refused(path, "第 2 行", "第 3 行")

    def test_a_file_without_the_expected_header_is_refused(self):
        path = self.files.write(
            "matter,06010,06,市容环境类,暴露垃圾", header="类型,代码,大类,大类名,名称"
        )
        self.assert_refused(path, "第 1 行应为表头 kind,code,major_code,major_name,name")

    def test_a_file_that_is_not_utf8_is_refused(self):
        path = self.files.write("matter,06010,06,市容环境类,暴露垃圾", encoding="gbk")
        self.assert_refused(path, "不是 UTF-8 编码")

    def test_a_file_saved_by_excel_with_a_bom_loads(self):
        path = self.files.write("matter,06010,06,市容环境类,暴露垃圾", encoding="utf-8-sig")
        self.assertEqual(load_categories("--file", path), "新增 1 项，更新 0 项，共 1 项")

    def test_a_missing_file_is_refused(self):
        self.assert_refused(str(self.files.folder / "none.csv"), "找不到文件")

    def test_an_empty_file_is_refused(self):
        self.assert_refused(self.files.write(), "没有数据行")
