"""The ranking pages: who sees which periods and rows, computing in the background,
publishing that freezes the figures, and trends."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime
from django_tasks_db.models import DBTaskResult

from civicgrid.cases.models import Case
from civicgrid.cases.tests.base import photo
from civicgrid.demo.testing import run_worker
from civicgrid.scoring import tasks
from civicgrid.scoring.compute import compute, publish
from civicgrid.scoring.models import Period, Score, Unit
from civicgrid.scoring.tests.pages_base import ScoringTestCase

WEEK = dt.timedelta(days=7)


def url(name, *args) -> str:
    return reverse(f"scoring:{name}", args=args)


def computations():
    """The queued period computations (case events queue notification tasks beside them)."""
    return DBTaskResult.objects.filter(task_path=tasks.compute_period.module_path)


class AccessTests(ScoringTestCase):
    """The matrix every view passes: allowed, 403, out of scope 404, anonymous to login."""

    def setUp(self):
        super().setUp()
        self.computed()
        self.community1 = self.score(Unit.COMMUNITY, self.demo.community(1))

    def test_the_period_list_is_open_to_every_staff_role(self):
        self.assert_access(
            url("periods"),
            allowed=[self.paiqian, self.lingdao, self.duban1, self.shequ1, self.wangge01],
            forbidden=[self.nobody],
        )
        self.assert_access(url("periods"), allowed=[self.huanwei, self.outsider])

    def test_a_period_is_seen_by_its_streets_staff_and_hidden_from_another_street(self):
        for name in ["period", "period-state", "period-export"]:
            with self.subTest(name):
                self.assert_access(
                    url(name, self.period.pk),
                    allowed=[self.paiqian, self.lingdao, self.shequ1, self.wangge01, self.huanwei],
                    forbidden=[self.nobody],
                    hidden=[self.outsider],
                )

    def test_a_period_not_yet_computed_is_seen_by_the_streets_staff_without_rows(self):
        fresh = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.MONTH,
            name="11月",
            start=self.period.start,
            end=self.period.end,
        )
        r = self.assert_status(self.shequ1, url("period", fresh.pk), 200)
        self.assertEqual(r.context["rows"], [])
        self.assertContains(r, "该周期尚未计算")
        self.assert_status(self.outsider, url("period", fresh.pk), 404)

    def test_only_administrators_compute_publish_and_choose_what_is_public(self):
        cases = [
            ("period-publish", "get", 200),
            ("period-public", "post", 302),
            ("period-compute", "post", 302),
        ]
        for name, method, ok in cases:
            with self.subTest(name):
                link = url(name, self.period.pk)
                for user in [self.lingdao, self.shequ1, self.duban1, self.huanwei, self.nobody]:
                    self.assert_status(user, link, 403, method)
                self.assert_status(self.outsider, link, 404, method)
                self.assert_status(self.paiqian, link, ok, method)
                self.assertIn("/login/", self.assert_status(None, link, 302, method)["Location"])

    def test_only_administrators_create_periods(self):
        self.assert_access(
            url("period-new"),
            allowed=[self.paiqian, self.outsider],
            forbidden=[self.lingdao, self.shequ1, self.huanwei, self.nobody],
        )

    def test_a_units_figures_are_hidden_outside_its_area(self):
        for name, args in [("score", ()), ("behind", ("due",)), ("behind", ("inspection",))]:
            with self.subTest(name=name, args=args):
                self.assert_access(
                    url(name, self.community1.pk, *args),
                    allowed=[self.paiqian, self.lingdao, self.shequ2, self.zhang],
                    forbidden=[self.nobody],
                    hidden=[self.shequ1, self.wangge01, self.huanwei, self.outsider],
                )

    def test_a_department_sees_its_own_figures_only(self):
        own = self.score(Unit.DEPARTMENT, self.demo.departments["HW"])
        other = self.score(Unit.DEPARTMENT, self.demo.departments["CG"])
        self.assert_access(url("behind", own.pk, "closed"), allowed=[self.huanwei, self.lingdao])
        self.assert_access(url("score", other.pk), allowed=[self.chengguan], hidden=[self.huanwei])


class RowScopeTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.computed()

    def rows(self, user, **params):
        self.login(user)
        r = self.client.get(url("period", self.period.pk), params)
        self.assertEqual(r.status_code, 200)
        return r, [row.score.name for row in r.context["rows"]]

    def test_a_community_worker_sees_their_community_and_its_grids(self):
        r, names = self.rows(self.shequ1)
        self.assertEqual(names, [self.demo.community(0).name])
        self.assertEqual([unit for unit, _label in r.context["tabs"]], [Unit.COMMUNITY, Unit.GRID])
        _r, grids = self.rows(self.shequ1, unit=Unit.GRID)
        self.assertEqual(sorted(grids), sorted(g.name for g in self.community_grids(0)))

    def test_a_community_worker_cannot_reach_the_street_or_departments(self):
        _r, names = self.rows(self.shequ1, unit=Unit.DEPARTMENT)
        self.assertEqual(names, [self.demo.community(0).name])  # falls back to a tab they have

    def test_a_grid_worker_sees_their_grids_only(self):
        r, names = self.rows(self.wangge01)
        self.assertEqual(r.context["unit"], Unit.GRID)
        self.assertEqual(sorted(names), sorted(g.name for g in self.community_grids(0)[:2]))

    def test_a_leader_sees_every_kind_of_unit_of_the_street(self):
        r, names = self.rows(self.lingdao)
        self.assertEqual(
            [u for u, _label in r.context["tabs"]],
            [Unit.COMMUNITY, Unit.GRID, Unit.STREET, Unit.DEPARTMENT],
        )
        self.assertEqual(len(names), 5)
        _r, departments = self.rows(self.lingdao, unit=Unit.DEPARTMENT)
        self.assertEqual(len(departments), len(self.demo.departments))

    def test_a_handler_sees_their_department_only(self):
        r, names = self.rows(self.huanwei)
        self.assertEqual((r.context["unit"], names), (Unit.DEPARTMENT, ["环卫所"]))

    def test_grids_filter_by_community(self):
        community = self.demo.community(1)
        _r, names = self.rows(self.lingdao, unit=Unit.GRID, community=community.pk)
        self.assertEqual(sorted(names), sorted(g.name for g in self.community_grids(1)))

    def test_ranked_rows_come_first_in_rank_order_and_the_unranked_last(self):
        _r, names = self.rows(self.lingdao)
        self.assertEqual(names[:2], [self.demo.community(0).name, self.demo.community(1).name])
        r, _names = self.rows(self.lingdao)
        self.assertEqual([row.score.rank for row in r.context["rows"]][:2], [1, 2])
        self.assertIsNone(r.context["rows"][-1].score.rank)

    def test_ties_show_as_equal_ranks(self):
        Score.objects.filter(period=self.period, unit=Unit.COMMUNITY, rank=2).update(rank=1)
        r, _names = self.rows(self.lingdao)
        self.assertContains(r, '<td class="rank">1</td>', count=2)

    def test_the_page_shows_each_figure_of_the_score(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        r, _names = self.rows(self.lingdao)
        self.assertContains(r, f'<td class="num index">{score.index}</td>', html=False)
        self.assertContains(r, f"{score.rates['closure_rate']}%")
        self.assertContains(r, url("behind", score.pk, "closed"))
        self.assertContains(r, url("behind", score.pk, "inspection"))
        for label in [
            "结案率",
            "按期结案率",
            "按期处置率",
            "返工率",
            "监督举报率",
            "满意率",
            "检查得分",
        ]:
            self.assertContains(r, f'<th class="num">{label}</th>', html=False)

    def test_a_rise_and_a_fall_against_the_previous_period_show_as_arrows(self):
        Score.objects.filter(period=self.period, area=self.demo.community(0)).update(
            change=Decimal("2.50")
        )
        Score.objects.filter(period=self.period, area=self.demo.community(1)).update(
            change=Decimal("-1.25")
        )
        r, _names = self.rows(self.lingdao)
        self.assertContains(r, "↑ 2.50")
        self.assertContains(r, "↓ 1.25")

    def test_the_page_takes_as_many_queries_for_25_grids_as_for_5(self):
        self.login(self.lingdao)
        counts = []
        for community in [self.demo.community(0).pk, ""]:
            with CaptureQueriesContext(connection) as queries:
                r = self.client.get(
                    url("period", self.period.pk), {"unit": "grid", "community": community}
                )
            counts.append((len(r.context["rows"]), len(queries)))
        self.assertEqual([rows for rows, _n in counts], [5, 25])
        counts = [n for _rows, n in counts]
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 20)

    def community_grids(self, n):
        prefix = self.demo.community(n).code
        return [g for g in self.demo.grids if g.code.startswith(prefix)]


class ComputeTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.build_week()
        self.login(self.paiqian)

    def test_computing_runs_in_the_background_and_the_page_says_so(self):
        r = self.client.post(url("period-compute", self.period.pk), follow=True)
        self.assertContains(r, "计算中")
        self.assertContains(r, "?was=computing")
        self.assertFalse(Score.objects.filter(period=self.period).exists())
        run_worker()
        r = self.client.get(url("period-state", self.period.pk), {"was": "computing"})
        self.assertEqual(r["HX-Refresh"], "true")
        self.assertContains(r, "已计算")
        self.period.refresh_from_db()
        self.assertEqual(self.period.compute_task, "")
        self.assertContains(r, f"计算于 {localtime(self.period.computed_at):%Y-%m-%d %H:%M}")
        self.assertTrue(Score.objects.filter(period=self.period).exists())

    def test_a_computation_under_way_is_not_started_twice(self):
        self.client.post(url("period-compute", self.period.pk))
        self.client.post(url("period-compute", self.period.pk))
        self.assertEqual(computations().count(), 1)

    def test_a_failed_computation_says_so(self):
        self.client.post(url("period-compute", self.period.pk))
        with (
            mock.patch("civicgrid.scoring.tasks.compute", side_effect=RuntimeError("boom")),
            self.assertRaises(AssertionError),
        ):
            run_worker()
        r = self.client.get(url("period", self.period.pk))
        self.assertContains(r, "计算失败")
        self.assertContains(r, 'id="compute"')

    def test_the_period_list_shows_each_periods_state(self):
        self.client.post(url("period-compute", self.period.pk))
        r = self.client.get(url("periods"))
        self.assertContains(r, "计算中")
        run_worker()
        self.assertContains(self.client.get(url("periods")), "已计算")


class PublishTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.computed()
        self.login(self.paiqian)

    def test_publishing_asks_for_confirmation_first(self):
        r = self.client.get(url("period-publish", self.period.pk))
        self.assertContains(r, "发布后成绩冻结")
        self.period.refresh_from_db()
        self.assertFalse(self.period.is_published)

    def test_publishing_freezes_the_period_and_may_make_it_public(self):
        r = self.client.post(url("period-publish", self.period.pk), {"public": "on"}, follow=True)
        self.assertContains(r, "已发布，成绩已冻结")
        self.period.refresh_from_db()
        self.assertEqual((self.period.is_published, self.period.public), (True, True))
        self.assertEqual(self.period.published_by, self.paiqian)
        self.assertNotContains(r, 'id="compute"')

    def test_a_published_period_refuses_to_be_computed_again(self):
        self.client.post(url("period-publish", self.period.pk))
        before = list(Score.objects.filter(period=self.period).values_list("pk", "index", "counts"))
        late = Case.objects.get(grid=self.demo.grid(1, 0))
        self.step(late, "handle", self.huanwei, photos=[photo()])
        r = self.client.post(url("period-compute", self.period.pk), follow=True)
        self.assertContains(r, "该周期已发布，成绩已冻结，不能重新计算。")
        self.assertEqual(computations().count(), 0)
        after = list(Score.objects.filter(period=self.period).values_list("pk", "index", "counts"))
        self.assertEqual(after, before)

    def test_a_period_is_published_only_once_computed(self):
        fresh = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.MONTH,
            name="11月",
            start=self.period.start,
            end=self.period.end,
        )
        r = self.client.post(url("period-publish", fresh.pk), follow=True)
        self.assertContains(r, "请先计算")
        fresh.refresh_from_db()
        self.assertFalse(fresh.is_published)

    def test_a_published_period_is_put_on_and_taken_off_the_public_page(self):
        publish(self.period, self.paiqian)
        self.client.post(url("period-public", self.period.pk), {"public": "1"})
        self.period.refresh_from_db()
        self.assertTrue(self.period.public)
        self.client.post(url("period-public", self.period.pk), {"public": "0"})
        self.period.refresh_from_db()
        self.assertFalse(self.period.public)

    def test_a_draft_cannot_be_made_public(self):
        r = self.client.post(url("period-public", self.period.pk), {"public": "1"}, follow=True)
        self.assertContains(r, "请先发布")
        self.period.refresh_from_db()
        self.assertFalse(self.period.public)


class TrendTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.computed()
        self.next = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.WEEK,
            name="2026年第49周",
            start=self.period.start + WEEK,
            end=self.period.end + WEEK,
        )
        compute(self.next)
        self.login(self.lingdao)

    def test_a_unit_trend_runs_over_the_last_periods(self):
        r = self.client.get(url("period", self.next.pk))
        trends = r.context["trends"]
        self.assertEqual(trends["periods"], ["2026年第48周", "2026年第49周"])
        now = self.score(Unit.COMMUNITY, self.demo.community(0), self.next)
        before = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.assertEqual(trends["series"][now.pk][0], float(before.index))

    def test_charts_come_from_our_own_static_files_with_a_chinese_font(self):
        r = self.client.get(url("score", self.score(Unit.COMMUNITY, self.demo.community(0)).pk))
        self.assertContains(r, "/static/vendor/echarts.min.js")
        self.assertNotContains(r, "cdn")
        self.assertContains(r, 'id="trends"')
        with open(finders.find("civicgrid/site.css"), encoding="utf-8") as css:
            self.assertIn('"Noto Sans CJK SC"', css.read())
        with open(finders.find("civicgrid/scoring-trends.js"), encoding="utf-8") as script:
            self.assertIn("fontFamily: font", script.read())
