"""Ledgers through the API: the types with their fields, the entry list with the page's
filters, recording and changing entries (values, files, version), one entry with its
history, masking, and the files."""

import datetime as dt
import json
from unittest import mock

from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext

from civicgrid.api.tests.base import ApiTestCase
from civicgrid.ledgers import entries
from civicgrid.ledgers import ledger_types as ready
from civicgrid.ledgers.models import EntryChange, LedgerEntry, LedgerFile
from civicgrid.ledgers.tests.ledger_base import LedgerTestCase, campaign_for, pdf, photo


class LedgerApiTestCase(ApiTestCase, LedgerTestCase):
    """The ledger test data (ready types, `outsider` of another street, `nobody`) with tokens."""

    def lecture(self, **changes) -> dict:
        values = {"title": "控烟与健康", "speaker": "李医生", "attendees": 45}
        return {"area": self.demo.grid(0, 0).code, "date": "2026-03-05", "values": values} | changes

    def entries_path(self, ledger=None) -> str:
        return f"/ledgers/{(ledger or self.lectures).pk}/entries"

    def entry_path(self, entry) -> str:
        return f"/ledgers/{entry.ledger_id}/entries/{entry.pk}"

    def dispute(self, area=None, by=None, **values) -> LedgerEntry:
        values = {"kind": "邻里纠纷", "parties": "张三、李四", "outcome": "已化解"} | values
        return self.entry(self.disputes, area, by=by, **values)

    def ok(self, response, status=200) -> dict:
        self.assertEqual(response.status_code, status, response.content.decode()[:500])
        return response.json()

    def patch_multipart(self, entry, user, data: dict):
        return self.client.patch(
            "/api/v1" + self.entry_path(entry),
            encode_multipart(BOUNDARY, data),
            content_type=MULTIPART_CONTENT,
            headers={"Authorization": f"Bearer {self.token(user)}"},
        )


