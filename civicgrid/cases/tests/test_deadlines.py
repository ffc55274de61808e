import datetime as dt

from django.utils import timezone

from civicgrid.cases import deadlines
from civicgrid.cases.models import Case, State
from civicgrid.cases.tests.base import CaseTestCase, at


class DeadlineTests(CaseTestCase):
    def test_four_working_hours_from_the_eve_of_national_day_end_after_the_golden_week(self):
        self.assertEqual(
            deadlines.deadline_for(self.garbage, at("2025-09-30T16:00")), at("2025-10-09T11:00")
        )

    def test_a_make_up_sunday_counts_as_a_working_day(self):
        self.assertEqual(
            deadlines.deadline_for(self.garbage, at("2025-09-27T16:00")), at("2025-09-28T14:30")
        )

    def test_working_days_skip_the_holiday(self):
        self.assertEqual(
            deadlines.deadline_for(self.parking, at("2025-09-30T10:00")), at("2025-10-10T10:00")
        )

    def test_the_reminder_falls_at_eighty_percent_of_the_working_time(self):
        start = at("2025-09-30T16:00")
        deadline = deadlines.deadline_for(self.garbage, start)
        self.assertEqual(deadlines.remind_at(start, deadline), at("2025-10-09T10:12"))

    def test_suspension_stops_the_clock_and_resuming_gives_the_time_left(self):
        case = self.dispatched()
        self.step(case, "request_suspension", self.huanwei, note="等待产权单位确认")
        self.step(case, "approve", self.paiqian)
        self.assertEqual(case.state, State.SUSPENDED)
        left = case.remaining_hours
        self.assertGreater(left, 3.9)
        self.step(case, "resume", self.paiqian)
        self.assertEqual(case.state, State.IN_PROGRESS)
        self.assertEqual(case.deadline, deadlines.after_hours(case.events.last().at, left))

    def test_an_approved_extension_sets_the_new_deadline(self):
        case = self.dispatched()
        later = case.deadline + dt.timedelta(days=3)
        self.step(case, "request_extension", self.huanwei, note="需协调车辆", deadline=later)
        self.assertEqual(Case.objects.get(pk=case.pk).deadline, case.deadline)
        self.step(case, "approve", self.paiqian)
        self.assertEqual(case.deadline, later)

    def test_an_extension_to_an_earlier_time_is_refused(self):
        from django.core.exceptions import ValidationError

        case = self.dispatched()
        with self.assertRaises(ValidationError):
            self.step(case, "request_extension", self.huanwei, note="x", deadline=timezone.now())
