from civicgrid.cases import intake
from civicgrid.cases.tests.base import CaseTestCase


class DuplicateTests(CaseTestCase):
    def test_an_open_case_of_the_same_category_nearby_is_offered(self):
        case = self.report()
        lat, lng = self.point_in(self.demo.grid(0, 0))
        self.assertEqual(intake.nearby_open(self.garbage, lat + 0.0001, lng), [case])

    def test_a_case_beyond_the_categorys_radius_is_not_offered(self):
        self.report()
        lat, lng = self.point_in(self.demo.grid(0, 0))
        self.assertEqual(intake.nearby_open(self.garbage, lat + 0.001, lng), [])  # about 110 m

    def test_another_category_at_the_same_spot_is_not_a_duplicate(self):
        self.report()
        lat, lng = self.point_in(self.demo.grid(0, 0))
        self.assertEqual(intake.nearby_open(self.parking, lat, lng), [])

    def test_a_closed_case_is_not_offered(self):
        case = self.report()
        self.step(case, "reject", self.paiqian, note="误报")
        lat, lng = self.point_in(self.demo.grid(0, 0))
        self.assertEqual(intake.nearby_open(self.garbage, lat, lng), [])

    def test_a_reporter_can_join_the_open_case_instead_of_opening_another(self):
        case = self.report()
        intake.join(case, by=self.zhang, note="我也看到了")
        self.assertEqual(case.reports.count(), 2)
        self.assertEqual(case.events.last().action, "join")

    def test_a_tracking_code_has_no_look_alike_characters(self):
        tokens = {intake.new_token() for _ in range(200)}
        self.assertEqual(len(tokens), 200)
        self.assertFalse(set("".join(tokens)) & set("0O1IL-_l"))