class LedgerTypeTests(LedgerApiTestCase):
    def codes(self, user, **query) -> list[str]:
        return [t["code"] for t in self.ok(self.api("GET", "/ledgers", user, query))["results"]]

    def test_the_type_list_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            "/ledgers",
            allowed=[self.admin, self.paiqian, self.lingdao, self.wangge01, self.chengguan],
            forbidden=[self.nobody],
        )

    def test_a_grid_worker_sees_the_types_of_its_street_with_their_fields(self):
        body = self.ok(self.api("GET", "/ledgers", self.wangge01))
        self.assertEqual(len(body["results"]), len(ready.READY))
        lectures = next(t for t in body["results"] if t["code"] == ready.LECTURES)
        self.assertEqual(lectures["id"], self.lectures.pk)
        self.assertEqual(lectures["name"], "健康教育讲座")
        self.assertEqual(lectures["street"]["code"], self.street.code)
        self.assertTrue(lectures["may_record"])
        self.assertEqual(lectures["url"], f"/api/v1/ledgers/{self.lectures.pk}")
        self.assertEqual(lectures["entries_url"], f"/api/v1/ledgers/{self.lectures.pk}/entries")
        fields = {f["key"]: f for f in lectures["fields"]}
        self.assertEqual(
            list(fields), ["title", "speaker", "attendees", "place", "photo", "sign_in"]
        )
        self.assertEqual(
            fields["attendees"],
            {
                "key": "attendees",
                "label": "参加人数",
                "kind": "number",
                "required": True,
                "choices": [],
                "unit": "人",
                "masked": False,
            },
        )
        self.assertEqual(fields["sign_in"]["kind"], "attachment")

    def test_choices_and_masked_fields_are_described(self):
        body = self.ok(self.api("GET", f"/ledgers/{self.disputes.pk}", self.paiqian))
        fields = {f["key"]: f for f in body["fields"]}
        self.assertTrue(fields["parties"]["masked"])
        self.assertEqual(fields["kind"]["choices"], ready.DISPUTE_KINDS)

    def test_a_leader_sees_the_types_but_may_not_record_into_them(self):
        body = self.ok(self.api("GET", "/ledgers", self.lingdao))
        self.assertEqual(len(body["results"]), len(ready.READY))
        self.assertFalse(any(t["may_record"] for t in body["results"]))

    def test_an_outsider_sees_only_the_types_of_its_own_street(self):
        self.assertEqual(self.codes(self.outsider), [])
        ready.load_ledger_types(self.other_street)
        self.assertEqual(len(self.codes(self.outsider)), len(ready.READY))

    def test_an_inactive_type_is_listed_but_may_not_be_recorded_into(self):
        self.lectures.is_active = False
        self.lectures.save()
        body = self.ok(self.api("GET", f"/ledgers/{self.lectures.pk}", self.wangge01))
        self.assertEqual((body["is_active"], body["may_record"]), (False, False))

    def test_filters_by_campaign_and_active(self):
        campaign = campaign_for(self.street)
        self.lectures.campaign = campaign
        self.lectures.save()
        self.boards.is_active = False
        self.boards.save()
        self.assertEqual(self.codes(self.paiqian, campaign=campaign.pk), [ready.LECTURES])
        self.assertEqual(self.codes(self.paiqian, active="false"), [ready.BOARDS])
        self.assertEqual(len(self.codes(self.paiqian, active="true")), len(ready.READY) - 1)
        body = self.ok(self.api("GET", f"/ledgers/{self.lectures.pk}", self.paiqian))
        self.assertEqual((body["campaign"], body["campaign_name"]), (campaign.pk, campaign.name))

    def test_an_invalid_filter_is_400_naming_it(self):
        response = self.api("GET", "/ledgers", self.paiqian, {"campaign": "x", "active": "maybe"})
        self.assert_error(response, 400, "invalid", fields=["campaign", "active"])

    def test_pages_follow_the_cursor_without_gaps_or_repeats(self):
        seen, after = [], None
        while True:
            query = {"limit": 4, **({"after": after} if after else {})}
            body = self.ok(self.api("GET", "/ledgers", self.paiqian, query))
            seen += [t["name"] for t in body["results"]]
            after = body["next"]
            if after is None:
                break
        self.assertEqual(seen, sorted(name for _code, name, _d, _f in ready.READY))

    def test_the_list_takes_the_same_queries_for_one_street_or_two(self):
        token = self.token(self.admin)
        self.api("GET", "/auth/me", token=token)
        with CaptureQueriesContext(connection) as one:
            self.api("GET", "/ledgers", token=token)
        ready.load_ledger_types(self.other_street)
        with self.assertNumQueries(len(one)):
            body = self.api("GET", "/ledgers", token=token).json()
        self.assertEqual(len(body["results"]), 2 * len(ready.READY))

    def test_one_type_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            f"/ledgers/{self.lectures.pk}",
            allowed=[self.paiqian, self.lingdao, self.wangge01, self.chengguan],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )
        self.assert_error(self.api("GET", "/ledgers/999999", self.admin), 404, "not_found")


