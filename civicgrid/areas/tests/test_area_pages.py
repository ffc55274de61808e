import json

from civicgrid.areas.models import Level
from civicgrid.demo.testing import DemoTestCase


class AreaPageTests(DemoTestCase):
    def test_the_tree_page_is_for_signed_in_people_only(self):
        self.assert_access("/areas/", allowed=[self.admin, self.wangge01, self.chengguan])

    def test_the_tree_lists_a_community_workers_community_and_not_the_neighbours(self):
        response = self.assert_status(self.shequ1, "/areas/", 200)
        self.assertContains(response, self.demo.community(0).name)
        self.assertNotContains(response, self.demo.community(1).name)

    def test_an_area_page_follows_the_access_matrix(self):
        url = self.demo.community(0).get_absolute_url()
        self.assert_access(
            url,
            allowed=[self.admin, self.shequ1, self.lingdao],
            hidden=[self.shequ2, self.wangge04],
        )

    def test_the_map_data_holds_the_area_and_its_children(self):
        community = self.demo.community(0)
        response = self.assert_status(
            self.shequ1, community.get_absolute_url() + "map.geojson", 200
        )
        codes = [f["properties"]["code"] for f in response.json()["features"]]
        self.assertEqual(codes[0], community.code)
        self.assertEqual(len(codes), 1 + community.children.count())

    def test_the_map_data_of_another_community_is_hidden(self):
        url = self.demo.community(1).get_absolute_url() + "map.geojson"
        self.assert_access(url, allowed=[self.shequ2], hidden=[self.shequ1])

    def test_locating_a_point_answers_with_the_grid_and_its_path(self):
        grid = self.demo.grid(0, 0)
        self.login(self.wangge01)
        response = self.client.get(
            "/areas/locate", {"lat": grid.centre_lat, "lng": grid.centre_lng}
        )
        self.assertEqual(response.json()["code"], grid.code)
        self.assertEqual(response.json()["path"][-1], grid.name)

    def test_locating_a_point_outside_ones_scope_is_hidden(self):
        grid = self.demo.grid(3, 0)
        self.login(self.wangge01)
        response = self.client.get(
            "/areas/locate", {"lat": grid.centre_lat, "lng": grid.centre_lng}
        )
        self.assertEqual(response.status_code, 404)

    def test_locating_without_numbers_explains_what_is_missing(self):
        self.login(self.wangge01)
        response = self.client.get("/areas/locate", {"lat": "north"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("lat", response.json()["error"])

    def test_the_import_page_is_for_administrators(self):
        self.assert_access(
            "/areas/import/",
            allowed=[self.admin, self.paiqian],
            forbidden=[self.shequ1, self.lingdao],
        )

    def test_the_tree_page_needs_five_queries(self):
        self.login(self.paiqian)
        self.client.get("/areas/")
        with self.assertNumQueries(5):  # session, user, grants, areas, unread notices
            self.client.get("/areas/")

    def test_the_area_page_needs_few_queries(self):
        self.login(self.paiqian)
        url = self.street.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(9):
            self.client.get(url)

    def test_the_geojson_export_is_limited_to_the_persons_scope(self):
        response = self.assert_status(self.shequ1, "/areas/export.geojson", 200)
        features = json.loads(response.content)["features"]
        self.assertEqual(len(features), 1 + 5)
        self.assertEqual(
            {f["properties"]["level"] for f in features}, {Level.COMMUNITY, Level.GRID}
        )
