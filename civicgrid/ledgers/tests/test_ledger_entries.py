"""Ledger entries: values checked per field kind, the phone/PC form with photos and
attachments, the list with its filters and keyset pages, and the history of edits."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from civicgrid.ledgers import entries
from civicgrid.ledgers.models import EntryChange, LedgerEntry, LedgerFile
from civicgrid.ledgers.tests.ledger_base import LedgerTestCase, pdf, photo

NUMBER = {"key": "attendees", "label": "参加人数", "kind": "number", "required": True}
TEXT = {"key": "title", "label": "讲座主题", "kind": "text", "required": False}
DATE = {"key": "held_on", "label": "举办日期", "kind": "date", "required": False}
CHOICE = {"key": "level", "label": "化解层级", "kind": "choice", "choices": ["网格", "社区"]}


class ValueTests(SimpleTestCase):
    def message(self, field, raw) -> str:
        with self.assertRaises(ValidationError) as caught:
            entries.clean_value(field, raw)
        return caught.exception.messages[0]

    def test_a_number_is_kept_as_a_json_number(self):
        self.assertEqual(entries.clean_value(NUMBER, "40"), 40)
        self.assertEqual(entries.clean_value(NUMBER, " 3.5 "), 3.5)
        self.assertEqual(entries.clean_value(NUMBER, 12.0), 12)

    def test_a_number_must_be_a_number_not_negative_with_two_decimals_at_most(self):
        self.assertEqual(self.message(NUMBER, "四十"), "“参加人数”应为数字，如 12 或 3.5。")
        self.assertEqual(self.message(NUMBER, "nan"), "“参加人数”应为数字，如 12 或 3.5。")
        self.assertEqual(self.message(NUMBER, "-1"), "“参加人数”不能为负数。")
        self.assertEqual(self.message(NUMBER, "1.255"), "“参加人数”最多保留两位小数。")
        self.assertEqual(self.message(NUMBER, "1e12"), "“参加人数”数值过大，请核对。")

    def test_a_required_field_must_be_filled_in(self):
        self.assertEqual(self.message(NUMBER, "  "), "请填写“参加人数”。")
        self.assertIsNone(entries.clean_value(TEXT, ""))

    def test_text_is_trimmed_and_limited(self):
        self.assertEqual(entries.clean_value(TEXT, "  控烟与健康 "), "控烟与健康")
        self.assertEqual(self.message(TEXT, "字" * 501), "“讲座主题”不能超过 500 字。")

    def test_a_date_is_read_in_the_usual_ways_and_kept_as_iso(self):
        for raw in ["2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", dt.date(2026, 3, 5)]:
            self.assertEqual(entries.clean_value(DATE, raw), "2026-03-05")
        self.assertEqual(self.message(DATE, "下周一"), "“举办日期”应为日期，如 2026-03-15。")

    def test_a_choice_must_be_one_of_the_choices(self):
        self.assertEqual(entries.clean_value(CHOICE, "社区"), "社区")
        self.assertEqual(self.message(CHOICE, "街道"), "“化解层级”只能填：网格、社区。")

    def test_names_in_a_masked_field_are_masked_one_by_one(self):
        field = {"key": "parties", "label": "当事人", "kind": "text", "masked": True}
        self.assertEqual(entries.shown(field, "张三、李四光", full=False), "张**、李**")
        self.assertEqual(entries.shown(field, "张三、李四光", full=True), "张三、李四光")

    def test_an_entrys_date_may_not_lie_in_the_future(self):
        with self.assertRaisesMessage(ValidationError, "日期不能晚于今天"):
            entries.clean_day("2026-05-21", today=dt.date(2026, 5, 20))


class EntryFormTests(LedgerTestCase):
    def post_lecture(self, user=None, **extra):
        self.login(user or self.wangge01)
        data = {
            "area": self.demo.grid(0, 0).pk,
            "date": "2026-03-05",
            "v_title": "控烟与健康",
            "v_speaker": "李医生",
            "v_attendees": "45",
            "v_photo": [photo()],
            "v_sign_in": [pdf()],
        } | extra
        return self.client.post(f"/ledgers/types/{self.lectures.pk}/new", data)

    def test_a_grid_worker_records_a_lecture_with_a_photo_and_the_sign_in_sheet(self):
        response = self.post_lecture()
        entry = LedgerEntry.objects.get()
        self.assertRedirects(response, f"/ledgers/entries/{entry.pk}/")
        self.assertEqual(
            entry.values, {"title": "控烟与健康", "speaker": "李医生", "attendees": 45}
        )
        self.assertEqual(entry.area_path, self.demo.grid(0, 0).path)
        kinds = sorted(entry.files.values_list("key", flat=True))
        self.assertEqual(kinds, ["photo", "sign_in"])
        self.assertTrue(entry.files.get(key="sign_in").file.name.endswith("签到表.pdf"))
        self.assertEqual(EntryChange.objects.get(entry=entry).before, {})

    def test_errors_are_shown_in_chinese_by_the_field(self):
        response = self.post_lecture(v_attendees="很多", v_title="")
        self.assertContains(response, "“参加人数”应为数字", status_code=400)
        self.assertContains(response, "请填写“讲座主题”。", status_code=400)
        self.assertFalse(LedgerEntry.objects.exists())

    def test_an_attachment_must_be_what_its_name_says(self):
        fake = SimpleUploadedFile("签到表.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        response = self.post_lecture(v_sign_in=[fake])
        self.assertContains(response, "不是有效的 PDF 文件", status_code=400)

    def test_a_required_photo_must_be_uploaded(self):
        self.login(self.wangge01)
        data = {"area": self.demo.grid(0, 0).pk, "date": "2026-03-05", "v_size": "3.6"}
        response = self.client.post(
            f"/ledgers/types/{self.boards.pk}/new", data | {"v_content": "控烟"}
        )
        self.assertContains(response, "请上传“现场照片”。", status_code=400)

    def test_a_photo_must_be_an_image(self):
        fake = SimpleUploadedFile("photo.jpg", b"not an image", "image/jpeg")
        response = self.post_lecture(v_photo=[fake])
        self.assertContains(response, "无法识别这张图片", status_code=400)

    def test_an_area_outside_the_persons_grids_is_refused(self):
        response = self.post_lecture(area=self.demo.grid(3, 0).pk)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(LedgerEntry.objects.exists())

    def test_the_form_offers_the_type_of_the_street_to_a_grid_worker(self):
        response = self.assert_status(self.wangge01, f"/ledgers/types/{self.lectures.pk}/new", 200)
        self.assertContains(response, "参加人数（人）")
        self.assertContains(response, 'accept="image/*"')

    def test_access_to_the_entry_form(self):
        url = f"/ledgers/types/{self.lectures.pk}/new"
        self.assert_access(
            url,
            allowed=[self.wangge01, self.shequ1, self.chengguan, self.paiqian],
            forbidden=[self.lingdao, self.nobody],
            hidden=[self.outsider],
        )

    def test_photos_are_served_only_to_people_who_see_the_entry(self):
        self.post_lecture()
        url = LedgerFile.objects.get(key="photo").file.url
        self.assert_status(self.shequ1, url, 200)
        self.assert_status(self.shequ2, url, 404)


class HistoryTests(LedgerTestCase):
    def edit(self, entry, user=None, **changes):
        self.login(user or self.wangge01)
        data = {
            "area": entry.area_id,
            "date": entry.date.isoformat(),
            "version": entry.version,
        } | {f"v_{k}": v for k, v in entry.values.items()}
        return self.client.post(f"/ledgers/entries/{entry.pk}/edit", data | changes)

    def test_an_edit_records_before_and_after(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        response = self.edit(entry, v_attendees="52")
        self.assertRedirects(response, f"/ledgers/entries/{entry.pk}/")
        change = entry.changes.last()
        self.assertEqual(change.before["values"]["attendees"], 40)
        self.assertEqual(change.after["values"]["attendees"], 52)
        entry.refresh_from_db()
        self.assertEqual((entry.values["attendees"], entry.version), (52, 1))

    def test_the_entry_page_shows_the_history(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        self.edit(entry, v_attendees="52", date="2026-03-06")
        response = self.assert_status(self.shequ1, f"/ledgers/entries/{entry.pk}/", 200)
        self.assertContains(response, "参加人数：40 人 → 52 人")
        self.assertContains(response, "日期：2026-03-05 → 2026-03-06")

    def test_an_edit_without_changes_records_nothing(self):
        entry = self.entry()
        self.edit(entry)
        self.assertEqual(entry.changes.count(), 1)

    def test_an_edit_made_on_an_old_version_is_refused(self):
        entry = self.entry()
        self.edit(entry, v_attendees="52")
        response = self.edit(entry, v_attendees="60", version=0)
        entry.refresh_from_db()
        self.assertEqual(entry.values["attendees"], 52)
        self.assertRedirects(response, f"/ledgers/entries/{entry.pk}/")

    def test_a_photo_removed_on_edit_is_in_the_history(self):
        self.login(self.wangge01)
        entry = self.entry(self.boards, day=dt.date(2026, 3, 5), size=3, content="控烟")
        LedgerFile.objects.create(entry=entry, key="photo", file=photo())
        second = photo("b.jpg")
        item = entry.files.get()
        response = self.edit(entry, remove=[str(item.pk)], v_photo=[second])
        self.assertEqual(response.status_code, 302)
        change = entry.changes.last()
        self.assertEqual(len(change.before["files"]["photo"]), 1)
        self.assertEqual(change.after["files"]["photo"], ["photo-1.jpg"])

    def test_removing_the_only_photo_of_a_required_photo_field_is_refused(self):
        entry = self.entry(self.boards, day=dt.date(2026, 3, 5), size=3, content="控烟")
        item = LedgerFile.objects.create(entry=entry, key="photo", file=photo())
        response = self.edit(entry, remove=[str(item.pk)])
        self.assertContains(response, "请上传“现场照片”。", status_code=400)

    def test_access_to_the_entry_pages(self):
        entry = self.entry(area=self.demo.grid(0, 0))
        self.assert_access(
            f"/ledgers/entries/{entry.pk}/",
            allowed=[self.wangge01, self.shequ1, self.lingdao, self.chengguan],
            hidden=[self.shequ2, self.outsider, self.nobody],
        )
        self.assert_access(
            f"/ledgers/entries/{entry.pk}/edit",
            allowed=[self.wangge01, self.shequ1],
            forbidden=[self.lingdao],
            hidden=[self.shequ2, self.outsider],
        )

    def test_a_leader_reads_masked_parties(self):
        entry = self.entry(self.disputes, kind="邻里纠纷", parties="张三、李四", outcome="已化解")
        response = self.assert_status(self.lingdao, f"/ledgers/entries/{entry.pk}/", 200)
        self.assertContains(response, "张**、李**")
        response = self.assert_status(self.wangge01, f"/ledgers/entries/{entry.pk}/", 200)
        self.assertContains(response, "张三、李四")


class EntryListTests(LedgerTestCase):
    def listed(self, user, **params) -> list[int]:
        self.login(user)
        response = self.client.get("/ledgers/entries/", params)
        self.assertEqual(response.status_code, 200)
        return [entry.pk for entry in response.context["entries"]]

    def test_the_list_keeps_to_the_persons_areas(self):
        mine = self.entry(area=self.demo.grid(0, 0))
        other = self.entry(area=self.demo.grid(2, 0), by=self.paiqian)
        self.assertEqual(self.listed(self.wangge01), [mine.pk])
        self.assertEqual(set(self.listed(self.lingdao)), {mine.pk, other.pk})
        self.assertEqual(self.listed(self.outsider), [])

    def test_filters_by_type_area_with_children_and_dates(self):
        a = self.entry(area=self.demo.grid(0, 1), day=dt.date(2026, 3, 1))
        b = self.entry(area=self.demo.grid(1, 0), day=dt.date(2026, 3, 2))
        c = self.entry(self.boards, self.demo.grid(0, 0), dt.date(2026, 3, 3), size=3, content="x")
        self.assertEqual(self.listed(self.paiqian, ledger=self.lectures.pk), [b.pk, a.pk])
        self.assertEqual(self.listed(self.paiqian, area=self.demo.community(0).code), [c.pk, a.pk])
        self.assertEqual(self.listed(self.paiqian, start="2026-03-02", end="2026-03-02"), [b.pk])

    def test_an_area_out_of_scope_is_not_found(self):
        self.login(self.wangge01)
        response = self.client.get("/ledgers/entries/", {"area": self.demo.community(3).code})
        self.assertEqual(response.status_code, 404)

    def test_the_list_masks_the_parties_of_a_dispute(self):
        self.entry(self.disputes, kind="邻里纠纷", parties="张三、李四", outcome="已化解")
        self.login(self.paiqian)
        response = self.client.get("/ledgers/entries/")
        self.assertContains(response, "张**、李**")
        self.assertNotContains(response, "张三")

    def test_keyset_pages_follow_each_other_without_overlap(self):
        made = {
            self.entry(day=dt.date(2026, 1, 1) + dt.timedelta(days=n % 20)).pk for n in range(55)
        }
        self.login(self.paiqian)
        first = self.client.get("/ledgers/entries/")
        cursor = first.context["more"].split("after=")[1]
        rest = self.client.get(
            "/ledgers/entries/", {"after": cursor}, headers={"HX-Request": "true"}
        )
        one = [e.pk for e in first.context["entries"]]
        two = [e.pk for e in rest.context["entries"]]
        self.assertEqual((len(one), len(two)), (50, 5))
        self.assertEqual(set(one) | set(two), made)
        self.assertIsNone(rest.context["more"])
        self.assertNotIn("<table", rest.content.decode())

    def test_the_list_needs_the_same_queries_for_3_or_30_entries(self):
        for _ in range(3):
            self.entry(self.disputes, kind="其他", parties="王五", outcome="调处中")
        self.login(self.paiqian)
        self.client.get("/ledgers/entries/")
        with CaptureQueriesContext(connection) as three:
            self.client.get("/ledgers/entries/")
        for n in range(27):
            self.entry(area=self.demo.grid(n % 5, 0), by=self.shequ1)
        with self.assertNumQueries(len(three.captured_queries)):
            response = self.client.get("/ledgers/entries/")
        self.assertEqual(len(response.context["entries"]), 30)

    def test_access_to_the_list(self):
        self.assert_access(
            "/ledgers/entries/",
            allowed=[self.wangge01, self.lingdao, self.chengguan, self.outsider],
            forbidden=[self.nobody],
        )