class EntryListTests(LedgerApiTestCase):
    def ids(self, user, ledger=None, **query) -> list[int]:
        body = self.ok(self.api("GET", self.entries_path(ledger), user, query))
        return [row["id"] for row in body["results"]]

    def test_the_list_follows_the_access_matrix(self):
        self.entry()
        self.assert_api_access(
            "GET",
            self.entries_path(),
            allowed=[self.wangge01, self.lingdao, self.chengguan, self.paiqian],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )

    def test_each_person_sees_only_the_entries_in_their_scope(self):
        mine = self.entry(area=self.demo.grid(0, 0))
        other = self.entry(area=self.demo.grid(2, 0), by=self.paiqian)
        self.assertEqual(self.ids(self.wangge01), [mine.pk])
        self.assertEqual(set(self.ids(self.lingdao)), {mine.pk, other.pk})
        self.assertEqual(self.ids(self.shequ2), [])

    def test_an_entry_in_the_list_has_its_values_as_stored(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        [row] = self.ok(self.api("GET", self.entries_path(), self.shequ1))["results"]
        self.assertEqual(row["id"], entry.pk)
        self.assertEqual(row["ledger"], self.lectures.pk)
        self.assertEqual(row["area"]["code"], self.demo.grid(0, 0).code)
        self.assertEqual(row["date"], "2026-03-05")
        self.assertEqual(
            row["values"], {"title": "控烟与健康", "speaker": "李医生", "attendees": 40}
        )
        self.assertEqual(row["created_by"], str(self.wangge01))
        self.assertTrue(row["created_at"].endswith("+08:00"))
        self.assertEqual((row["version"], row["may_edit"]), (0, True))
        self.assertEqual(row["url"], f"/api/v1/ledgers/{self.lectures.pk}/entries/{entry.pk}")
        self.assertEqual(row["web_url"], f"/ledgers/entries/{entry.pk}/")

    def test_the_filters_are_the_pages_filters(self):
        a = self.entry(area=self.demo.grid(0, 1), day=dt.date(2026, 3, 1))
        b = self.entry(area=self.demo.grid(1, 0), day=dt.date(2026, 3, 2))
        self.entry(self.boards, self.demo.grid(0, 0), dt.date(2026, 3, 3), size=3, content="x")
        self.assertEqual(self.ids(self.paiqian), [b.pk, a.pk])
        self.assertEqual(self.ids(self.paiqian, area=self.demo.community(0).code), [a.pk])
        self.assertEqual(self.ids(self.paiqian, start="2026-03-02", end="2026-03-02"), [b.pk])
        self.assertEqual(self.ids(self.paiqian, end="2026-03-01"), [a.pk])

    def test_an_area_out_of_scope_is_404_as_on_the_page(self):
        response = self.api(
            "GET", self.entries_path(), self.wangge01, {"area": self.demo.community(3).code}
        )
        self.assert_error(response, 404, "not_found")

    def test_an_invalid_filter_is_400_naming_it(self):
        response = self.api("GET", self.entries_path(), self.paiqian, {"start": "昨天"})
        self.assert_error(response, 400, "invalid", fields=["start"])
        query = {"start": "2026-03-02", "end": "2026-03-01"}
        response = self.api("GET", self.entries_path(), self.paiqian, query)
        self.assert_error(response, 400, "invalid", fields=["end"])

    def test_a_masked_field_is_masked_for_those_who_do_not_record_there(self):
        self.dispute()
        [row] = self.ok(self.api("GET", self.entries_path(self.disputes), self.lingdao))["results"]
        self.assertEqual(row["values"]["parties"], "张**、李**")
        self.assertFalse(row["may_edit"])
        for user in (self.wangge01, self.paiqian):
            [row] = self.ok(self.api("GET", self.entries_path(self.disputes), user))["results"]
            self.assertEqual(row["values"]["parties"], "张三、李四")

    def test_pages_follow_the_next_cursor_without_gaps_or_repeats(self):
        made = [self.entry(day=dt.date(2026, 3, 1) + dt.timedelta(days=n % 2)).pk for n in range(5)]
        seen, after = [], None
        while True:
            query = {"limit": 2, **({"after": after} if after else {})}
            body = self.ok(self.api("GET", self.entries_path(), self.paiqian, query))
            seen += [row["id"] for row in body["results"]]
            after = body["next"]
            if after is None:
                break
        newest_first = sorted(made, key=lambda pk: (LedgerEntry.objects.get(pk=pk).date, pk))
        self.assertEqual(seen, list(reversed(newest_first)))

    def test_the_list_takes_the_same_number_of_queries_for_one_entry_or_many(self):
        self.dispute()
        token = self.token(self.paiqian)
        self.api("GET", "/auth/me", token=token)
        with CaptureQueriesContext(connection) as one:
            self.api("GET", self.entries_path(self.disputes), token=token)
        for n in range(4):
            self.dispute(parties="王五")
            self.dispute(self.demo.grid(n, 0), self.shequ1, kind="其他")
        with self.assertNumQueries(len(one)):
            body = self.api("GET", self.entries_path(self.disputes), token=token).json()
        self.assertEqual(len(body["results"]), 9)


class EntryDetailTests(LedgerApiTestCase):
    def test_one_entry_follows_the_access_matrix(self):
        entry = self.entry(area=self.demo.grid(0, 0))
        self.assert_api_access(
            "GET",
            self.entry_path(entry),
            allowed=[self.wangge01, self.shequ1, self.lingdao, self.chengguan],
            hidden=[self.shequ2, self.outsider, self.nobody],
        )

    def test_an_entry_is_found_only_under_its_own_type(self):
        entry = self.entry()
        path = f"/ledgers/{self.boards.pk}/entries/{entry.pk}"
        self.assert_error(self.api("GET", path, self.paiqian), 404, "not_found")

    def test_ids_too_large_for_the_database_are_404_not_a_crash(self):
        entry = self.entry()
        huge = 10**28
        for path in (
            f"/ledgers/{huge}",
            f"/ledgers/{huge}/entries",
            f"/ledgers/{huge}/entries/{entry.pk}",
            f"/ledgers/{huge}/entries/{entry.pk}/files/1",
            f"{self.entry_path(entry)}/files/{huge}",
        ):
            self.assert_error(self.api("GET", path, self.paiqian), 404, "not_found")
        data = {"version": 0}
        response = self.api("PATCH", f"/ledgers/{huge}/entries/{entry.pk}", self.paiqian, data)
        self.assert_error(response, 404)

    def test_the_entry_has_its_history_as_the_page_shows_it(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        data = {"version": 0, "date": "2026-03-06", "values": {"attendees": 52}}
        self.ok(self.api("PATCH", self.entry_path(entry), self.shequ1, data))
        body = self.ok(self.api("GET", self.entry_path(entry), self.lingdao))
        created, changed = body["history"]
        self.assertEqual(
            (created["kind"], created["by"], created["changes"]),
            ("created", str(self.wangge01), []),
        )
        self.assertEqual((changed["kind"], changed["by"]), ("changed", str(self.shequ1)))
        self.assertEqual(
            changed["changes"],
            [
                {"what": "日期", "before": "2026-03-05", "after": "2026-03-06"},
                {"what": "参加人数", "before": "40 人", "after": "52 人"},
            ],
        )
        self.assertTrue(changed["at"].endswith("+08:00"))

    def test_the_history_of_a_masked_field_is_masked_for_a_leader(self):
        entry = self.dispute()
        data = {"version": 0, "values": {"parties": "张三、王五"}}
        self.ok(self.api("PATCH", self.entry_path(entry), self.wangge01, data))
        body = self.ok(self.api("GET", self.entry_path(entry), self.lingdao))
        self.assertEqual(
            body["history"][1]["changes"],
            [{"what": "当事人", "before": "张**、李**", "after": "张**、王**"}],
        )
        self.assertEqual(body["values"]["parties"], "张**、王**")
        body = self.ok(self.api("GET", self.entry_path(entry), self.wangge01))
        self.assertEqual(body["history"][1]["changes"][0]["after"], "张三、王五")

    def test_the_entry_takes_the_same_number_of_queries_for_one_change_or_many(self):
        entry = self.entry()
        token = self.token(self.paiqian)
        self.api("GET", "/auth/me", token=token)
        with CaptureQueriesContext(connection) as one:
            self.api("GET", self.entry_path(entry), token=token)
        for n in range(3):
            entries.update(
                entry,
                self.shequ1,
                area=entry.area,
                day=entry.date,
                values=entry.values | {"attendees": 50 + n},
                version=None,
            )
            LedgerFile.objects.create(entry=entry, key="photo", file=photo(f"{n}.jpg"))
        with self.assertNumQueries(len(one)):
            body = self.api("GET", self.entry_path(entry), token=token).json()
        self.assertEqual((len(body["history"]), len(body["files"])), (4, 3))


class FileTests(LedgerApiTestCase):
    def recorded(self) -> dict:
        data = self.lecture(values=json.dumps(self.lecture()["values"]))
        data |= {"photo": [photo()], "sign_in": [pdf()]}
        return self.ok(self.api("POST", self.entries_path(), self.wangge01, data), 201)

    def download(self, url, user=None):
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        return self.client.get(url, headers=headers)

    def test_the_entry_lists_its_files_with_links(self):
        body = self.recorded()
        self.assertEqual([f["key"] for f in body["files"]], ["photo", "sign_in"])
        photo_file, sheet = body["files"]
        self.assertRegex(photo_file["name"], r"^photo-1(_\w+)?\.jpg$")
        self.assertRegex(sheet["name"], r"^签到表(_\w+)?\.pdf$")
        self.assertEqual(
            sheet["url"], f"/api/v1{self.entries_path()}/{body['id']}/files/{sheet['id']}"
        )

    def test_files_are_served_to_token_holders_who_see_the_entry(self):
        photo_file, sheet = self.recorded()["files"]
        response = self.download(photo_file["url"], self.shequ1)
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/jpeg"))
        response = self.download(sheet["url"], self.lingdao)
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "application/pdf"))
        self.assertTrue(b"".join(response.streaming_content).startswith(b"%PDF"))
        self.assert_error(self.download(sheet["url"]), 401, "unauthorized")
        path = sheet["url"].removeprefix("/api/v1")
        self.assert_api_access("GET", path, hidden=[self.shequ2, self.outsider])

    def test_a_file_of_another_entry_is_not_found(self):
        body = self.recorded()
        other = self.entry()
        path = f"{self.entry_path(other)}/files/{body['files'][0]['id']}"
        self.assert_error(self.api("GET", path, self.paiqian), 404, "not_found")


