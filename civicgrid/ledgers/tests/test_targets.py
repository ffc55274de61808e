"""Target progress from the ledgers: counts and JSON sums over an area and its children,
the four statuses, rates from surveys, the targets pages and the reminders."""

import datetime as dt
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicgrid.ledgers import targets
from civicgrid.ledgers.models import Question, Response, Survey, Target
from civicgrid.ledgers.tests.ledger_base import LedgerTestCase, campaign_for
from civicgrid.notifications.models import Notification

D = dt.date


class ProgressTests(LedgerTestCase):
    def test_a_count_covers_the_area_and_its_children_only(self):
        community = self.demo.community(0)
        self.entry(area=self.demo.grid(0, 1), day=D(2026, 2, 1))
        self.entry(area=community, day=D(2026, 3, 1))
        self.entry(area=self.demo.grid(1, 0), day=D(2026, 3, 1))  # another community
        goal = self.target(area=community, threshold=12)
        self.assertEqual(targets.progress(goal, D(2026, 5, 20), D(2026, 5, 20)).value, 2)

    def test_a_count_leaves_out_other_periods_and_other_ledgers(self):
        self.entry(day=D(2025, 12, 31))
        self.entry(day=D(2026, 1, 1))
        self.entry(self.volunteers, day=D(2026, 1, 2), title="清洁家园", volunteers=5, hours=10)
        goal = self.target()
        self.assertEqual(targets.progress(goal, D(2026, 6, 1), D(2026, 6, 1)).value, 1)

    def test_a_sum_adds_a_number_field_of_the_json_values(self):
        for flyers in (120, 35, Decimal("12.5")):
            self.entry(self.publicity, day=D(2026, 4, 2), flyers=flyers)
        self.entry(self.publicity, day=D(2026, 4, 3), banners=2)  # no flyers: left out
        goal = self.target(
            ledger=self.publicity, metric=Target.Metric.SUM, field_key="flyers", threshold=600
        )
        progress = targets.progress(goal, D(2026, 4, 10), D(2026, 4, 10))
        self.assertEqual(progress.value, Decimal("167.5"))

    def test_a_sum_of_nothing_is_zero(self):
        goal = self.target(
            ledger=self.publicity, metric=Target.Metric.SUM, field_key="flyers", threshold=600
        )
        self.assertEqual(targets.progress(goal, D(2026, 4, 10), D(2026, 4, 10)).value, 0)

    def test_on_track_means_at_least_the_share_of_the_threshold_the_time_passed_asks(self):
        goal = self.target(period=Target.Period.QUARTER, threshold=9)
        for _ in range(3):
            self.entry(day=D(2026, 1, 20))
        on_track = targets.progress(goal, D(2026, 1, 30), D(2026, 1, 30))  # 30/90 × 9 = 3
        self.assertEqual(on_track.status, targets.ON_TRACK)
        self.assertEqual(on_track.expected_so_far, Decimal("3.00"))
        behind = targets.progress(goal, D(2026, 2, 1), D(2026, 2, 1))  # 32/90 × 9 = 3.2
        self.assertEqual(behind.status, targets.BEHIND)

    def test_met_as_soon_as_the_threshold_is_reached(self):
        goal = self.target(period=Target.Period.QUARTER, threshold=2)
        self.entry(day=D(2026, 1, 5))
        self.entry(day=D(2026, 1, 6))
        self.assertEqual(targets.progress(goal, D(2026, 1, 7), D(2026, 1, 7)).status, targets.MET)

    def test_missed_when_the_period_is_over_and_not_met(self):
        goal = self.target(period=Target.Period.QUARTER, threshold=2)
        self.entry(day=D(2026, 1, 5))
        progress = targets.progress(goal, D(2026, 2, 1), today=D(2026, 4, 2))
        self.assertEqual((progress.start, progress.end), (D(2026, 1, 1), D(2026, 3, 31)))
        self.assertEqual(progress.status, targets.MISSED)

    def test_progress_as_of_a_day_leaves_out_later_entries(self):
        goal = self.target(period=Target.Period.QUARTER, threshold=2)
        self.entry(day=D(2026, 1, 5))
        self.entry(day=D(2026, 3, 5))
        self.assertEqual(targets.progress(goal, D(2026, 1, 10), D(2026, 1, 10)).value, 1)

    def test_a_renewal_every_2_months_is_behind_until_the_board_is_renewed(self):
        board = self.target(
            ledger=self.boards,
            area=self.demo.community(0),
            period=Target.Period.EVERY_N_MONTHS,
            every_months=2,
            anchor=D(2026, 1, 15),
            threshold=1,
        )
        self.assertEqual(targets.progress(board, D(2026, 4, 1), D(2026, 4, 1)).status, "behind")
        self.entry(self.boards, self.demo.grid(0, 0), D(2026, 4, 2), size=3.5, content="控烟")
        progress = targets.progress(board, D(2026, 4, 3), D(2026, 4, 3))
        self.assertEqual((progress.start, progress.status), (D(2026, 3, 15), targets.MET))

    def test_history_gives_every_period_in_one_query(self):
        goal = self.target(period=Target.Period.MONTH, threshold=1)
        self.entry(day=D(2026, 2, 3))
        with CaptureQueriesContext(connection) as queries:
            found = targets.history(goal, D(2026, 1, 1), D(2026, 4, 30), today=D(2026, 4, 10))
        self.assertEqual(len(queries.captured_queries), 1)
        self.assertEqual(
            [p.status for p in found],
            [targets.MISSED, targets.MET, targets.MISSED, targets.BEHIND],
        )


