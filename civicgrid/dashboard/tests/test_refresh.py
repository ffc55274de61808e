"""refresh_stats is idempotent, recomputes recent days, and catches up after downtime."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from civicgrid.cases.models import State
from civicgrid.dashboard import stats
from civicgrid.dashboard.models import AreaNow, CaseDay, Refresh
from civicgrid.dashboard.tests.base import DashboardTestCase, at

NOW = at("2026-11-25T18:00")


def table(model) -> set:
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key or f.is_relation]
    return {tuple(str(v) for v in row) for row in model.objects.values_list(*fields)}


def total(day: dt.date, area, name: str) -> int:
    row = CaseDay.objects.filter(day=day, area=area, category=None).first()
    return getattr(row, name) if row else 0


class RefreshTests(DashboardTestCase):
    def test_a_second_refresh_changes_nothing(self):
        self.case(created=at("2026-11-24T09:00"))
        self.closed(created=at("2026-11-20T09:00"), closed=at("2026-11-25T10:00"))
        first = stats.refresh(now=NOW)
        self.assertGreater(first.days_changed, 0)
        before = table(CaseDay), table(AreaNow)
        again = stats.refresh(now=NOW)
        self.assertEqual((again.days_changed, again.areas_changed), (0, 0))
        self.assertEqual((table(CaseDay), table(AreaNow)), before)

    def test_the_first_refresh_counts_the_whole_history(self):
        self.case(created=at("2025-03-01T09:00"))
        result = stats.refresh(now=NOW)
        self.assertEqual(result.first, dt.date(2025, 3, 1))
        self.assertEqual(total(dt.date(2025, 3, 1), self.street, "reported"), 1)

    def test_it_catches_up_on_the_days_it_missed(self):
        stats.refresh(now=NOW)
        self.case(created=at("2026-11-26T09:00"))  # the refresh was down from Thursday …
        later = at("2026-12-02T09:00")  # … to the next Wednesday
        result = stats.refresh(now=later, days=1)
        self.assertEqual((result.first, result.last), (dt.date(2026, 11, 25), dt.date(2026, 12, 2)))
        self.assertEqual(total(dt.date(2026, 11, 26), self.street, "reported"), 1)
        self.assertEqual(Refresh.objects.get().through, dt.date(2026, 12, 2))

    def test_recent_days_follow_the_cases(self):
        case = self.case(created=at("2026-11-25T09:00"), deadline=at("2026-11-25T12:00"))
        stats.refresh(now=NOW)
        self.assertEqual(total(dt.date(2026, 11, 25), self.street, "overdue"), 1)
        self.assertEqual(AreaNow.objects.get(area=self.street).open, 1)
        case.state, case.closed_at, case.handled_on_time = State.CLOSED, NOW, True
        case.closure = "normal"
        case.save()
        stats.refresh(now=NOW)
        self.assertEqual(total(dt.date(2026, 11, 25), self.street, "closed"), 1)
        self.assertEqual(total(dt.date(2026, 11, 25), self.street, "overdue"), 0)
        self.assertFalse(AreaNow.objects.filter(area=self.street, open__gt=0).exists())

    def test_rows_of_vanished_counts_are_removed(self):
        case = self.case(created=at("2026-11-25T09:00"))
        stats.refresh(now=NOW)
        self.assertTrue(CaseDay.objects.filter(category=self.garbage).exists())
        case.delete()
        stats.refresh(now=NOW)
        self.assertFalse(CaseDay.objects.exists())
        self.assertFalse(AreaNow.objects.exists())

    def test_days_before_the_window_keep_their_counts_until_a_rebuild(self):
        case = self.case(created=at("2026-11-10T09:00"))
        stats.refresh(now=NOW)
        case.delete()
        stats.refresh(now=NOW)
        self.assertEqual(total(dt.date(2026, 11, 10), self.street, "reported"), 1)
        stats.refresh(now=NOW, rebuild=True)
        self.assertEqual(total(dt.date(2026, 11, 10), self.street, "reported"), 0)

    def test_every_level_counts_the_case_once(self):
        grid = self.demo.grid(0, 0)
        self.case(grid, at("2026-11-25T09:00"))
        stats.refresh(now=NOW)
        day = dt.date(2026, 11, 25)
        above = [int(part) for part in grid.path.split("/") if part]
        totals = CaseDay.objects.filter(day=day, category=None)
        self.assertEqual(sorted(totals.values_list("area_id", flat=True)), sorted(above))
        self.assertEqual({row.reported for row in totals}, {1})
        by_category = CaseDay.objects.filter(day=day, category=self.garbage)
        self.assertNotIn(grid.pk, by_category.values_list("area_id", flat=True))
        self.assertEqual(by_category.count(), len(above) - 1)

    def test_the_command_prints_one_line(self):
        out = StringIO()
        call_command("refresh_stats", stdout=out)
        call_command("refresh_stats", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn("每日统计更新 0 行", lines[1])
