"""Ledger types: the ready types loaded once, and the editor in which an administrator
defines a type's fields without code."""

from civicgrid.ledgers import ledger_types as ready
from civicgrid.ledgers.models import LedgerType, Target
from civicgrid.ledgers.tests.ledger_base import LedgerTestCase, campaign_for


def field_rows(*rows, extra=0, delete=()) -> dict:
    """POST data of the fields formset: (label, key, kind, required, unit, choices, masked);
    rows whose key is in `delete` are ticked for deletion."""
    data = {
        "form-TOTAL_FORMS": str(len(rows) + extra),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, (label, key, kind, required, unit, choices, masked) in enumerate(rows):
        data |= {
            f"form-{n}-label": label,
            f"form-{n}-key": key,
            f"form-{n}-kind": kind,
            f"form-{n}-unit": unit,
            f"form-{n}-choices": choices,
            f"form-{n}-ORDER": str(n + 1),
        }
        if required:
            data[f"form-{n}-required"] = "on"
        if masked:
            data[f"form-{n}-masked"] = "on"
        if key in delete:
            data[f"form-{n}-DELETE"] = "on"
    return data


def rows_of(ledger, **kinds) -> list[tuple]:
    """The type's own fields as editor rows, with some kinds changed."""
    return [
        (
            f["label"],
            f["key"],
            kinds.get(f["key"], f["kind"]),
            f.get("required"),
            f.get("unit", ""),
            "、".join(f.get("choices", [])),
            f.get("masked", False),
        )
        for f in ledger.fields
    ]


class ReadyTypeTests(LedgerTestCase):
    def test_loading_twice_adds_nothing_and_keeps_the_streets_edits(self):
        self.lectures.name = "健康讲座（本街道）"
        self.lectures.save()
        again = ready.load_ledger_types(self.street)
        self.assertEqual(len(again), len(ready.READY))
        self.assertEqual(LedgerType.objects.filter(street=self.street).count(), len(ready.READY))
        self.assertEqual(LedgerType.objects.get(pk=self.lectures.pk).name, "健康讲座（本街道）")

    def test_every_ready_type_is_a_valid_definition(self):
        for ledger in LedgerType.objects.filter(street=self.street):
            ledger.full_clean()

    def test_ready_types_may_belong_to_a_campaign(self):
        campaign = campaign_for(self.other_street)
        types = ready.load_ledger_types(self.other_street, campaign)
        self.assertEqual({t.campaign_id for t in types}, {campaign.pk})

    def test_an_administrator_loads_them_from_the_ledgers_page(self):
        self.login(self.outsider)
        response = self.client.post("/ledgers/types/load", {"street": self.other_street.pk})
        self.assertRedirects(response, "/ledgers/")
        self.assertEqual(LedgerType.objects.filter(street=self.other_street).count(), 9)
        response = self.client.post("/ledgers/types/load", {"street": self.street.pk})
        self.assertEqual(response.status_code, 404)


class TypeEditorTests(LedgerTestCase):
    def post(self, url, user=None, **extra):
        self.login(user or self.paiqian)
        data = {
            "name": "文明实践活动",
            "code": "practice",
            "street": self.street.pk,
            "is_active": "on",
        }
        delete = extra.pop("delete", ())
        rows = extra.pop("rows", None) or [
            ("活动名称", "title", "text", True, "", "", False),
            ("参加人数", "people", "number", True, "人", "", False),
            ("活动类别", "kind", "choice", False, "", "理论宣讲、志愿服务，文化活动", False),
        ]
        return self.client.post(url, data | field_rows(*rows, extra=1, delete=delete) | extra)

    def test_an_administrator_defines_a_type_with_its_fields(self):
        response = self.post("/ledgers/types/new")
        ledger = LedgerType.objects.get(code="practice")
        self.assertRedirects(response, f"/ledgers/types/{ledger.pk}/")
        self.assertEqual(
            ledger.fields,
            [
                {"key": "title", "label": "活动名称", "kind": "text", "required": True},
                {
                    "key": "people",
                    "label": "参加人数",
                    "kind": "number",
                    "required": True,
                    "unit": "人",
                },
                {
                    "key": "kind",
                    "label": "活动类别",
                    "kind": "choice",
                    "required": False,
                    "choices": ["理论宣讲", "志愿服务", "文化活动"],
                },
            ],
        )

    def test_the_editor_says_what_is_wrong_in_chinese(self):
        response = self.post(
            "/ledgers/types/new",
            rows=[
                ("名称", "Title", "text", True, "", "", False),
                ("类别", "kind", "choice", False, "", "只有一个", False),
            ],
        )
        self.assertContains(response, "代码只能用小写英文字母", status_code=400)
        self.assertContains(response, "选项字段至少要列出两个选项。", status_code=400)
        response = self.post(
            "/ledgers/types/new",
            rows=[
                ("甲", "same", "text", True, "", "", False),
                ("乙", "same", "number", True, "", "", False),
            ],
        )
        self.assertContains(response, "字段代码不能重复：same。", status_code=400)

    def test_saving_the_editor_as_shown_keeps_the_fields_and_skips_the_empty_rows(self):
        response = self.assert_status(self.paiqian, f"/ledgers/types/{self.lectures.pk}/edit", 200)
        data = {"name": "健康教育讲座", "code": self.lectures.code, "street": self.street.pk}
        fields = response.context["fields"]
        data |= {f.html_name: f.value() for f in fields.management_form}
        for row in fields:
            # as a browser posts it: empty inputs and selects as "", unticked boxes not at all
            data |= {f.html_name: f.value() or "" for f in row if f.value() is not False}
        data["form-2-label"] = "参加人数（含工作人员）"
        response = self.client.post(f"/ledgers/types/{self.lectures.pk}/edit", data)
        self.assertRedirects(response, f"/ledgers/types/{self.lectures.pk}/")
        self.lectures.refresh_from_db()
        self.assertEqual(len(self.lectures.fields), 6)
        self.assertEqual(self.lectures.field("attendees")["label"], "参加人数（含工作人员）")

    def test_the_editor_shows_the_existing_fields_in_order(self):
        response = self.assert_status(self.paiqian, f"/ledgers/types/{self.lectures.pk}/edit", 200)
        self.assertContains(response, 'value="attendees"')
        self.assertEqual(
            response.context["fields"].total_form_count(), len(self.lectures.fields) + 3
        )

    def test_a_field_with_entries_keeps_its_kind(self):
        self.entry()
        rows = rows_of(self.lectures, attendees="text")
        response = self.post(
            f"/ledgers/types/{self.lectures.pk}/edit",
            rows=rows,
            name="讲座",
            code=self.lectures.code,
        )
        self.assertContains(response, "字段“参加人数”已有记录，不能改变类型", status_code=400)

    def test_a_field_a_target_sums_cannot_be_removed(self):
        Target.objects.create(
            name="宣传单",
            area=self.street,
            metric=Target.Metric.SUM,
            ledger=self.publicity,
            field_key="flyers",
            anchor="2026-01-01",
            threshold=600,
        )
        rows = rows_of(self.publicity)
        response = self.post(
            f"/ledgers/types/{self.publicity.pk}/edit",
            rows=rows,
            code=self.publicity.code,
            delete=["flyers"],
        )
        self.assertContains(response, "目标“宣传单”合计字段“flyers”", status_code=400)

    def test_the_type_page_lists_the_fields_to_everyone_in_the_street(self):
        response = self.assert_status(self.wangge01, f"/ledgers/types/{self.disputes.pk}/", 200)
        self.assertContains(response, "当事人")
        self.assertContains(response, "列表中打码")

    def test_access_to_the_type_pages(self):
        self.assert_access(
            f"/ledgers/types/{self.lectures.pk}/",
            allowed=[self.wangge01, self.lingdao, self.chengguan],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )
        self.assert_access(
            f"/ledgers/types/{self.lectures.pk}/edit",
            allowed=[self.paiqian],
            forbidden=[self.shequ1, self.lingdao],
            hidden=[self.outsider],
        )
        self.assert_access("/ledgers/types/new", allowed=[self.paiqian], forbidden=[self.wangge01])
        self.assert_access(
            "/ledgers/", allowed=[self.wangge01, self.lingdao], forbidden=[self.nobody]
        )
        self.assert_access("/ledgers/types/load", forbidden=[self.shequ1], method="post")

    def test_an_inactive_type_takes_no_new_entries(self):
        self.lectures.is_active = False
        self.lectures.save()
        self.login(self.wangge01)
        response = self.client.get(f"/ledgers/types/{self.lectures.pk}/new", follow=True)
        self.assertContains(response, "该台账类型已停用")
