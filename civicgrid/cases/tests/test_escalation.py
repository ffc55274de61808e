import datetime as dt

from django.test import override_settings

from civicgrid.cases.escalation import due_level, sweep
from civicgrid.cases.models import Case, Escalation
from civicgrid.cases.tests.base import CaseTestCase


@override_settings(CASE_ESCALATION_HOURS=[0, 14, 35])
class EscalationTests(CaseTestCase):
    def test_the_level_climbs_with_working_hours_overdue(self):
        self.assertEqual(due_level(0), Escalation.COMMUNITY)
        self.assertEqual(due_level(13.9), Escalation.COMMUNITY)
        self.assertEqual(due_level(14), Escalation.STREET)
        self.assertEqual(due_level(100), Escalation.LEADER)

    def test_a_case_is_reminded_once_before_its_deadline(self):
        case = self.dispatched()
        just_before = case.deadline - dt.timedelta(minutes=1)
        self.assertEqual(sweep(just_before).reminded, 1)
        self.assertEqual(sweep(just_before).reminded, 0)
        self.assertEqual(case.events.filter(action="remind").count(), 1)

    def test_an_expired_case_is_chased_marked_overdue_and_sent_to_the_community(self):
        case = self.dispatched()
        result = sweep(case.deadline + dt.timedelta(minutes=1))
        case.refresh_from_db()
        self.assertEqual(
            (result.chased, case.is_overdue, case.escalation), (1, True, Escalation.COMMUNITY)
        )

    def test_after_downtime_the_sweep_catches_up_every_missed_level_once(self):
        case = self.dispatched()
        weeks_later = case.deadline + dt.timedelta(days=21)
        first = sweep(weeks_later)
        again = sweep(weeks_later)
        case.refresh_from_db()
        self.assertEqual(case.escalation, Escalation.LEADER)
        self.assertEqual((first.escalated, again.escalated, again.chased), (3, 0, 0))
        levels = [e.data["level"] for e in case.events.filter(action="escalate")]
        self.assertEqual(levels, [1, 2, 3])

    def test_a_handled_case_is_not_chased(self):
        case = self.dispatched()
        Case.objects.filter(pk=case.pk).update(state="handled")
        self.assertEqual(sweep(case.deadline + dt.timedelta(days=3)).chased, 0)

    def test_a_closure_after_the_deadline_is_an_overdue_closure(self):
        from civicgrid.cases.tests.base import photo

        case = self.dispatched()
        late = case.deadline + dt.timedelta(minutes=1)
        sweep(late)
        self.step(case, "handle", self.huanwei, photos=[photo()], at=late)
        self.step(case, "verify_pass", self.duban1, at=late + dt.timedelta(hours=1))
        self.assertEqual(case.closure, "overdue")
        self.assertFalse(case.handled_on_time)
