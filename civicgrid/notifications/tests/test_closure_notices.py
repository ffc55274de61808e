from civicgrid.cases import intake
from civicgrid.cases.models import Closure, Report, Source
from civicgrid.cases.tests.base import photo
from civicgrid.notifications.models import Notification
from civicgrid.notifications.tasks import deliver_case_event
from civicgrid.notifications.tests.base import NotificationTestCase, run_worker


class ClosureNoticeTests(NotificationTestCase):
    """When a case closes, everyone who reported it is told once, however they came to it."""

    def resident_report(self, name, phone):
        lat, lng = self.point_in(self.demo.grid(0, 0))
        return self.committed(
            intake.report,
            category=self.garbage,
            description="小区门口有垃圾",
            lat=lat,
            lng=lng,
            source=Source.RESIDENT,
            name=name,
            phone=phone,
        )

    def closed(self, case):
        self.taken(case, "handle", self.huanwei, photos=[photo()])
        return self.taken(case, "verify_pass", self.duban1)

    def test_reporters_of_merged_and_joined_reports_are_all_told_when_the_case_closes(self):
        case = self.resident_report("李四", "13900000001")
        duplicate = self.committed(self.report, by=self.wangge02)
        self.committed(intake.join, case, by=self.wangge03, note="我也看到了")
        self.committed(intake.join, case, name="王五", phone="13900000002")
        self.taken(duplicate, "merge", self.paiqian, duplicate_of=case)
        self.taken(case, "register", self.paiqian)
        self.taken(case, "dispatch", self.paiqian)
        closure = self.closed(case)
        reports = Report.objects.filter(case=case)
        self.assertEqual(reports.count(), 4)
        self.assertTrue(all(r.told_of_closure for r in reports))
        notices = Notification.objects.filter(
            event=closure, recipient__in=[self.wangge02, self.wangge03]
        )
        self.assertEqual(
            sorted(n.text for n in notices), [f"您上报的问题 {case.number}（暴露垃圾）已办结。"] * 2
        )

    def test_a_staff_reporter_is_told_of_the_closure_once_though_also_concerned_by_the_step(self):
        case = self.committed(self.dispatched)
        closure = self.closed(case)
        [notice] = Notification.objects.filter(event=closure, recipient=self.wangge01)
        self.assertIn("已办结", notice.text)

    def test_a_reporter_already_told_is_not_told_again(self):
        case = self.committed(self.dispatched)
        closure = self.closed(case)
        Notification.objects.filter(event=closure).delete()
        deliver_case_event.enqueue(closure.pk)
        run_worker()
        self.assertFalse(
            Notification.objects.filter(
                event=closure, recipient=self.wangge01, text__contains="已办结"
            ).exists()
        )

    def test_a_special_closure_tells_the_reporters_too(self):
        case = self.committed(self.dispatched)
        closure = self.taken(
            case, "close_special", self.paiqian, note="已由上级处理", closure=Closure.SPECIAL
        )
        self.assertTrue(Report.objects.get(case=case).told_of_closure)
        self.assertTrue(
            Notification.objects.filter(event=closure, recipient=self.wangge01).exists()
        )

    def test_reporters_are_not_told_before_the_case_closes(self):
        case = self.committed(self.dispatched)
        self.taken(case, "handle", self.huanwei, photos=[photo()])
        self.assertFalse(Report.objects.get(case=case).told_of_closure)
