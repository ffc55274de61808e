from civicgrid.categories.models import Category
from civicgrid.categories.tests.base import COMPONENT, MATTER, CatalogueTestCase


class CategorySearchTests(CatalogueTestCase):
    def found(self, text, queryset=None) -> list[tuple[str, str]]:
        categories = (queryset or Category.objects).search(text)
        return [(c.kind, c.code) for c in categories]

    def names(self, text) -> list[str]:
        return [c.name for c in Category.objects.search(text)]

    def test_an_exact_code_comes_first_for_each_kind_that_has_it(self):
        self.assertEqual(self.found("01001"), [(COMPONENT, "01001"), (MATTER, "01001")])

    def test_a_code_prefix_finds_the_whole_class_in_code_order(self):
        codes = [code for kind, code in self.found("09")]
        self.assertEqual(len(codes), 21)
        self.assertEqual(codes, sorted(codes))

    def test_an_exact_code_comes_before_names_that_contain_it(self):
        Category.objects.filter(kind=MATTER, code="06012").update(keywords="06010")
        self.assertEqual(self.found("06010"), [(MATTER, "06010"), (MATTER, "06012")])

    def test_a_name_substring_finds_every_category_that_contains_it(self):
        names = self.names("垃圾")
        self.assertIn("暴露垃圾", names)
        self.assertIn("垃圾箱", names)
        self.assertTrue(all("垃圾" in name for name in names))

    def test_an_exact_name_comes_before_names_that_contain_it(self):
        self.assertEqual(self.names("路灯")[:2], ["路灯", "路灯井盖"])

    def test_names_starting_with_the_text_come_before_names_containing_it(self):
        names = self.names("垃圾")
        starting = [n for n in names if n.startswith("垃圾")]
        self.assertEqual(names[: len(starting)], starting)

    def test_a_keyword_finds_a_category_after_the_name_matches(self):
        Category.objects.filter(kind=MATTER, code="09009").update(keywords="违停，乱停车")
        Category.objects.filter(kind=MATTER, code="09010").update(keywords="停车")
        self.assertEqual(self.names("违停"), ["机动车乱停放"])
        self.assertEqual(self.names("停车")[-2:], ["机动车乱停放", "非机动车乱停放"])

    def test_every_word_must_match(self):
        self.assertEqual(self.found("06010 暴露垃圾"), [(MATTER, "06010")])
        self.assertEqual(self.found("06 垃圾箱"), [])

    def test_empty_text_finds_nothing(self):
        self.assertEqual(self.found("  "), [])

    def test_wildcards_are_taken_literally(self):
        self.assertEqual(self.found("%"), [])
        self.assertEqual(self.found("_"), [])

    def test_a_search_keeps_the_querysets_filters(self):
        Category.objects.filter(kind=MATTER, code="06010").update(open_to_residents=True)
        self.assertEqual(self.found("垃圾", Category.objects.for_residents()), [(MATTER, "06010")])

    def test_residents_see_only_active_categories_open_to_them(self):
        Category.objects.filter(code__in=["06010", "09009"], kind=MATTER).update(
            open_to_residents=True
        )
        Category.objects.filter(code="09009").update(is_active=False)
        codes = list(Category.objects.for_residents().values_list("code", flat=True))
        self.assertEqual(codes, ["06010"])
