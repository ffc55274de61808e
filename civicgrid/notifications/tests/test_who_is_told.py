import datetime as dt

from django.test import override_settings

from civicgrid.cases import escalation
from civicgrid.cases.models import CaseEvent
from civicgrid.cases.tests.base import photo
from civicgrid.cases.workflow import STEPS
from civicgrid.notifications.models import Notification, Subscription
from civicgrid.notifications.recipients import AUDIENCES, concerned
from civicgrid.notifications.tasks import deliver_case_event
from civicgrid.notifications.tests.base import NotificationTestCase, run_worker
from civicgrid.people.models import Role, RoleAssignment


class WhoIsToldTests(NotificationTestCase):
    def reported(self, **extra):
        return self.committed(self.report, **extra)

    def test_a_new_report_tells_the_dispatchers_of_its_street(self):
        case = self.reported()
        self.assertEqual(self.told(case.events.get(action="report")), {"admin", "paiqian"})

    def test_a_dispatch_tells_the_responsible_department_and_the_reporter(self):
        case = self.reported()
        self.taken(case, "register", self.paiqian)
        event = self.taken(case, "dispatch", self.paiqian)
        self.assertEqual(self.told(event), {"huanwei", "wangge01"})

    def test_a_case_for_a_community_tells_every_staff_member_of_that_community(self):
        case = self.reported(category=self.parking, grid=self.demo.grid(1, 0))
        self.taken(case, "register", self.paiqian)
        event = self.taken(case, "dispatch", self.paiqian)
        self.assertEqual(self.told(event), {"shequ2", "zhang", "wangge01"})

    def test_a_case_for_grid_workers_tells_the_grid_workers_of_that_grid_only(self):
        case = self.reported(category=self.parking, grid=self.demo.grid(0, 2))
        self.taken(case, "register", self.paiqian)
        grid = self.demo.grid(0, 2)
        event = self.taken(case, "dispatch", self.paiqian, area=grid, role=Role.GRID_WORKER)
        self.assertEqual(self.told(event), {"wangge02", "zhang", "wangge01"})

    def test_a_handled_case_tells_the_supervisors_to_verify_and_the_dispatchers(self):
        case = self.committed(self.dispatched)
        event = self.taken(case, "handle", self.huanwei, photos=[photo()])
        self.assertEqual(self.told(event), {"duban1", "duban2", "admin", "paiqian", "wangge01"})

    def test_the_person_who_took_the_step_is_not_told_of_it(self):
        case = self.reported(by=self.paiqian)
        self.assertEqual(self.told(case.events.get(action="report")), {"admin"})

    def test_a_step_that_does_not_change_the_state_does_not_tell_the_reporter(self):
        case = self.committed(self.dispatched)
        deadline = case.deadline + dt.timedelta(days=3)
        event = self.taken(
            case, "request_extension", self.huanwei, note="需要协调", deadline=deadline
        )
        self.assertEqual(self.told(event), {"admin", "paiqian"})
        approval = self.taken(case, "approve", self.paiqian)
        self.assertEqual(self.told(approval), {"huanwei"})

    def test_an_approved_return_tells_the_one_who_asked_though_the_case_has_no_unit_any_more(self):
        case = self.committed(self.dispatched)
        self.taken(case, "request_return", self.huanwei, note="不属于本部门")
        approval = self.taken(case, "approve", self.paiqian)
        self.assertEqual(self.told(approval), {"huanwei", "wangge01"})

    def test_a_case_reopened_after_an_unsatisfied_rating_tells_the_unit_and_the_reporter(self):
        case = self.committed(self.dispatched)
        self.taken(case, "handle", self.huanwei, photos=[photo()])
        self.taken(case, "verify_pass", self.duban1)
        event = self.taken(case, "reopen", self.paiqian, note="居民回访不满意")
        self.assertEqual(self.told(event), {"huanwei", "wangge01"})

    def test_every_workflow_step_says_who_hears_of_it(self):
        self.assertEqual(set(STEPS) - set(AUDIENCES), set())

    @override_settings(CASE_ESCALATION_HOURS=[0, 14, 35])
    def test_chasing_tells_the_unit_and_each_escalation_level_tells_its_own_people(self):
        case = self.committed(self.dispatched)
        self.committed(escalation.sweep, case.deadline + dt.timedelta(days=21))
        chase = case.events.get(action="chase")
        self.assertEqual(self.told(chase), {"huanwei"})
        levels = {e.data["level"]: self.told(e) for e in case.events.filter(action="escalate")}
        self.assertEqual(
            levels,
            {
                1: {"huanwei", "shequ1"},
                2: {"huanwei", "admin", "paiqian"},
                3: {"huanwei", "lingdao"},
            },
        )

    def test_a_role_that_ended_is_no_longer_told(self):
        RoleAssignment.objects.filter(user=self.paiqian).update(valid_to=dt.date(2020, 1, 1))
        case = self.reported()
        self.assertEqual(self.told(case.events.get(action="report")), {"admin"})

    def test_a_role_whose_subscription_is_switched_off_is_not_told(self):
        Subscription.objects.filter(action="report", role=Role.ADMIN).update(is_active=False)
        case = self.reported()
        self.assertFalse(Notification.objects.filter(event__case=case).exists())

    def test_delivering_an_event_twice_tells_nobody_twice(self):
        case = self.reported()
        event = case.events.get(action="report")
        deliver_case_event.enqueue(event.pk)
        run_worker()
        self.assertEqual(Notification.objects.filter(event=event).count(), 2)

    def test_the_people_concerned_are_found_in_one_query_however_many_there_are(self):
        case = self.committed(self.dispatched)
        self.committed(escalation.sweep, case.deadline + dt.timedelta(days=21))
        event = CaseEvent.objects.select_related("case__reported_by", "by").get(
            case=case, action="escalate", data__level=2
        )
        with self.assertNumQueries(1):
            people = concerned(event)
        self.assertEqual({u.username for u in people.of(Role.ADMIN)}, {"admin", "paiqian"})
