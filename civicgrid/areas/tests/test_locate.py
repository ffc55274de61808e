from django.core.exceptions import ValidationError
from shapely.geometry import shape

from civicgrid.areas.locate import forget_locator, locate
from civicgrid.areas.models import Area, Level
from civicgrid.demo.testing import DemoTestCase


class LocateTests(DemoTestCase):
    def inside(self, area):
        point = shape(area.boundary).representative_point()
        return point.y, point.x

    def test_a_point_inside_a_grid_finds_that_grid(self):
        for grid in self.demo.grids:
            self.assertEqual(locate(*self.inside(grid)), grid)

    def test_a_point_on_the_edge_between_two_grids_goes_to_the_lower_code(self):
        first, second = self.demo.grid(0, 0), self.demo.grid(0, 1)
        edge = shape(first.boundary).intersection(shape(second.boundary))
        point = edge.interpolate(0.5, normalized=True)
        self.assertEqual(locate(point.y, point.x), min(first, second, key=lambda a: a.code))

    def test_a_point_in_a_hole_of_a_grid_falls_back_to_the_community(self):
        grid = self.demo.grid(1, 0)
        outline = shape(grid.boundary)
        hole = outline.centroid.buffer(0.0004)
        grid.boundary = outline.difference(hole).__geo_interface__
        grid.save()
        self.assertEqual(locate(outline.centroid.y, outline.centroid.x), self.demo.community(1))

    def test_a_point_outside_every_grid_but_inside_the_street_falls_back_to_the_street(self):
        Area.objects.filter(level=Level.GRID, path__startswith=self.demo.community(2).path).update(
            boundary=None
        )
        Area.objects.filter(pk=self.demo.community(2).pk).update(boundary=None)
        forget_locator()
        self.assertEqual(locate(*self.inside(self.demo.grid(2, 0))), self.street)

    def test_a_point_far_away_is_nowhere(self):
        self.assertIsNone(locate(39.9, 116.4))

    def test_a_point_off_the_globe_is_refused(self):
        with self.assertRaises(ValidationError):
            locate(113.2, 35.2)

    def test_a_redrawn_grid_is_seen_without_restarting(self):
        grid = self.demo.grid(0, 0)
        lat, lng = self.inside(grid)
        self.assertEqual(locate(lat, lng), grid)
        grid.boundary = None
        grid.save()
        forget_locator()  # a running process notices within a second; tests do not wait
        self.assertEqual(locate(lat, lng), self.demo.community(0))
