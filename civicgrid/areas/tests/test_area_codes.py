from django.core.exceptions import ValidationError

from civicgrid.areas.models import Area, Level
from civicgrid.demo.testing import DemoTestCase


class AreaCodeTests(DemoTestCase):
    def new_grid(self, code, parent=None):
        return Area(
            level=Level.GRID, code=code, name="新网格", parent=parent or self.demo.community(0)
        )

    def test_a_grid_code_is_its_communitys_code_plus_three_digits(self):
        community = self.demo.community(0)
        self.new_grid(community.child_code(9)).full_clean()
        self.assertEqual(len(community.child_code(9)), 15)

    def test_a_grid_code_of_the_wrong_length_is_refused_with_a_clear_message(self):
        with self.assertRaisesMessage(ValidationError, "网格编码应为 15 位数字"):
            self.new_grid("41081100100101").full_clean()

    def test_a_grid_code_from_another_community_is_refused(self):
        other = self.demo.community(1).child_code(9)
        with self.assertRaisesMessage(ValidationError, "编码应以上级编码"):
            self.new_grid(other).full_clean()

    def test_a_grid_cannot_hang_directly_under_a_street(self):
        grid = self.new_grid(self.street.code + "001009", parent=self.street)
        with self.assertRaisesMessage(ValidationError, "不能设在该上级之下"):
            grid.full_clean()

    def test_communities_inside_a_work_zone_keep_the_streets_code_as_prefix(self):
        in_zone = self.demo.community(0)
        self.assertEqual(in_zone.parent.level, Level.ZONE)
        self.assertTrue(in_zone.code.startswith(self.street.code))
        in_zone.full_clean()

    def test_moving_a_community_rewrites_the_paths_of_its_grids(self):
        community = self.demo.community(0)
        community.parent = self.street
        community.save()
        for grid in community.children.all():
            self.assertTrue(grid.path.startswith(community.path))
        self.assertEqual(community.path, f"{self.street.path}{community.pk}/")

    def test_an_area_cannot_move_under_its_own_grid(self):
        community = self.demo.community(0)
        community.parent = community.children.first()
        with self.assertRaises(ValidationError):
            community.full_clean()

    def test_a_boundary_must_be_a_valid_polygon(self):
        grid = self.new_grid(self.demo.community(0).child_code(9))
        grid.boundary = {
            "type": "Polygon",
            "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
        }
        with self.assertRaisesMessage(ValidationError, "边界多边形无效"):
            grid.full_clean()

    def test_a_boundary_with_latitude_first_is_caught(self):
        grid = self.new_grid(self.demo.community(0).child_code(9))
        grid.boundary = {
            "type": "Polygon",
            "coordinates": [[[35, 113], [35.1, 113], [35.1, 113.1], [35, 113]]],
        }
        with self.assertRaisesMessage(ValidationError, "WGS-84"):
            grid.full_clean()
