"""顽疾点位: N cases of one category in M days within R metres of one place, and nothing else."""

import datetime as dt

from django.test import SimpleTestCase, override_settings

from civicgrid.cases.models import State
from civicgrid.dashboard import hotspots, stats
from civicgrid.dashboard.hotspots import Point, find
from civicgrid.dashboard.models import Hotspot
from civicgrid.dashboard.tests.base import DashboardTestCase, at, east

NOW = at("2026-11-25T18:00")
RULE = {"DASHBOARD_HOTSPOT_COUNT": 3, "DASHBOARD_HOTSPOT_DAYS": 30, "DASHBOARD_HOTSPOT_METRES": 50}


@override_settings(**RULE)
class HotspotRuleTests(DashboardTestCase):
    def setUp(self):
        super().setUp()
        self.grid = self.demo.grid(0, 0)
        self.lat, self.lng = self.grid.centre_lat, self.grid.centre_lng

    def at_place(self, metres=0.0, days_ago=1, category=None, grid=None, **fields):
        lat, lng = east(self.lat, self.lng, metres)
        created = NOW - dt.timedelta(days=days_ago)
        return self.case(grid or self.grid, created, category=category, lat=lat, lng=lng, **fields)

    def found(self) -> list[Hotspot]:
        stats.refresh(now=NOW)
        return list(Hotspot.objects.all())

    def test_three_cases_of_one_category_at_one_place_in_a_month_make_a_spot(self):
        cases = [self.at_place(0, 20), self.at_place(20, 10), self.at_place(35, 2)]
        cases[0].state = State.CLOSED
        cases[0].save()
        [spot] = self.found()
        self.assertEqual((spot.category, spot.count, spot.open), (self.garbage, 3, 2))
        self.assertEqual(spot.area, self.demo.community(0))
        self.assertEqual(spot.cases, [c.number for c in cases])
        self.assertEqual((spot.first_at, spot.last_at), (cases[0].created_at, cases[2].created_at))

    def test_two_cases_are_not_yet_a_spot(self):
        self.at_place(0)
        self.at_place(10)
        self.assertEqual(self.found(), [])

    def test_categories_are_not_mixed(self):
        self.at_place(0)
        self.at_place(10)
        self.at_place(5, category=self.parking)
        self.assertEqual(self.found(), [])

    def test_a_case_beyond_the_radius_is_another_place(self):
        self.at_place(0)
        self.at_place(30)
        self.at_place(85)  # 85 m from the first, 55 m from the second: no centre holds all three
        self.assertEqual(self.found(), [])

    def test_cases_older_than_the_window_do_not_count(self):
        self.at_place(0, days_ago=31)
        self.at_place(10, days_ago=5)
        self.at_place(20, days_ago=1)
        self.assertEqual(self.found(), [])

    @override_settings(DASHBOARD_HOTSPOT_DAYS=40)
    def test_the_window_is_configurable(self):
        self.at_place(0, days_ago=31)
        self.at_place(10, days_ago=5)
        self.at_place(20, days_ago=1)
        self.assertEqual([s.count for s in self.found()], [3])

    @override_settings(DASHBOARD_HOTSPOT_COUNT=4, DASHBOARD_HOTSPOT_METRES=100)
    def test_count_and_radius_are_configurable(self):
        for metres in (0, 30, 60, 90):
            self.at_place(metres)
        self.assertEqual([s.count for s in self.found()], [4])

    def test_rejected_and_merged_reports_are_no_recurrence(self):
        self.at_place(0)
        self.at_place(10)
        self.at_place(20, state=State.REJECTED)
        self.at_place(30, state=State.MERGED)
        self.assertEqual(self.found(), [])

    def test_places_are_compared_within_one_community(self):
        self.at_place(0)
        self.at_place(10)
        self.at_place(20, grid=self.demo.grid(1, 0))  # same spot, filed under another community
        self.assertEqual(self.found(), [])

    def test_a_refresh_replaces_the_spots(self):
        for metres in (0, 10, 20):
            self.at_place(metres)
        self.assertEqual(len(self.found()), 1)
        self.assertEqual(len(self.found()), 1)


def point(n, metres):
    return Point(n, *east(35.2, 113.24, metres))


class FindTests(SimpleTestCase):
    def test_a_case_belongs_to_one_spot_at_most(self):
        points = [point(n, n * 5) for n in range(6)]  # six within 25 m
        [spot] = find(points, 3, 50)
        self.assertEqual(len(spot), 6)

    def test_two_places_far_apart_are_two_spots(self):
        points = [point(n, n * 5) for n in range(3)] + [
            point(10 + n, 500 + n * 5) for n in range(3)
        ]
        self.assertEqual(sorted(len(s) for s in find(points, 3, 50)), [3, 3])

    def test_the_centre_is_the_case_with_most_neighbours(self):
        points = [point(1, 0), point(2, 40), point(3, 80)]  # only the middle one reaches both
        [spot] = find(points, 3, 50)
        self.assertEqual(spot[0].pk, 2)

    def test_points_across_a_cell_border_are_still_neighbours(self):
        cell = 50 / hotspots.METRES_PER_DEGREE
        base = (int(35.2 / cell) + 1) * cell  # a cell border in latitude
        points = [
            Point(n, base + d, 113.24) for n, d in enumerate([-cell * 0.1, cell * 0.1, cell * 0.2])
        ]
        self.assertEqual([len(s) for s in find(points, 3, 50)], [3])