class RateTargetTests(LedgerTestCase):
    def test_a_rate_target_reads_the_surveys_rate_for_its_area_and_period(self):
        survey = Survey.objects.create(
            title="健康知识知晓率调查", street=self.street, slug="zhixiao"
        )
        question = Question.objects.create(
            survey=survey,
            text="您知道高血压的诊断标准吗？",
            kind=Question.Kind.SINGLE,
            choices=["知道", "不知道"],
            aware_answers=["知道"],
        )
        community = self.demo.community(0)
        for answer in ["知道", "知道", "知道", "不知道"]:
            Response.objects.create(
                survey=survey, community=community, answers={str(question.pk): answer}
            )
        goal = self.target(
            metric=Target.Metric.RATE,
            ledger=None,
            survey=survey,
            rate_kind="aware",
            area=community,
            threshold=85,
        )
        today = dt.date.today()
        progress = targets.progress(goal, today, today)
        self.assertEqual(progress.value, Decimal("75.0"))
        self.assertEqual(progress.status, targets.BEHIND)


class TargetPageTests(LedgerTestCase):
    def setUp(self):
        super().setUp()
        self.goal = self.target(name="健康教育讲座每年不少于 12 场", anchor=D(2026, 1, 1))
        self.in_community = self.target(name="社区宣传", area=self.demo.community(0))

    def test_the_targets_page_shows_progress_within_the_persons_scope(self):
        response = self.assert_status(self.lingdao, "/ledgers/targets/", 200)
        self.assertContains(response, "健康教育讲座每年不少于 12 场")
        response = self.assert_status(self.shequ1, "/ledgers/targets/", 200)
        self.assertContains(response, "社区宣传")
        self.assertContains(response, "健康教育讲座每年不少于 12 场")  # the street's, theirs too
        response = self.assert_status(self.shequ2, "/ledgers/targets/", 200)
        self.assertNotContains(response, "社区宣传")  # another community's

    def test_the_targets_page_filters_by_area_with_its_children(self):
        response = self.assert_status(
            self.paiqian, f"/ledgers/targets/?area={self.demo.community(0).code}", 200
        )
        self.assertContains(response, "社区宣传")
        self.assertNotContains(response, "每年不少于 12 场")

    def test_access_to_the_targets_pages(self):
        url = f"/ledgers/targets/{self.goal.pk}/"
        self.assert_access(
            url, allowed=[self.paiqian, self.lingdao, self.shequ2], hidden=[self.outsider]
        )
        theirs = f"/ledgers/targets/{self.in_community.pk}/"
        self.assert_access(theirs, allowed=[self.shequ1], hidden=[self.shequ2, self.outsider])
        self.assert_access("/ledgers/targets/", allowed=[self.wangge01], forbidden=[self.nobody])
        edit = f"/ledgers/targets/{self.goal.pk}/edit"
        self.assert_access(
            edit, allowed=[self.paiqian], forbidden=[self.lingdao], hidden=[self.outsider]
        )
        self.assert_access(
            "/ledgers/targets/new", allowed=[self.paiqian], forbidden=[self.shequ1, self.lingdao]
        )

    def test_an_administrator_creates_a_renewal_target(self):
        self.login(self.paiqian)
        response = self.client.post(
            "/ledgers/targets/new",
            {
                "name": "宣传栏每 2 个月更新一次",
                "area": self.demo.community(0).pk,
                "metric": "count",
                "ledger": self.boards.pk,
                "period": "every_n_months",
                "every_months": 2,
                "anchor": "2026-01-15",
                "threshold": "1",
                "unit": "期",
            },
        )
        target = Target.objects.get(name="宣传栏每 2 个月更新一次")
        self.assertRedirects(response, f"/ledgers/targets/{target.pk}/")
        self.assertEqual((target.every_months, target.field_key), (2, ""))

    def test_a_sum_target_must_name_a_number_field_of_its_ledger(self):
        self.login(self.paiqian)
        response = self.client.post(
            "/ledgers/targets/new",
            {
                "name": "宣传单",
                "area": self.street.pk,
                "metric": "sum",
                "ledger": self.publicity.pk,
                "field_key": "theme",
                "period": "quarter",
                "anchor": "2026-01-01",
                "threshold": "600",
            },
        )
        self.assertContains(response, "没有代码为 theme 的数字字段", status_code=400)

    def test_the_target_page_shows_the_period_and_past_periods(self):
        self.entry(day=D(2025, 6, 1))
        response = self.assert_status(
            self.paiqian, f"/ledgers/targets/{self.goal.pk}/?on=2026-03-01", 200
        )
        self.assertContains(response, "2026-01-01 – 2026-12-31")


