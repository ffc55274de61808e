from civicgrid.categories.models import Category
from civicgrid.categories.tests.base import MATTER, PeopleTestCase

URL = "/categories/search"


class CategoryPickerTests(PeopleTestCase):
    def results(self, q, user=None):
        self.client.force_login(user or self.wangge)
        response = self.client.get(URL, {"q": q})
        self.assertEqual(response.status_code, 200)
        return response.json()["results"]

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(URL, {"q": "垃圾"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])

    def test_a_signed_in_person_gets_matching_categories(self):
        garbage = Category.objects.get(kind=MATTER, code="06010")
        found = self.results("06010")
        self.assertEqual(
            found,
            [
                {
                    "id": garbage.pk,
                    "kind": "matter",
                    "code": "06010",
                    "name": "暴露垃圾",
                    "major_name": "市容环境类",
                }
            ],
        )

    def test_at_most_twenty_are_returned(self):
        self.assertEqual(len(self.results("0")), 20)

    def test_inactive_categories_are_not_offered(self):
        Category.objects.filter(kind=MATTER, code="06010").update(is_active=False)
        self.assertEqual(self.results("06010"), [])

    def test_an_empty_query_returns_nothing(self):
        self.assertEqual(self.results(""), [])

    def test_names_come_back_readable(self):
        self.client.force_login(self.wangge)
        self.assertIn("暴露垃圾", self.client.get(URL, {"q": "06010"}).content.decode())

    def test_only_get_is_allowed(self):
        self.client.force_login(self.wangge)
        self.assertEqual(self.client.post(URL, {"q": "垃圾"}).status_code, 405)
