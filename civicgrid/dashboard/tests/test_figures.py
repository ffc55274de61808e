"""The dashboard's figures against a hand-built week whose every count is known.

Wednesday 2026-11-25 18:00 on the demo street; grid a lies in community 0, grid b in 1.

    case  grid  category  reported        fate                                   deadline
    c1    a     garbage   Mon 09:00       dispatched                             Thu 12:00
    c2    a     garbage   Mon 10:00       closed Tue 11:00, on time              Tue 15:00
    c3    b     parking   Mon 23:30       reported (待立案)                      —
    c4    b     garbage   Tue 07:00       in progress, overdue                   Tue 12:00
    c5    a     garbage   Tue 09:00       handled Wed 11:00, late; overdue       Wed 10:00
    c6    a     garbage   Wed 08:00       closed Wed 09:00, late                 Wed 08:30
    c7    a     garbage   Wed 09:00       rejected (不予立案) Wed 09:30          —
    c8    a     garbage   Oct 20          closed Oct 21                          Oct 21
Mon 23:30 and Tue 07:00 in Shanghai are both Monday in UTC: days are local.
"""

import datetime as dt
from decimal import Decimal

from civicgrid.cases.models import State
from civicgrid.dashboard import stats
from civicgrid.dashboard.stats import Scope
from civicgrid.dashboard.tests.base import DashboardTestCase, at
from civicgrid.people.authz import Authz

NOW = at("2026-11-25T18:00")
MON, TUE, WED = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)


class WeekFiguresTests(DashboardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.demo.grid(0, 0), cls.demo.grid(1, 0)
        cls.a, cls.b = a, b
        make, closed = cls.case, cls.closed
        make(a, at("2026-11-23T09:00"), deadline=at("2026-11-26T12:00"))
        closed(a, at("2026-11-23T10:00"), at("2026-11-24T11:00"), at("2026-11-24T15:00"))
        make(b, at("2026-11-23T23:30"), State.REPORTED, category=cls.parking)
        make(
            b,
            at("2026-11-24T07:00"),
            State.IN_PROGRESS,
            deadline=at("2026-11-24T12:00"),
            is_overdue=True,
        )
        make(
            a,
            at("2026-11-24T09:00"),
            State.HANDLED,
            deadline=at("2026-11-25T10:00"),
            handled_at=at("2026-11-25T11:00"),
            handled_on_time=False,
            is_overdue=True,
        )
        closed(
            a, at("2026-11-25T08:00"), at("2026-11-25T09:00"), at("2026-11-25T08:30"), on_time=False
        )
        make(a, at("2026-11-25T09:00"), State.REJECTED, closed_at=at("2026-11-25T09:30"))
        closed(a, at("2026-10-20T09:00"), at("2026-10-21T09:00"), at("2026-10-21T12:00"))
        stats.refresh(now=NOW)

    def scope(self, user) -> Scope:
        return Scope(Authz(user))

    def test_the_street_trend_counts_new_closed_and_overdue_cases_per_local_day(self):
        found = stats.trend(self.scope(self.lingdao), MON, WED)
        self.assertEqual(found["days"], ["2026-11-23", "2026-11-24", "2026-11-25"])
        self.assertEqual(found["reported"], [3, 2, 2])
        self.assertEqual(found["closed"], [0, 1, 1])
        self.assertEqual(found["overdue"], [0, 1, 2])

    def test_days_without_cases_are_zero(self):
        found = stats.trend(self.scope(self.lingdao), dt.date(2026, 11, 19), dt.date(2026, 11, 22))
        self.assertEqual(found["reported"], [0, 0, 0, 0])

    def test_the_key_figures_count_open_overdue_this_week_and_this_month(self):
        figures = stats.figures(self.scope(self.lingdao))
        self.assertEqual((figures.open, figures.overdue), (4, 2))
        self.assertEqual(
            dict(figures.states),
            {"dispatched": 1, "reported": 1, "in_progress": 1, "handled": 1},
        )
        self.assertEqual((figures.reported_today, figures.reported_week), (2, 7))
        self.assertEqual(figures.closed_week, 2)
        self.assertEqual(
            (figures.due_month, figures.closed_month, figures.closed_on_time_month), (4, 2, 1)
        )
        self.assertEqual(figures.closure_rate, Decimal("50.00"))
        self.assertEqual(figures.ontime_closure_rate, Decimal("25.00"))

    def test_cases_by_category_are_counted_most_first(self):
        rows = stats.by_category(self.scope(self.lingdao), MON)
        self.assertEqual(
            [(r["category"].name, r["reported"]) for r in rows],
            [("暴露垃圾", 6), ("机动车乱停放", 1)],
        )

    def test_cases_by_community_give_new_cases_and_open_ones(self):
        rows = stats.by_area(self.scope(self.lingdao), MON)
        self.assertEqual(len(rows), 5)
        found = {r["area"].name: (r["reported"], r["open"]) for r in rows}
        self.assertEqual(found[self.demo.community(0).name], (5, 2))
        self.assertEqual(found[self.demo.community(1).name], (2, 2))
        self.assertEqual(found[self.demo.community(2).name], (0, 0))

    def test_a_community_worker_counts_only_their_community(self):
        scope = self.scope(self.shequ1)
        self.assertEqual([r.pk for r in scope.roots], [self.demo.community(0).pk])
        figures = stats.figures(scope)
        self.assertEqual((figures.open, figures.overdue, figures.reported_week), (2, 1, 5))
        self.assertEqual(stats.trend(scope, MON, WED)["reported"], [2, 1, 2])
        rows = stats.by_area(scope, MON)
        self.assertTrue(all(r["area"].path.startswith(self.demo.community(0).path) for r in rows))
        self.assertEqual({r["area"].name: r["reported"] for r in rows}[self.a.name], 5)

    def test_the_other_community_sees_its_own(self):
        figures = stats.figures(self.scope(self.shequ2))
        self.assertEqual((figures.open, figures.overdue, figures.reported_week), (2, 1, 2))
        categories = stats.by_category(self.scope(self.shequ2), MON)
        self.assertEqual({r["category"].name: r["reported"] for r in categories}["暴露垃圾"], 1)

    def test_last_month_stays_in_its_own_days(self):
        rows = stats.trend(self.scope(self.lingdao), dt.date(2026, 10, 20), dt.date(2026, 10, 21))
        self.assertEqual((rows["reported"], rows["closed"]), ([1, 0], [0, 1]))