class ReminderTests(LedgerTestCase):
    def remind(self, today="2026-03-27"):
        out = StringIO()
        call_command("remind_targets", "--today", today, stdout=out)
        return out.getvalue()

    def test_the_department_hears_once_when_its_target_is_behind_near_the_periods_end(self):
        department = self.demo.departments["HJ"]
        self.target(period=Target.Period.QUARTER, threshold=5, department=department)
        self.assertIn("发出提醒 1 条", self.remind())
        self.assertIn("发出提醒 0 条", self.remind())
        notice = Notification.objects.get(recipient=self.zhuanxian)
        self.assertIn("进度落后", notice.text)
        self.assertTrue(notice.url.endswith("?on=2026-01-01"))

    def test_nobody_is_told_early_in_the_period_or_when_on_track(self):
        self.target(period=Target.Period.QUARTER, threshold=5)
        self.assertIn("发出提醒 0 条", self.remind("2026-03-01"))
        for _ in range(5):
            self.entry(day=D(2026, 3, 2))
        self.assertIn("发出提醒 0 条", self.remind())

    def test_a_finished_campaigns_targets_are_left_alone(self):
        campaign = campaign_for(self.street, start=D(2026, 1, 1), end=D(2026, 12, 31))
        campaign.status = campaign.Status.FINISHED
        campaign.save()
        self.target(period=Target.Period.QUARTER, threshold=5, campaign=campaign)
        self.assertIn("发出提醒 0 条", self.remind())

    def test_without_a_department_the_areas_administrators_are_told(self):
        self.target(period=Target.Period.QUARTER, threshold=5)
        self.remind()
        told = set(Notification.objects.values_list("recipient__username", flat=True))
        self.assertEqual(told, {"admin", "paiqian"})
