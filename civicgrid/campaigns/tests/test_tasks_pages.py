"""The 工作进度表: who sees and updates which task, progress notes, overdue tasks, Excel."""

import datetime as dt
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.campaigns.models import TaskNote, WorkTask
from civicgrid.campaigns.tests.work_base import WorkTestCase

TODAY = timezone.localdate()
LAST_WEEK = TODAY - dt.timedelta(days=7)


class TaskPageTests(WorkTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.streets_task = cls.task("张贴公益广告", owner=cls.huanwei, department=cls.hw)
        cls.shequ_task = cls.task("楼道堆物清理", owner=cls.shequ1, indicator=cls.plan)
        cls.far_task = cls.task("外街道任务", owner=cls.outsider, campaign=cls.far_campaign)

    def url(self, name, *args):
        return reverse(f"work:{name}", args=args)

    def note(self, task, user, status=WorkTask.Status.DOING, **data):
        self.login(user)
        data = {"text": "已完成排查，正在整改。", "status": status, **data}
        return self.client.post(self.url("task", task.pk), data)

    # --- access ------------------------------------------------------------------------------

    def test_the_campaigns_schedule_is_for_people_who_may_view_the_campaign(self):
        self.assert_access(
            self.url("tasks", self.campaign.pk),
            allowed=[self.paiqian, self.lingdao, self.huanwei, self.shequ1, self.wangge01],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )

    def test_the_export_follows_the_schedule(self):
        self.assert_access(
            self.url("tasks-export", self.campaign.pk),
            allowed=[self.paiqian, self.lingdao, self.shequ1],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )

    def test_a_task_is_seen_inside_the_street_by_its_unit_and_by_its_owner(self):
        self.assert_access(
            self.url("task", self.streets_task.pk),
            allowed=[self.paiqian, self.lingdao, self.huanwei, self.shequ1],
            hidden=[self.outsider, self.chengguan, self.nobody],
        )
        self.assert_access(
            self.url("task", self.shequ_task.pk),
            allowed=[self.paiqian, self.shequ1, self.shequ2],
            hidden=[self.huanwei, self.outsider],
        )
        owned = self.task("协助清运", owner=self.chengguan, department=self.hw)
        self.assert_status(self.chengguan, self.url("task", owned.pk), 200)

    def test_progress_is_recorded_by_whoever_answers_for_the_task(self):
        data = {"text": "进展", "status": "doing"}
        self.assert_access(
            self.url("task", self.streets_task.pk),
            method="post",
            data=data,
            forbidden=[self.lingdao, self.duban1, self.shequ1],
            hidden=[self.outsider, self.chengguan],
        )
        for user in (self.huanwei, self.paiqian):
            self.assertEqual(self.note(self.streets_task, user).status_code, 302)
        self.assertEqual(self.note(self.shequ_task, self.shequ1).status_code, 302)

    def test_setting_tasks_is_for_campaign_administrators(self):
        self.assert_access(
            self.url("task-new", self.campaign.pk),
            allowed=[self.paiqian],
            forbidden=[self.lingdao, self.huanwei, self.nobody],
            hidden=[self.outsider],
        )
        self.assert_access(
            self.url("task-edit", self.streets_task.pk),
            allowed=[self.paiqian],
            forbidden=[self.lingdao, self.huanwei, self.nobody],
            hidden=[self.outsider],
        )

    def test_my_tasks_are_for_everyone_signed_in(self):
        self.assert_access(self.url("my-tasks"), allowed=[self.nobody, self.shequ1, self.paiqian])

    # --- the schedule ------------------------------------------------------------------------

    def test_a_department_sees_only_its_own_units_tasks_in_the_schedule(self):
        self.task("拆除违建", owner=self.chengguan, department=self.cg)
        response = self.assert_status(self.huanwei, self.url("tasks", self.campaign.pk), 200)
        self.assertEqual([t.title for t in response.context["tasks"]], ["张贴公益广告"])
        response = self.assert_status(self.paiqian, self.url("tasks", self.campaign.pk), 200)
        self.assertEqual(len(response.context["tasks"]), 3)

    def test_the_schedule_shows_each_tasks_latest_note(self):
        TaskNote.objects.create(task=self.streets_task, by=self.huanwei, text="第一次")
        TaskNote.objects.create(task=self.streets_task, by=self.huanwei, text="第二次")
        response = self.assert_status(self.paiqian, self.url("tasks", self.campaign.pk), 200)
        self.assertContains(response, "第二次")
        self.assertNotContains(response, "第一次")

    def test_an_administrator_sets_a_task_for_a_person_and_unit(self):
        self.login(self.paiqian)
        response = self.client.post(
            self.url("task-new", self.campaign.pk),
            {
                "title": "建立创建台账",
                "indicator": self.plan.pk,
                "owner": self.chengguan.pk,
                "department": self.cg.pk,
                "due": "2026-06-30",
            },
        )
        self.assertEqual(response.status_code, 302)
        task = WorkTask.objects.get(title="建立创建台账")
        self.assertEqual(
            (task.campaign, task.owner, task.department), (self.campaign, self.chengguan, self.cg)
        )
        self.assertEqual((task.status, task.due), (WorkTask.Status.TODO, dt.date(2026, 6, 30)))

    def test_a_task_needs_a_title_an_owner_and_a_valid_date(self):
        self.login(self.paiqian)
        response = self.client.post(self.url("task-new", self.campaign.pk), {"due": "明天"})
        self.assertContains(response, "请按 2026-06-30 的格式填写日期。", status_code=400)
        response = self.client.post(
            self.url("task-new", self.campaign.pk),
            {"title": "x", "owner": self.outsider.pk, "due": "2026-06-30"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("owner", response.context["form"].errors)

    # --- progress notes ----------------------------------------------------------------------

    def test_a_note_moves_the_tasks_status_and_progress(self):
        self.note(self.streets_task, self.huanwei, progress=40)
        task = WorkTask.objects.get(pk=self.streets_task.pk)
        self.assertEqual((task.status, task.progress), (WorkTask.Status.DOING, 40))
        note = task.notes.get()
        self.assertEqual(
            (note.by, note.progress, note.text), (self.huanwei, 40, "已完成排查，正在整改。")
        )

    def test_finishing_a_task_makes_it_100_percent_and_records_when(self):
        self.note(self.streets_task, self.huanwei, status=WorkTask.Status.DONE)
        task = WorkTask.objects.get(pk=self.streets_task.pk)
        self.assertEqual((task.status, task.progress), (WorkTask.Status.DONE, 100))
        self.assertIsNotNone(task.done_at)
        self.note(self.streets_task, self.huanwei, status=WorkTask.Status.DOING, progress=90)
        task.refresh_from_db()
        self.assertIsNone(task.done_at)

    def test_notes_are_kept_in_order_and_never_replaced(self):
        self.note(self.streets_task, self.huanwei, text="第一次")
        self.note(self.streets_task, self.paiqian, text="第二次")
        self.assertEqual(
            list(self.streets_task.notes.values_list("text", "by__username")),
            [("第一次", "huanwei"), ("第二次", "paiqian")],
        )
        response = self.client.get(self.url("task", self.streets_task.pk))
        self.assertContains(response, "第一次")
        self.assertContains(response, "第二次")

    def test_a_note_needs_text_and_a_progress_between_0_and_100(self):
        response = self.note(self.streets_task, self.huanwei, text="")
        self.assertContains(response, "请填写工作进展。", status_code=400)
        response = self.note(self.streets_task, self.huanwei, progress=120)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(TaskNote.objects.exists())

    def test_a_leader_sees_the_task_without_the_note_form(self):
        response = self.assert_status(self.lingdao, self.url("task", self.streets_task.pk), 200)
        self.assertIsNone(response.context["form"])
        self.assertNotContains(response, "记录进展")

    # --- overdue -----------------------------------------------------------------------------

    def test_overdue_tasks_are_those_past_their_due_date_and_not_done(self):
        late = self.task("逾期任务甲", due=LAST_WEEK)
        self.task("按时完成", due=LAST_WEEK, status=WorkTask.Status.DONE)
        self.task("今天到期", due=TODAY)
        response = self.assert_status(
            self.paiqian, self.url("tasks", self.campaign.pk) + "?overdue=1", 200
        )
        self.assertEqual(list(response.context["tasks"]), [late])
        self.assertContains(response, "逾期")

    def test_the_owners_home_page_counts_their_overdue_tasks(self):
        self.task("逾期任务甲", owner=self.shequ1, due=LAST_WEEK)
        self.task("逾期任务乙", owner=self.shequ2, due=LAST_WEEK)
        response = self.assert_status(self.shequ1, reverse("home"), 200)
        queue = [q for q in response.context["queues"] if q[0] == "逾期任务"]
        self.assertEqual(queue, [("逾期任务", 1, "/work/tasks/?overdue=1")])
        listed = self.client.get(queue[0][2])
        self.assertEqual([t.title for t in listed.context["tasks"]], ["逾期任务甲"])

    def test_a_units_overdue_tasks_reach_its_handlers_home_page(self):
        self.task("逾期任务甲", owner=self.paiqian, department=self.hw, due=LAST_WEEK)
        response = self.assert_status(self.huanwei, reverse("home"), 200)
        self.assertIn(("逾期任务", 1, "/work/tasks/?overdue=1"), response.context["queues"])

    def test_without_an_overdue_task_there_is_no_task_queue(self):
        self.task("逾期任务甲", owner=self.paiqian, department=self.hw, due=LAST_WEEK)
        for user in (self.chengguan, self.lingdao, self.shequ1):
            response = self.assert_status(user, reverse("home"), 200)
            self.assertNotIn("逾期任务", [q[0] for q in response.context["queues"]])

    # --- Excel -------------------------------------------------------------------------------

    def test_the_export_lists_the_schedule_as_officials_keep_it(self):
        self.task("逾期任务甲", owner=self.shequ1, due=LAST_WEEK, indicator=self.meeting)
        TaskNote.objects.create(task=self.shequ_task, by=self.shequ1, text="已清理 3 栋")
        response = self.assert_status(self.paiqian, self.url("tasks-export", self.campaign.pk), 200)
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(
            rows[0],
            (
                "序号",
                "工作任务",
                "指标编号",
                "指标名称",
                "负责人",
                "责任单位",
                "完成时限",
                "状态",
                "进度（%）",
                "完成时间",
                "最新进展",
                "是否逾期",
            ),
        )
        by_title = {row[1]: row for row in rows[1:]}
        self.assertEqual(by_title["逾期任务甲"][2:4], ("2.1.2", "召开动员会"))
        self.assertEqual(by_title["逾期任务甲"][11], "是")
        self.assertEqual(by_title["楼道堆物清理"][10], "已清理 3 栋")
        self.assertEqual(by_title["张贴公益广告"][5], "环卫所")
        self.assertEqual(by_title["张贴公益广告"][11], "否")

    def test_the_export_keeps_the_lists_filters(self):
        self.task("逾期任务甲", due=LAST_WEEK)
        response = self.assert_status(
            self.paiqian, self.url("tasks-export", self.campaign.pk) + "?overdue=1", 200
        )
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual([row[1] for row in rows[1:]], ["逾期任务甲"])
