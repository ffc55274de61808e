from civicgrid.categories.catalogue import LOCAL_DEFAULTS, apply_default_limits
from civicgrid.categories.models import Category
from civicgrid.categories.tests.base import MATTER, CatalogueTestCase, load_categories

HOURS, DAYS = Category.Unit.HOURS, Category.Unit.DAYS


class LocalDefaultTests(CatalogueTestCase):
    def test_every_default_names_a_matter_of_the_directory(self):
        found = Category.objects.filter(kind=MATTER, code__in=LOCAL_DEFAULTS).count()
        self.assertEqual(found, len(LOCAL_DEFAULTS))

    def test_the_command_applies_them_on_request_and_says_how_many(self):
        output = load_categories("--with-defaults")
        self.assertEqual(
            output, f"新增 0 项，更新 0 项，共 403 项；按本地默认值配置 {len(LOCAL_DEFAULTS)} 项"
        )

    def test_exposed_garbage_gets_four_working_hours_and_is_open_to_residents(self):
        apply_default_limits()
        garbage = self.category(MATTER, "06010")
        self.assertEqual(garbage.time_limit, (4, HOURS))
        self.assertTrue(garbage.open_to_residents)

    def test_the_common_street_matters_are_open_to_residents(self):
        apply_default_limits()
        codes = ["06010", "06036", "07001", "09006", "09009"]
        open_ = Category.objects.for_residents().values_list("code", flat=True)
        self.assertEqual(sorted(open_), codes)

    def test_a_configured_category_keeps_its_own_limit(self):
        Category.objects.filter(kind=MATTER, code="06010").update(
            time_limit_value=1, time_limit_unit=DAYS, keywords="自定"
        )
        apply_default_limits()
        garbage = self.category(MATTER, "06010")
        self.assertEqual((garbage.time_limit, garbage.keywords), ((1, DAYS), "自定"))
        self.assertFalse(garbage.open_to_residents)

    def test_applying_them_twice_changes_nothing_the_second_time(self):
        apply_default_limits()
        self.assertEqual(apply_default_limits(), 0)

    def test_they_never_close_a_category_an_administrator_opened(self):
        Category.objects.filter(kind=MATTER, code="06012").update(open_to_residents=True)
        apply_default_limits()
        self.assertTrue(self.category(MATTER, "06012").open_to_residents)

    def test_components_are_not_touched(self):
        apply_default_limits()
        self.assertEqual(Category.objects.filter(kind="component").unconfigured().count(), 153)

    def test_a_category_without_a_limit_counts_five_working_days(self):
        self.assertEqual(self.category(MATTER, "06002").time_limit, (5, DAYS))
