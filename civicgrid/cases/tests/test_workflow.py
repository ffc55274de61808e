from django.core.exceptions import PermissionDenied, ValidationError

from civicgrid.cases.models import Case, CaseEvent, Closure, Pending, State
from civicgrid.cases.tests.base import CaseTestCase, at, photo
from civicgrid.cases.workflow import STEPS, Conflict, available_steps, take
from civicgrid.people.authz import Authz


class WorkflowTests(CaseTestCase):
    def test_a_grid_workers_report_waits_for_registration_in_its_grid(self):
        case = self.report()
        self.assertEqual(case.state, State.REPORTED)
        self.assertEqual(case.grid, self.demo.grid(0, 0))
        self.assertRegex(case.number, r"^\d{4}-\d{6,}$")
        self.assertEqual(case.photos.get().kind, "before")

    def test_case_numbers_are_unique_and_never_reused(self):
        first, second = self.report(), self.report()
        self.assertNotEqual(first.number, second.number)
        self.assertEqual(int(second.number.split("-")[1]), int(first.number.split("-")[1]) + 1)

    def test_registration_finds_the_responsible_unit_from_the_category(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        self.assertEqual(case.state, State.REGISTERED)
        self.assertEqual(case.responsible_department, self.demo.departments["HW"])

    def test_dispatch_starts_the_clock(self):
        case = self.dispatched()
        self.assertEqual(case.state, State.DISPATCHED)
        self.assertIsNotNone(case.dispatched_at)
        self.assertGreater(case.deadline, case.dispatched_at)
        self.assertLess(case.remind_at, case.deadline)

    def test_not_registering_needs_a_reason(self):
        case = self.report()
        with self.assertRaises(ValidationError):
            self.step(case, "reject", self.paiqian)
        self.step(case, "reject", self.paiqian, note="不属于城市管理问题")
        self.assertEqual(case.state, State.REJECTED)

    def test_a_case_walks_from_report_to_closure_with_rework_and_every_step_recorded(self):
        case = self.dispatched()
        self.step(case, "accept", self.huanwei)
        self.step(case, "handle", self.huanwei, note="已清运", photos=[photo("after.jpg")])
        self.step(case, "verify_fail", self.duban1, note="仍有残留")
        self.assertEqual((case.state, case.rework_count), (State.REWORK, 1))
        self.step(case, "handle", self.huanwei, note="复清", photos=[photo("after2.jpg")])
        self.step(case, "verify_pass", self.duban1)
        self.assertEqual((case.state, case.closure), (State.CLOSED, Closure.NORMAL))
        actions = list(case.events.values_list("action", flat=True))
        self.assertEqual(
            actions,
            [
                "report",
                "register",
                "dispatch",
                "accept",
                "handle",
                "verify_fail",
                "handle",
                "verify_pass",
            ],
        )
        self.assertEqual(case.photos.filter(kind="after").count(), 2)

    def test_a_replayed_step_dates_its_photos_at_the_step(self):
        earlier = at("2026-03-02T09:00")
        case = self.report(at=earlier)  # with a photo
        self.step(case, "register", self.paiqian, at=earlier)
        self.step(case, "dispatch", self.paiqian, at=earlier)
        handled = at("2026-03-02T15:30")
        self.step(case, "handle", self.huanwei, note="已清运", photos=[photo()], at=handled)
        dates = {p.kind: p.uploaded_at for p in case.photos.all()}
        self.assertEqual(dates, {"before": earlier, "after": handled})

    def test_handling_needs_an_after_photo(self):
        case = self.dispatched()
        with self.assertRaisesMessage(ValidationError, "处置后照片"):
            self.step(case, "handle", self.huanwei, note="已清运")
        self.assertEqual(Case.objects.get(pk=case.pk).state, State.DISPATCHED)

    def test_a_handler_of_another_department_cannot_touch_the_case(self):
        case = self.dispatched()
        with self.assertRaises(PermissionDenied):
            self.step(case, "accept", self.chengguan)

    def test_a_grid_worker_cannot_register_or_verify(self):
        case = self.report()
        with self.assertRaises(PermissionDenied):
            self.step(case, "register", self.wangge01)

    def test_a_supervisor_cannot_verify_their_own_unfinished_case_before_it_is_handled(self):
        case = self.dispatched()
        with self.assertRaises(Conflict):
            self.step(case, "verify_pass", self.duban1)

    def test_every_step_is_refused_to_every_role_without_its_permission(self):
        case = self.report()
        for username in ["lingdao", "chengguan", "wangge04", "shequ2"]:
            user = getattr(self, username)
            for action in ["register", "reject", "dispatch", "verify_pass", "close_special"]:
                with (
                    self.subTest(user=username, action=action),
                    self.assertRaises((PermissionDenied, Conflict)),
                ):
                    take(case, action, Authz(user), note="x", closure=Closure.SPECIAL)
        self.assertEqual(case.events.count(), 1)

    def test_the_second_of_two_people_acting_at_once_gets_a_conflict_and_nothing_changes(self):
        case = self.report()
        seen = case.version
        take(case, "register", Authz(self.paiqian), version=seen)
        with self.assertRaises(Conflict):
            take(case, "reject", Authz(self.admin), version=seen, note="重复")
        case.refresh_from_db()
        self.assertEqual(case.state, State.REGISTERED)
        self.assertEqual(case.events.filter(action="reject").count(), 0)

    def test_a_return_goes_back_to_dispatch_after_approval(self):
        case = self.dispatched()
        self.step(case, "request_return", self.huanwei, note="不属于环卫职责")
        self.assertEqual(case.pending, Pending.RETURN)
        self.step(case, "approve", self.paiqian)
        self.assertEqual(
            (case.state, case.responsible_department, case.deadline), (State.REGISTERED, None, None)
        )
        self.step(
            case, "dispatch", self.paiqian, department=self.demo.departments["CG"], note="改派城管"
        )
        self.assertEqual(case.responsible_department, self.demo.departments["CG"])

    def test_a_denied_request_leaves_the_case_with_the_handler(self):
        case = self.dispatched()
        self.step(case, "request_return", self.huanwei, note="不属于环卫职责")
        self.step(case, "deny", self.paiqian, note="属于环卫职责")
        self.assertEqual((case.state, case.pending), (State.DISPATCHED, ""))

    def test_only_one_request_may_wait_at_a_time(self):
        case = self.dispatched()
        self.step(case, "request_return", self.huanwei, note="不属于")
        with self.assertRaises(Conflict):
            self.step(case, "request_suspension", self.huanwei, note="等待")

    def test_a_special_closure_needs_a_reason_and_a_type(self):
        case = self.dispatched()
        with self.assertRaises(ValidationError):
            self.step(case, "close_special", self.paiqian, note="上级协调处理")
        self.step(case, "close_special", self.paiqian, note="上级协调处理", closure=Closure.SPECIAL)
        self.assertEqual((case.state, case.closure), (State.CLOSED, Closure.SPECIAL))

    def test_merging_moves_the_reporters_to_the_surviving_case(self):
        first, second = self.report(), self.report(by=self.zhang)
        self.step(second, "merge", self.paiqian, duplicate_of=first.number)
        self.assertEqual(second.state, State.MERGED)
        self.assertEqual(first.reports.count(), 2)

    def test_the_steps_offered_depend_on_state_and_person(self):
        case = self.dispatched()
        offered = lambda user: [s.action for s in available_steps(case, Authz(user))]  # noqa: E731
        self.assertIn("accept", offered(self.huanwei))
        self.assertNotIn("accept", offered(self.chengguan))
        self.assertNotIn("register", offered(self.paiqian))
        self.assertIn("close_special", offered(self.paiqian))

    def test_the_history_cannot_be_edited_or_deleted(self):
        event = self.report().events.get()
        event.note = "改写"
        with self.assertRaises(ValidationError):
            event.save()
        with self.assertRaises(ValidationError):
            event.delete()
        self.assertEqual(CaseEvent.objects.get(pk=event.pk).note, "路边有一堆垃圾")

    def test_the_transition_table_names_a_permission_and_a_national_step_for_every_step(self):
        for step in STEPS.values():
            self.assertTrue(step.perm.startswith("cases."))
            self.assertIn(step.national, range(1, 8))


class ReopenTests(CaseTestCase):
    def closed(self):
        case = self.dispatched()
        self.step(case, "handle", self.huanwei, photos=[photo()])
        self.step(case, "verify_pass", self.duban1)
        return case

    def test_a_dispatcher_reopens_a_closed_case_after_an_unsatisfied_rating(self):
        case = self.closed()
        self.step(case, "reopen", self.paiqian, note="回访不满意：垃圾又出现")
        self.assertEqual((case.state, case.rework_count, case.closure), (State.REWORK, 1, ""))

    def test_a_handler_cannot_reopen_a_case(self):
        case = self.closed()
        with self.assertRaises(PermissionDenied):
            self.step(case, "reopen", self.huanwei, note="x")


class WorkflowDocumentationTests(CaseTestCase):
    def test_the_documented_transition_table_is_the_one_in_the_code(self):
        from pathlib import Path

        from django.conf import settings

        from civicgrid.cases.workflow import matrix_markdown

        page = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
        self.assertIn(matrix_markdown(), page)
