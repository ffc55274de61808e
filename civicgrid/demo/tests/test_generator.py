import tempfile
from io import StringIO
from itertools import combinations

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from shapely.geometry import shape

from civicgrid.areas.models import Area, Level
from civicgrid.demo.generator import Size, build
from civicgrid.people.models import Role, RoleAssignment, User


class GeneratorTests(TestCase):
    def test_the_demo_street_has_five_communities_twenty_five_grids_and_thirty_people(self):
        demo = build(Size())
        self.assertEqual((len(demo.communities), len(demo.grids), len(demo.people)), (5, 25, 30))
        self.assertEqual(
            set(RoleAssignment.objects.values_list("role", flat=True)), set(Role.values)
        )

    def test_the_same_seed_gives_the_same_territory(self):
        with transaction.atomic():
            first = [(a.code, a.boundary) for a in build(Size(people=False), seed=7).grids]
            transaction.set_rollback(True)
        second = [(a.code, a.boundary) for a in build(Size(people=False), seed=7).grids]
        self.assertEqual(first, second)

    def test_grids_never_overlap_and_fill_their_community(self):
        demo = build(Size(people=False))
        shapes = [shape(g.boundary) for g in demo.grids]
        for a, b in combinations(shapes, 2):
            self.assertLess(a.intersection(b).area, 1e-12)
        for community in demo.communities:
            grids = [shape(g.boundary) for g in demo.grids if g.parent_id == community.pk]
            self.assertAlmostEqual(
                sum(g.area for g in grids), shape(community.boundary).area, places=10
            )

    def test_grids_are_numbered_north_to_south_then_west_to_east(self):
        demo = build(Size(people=False, grids=4))
        first, second, third = [shape(g.boundary).centroid for g in demo.grids[:3]]
        self.assertLess(first.x, second.x)  # same row, west before east
        self.assertGreater(first.y, third.y)  # next row lies further south

    def test_every_grid_code_is_fifteen_digits_under_its_community(self):
        demo = build(Size(people=False))
        for grid in demo.grids:
            self.assertEqual(len(grid.code), 15)
            self.assertTrue(grid.code.startswith(grid.parent.code))
            grid.full_clean()

    def test_a_bigger_size_makes_more_streets_in_their_districts(self):
        demo = build(Size(streets=12, communities=2, grids=2, people=False, zone=False))
        self.assertEqual(Area.objects.filter(level=Level.STREET).count(), 12)
        self.assertEqual(len({s.parent_id for s in demo.streets}), 10)
        self.assertEqual(len({s.code for s in demo.streets}), 12)


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="civicgrid-demo-test-"))
class LoadDemoCommandTests(TestCase):
    def run_command(self):
        out = StringIO()
        call_command("load_demo", "--days", "3", stdout=out)
        return out.getvalue()

    def test_running_it_twice_creates_nothing_twice_and_prints_the_logins_both_times(self):
        first = self.run_command()
        counts = (Area.objects.count(), User.objects.count())
        second = self.run_command()
        self.assertEqual((Area.objects.count(), User.objects.count()), counts)
        self.assertIn("已存在", second)
        for output in (first, second):
            self.assertIn("admin", output)
            self.assertIn("密码均为 civicgrid", output)

    def test_the_demo_admin_signs_in_with_the_shared_password(self):
        self.run_command()
        self.assertTrue(self.client.login(username="admin", password="civicgrid"))
