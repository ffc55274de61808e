import datetime as dt

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from civicgrid.cases.models import Case, CaseEvent, State
from civicgrid.demo.generator import Size, build
from civicgrid.demo.history import add_history


class HistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_categories", "--with-defaults", verbosity=0)
        cls.demo = build(Size())
        cls.now = timezone.now()
        cls.count = add_history(cls.demo, days=12, per_day=6, now=cls.now)

    def test_it_reports_cases_every_day_of_the_window(self):
        self.assertEqual(Case.objects.count(), self.count)
        days = {
            timezone.localtime(c).date() for c in Case.objects.values_list("created_at", flat=True)
        }
        self.assertGreaterEqual(len(days), 10)

    def test_the_history_reaches_closed_cases_and_cases_still_open(self):
        states = set(Case.objects.values_list("state", flat=True))
        self.assertIn(State.CLOSED, states)
        self.assertTrue(
            states & {State.IN_PROGRESS, State.DISPATCHED, State.REGISTERED, State.REPORTED}
        )

    def test_every_case_history_runs_forward_in_time_and_never_into_the_future(self):
        for case in Case.objects.prefetch_related("events")[:60]:
            moments = [e.at for e in case.events.all()]
            self.assertEqual(moments, sorted(moments))
            self.assertLessEqual(moments[-1], self.now + dt.timedelta(seconds=1))

    def test_closed_cases_went_through_dispatch_handling_and_verification(self):
        closed = Case.objects.filter(state=State.CLOSED).first()
        actions = list(CaseEvent.objects.filter(case=closed).values_list("action", flat=True))
        for step in ["report", "register", "dispatch", "handle", "verify_pass"]:
            self.assertIn(step, actions)

    def test_residents_rated_some_of_their_closed_cases_after_closure(self):
        from civicgrid.cases.models import Rating

        ratings = Rating.objects.select_related("case")
        self.assertTrue(ratings.exists())
        for rating in ratings:
            self.assertEqual(rating.case.source, "resident")
            self.assertGreater(rating.created_at, rating.case.closed_at)