class RecordTests(LedgerApiTestCase):
    def post(self, user=None, ledger=None, **changes):
        return self.api(
            "POST", self.entries_path(ledger), user or self.wangge01, self.lecture(**changes)
        )

    def test_recording_follows_the_access_matrix(self):
        self.assert_api_access(
            "POST",
            self.entries_path(),
            allowed=[self.wangge01, self.shequ1, self.chengguan, self.paiqian],
            forbidden=[self.lingdao, self.nobody],
            hidden=[self.outsider],
            data=self.lecture(),
            ok=201,
        )
        self.assertEqual(LedgerEntry.objects.count(), 4)

    def test_a_grid_worker_records_a_lecture_with_its_first_history_line(self):
        body = self.ok(self.post(), 201)
        entry = LedgerEntry.objects.get()
        self.assertEqual(body["id"], entry.pk)
        self.assertEqual(
            entry.values, {"title": "控烟与健康", "speaker": "李医生", "attendees": 45}
        )
        self.assertEqual(
            (entry.area, entry.date, entry.created_by),
            (self.demo.grid(0, 0), dt.date(2026, 3, 5), self.wangge01),
        )
        self.assertEqual(EntryChange.objects.get(entry=entry).before, {})
        self.assertEqual([h["kind"] for h in body["history"]], ["created"])
        self.assertEqual((body["version"], body["may_edit"]), (0, True))

    def test_the_entry_and_its_history_line_are_saved_together(self):
        failing = mock.patch.object(EntryChange.objects, "create", side_effect=RuntimeError)
        with failing, self.assertRaises(RuntimeError):
            self.post()
        self.assertFalse(LedgerEntry.objects.exists())

    def test_a_lecture_with_a_photo_and_the_sign_in_sheet_as_multipart(self):
        data = self.lecture(
            values=json.dumps({"title": "控烟", "speaker": "李医生", "attendees": "30"})
        )
        data |= {"photo": [photo(), photo("b.jpg")], "sign_in": [pdf()]}
        body = self.ok(self.api("POST", self.entries_path(), self.wangge01, data), 201)
        self.assertEqual(body["values"]["attendees"], 30)
        entry = LedgerEntry.objects.get()
        self.assertEqual(
            sorted(entry.files.values_list("key", flat=True)), ["photo", "photo", "sign_in"]
        )

    def test_wrong_values_are_400_naming_each_field_by_its_key(self):
        values = {"title": "", "attendees": "很多"}
        error = self.assert_error(
            self.post(values=values),
            400,
            "invalid",
            fields=["values.title", "values.speaker", "values.attendees"],
        )
        self.assertEqual(
            error["fields"]["values.attendees"], ["“参加人数”应为数字，如 12 或 3.5。"]
        )
        self.assertEqual(error["fields"]["values.title"], ["请填写“讲座主题”。"])
        self.assertFalse(LedgerEntry.objects.exists())

    def test_unknown_keys_and_files_sent_as_values_are_400(self):
        values = self.lecture()["values"] | {"nope": 1, "photo": "a.jpg", "place": ["x"]}
        error = self.assert_error(
            self.post(values=values), 400, fields=["values.nope", "values.photo", "values.place"]
        )
        self.assertIn("multipart/form-data", error["fields"]["values.photo"][0])
        self.assert_error(self.post(extra=1), 400, fields=["extra"])
        self.assert_error(self.post(values=[1]), 400, fields=["values"])

    def test_a_required_photo_must_be_uploaded(self):
        data = self.lecture(values={"size": 3.6, "content": "控烟"})
        error = self.assert_error(
            self.api("POST", self.entries_path(self.boards), self.wangge01, data),
            400,
            fields=["photo"],
        )
        self.assertEqual(error["fields"]["photo"], ["请上传“现场照片”。"])

    def test_a_file_must_be_what_its_field_takes(self):
        data = self.lecture(values=json.dumps(self.lecture()["values"]))
        post = lambda data: self.api("POST", self.entries_path(), self.wangge01, data)  # noqa: E731
        error = self.assert_error(post(data | {"photo": [pdf("a.jpg")]}), 400, fields=["photo"])
        self.assertIn("无法识别这张图片", error["fields"]["photo"][0])
        self.assert_error(post(data | {"unknown": [photo()]}), 400, fields=["unknown"])
        self.assert_error(post(self.lecture(values="{not json")), 400, fields=["values"])

    def test_the_area_must_be_one_the_person_records_in_and_the_date_not_future(self):
        response = self.post(area=self.demo.grid(3, 0).code, date="2099-01-01")
        self.assert_error(response, 400, fields=["area", "date"])
        response = self.post(area="nowhere")
        self.assert_error(response, 400, fields=["area"])
        data = {"values": self.lecture()["values"]}
        self.assert_error(
            self.api("POST", self.entries_path(), self.wangge01, data), 400, fields=["area", "date"]
        )
        self.assertFalse(LedgerEntry.objects.exists())

    def test_an_inactive_type_refuses_new_entries(self):
        self.lectures.is_active = False
        self.lectures.save()
        error = self.assert_error(self.post(), 409, "conflict")
        self.assertIn("已停用", error["message"])
        self.assertFalse(LedgerEntry.objects.exists())


