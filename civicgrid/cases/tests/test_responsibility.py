from django.core.exceptions import PermissionDenied, ValidationError

from civicgrid.cases import responsibility
from civicgrid.cases.models import ResponsibilityRule
from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.people.models import Role


class ResponsibilityTests(CaseTestCase):
    def rule(self, area, category=None, major="", department=None, role=""):
        return ResponsibilityRule.objects.create(
            area=area, category=category, major_code=major, department=department, area_role=role
        )

    def test_without_rules_the_categorys_default_department_answers(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        self.assertIsNone(case.rule)
        self.assertEqual(case.responsible_department, self.demo.departments["HW"])

    def test_without_rule_or_default_the_community_answers(self):
        case = self.report(category=self.parking)
        self.step(case, "register", self.paiqian)
        self.assertEqual(
            (case.responsible_area, case.responsible_role), (self.demo.community(0), Role.COMMUNITY)
        )

    def test_an_exact_category_beats_a_class_and_a_class_beats_everything(self):
        depts = self.demo.departments
        self.rule(self.street, department=depts["ZJ"])
        self.rule(self.street, major="06", department=depts["CG"])
        exact = self.rule(self.street, category=self.garbage, department=depts["HJ"])
        self.assertEqual(responsibility.resolve(self.report()), exact)

    def test_a_deeper_area_beats_a_shallower_one_for_the_same_category(self):
        depts = self.demo.departments
        self.rule(self.street, category=self.garbage, department=depts["HW"])
        local = self.rule(self.demo.community(0), category=self.garbage, role=Role.GRID_WORKER)
        case = self.report()
        self.assertEqual(responsibility.resolve(case), local)
        self.step(case, "register", self.paiqian)
        self.assertEqual(
            (case.responsible_area, case.responsible_role), (self.demo.grid(0, 0), Role.GRID_WORKER)
        )

    def test_a_rule_for_another_community_does_not_apply(self):
        self.rule(
            self.demo.community(1), category=self.garbage, department=self.demo.departments["CG"]
        )
        self.assertIsNone(responsibility.resolve(self.report()))

    def test_registration_records_which_rule_decided(self):
        rule = self.rule(self.street, category=self.garbage, department=self.demo.departments["CG"])
        case = self.report()
        event = self.step(case, "register", self.paiqian)
        self.assertEqual(case.rule, rule)
        self.assertEqual(event.data["rule"], rule.pk)

    def test_dispatching_elsewhere_than_the_rule_needs_a_reason(self):
        self.rule(self.street, category=self.garbage, department=self.demo.departments["HW"])
        case = self.report()
        self.step(case, "register", self.paiqian)
        with self.assertRaisesMessage(ValidationError, "理由"):
            self.step(case, "dispatch", self.paiqian, department=self.demo.departments["CG"])
        self.step(
            case, "dispatch", self.paiqian, department=self.demo.departments["CG"], note="涉及占道"
        )
        self.assertEqual(case.override_reason, "涉及占道")

    def test_the_grid_worker_of_the_grid_handles_a_case_given_to_grid_workers(self):
        self.rule(self.street, category=self.garbage, role=Role.GRID_WORKER)
        case = self.dispatched()
        self.step(case, "accept", self.wangge01)
        with self.assertRaises(PermissionDenied):
            self.step(case, "handle", self.wangge02)

    def test_a_rule_names_a_department_or_a_role_but_not_both(self):
        rule = ResponsibilityRule(
            area=self.street, department=self.demo.departments["HW"], area_role=Role.COMMUNITY
        )
        with self.assertRaises(ValidationError):
            rule.full_clean()
