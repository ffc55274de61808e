"""Areas, categories and departments through the API, each within the person's scope."""

from civicgrid.api.tests.base import ApiTestCase


class AreaTests(ApiTestCase):
    def codes(self, user, **query) -> list[str]:
        response = self.api("GET", "/areas", user, query)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return [area["code"] for area in response.json()["results"]]

    def test_the_area_list_is_the_tree_in_scope_with_parent_codes(self):
        community = self.demo.community(0)
        rows = self.api("GET", "/areas", self.shequ1).json()["results"]
        self.assertEqual(rows[0]["code"], community.code)
        self.assertEqual(rows[0]["parent"], community.parent.code)
        self.assertEqual({r["parent"] for r in rows[1:]}, {community.code})
        self.assertEqual(len(rows), 1 + community.children.count())

    def test_the_area_list_follows_the_access_matrix(self):
        self.assert_api_access("GET", "/areas", allowed=[self.admin, self.lingdao, self.huanwei])

    def test_a_department_handler_sees_the_street_it_serves(self):
        self.assertIn(self.street.code, self.codes(self.huanwei))

    def test_area_pages_follow_the_cursor_parents_first(self):
        everything = self.codes(self.paiqian, limit=100)
        seen, after = [], None
        while True:
            query = {"limit": 7, **({"after": after} if after else {})}
            body = self.api("GET", "/areas", self.paiqian, query).json()
            seen += [a["code"] for a in body["results"]]
            if (after := body["next"]) is None:
                break
        self.assertEqual(seen, everything)
        rows = self.api("GET", "/areas", self.paiqian, {"limit": 100}).json()["results"]
        position = {row["code"]: n for n, row in enumerate(rows)}
        for row in rows:
            if row["parent"] in position:
                self.assertLess(position[row["parent"]], position[row["code"]])

    def test_areas_filter_by_level_and_parent(self):
        community = self.demo.community(2)
        grids = self.codes(self.paiqian, level=60, parent=community.code)
        self.assertEqual(grids, sorted(g.code for g in community.children.all()))
        self.assert_error(
            self.api("GET", "/areas", self.paiqian, {"level": 7}), 400, fields=["level"]
        )

    def test_one_area_has_its_boundary_and_children(self):
        community = self.demo.community(0)
        body = self.api("GET", f"/areas/{community.code}", self.shequ1).json()
        self.assertEqual(body["boundary"]["type"], community.boundary["type"])
        self.assertEqual(len(body["children"]), community.children.count())

    def test_one_area_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            f"/areas/{self.demo.community(0).code}",
            allowed=[self.paiqian, self.shequ1],
            hidden=[self.shequ2, self.wangge01],
        )

    def test_locate_finds_the_grid_holding_a_point(self):
        grid = self.demo.grid(0, 0)
        lat, lng = self.point_in(grid)
        body = self.api("GET", "/areas/locate", self.wangge01, {"lat": lat, "lng": lng}).json()
        self.assertEqual(body["code"], grid.code)

    def test_locate_outside_scope_or_nowhere_is_404_and_nonsense_is_400(self):
        lat, lng = self.point_in(self.demo.grid(3, 0))
        self.assert_error(
            self.api("GET", "/areas/locate", self.wangge01, {"lat": lat, "lng": lng}), 404
        )
        self.assert_error(
            self.api("GET", "/areas/locate", self.wangge01, {"lat": 0, "lng": 0}), 404
        )
        self.assert_error(
            self.api("GET", "/areas/locate", self.wangge01, {"lat": 95, "lng": 0}),
            400,
            fields=["lat"],
        )
        self.assert_error(
            self.api("GET", "/areas/locate", self.wangge01, {"lat": "x"}),
            400,
            fields=["lat", "lng"],
        )


class CatalogueTests(ApiTestCase):
    def test_categories_are_searched_like_the_pages_search(self):
        body = self.api("GET", "/categories", self.wangge01, {"q": "垃圾"}).json()
        self.assertEqual([c["code"] for c in body["results"]], ["06010"])
        everything = self.api("GET", "/categories", self.wangge01).json()["results"]
        self.assertEqual({c["code"] for c in everything}, {"06010", "09009"})

    def test_categories_need_a_token(self):
        self.assert_api_access("GET", "/categories", allowed=[self.huanwei, self.wangge01])

    def test_departments_are_those_in_scope(self):
        street = self.api("GET", "/departments", self.paiqian).json()["results"]
        self.assertEqual(len(street), len(self.demo.departments))
        [own] = self.api("GET", "/departments", self.huanwei).json()["results"]
        self.assertEqual(own["code"], self.demo.departments["HW"].code)
        self.assertEqual(own["street"]["code"], self.street.code)