class ChangeTests(LedgerApiTestCase):
    def patch(self, entry, data, user=None):
        return self.api("PATCH", self.entry_path(entry), user or self.wangge01, data)

    def test_changing_follows_the_access_matrix(self):
        entry = self.entry(area=self.demo.grid(0, 0))
        self.assert_api_access(
            "PATCH",
            self.entry_path(entry),
            allowed=[self.wangge01, self.shequ1, self.paiqian],
            forbidden=[self.lingdao],
            hidden=[self.shequ2, self.outsider, self.nobody],
            data={"version": 0},
        )

    def test_a_change_keeps_what_was_not_sent_and_writes_a_history_line(self):
        entry = self.entry(day=dt.date(2026, 3, 5))
        entry.values["retired"] = "旧字段"  # a field the type no longer has
        entry.save()
        body = self.ok(
            self.patch(entry, {"version": 0, "values": {"attendees": 52, "place": "社区活动室"}})
        )
        entry.refresh_from_db()
        self.assertEqual(
            entry.values,
            {
                "title": "控烟与健康",
                "speaker": "李医生",
                "attendees": 52,
                "place": "社区活动室",
                "retired": "旧字段",
            },
        )
        self.assertEqual((entry.version, body["version"]), (1, 1))
        self.assertEqual(entry.changes.count(), 2)

    def test_null_clears_a_value(self):
        entry = self.entry(title="讲座", speaker="李医生", attendees=40, place="活动室")
        self.ok(self.patch(entry, {"version": 0, "values": {"place": None}}))
        entry.refresh_from_db()
        self.assertNotIn("place", entry.values)

    def test_a_change_without_changes_records_nothing(self):
        entry = self.entry()
        body = self.ok(self.patch(entry, {"version": 0, "values": {"attendees": 40}}))
        self.assertEqual((body["version"], entry.changes.count()), (0, 1))

    def test_a_stale_version_is_409_and_changes_nothing(self):
        entry = self.entry()
        self.ok(self.patch(entry, {"version": 0, "values": {"attendees": 52}}))
        error = self.assert_error(
            self.patch(entry, {"version": 0, "values": {"attendees": 60}}), 409, "conflict"
        )
        self.assertIn("已被他人修改", error["message"])
        entry.refresh_from_db()
        self.assertEqual(entry.values["attendees"], 52)

    def test_the_version_must_be_sent(self):
        entry = self.entry()
        self.assert_error(self.patch(entry, {"values": {"attendees": 52}}), 400, fields=["version"])
        self.assert_error(self.patch(entry, {"version": "1"}), 400, fields=["version"])

    def test_wrong_values_are_400_naming_them(self):
        entry = self.entry()
        data = {
            "version": 0,
            "values": {"attendees": -1, "speaker": ""},
            "area": self.demo.grid(3, 0).code,
        }
        self.assert_error(
            self.patch(entry, data), 400, fields=["values.attendees", "values.speaker", "area"]
        )
        self.assert_error(
            self.patch(entry, {"version": 0, "remove": [999999]}), 400, fields=["remove"]
        )

    def test_photos_are_added_and_removed_as_multipart(self):
        entry = self.entry(self.boards, day=dt.date(2026, 3, 5), size=3, content="控烟")
        old = LedgerFile.objects.create(entry=entry, key="photo", file=photo())
        response = self.patch_multipart(
            entry, self.wangge01, {"version": "0", "remove": str(old.pk), "photo": [photo("b.jpg")]}
        )
        body = self.ok(response)
        self.assertEqual([f["name"] for f in body["files"]], ["photo-1.jpg"])
        self.assertFalse(LedgerFile.objects.filter(pk=old.pk).exists())
        [row] = body["history"][1]["changes"]
        self.assertEqual((row["what"], row["after"]), ("现场照片", "photo-1.jpg"))

    def test_removing_the_only_photo_of_a_required_photo_field_is_refused(self):
        entry = self.entry(self.boards, day=dt.date(2026, 3, 5), size=3, content="控烟")
        item = LedgerFile.objects.create(entry=entry, key="photo", file=photo())
        error = self.assert_error(
            self.patch(entry, {"version": 0, "remove": [item.pk]}), 400, fields=["photo"]
        )
        self.assertEqual(error["fields"]["photo"], ["请上传“现场照片”。"])
        self.assertTrue(LedgerFile.objects.filter(pk=item.pk).exists())
