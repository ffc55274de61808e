from civicgrid.categories.models import Category
from civicgrid.categories.tests.base import LOCAL, MATTER, PeopleTestCase

CHANGELIST = "/admin/categories/category/"


def url(category, page="change") -> str:
    return f"{CHANGELIST}{category.pk}/{page}/"


class CategoryAdminTests(PeopleTestCase):
    def setUp(self):
        self.garbage = Category.objects.get(kind=MATTER, code="06010")
        self.change_url = url(self.garbage)

    def form(self, **changes) -> dict:
        data = {
            "time_limit_value": "4",
            "time_limit_unit": "hours",
            "default_department": "",
            "severity": "normal",
            "open_to_residents": "on",
            "case_threshold": "",
            "duplicate_radius_m": "50",
            "duplicate_window_days": "7",
            "keywords": "",
            "is_active": "on",
        }
        return {**data, **changes}

    def test_an_administrator_sees_the_catalogue_with_its_configuration(self):
        self.client.force_login(self.admin)
        response = self.client.get(CHANGELIST, {"q": "06010"})
        self.assertContains(response, "暴露垃圾")
        self.assertContains(response, "处置时限")

    def test_an_administrator_sets_a_time_limit(self):
        self.client.force_login(self.admin)
        response = self.client.post(self.change_url, self.form(keywords="垃圾堆"))
        self.assertEqual(response.status_code, 302)
        self.garbage.refresh_from_db()
        self.assertEqual((self.garbage.time_limit, self.garbage.keywords), ((4, "hours"), "垃圾堆"))

    def test_the_standards_own_columns_cannot_be_edited(self):
        self.client.force_login(self.admin)
        self.client.post(self.change_url, self.form(name="垃圾", code="99999"))
        self.garbage.refresh_from_db()
        self.assertEqual((self.garbage.code, self.garbage.name), ("06010", "暴露垃圾"))

    def test_staff_without_the_permission_may_read_but_not_change(self):
        self.client.force_login(self.clerk)
        self.assertEqual(self.client.get(CHANGELIST).status_code, 200)
        self.assertEqual(self.client.post(self.change_url, self.form()).status_code, 403)
        self.garbage.refresh_from_db()
        self.assertIsNone(self.garbage.time_limit_value)

    def test_people_who_are_not_staff_are_kept_out(self):
        self.client.force_login(self.wangge)
        self.assertEqual(self.client.get(CHANGELIST).status_code, 302)

    def test_an_administrator_adds_a_local_extension(self):
        self.client.force_login(self.admin)
        data = self.form(kind=LOCAL, code="91001", major_name="卫生城市类", name="病媒孳生地")
        self.assertEqual(self.client.post(f"{CHANGELIST}add/", data).status_code, 302)
        self.assertEqual(Category.objects.get(kind=LOCAL).major_code, "91")

    def test_standard_rows_cannot_be_deleted_but_local_ones_can(self):
        local = Category.objects.create(kind=LOCAL, code="91001", major_name="本地", name="甲")
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(url(self.garbage, "delete")).status_code, 403)
        self.client.post(url(local, "delete"), {"post": "yes"})
        self.assertFalse(Category.objects.filter(pk=local.pk).exists())
