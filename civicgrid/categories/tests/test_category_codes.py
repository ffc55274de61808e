from django.core.exceptions import ValidationError
from django.test import TestCase

from civicgrid.categories.models import Category
from civicgrid.categories.tests.base import COMPONENT, LOCAL, MATTER

ADMIN_CODE = "410811"


def category(kind=MATTER, code="06010", **fields) -> Category:
    fields.setdefault("major_name", "市容环境类")
    return Category(kind=kind, code=code, name=fields.pop("name", "暴露垃圾"), **fields)


class FullCodeTests(TestCase):
    def test_a_matters_full_code_is_the_admin_code_and_its_five_digits(self):
        self.assertEqual(category().full_code(ADMIN_CODE), "41081106010")

    def test_a_local_extension_has_a_full_code_of_the_same_shape(self):
        self.assertEqual(len(category(LOCAL, "91001").full_code(ADMIN_CODE)), 11)

    def test_a_components_identifier_adds_a_six_digit_sequence(self):
        lid = category(COMPONENT, "01001", name="供水井盖")
        self.assertEqual(lid.component_identifier(ADMIN_CODE, 42), "41081101001000042")

    def test_an_admin_code_that_is_not_six_digits_is_refused(self):
        for bad in ["41081", "4108110", "41O811", ""]:
            with self.subTest(bad), self.assertRaisesMessage(ValueError, "6 位数字"):
                category().full_code(bad)

    def test_a_sequence_outside_one_to_999999_is_refused(self):
        lid = category(COMPONENT, "01001")
        for bad in [0, 1_000_000, -1]:
            with self.subTest(bad), self.assertRaisesMessage(ValueError, "部件序号"):
                lid.component_identifier(ADMIN_CODE, bad)

    def test_each_kind_has_only_its_own_code(self):
        with self.assertRaisesMessage(ValueError, "component_identifier"):
            category(COMPONENT, "01001").full_code(ADMIN_CODE)
        with self.assertRaisesMessage(ValueError, "只有部件"):
            category().component_identifier(ADMIN_CODE, 1)


class CodeValidationTests(TestCase):
    def test_a_local_extension_uses_classes_90_to_99(self):
        local = category(LOCAL, "91001", major_name="卫生城市类", name="病媒孳生地")
        local.full_clean()
        self.assertEqual(local.major_code, "91")

    def test_a_local_extension_inside_the_standards_range_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "本地扩展的代码应以 90–99 开头"):
            category(LOCAL, "06099").full_clean()

    def test_a_standard_kind_in_the_local_range_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "90–99 大类留给本地扩展"):
            category(MATTER, "91001").full_clean()

    def test_a_code_that_is_not_five_digits_is_refused(self):
        for bad in ["6010", "060100", "06O10"]:
            with self.subTest(bad), self.assertRaisesMessage(ValidationError, "5 位数字"):
                category(code=bad).full_clean()

    def test_a_class_code_that_is_not_the_codes_prefix_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "大类代码应为代码的前两位"):
            category(major_code="07").full_clean()

    def test_the_same_code_may_be_a_component_and_a_matter(self):
        category(COMPONENT, "01001").save()
        category(MATTER, "01001").full_clean()

    def test_the_same_code_twice_in_one_kind_is_refused_with_a_message(self):
        category().save()
        with self.assertRaisesMessage(ValidationError, "同一种类下已有这个代码的分类"):
            category().full_clean()

    def test_a_time_limit_reads_as_working_time(self):
        self.assertEqual(
            category(time_limit_value=4, time_limit_unit="hours").time_limit_label, "4 个工作时"
        )
        self.assertEqual(category().time_limit_label, "默认 5 个工作日")
