import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from civicgrid.areas.models import Area, Department, Level
from civicgrid.demo.testing import DemoTestCase
from civicgrid.people.authz import Authz
from civicgrid.people.models import Role, RoleAssignment, User


class AuthorizationTests(DemoTestCase):
    def visible_areas(self, user):
        return Area.objects.restrict(Authz(user))

    def test_a_grid_worker_sees_only_their_own_grids(self):
        codes = set(self.visible_areas(self.wangge01).values_list("code", flat=True))
        self.assertEqual(codes, {self.demo.grid(0, 0).code, self.demo.grid(0, 1).code})

    def test_community_staff_see_their_community_and_its_grids_but_not_the_neighbours(self):
        areas = self.visible_areas(self.shequ1)
        self.assertIn(self.demo.community(0), areas)
        self.assertEqual(areas.filter(level=Level.GRID).count(), 5)
        self.assertNotIn(self.demo.community(1), areas)

    def test_a_person_with_two_roles_sees_the_union_of_their_scopes(self):
        areas = self.visible_areas(self.zhang)
        self.assertIn(self.demo.grid(0, 2), areas)
        self.assertIn(self.demo.community(1), areas)
        self.assertNotIn(self.demo.grid(0, 0), areas)
        self.assertEqual(Authz(self.zhang).roles, {Role.GRID_WORKER, Role.COMMUNITY})

    def test_a_department_handler_covers_the_street_their_department_serves(self):
        areas = self.visible_areas(self.chengguan)
        self.assertEqual(areas.count(), Area.objects.subtree(self.street).count())
        departments = Department.objects.restrict(Authz(self.chengguan))
        self.assertEqual(list(departments), [self.demo.departments["CG"]])

    def test_an_ended_assignment_grants_nothing(self):
        RoleAssignment.objects.filter(user=self.shequ1).update(
            valid_to=timezone.localdate() - dt.timedelta(days=1)
        )
        self.assertFalse(self.visible_areas(self.shequ1).exists())

    def test_a_future_assignment_grants_nothing_yet(self):
        RoleAssignment.objects.filter(user=self.shequ1).update(
            valid_from=timezone.localdate() + dt.timedelta(days=1)
        )
        self.assertFalse(self.visible_areas(self.shequ1).exists())
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        self.assertTrue(Area.objects.restrict(Authz(self.shequ1, on=tomorrow)).exists())

    def test_a_person_without_roles_sees_nothing(self):
        nobody = User.objects.create(username="nobody")
        self.assertFalse(self.visible_areas(nobody).exists())

    def test_the_superuser_sees_everything(self):
        self.assertEqual(self.visible_areas(self.admin).count(), Area.objects.count())

    def test_only_administrators_may_change_areas(self):
        community = self.demo.community(0)
        self.assertTrue(Authz(self.paiqian).may("areas.change", community))
        self.assertFalse(Authz(self.shequ1).may("areas.change", community))
        self.assertFalse(Authz(self.lingdao).may("areas.change", community))

    def test_get_object_hides_what_is_out_of_scope_and_forbids_what_is_read_only(self):
        neighbour, own = self.demo.community(1), self.demo.community(0)
        with self.assertRaises(Http404):
            Authz(self.shequ1).get_object(Area.objects.all(), "areas.view", pk=neighbour.pk)
        with self.assertRaises(PermissionDenied):
            Authz(self.shequ1).get_object(Area.objects.all(), "areas.change", pk=own.pk)
        self.assertEqual(
            Authz(self.shequ1).get_object(Area.objects.all(), "areas.view", pk=own.pk), own
        )

    def test_people_are_visible_to_those_whose_scope_holds_their_roles(self):
        seen = set(User.objects.restrict(Authz(self.shequ1)).values_list("username", flat=True))
        self.assertIn("wangge01", seen)
        self.assertIn("zhang", seen)  # grid worker in community 0
        self.assertNotIn("wangge04", seen)
        self.assertNotIn("paiqian", seen)

    def test_grants_are_loaded_in_one_query(self):
        with self.assertNumQueries(1):
            Authz(self.zhang)


class CoveringTests(DemoTestCase):
    def test_people_inside_a_street_see_what_covers_the_whole_street(self):
        from civicgrid.people.authz import ancestor_paths

        self.assertEqual(ancestor_paths("1/2/3/"), ["1/", "1/2/", "1/2/3/"])
        departments = Department.objects.restrict(Authz(self.shequ1), "departments.view")
        self.assertEqual(departments.count(), len(self.demo.departments))

    def test_covering_grants_viewing_only(self):
        street_department = self.demo.departments["CG"]
        self.assertFalse(Authz(self.shequ1).may("departments.change", street_department))
