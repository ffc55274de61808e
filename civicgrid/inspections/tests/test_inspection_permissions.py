from civicgrid.inspections.tests.base import InspectionTestCase
from civicgrid.people.authz import Authz


class InspectionPermissionTests(InspectionTestCase):
    def test_supervisors_conduct_inspections_in_their_street(self):
        inspection = self.inspection()
        self.assertTrue(Authz(self.duban1).may("inspections.conduct", inspection))

    def test_community_staff_see_their_communitys_inspections_but_do_not_conduct_them(self):
        inspection = self.inspection()
        self.assertTrue(Authz(self.shequ1).may("inspections.view", inspection))
        self.assertFalse(Authz(self.shequ1).may("inspections.conduct", inspection))
        self.assertFalse(Authz(self.shequ2).may("inspections.view", inspection))

    def test_leaders_read_campaigns_and_ledgers_but_change_nothing(self):
        authz = Authz(self.lingdao)
        self.assertTrue(authz.has_perm("campaigns.view") and authz.has_perm("ledgers.view"))
        self.assertFalse(authz.has_perm("campaigns.change") or authz.has_perm("ledgers.record"))
