"""The case page: facts, reporter privacy, photos, timeline, and one form per step."""

import datetime as dt
import shutil
import tempfile

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicgrid.cases import intake
from civicgrid.cases.models import CasePhoto, Closure, State
from civicgrid.cases.tests.base import CaseTestCase, photo
from civicgrid.lib.privacy import mask_name, mask_phone

MEDIA = tempfile.mkdtemp(prefix="civicgrid-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class CasePageTests(CaseTestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def post_step(self, user, case, action, version=None, **fields):
        self.login(user)
        data = {"action": action, "version": case.version if version is None else version}
        data.update({f"{action}-{name}": value for name, value in fields.items()})
        return self.client.post(case.get_absolute_url(), data)

    # Access

    def test_the_case_page_follows_the_access_matrix(self):
        case = self.report()
        self.assert_access(
            case.get_absolute_url(),
            allowed=[
                self.admin,
                self.paiqian,
                self.lingdao,
                self.duban1,
                self.shequ1,
                self.wangge01,
            ],
            hidden=[self.shequ2, self.wangge02, self.huanwei],
        )

    def test_a_department_sees_a_case_once_it_answers_for_it(self):
        case = self.dispatched()
        self.assert_access(case.get_absolute_url(), allowed=[self.huanwei], hidden=[self.chengguan])

    def test_an_unknown_number_is_not_found(self):
        self.assert_status(self.admin, "/cases/2026-999999/", 404)

    # Facts and privacy

    def test_the_page_shows_the_facts_of_the_case(self):
        case = self.report(address="建设路 12 号")
        response = self.assert_status(self.paiqian, case.get_absolute_url(), 200)
        for text in [case.number, "06010", "暴露垃圾", "路边有一堆垃圾", "建设路 12 号"]:
            self.assertContains(response, text)
        self.assertContains(response, self.demo.community(0).name)
        self.assertContains(response, self.demo.grid(0, 0).name)

    def test_the_reporter_is_masked_for_someone_without_the_reporter_permission(self):
        case = self.report()
        response = self.assert_status(self.duban1, case.get_absolute_url(), 200)
        self.assertContains(response, mask_phone(self.wangge01.phone))
        self.assertContains(response, mask_name(self.wangge01.name))
        self.assertNotContains(response, self.wangge01.phone)
        self.assertNotContains(response, self.wangge01.name)

    def test_a_leader_sees_the_reporters_name_and_phone(self):
        case = self.report()
        response = self.assert_status(self.lingdao, case.get_absolute_url(), 200)
        self.assertContains(response, self.wangge01.phone)
        self.assertContains(response, self.wangge01.name)

    def test_an_anonymous_resident_stays_anonymous_even_for_a_leader(self):
        case = self.report(name="李四", phone="13912345678", anonymous=True)
        response = self.assert_status(self.lingdao, case.get_absolute_url(), 200)
        self.assertNotContains(response, "13912345678")
        self.assertContains(response, "匿名")

    def test_names_and_phones_are_masked_like_officials_expect(self):
        self.assertEqual(mask_name("张三"), "张**")
        self.assertEqual(mask_name("欧阳娜娜"), "欧**")
        self.assertEqual(mask_name(""), "")
        self.assertEqual(mask_phone("13812345678"), "138****5678")
        self.assertEqual(mask_phone("0391-1234567"), "039*****4567")
        self.assertEqual(mask_phone(""), "")

    def test_the_before_photos_are_shown(self):
        case = self.report()
        response = self.assert_status(self.paiqian, case.get_absolute_url(), 200)
        self.assertContains(response, case.photos.get().image.url)

    def test_the_point_is_handed_to_the_map(self):
        case = self.report()
        response = self.assert_status(self.paiqian, case.get_absolute_url(), 200)
        self.assertContains(response, 'id="case-map"')
        self.assertContains(response, str(case.lat))

    def test_an_overdue_case_shows_it(self):
        case = self.dispatched()
        type(case).objects.filter(pk=case.pk).update(is_overdue=True)
        response = self.assert_status(self.paiqian, case.get_absolute_url(), 200)
        self.assertContains(response, "已超期")

    # Steps

    def test_a_dispatcher_is_offered_the_steps_of_a_new_report(self):
        case = self.report()
        response = self.assert_status(self.paiqian, case.get_absolute_url(), 200)
        for action in ["register", "reject", "merge"]:
            self.assertContains(response, f'id="step-{action}"')
        self.assertNotContains(response, 'id="step-dispatch"')

    def test_a_grid_worker_is_offered_no_step_on_a_new_report(self):
        case = self.report()
        response = self.assert_status(self.wangge01, case.get_absolute_url(), 200)
        self.assertNotContains(response, 'name="action"')

    def test_registering_moves_the_case_on_and_records_it(self):
        case = self.report()
        response = self.post_step(self.paiqian, case, "register", note="属实")
        self.assertRedirects(response, case.get_absolute_url(), fetch_redirect_response=False)
        case.refresh_from_db()
        self.assertEqual(case.state, State.REGISTERED)
        self.assertEqual(case.events.last().note, "属实")

    def test_a_stale_form_gets_a_conflict_and_changes_nothing(self):
        case = self.report()
        response = self.post_step(self.paiqian, case, "register", version=case.version + 5)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "已被他人处理", status_code=409)
        case.refresh_from_db()
        self.assertEqual(case.state, State.REPORTED)

    def test_a_step_the_state_no_longer_allows_is_a_conflict(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        response = self.post_step(self.paiqian, case, "register", version=None)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "不能立案", status_code=409)

    def test_rejecting_without_a_reason_shows_the_field_error(self):
        case = self.report()
        response = self.post_step(self.paiqian, case, "reject")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请填写理由", status_code=400)
        case.refresh_from_db()
        self.assertEqual(case.state, State.REPORTED)

    def test_a_person_who_sees_the_case_but_may_not_take_the_step_is_forbidden(self):
        case = self.report()
        response = self.post_step(self.duban1, case, "register")
        self.assertEqual(response.status_code, 403)

    def test_a_person_outside_the_cases_area_cannot_take_a_step(self):
        case = self.report()
        self.assertEqual(self.post_step(self.shequ2, case, "register").status_code, 404)

    def test_an_unknown_action_is_refused(self):
        case = self.report()
        response = self.post_step(self.paiqian, case, "demolish")
        self.assertEqual(response.status_code, 400)

    def test_anonymous_posts_go_to_the_login_page(self):
        case = self.report()
        response = self.client.post(case.get_absolute_url(), {"action": "register"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])

    def test_the_dispatch_form_offers_the_streets_departments_and_the_cases_community(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        response = self.assert_status(self.paiqian, case.get_absolute_url(), 200)
        self.assertContains(response, "环卫所")
        self.assertContains(response, f"社区：{self.demo.community(0).name}")
        self.assertContains(response, f"网格：{self.demo.grid(0, 0).name}")
        self.assertContains(
            response, f'value="department-{self.demo.departments["HW"].pk}" selected'
        )

    def test_dispatching_to_the_community_makes_it_responsible(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        response = self.post_step(self.paiqian, case, "dispatch", unit="community")
        self.assertEqual(response.status_code, 302)
        case.refresh_from_db()
        self.assertEqual(case.state, State.DISPATCHED)
        self.assertEqual(case.responsible_area, self.demo.community(0))
        self.assertIsNotNone(case.deadline)

    def test_dispatching_to_a_department_of_the_street(self):
        case = self.report()
        self.step(case, "register", self.paiqian)
        cg = self.demo.departments["CG"]
        self.post_step(self.paiqian, case, "dispatch", unit=f"department-{cg.pk}")
        case.refresh_from_db()
        self.assertEqual(case.responsible_department, cg)

    def test_handling_needs_an_after_photo(self):
        case = self.dispatched()
        response = self.post_step(self.huanwei, case, "handle", note="已清理")
        self.assertContains(response, "请上传至少一张处置后照片", status_code=400)

    def test_handling_with_after_photos_sends_the_case_to_verification(self):
        case = self.dispatched()
        response = self.post_step(
            self.huanwei, case, "handle", note="已清理", photos=[photo("a.jpg"), photo("b.jpg")]
        )
        self.assertEqual(response.status_code, 302)
        case.refresh_from_db()
        self.assertEqual(case.state, State.HANDLED)
        self.assertEqual(case.photos.filter(kind=CasePhoto.Kind.AFTER).count(), 2)

    def test_a_file_that_is_not_an_image_is_refused(self):
        case = self.dispatched()
        fake = photo("fake.jpg")
        fake.file.seek(0)
        fake.file.write(b"not an image at all")
        fake.file.truncate()
        fake.file.seek(0)
        response = self.post_step(self.huanwei, case, "handle", photos=[fake])
        self.assertContains(response, "无法识别这张图片", status_code=400)
        self.assertEqual(case.photos.count(), 1)

    def test_asking_for_an_extension_records_the_new_deadline(self):
        case = self.dispatched()
        later = timezone.localtime(case.deadline + dt.timedelta(days=3))
        response = self.post_step(
            self.huanwei,
            case,
            "request_extension",
            note="需要调车",
            deadline=later.strftime("%Y-%m-%dT%H:%M"),
        )
        self.assertEqual(response.status_code, 302)
        case.refresh_from_db()
        self.assertEqual(case.pending, "extension")
        self.assertEqual(case.pending_deadline, later.replace(second=0, microsecond=0))

    def test_an_extension_into_the_past_is_refused(self):
        case = self.dispatched()
        response = self.post_step(
            self.huanwei, case, "request_extension", note="x", deadline="2020-01-01T09:00"
        )
        self.assertContains(response, "新期限应在现在之后", status_code=400)

    def test_merging_needs_a_visible_open_case(self):
        first, second = self.report(), self.report()
        response = self.post_step(self.paiqian, second, "merge", duplicate_of="2026-999999")
        self.assertContains(response, "找不到编号", status_code=400)
        response = self.post_step(self.paiqian, second, "merge", duplicate_of=first.number)
        self.assertEqual(response.status_code, 302)
        second.refresh_from_db()
        self.assertEqual(second.duplicate_of, first)

    def test_a_special_closure_asks_for_its_type(self):
        case = self.dispatched()
        response = self.post_step(
            self.paiqian, case, "close_special", note="拆迁区域", closure=Closure.SPECIAL
        )
        self.assertEqual(response.status_code, 302)
        case.refresh_from_db()
        self.assertEqual((case.state, case.closure), (State.CLOSED, Closure.SPECIAL))

    def test_the_timeline_lists_every_step_with_who_and_the_states(self):
        case = self.dispatched()
        response = self.assert_status(self.paiqian, case.get_absolute_url(), 200)
        timeline = response.content.decode().split('id="timeline"')[1]
        for label in ["上报", "立案", "派遣"]:
            self.assertIn(label, timeline)
        self.assertIn("待派遣 → 已派遣", timeline)
        self.assertIn(str(self.paiqian), timeline)

    def test_the_case_page_needs_the_same_queries_however_long_its_history(self):
        short, long = self.dispatched(), self.dispatched()
        for case in (short, long):
            self.step(case, "accept", self.huanwei)
        for n in range(3):
            self.step(
                long,
                "request_extension",
                self.huanwei,
                note="x",
                deadline=long.deadline + dt.timedelta(days=n + 1),
            )
            self.step(long, "deny", self.paiqian, note="不同意")
        for user in (self.duban1, self.zhang, self.shequ1):
            intake.join(long, by=user)
        self.login(self.paiqian)
        self.client.get(short.get_absolute_url())
        with CaptureQueriesContext(connection) as few:
            self.client.get(short.get_absolute_url())
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(long.get_absolute_url())
        self.assertEqual(response.content.decode().count('<li data-action="deny"'), 3)


class RelocateTests(CaseTestCase):
    def test_a_dispatcher_moves_a_case_to_another_grid_and_the_history_says_so(self):
        case = self.report()
        target = self.demo.grid(1, 0)
        self.login(self.paiqian)
        response = self.client.post(f"/cases/{case.number}/relocate", {"area": target.code})
        self.assertRedirects(response, case.get_absolute_url())
        case.refresh_from_db()
        self.assertEqual((case.grid, case.area_path), (target, target.path))
        self.assertEqual(
            case.events.last().data, {"from": self.demo.grid(0, 0).code, "to": target.code}
        )

    def test_relocating_follows_the_access_matrix(self):
        case = self.report()
        url = f"/cases/{case.number}/relocate"
        data = {"area": self.demo.grid(0, 1).code}
        self.assert_status(self.wangge01, url, 403, "post", data)
        self.assert_status(self.shequ2, url, 404, "post", data)
        response = self.assert_status(None, url, 302, "post", data)
        self.assertIn("/login/", response["Location"])

    def test_an_unknown_area_code_changes_nothing(self):
        case = self.report()
        self.login(self.paiqian)
        self.client.post(f"/cases/{case.number}/relocate", {"area": "999"})
        case.refresh_from_db()
        self.assertEqual(case.grid, self.demo.grid(0, 0))
