from decimal import Decimal

from civicgrid.campaigns import standards
from civicgrid.campaigns.models import (
    Campaign,
    Evidence,
    EvidenceRequirement,
    Indicator,
    IndicatorDuty,
    StandardVersion,
)
from civicgrid.campaigns.tests.base import CampaignTestCase
from civicgrid.inspections import submission
from civicgrid.people.authz import Authz

D = Decimal


class StandardAccessTests(CampaignTestCase):
    """Standards belong to no area (like the category catalogue): campaigns.view reads them
    everywhere, campaigns.change edits them; only a person without either is refused."""

    def test_reading_needs_campaigns_view(self):
        v = self.version.pk
        for url in (
            "/campaigns/standards/",
            f"/campaigns/versions/{v}/",
            f"/campaigns/versions/{v}/export.yaml",
            f"/campaigns/versions/{v}/export.xlsx",
        ):
            self.assert_access(
                url,
                allowed=[self.admin, self.paiqian, self.lingdao, self.shequ1, self.outsider],
                forbidden=[self.nobody],
            )

    def test_a_standard_s_page_is_its_latest_version(self):
        new = self.version.copy()
        self.login(self.lingdao)
        r = self.client.get(f"/campaigns/standards/{self.version.standard_id}/")
        self.assertRedirects(r, f"/campaigns/versions/{new.pk}/")
        self.assertEqual(self.client.get("/campaigns/standards/9999/").status_code, 404)

    def test_changing_needs_campaigns_change(self):
        v, item = self.version.pk, self.ads.pk
        for url in (
            "/campaigns/standards/new/",
            f"/campaigns/standards/{self.version.standard_id}/import/",
            f"/campaigns/versions/{v}/add/",
            f"/campaigns/versions/{v}/add/?parent={self.ads.parent_id}",
            f"/campaigns/indicators/{item}/edit/",
            f"/campaigns/indicators/{item}/delete/",
        ):
            self.assert_access(
                url,
                allowed=[self.admin, self.paiqian],
                forbidden=[self.lingdao, self.duban1, self.shequ1, self.nobody],
            )

    def test_a_refused_post_changes_nothing(self):
        url = f"/campaigns/indicators/{self.ads.pk}/delete/"
        self.assert_status(self.lingdao, url, 403, "post")
        self.assertTrue(Indicator.objects.filter(pk=self.ads.pk).exists())

    def test_an_item_has_no_children(self):
        self.login(self.paiqian)
        r = self.client.get(f"/campaigns/versions/{self.version.pk}/add/?parent={self.ads.pk}")
        self.assertEqual(r.status_code, 404)


class VersionPageTests(CampaignTestCase):
    def test_it_shows_the_tree_with_points_methods_types_negatives_and_categories(self):
        self.stalls.negative, self.stalls.negative_value = "cap", D(60)
        self.stalls.save()
        self.login(self.lingdao)
        r = self.client.get(f"/campaigns/versions/{self.version.pk}/")
        codes = [item.code for item in r.context["indicators"]]
        self.assertEqual(codes, ["1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4"])
        project = r.context["indicators"][0]
        self.assertEqual(project.item_points, D(25))
        for text in (
            "公益广告不少于5处",
            "每处 2",
            "主次干道",
            "负面清单：封顶 60%",
            "06010 暴露垃圾",
        ):
            self.assertContains(r, text)
        self.assertNotContains(r, "修改</a>")  # a leader reads only


class EditInPlaceTests(CampaignTestCase):
    """The version has no scores yet and only the editor's campaign uses it: edits go in place."""

    def item_data(self, **changes):
        data = {
            "parent": self.ads.parent_id,
            "code": "1.1.5",
            "title": "经营户亮照经营",
            "criteria": "",
            "points": "6",
            "method": "field",
            "point_types": ["farmers_market"],
            "deduction_per_count": "",
            "negative": "",
            "negative_value": "",
            "category": "",
            "order": "",
        }
        return data | changes

    def post(self, url, data):
        self.login(self.paiqian)
        return self.client.post(url, data)

    def test_an_item_is_added_under_its_content(self):
        r = self.post(
            f"/campaigns/versions/{self.version.pk}/add/?parent={self.ads.parent_id}",
            self.item_data(),
        )
        item = self.version.indicators.get(code="1.1.5")
        self.assertRedirects(
            r, f"/campaigns/versions/{self.version.pk}/#i-1.1.5", fetch_redirect_response=False
        )
        self.assertEqual((item.parent_id, item.depth, item.points), (self.ads.parent_id, 3, D(6)))
        self.assertEqual(item.point_types, ["farmers_market"])
        self.assertEqual(item.order, 115)  # after its siblings (the last is 114)
        self.assertEqual(StandardVersion.objects.filter(standard=self.version.standard).count(), 1)

    def test_an_item_is_edited_and_the_change_is_logged(self):
        data = self.item_data(
            code="1.1.1", title="公益广告不少于6处", points="12", deduction_per_count="2"
        )
        r = self.post(f"/campaigns/indicators/{self.ads.pk}/edit/", data)
        self.assertEqual(r.status_code, 302)
        self.ads.refresh_from_db()
        self.assertEqual((self.ads.title, self.ads.points), ("公益广告不少于6处", D(12)))
        [entry] = standards.history(self.version)
        self.assertIn("分值：10.00 → 12", entry.detail)

    def test_a_project_is_added_and_a_content_removed_with_its_items(self):
        self.post(
            f"/campaigns/versions/{self.version.pk}/add/",
            {"code": "2", "title": "材料审核", "points": "", "method": "material", "order": ""},
        )
        self.assertEqual(self.version.indicators.get(code="2").depth, Indicator.Level.PROJECT)
        content = self.ads.parent
        r = self.post(f"/campaigns/indicators/{content.pk}/delete/", {})
        self.assertRedirects(
            r, f"/campaigns/versions/{self.version.pk}/", fetch_redirect_response=False
        )
        self.assertEqual(sorted(self.version.indicators.values_list("code", flat=True)), ["1", "2"])

    def test_it_says_what_is_wrong_in_chinese(self):
        cases = {
            "points": ({"points": "-1"}, "分值不能为负数。"),
            "negative_value": (
                {"negative": "cap", "negative_value": "120"},
                "封顶得分率应在 0 到 100 之间。",
            ),
            "code": ({"code": "1.1.2"}, "本版本中已有编号为“1.1.2”的指标，编号不能重复。"),
            "deduction_per_count": (
                {"deduction_per_count": "0"},
                "每处扣分应大于 0（不按处数扣分时请留空）。",
            ),
        }
        url = f"/campaigns/versions/{self.version.pk}/add/?parent={self.ads.parent_id}"
        for field, (changes, message) in cases.items():
            with self.subTest(field):
                r = self.post(url, self.item_data(**changes))
                self.assertEqual(r.status_code, 400)
                self.assertEqual(r.context["form"].errors[field], [message])
        self.assertFalse(self.version.indicators.filter(code="1.1.5").exists())

    def test_a_negative_item_needs_its_value(self):
        url = f"/campaigns/versions/{self.version.pk}/add/?parent={self.ads.parent_id}"
        r = self.post(url, self.item_data(negative="deduct"))
        self.assertEqual(
            r.context["form"].errors["negative_value"], ["负面清单条目须填写扣分或封顶比例。"]
        )

    def test_an_unchanged_form_changes_nothing(self):
        data = self.item_data(
            code="1.1.1",
            title="公益广告不少于5处",
            points="10",
            deduction_per_count="2",
            order="111",
            point_types=[],
        )
        self.post(f"/campaigns/indicators/{self.ads.pk}/edit/", data)
        self.assertEqual(list(standards.history(self.version)), [])

    def test_deleting_an_indicator_whose_evidence_was_uploaded_is_refused(self):
        requirement = EvidenceRequirement.objects.create(
            campaign=self.campaign, indicator=self.ads, description="照片"
        )
        Evidence.objects.create(
            requirement=requirement, file="evidence/a.jpg", uploaded_by=self.shequ1
        )
        r = self.post(f"/campaigns/indicators/{self.ads.parent_id}/delete/", {})
        self.assertTrue(Indicator.objects.filter(pk=self.ads.pk).exists())
        self.assertIn("已有 1 份佐证材料，不能删除", str(list(r.wsgi_request._messages)[0]))


class EditInUseTests(CampaignTestCase):
    """Scores were given against the version: an edit makes v2 and the campaign stays on v1."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        inspection = cls.inspection(cls)
        for item in submission.checklist(inspection):
            submission.save_item(inspection, item, "pass")
        submission.submit(inspection)
        IndicatorDuty.objects.create(campaign=cls.campaign, indicator=cls.ads, lead_area=cls.street)

    def test_an_edit_makes_a_new_version_and_says_so(self):
        data = EditInPlaceTests.item_data(
            self, code="1.1.1", title="公益广告不少于6处", points="12", deduction_per_count="2"
        )
        self.login(self.paiqian)
        r = self.client.post(f"/campaigns/indicators/{self.ads.pk}/edit/", data, follow=True)
        self.assertContains(r, "已生成新版本 v2")
        v2 = StandardVersion.objects.get(standard=self.version.standard, number=2)
        self.assertEqual(r.redirect_chain[-1][0], f"/campaigns/versions/{v2.pk}/#i-1.1.1")
        self.assertEqual(v2.indicators.get(code="1.1.1").points, D(12))
        self.assertEqual(v2.indicators.get(code="1.1.1").parent.version, v2)
        self.ads.refresh_from_db()
        self.assertEqual(self.ads.points, D(10))  # the scored version is untouched
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.version, self.version)
        self.assertContains(self.client.get(self.campaign.get_absolute_url()), "1 个更新的版本")

    def test_adding_and_deleting_also_go_to_a_new_version(self):
        self.login(self.paiqian)
        url = f"/campaigns/versions/{self.version.pk}/add/?parent={self.ads.parent_id}"
        self.client.post(url, EditInPlaceTests.item_data(self))
        v2 = self.version.standard.versions.get(number=2)
        self.assertTrue(v2.indicators.filter(code="1.1.5").exists())
        self.assertFalse(self.version.indicators.filter(code="1.1.5").exists())
        self.client.post(f"/campaigns/indicators/{self.scale.pk}/delete/")
        v3 = self.version.standard.versions.get(number=3)
        self.assertFalse(v3.indicators.filter(code="1.1.2").exists())
        self.assertFalse(v3.indicators.filter(code="1.1.5").exists())  # v3 is a copy of v1
        self.assertTrue(self.version.indicators.filter(code="1.1.2").exists())

    def test_the_page_warns_before_an_edit(self):
        self.login(self.paiqian)
        r = self.client.get(f"/campaigns/versions/{self.version.pk}/")
        self.assertContains(r, "此版本已有检查评分。")


class PinnedElsewhereTests(CampaignTestCase):
    def test_a_version_pinned_by_another_street_s_campaign_is_copied_not_changed(self):
        other = self.other_campaign.version
        content = Indicator.objects.create(version=other, depth=1, code="1", title="市容环境卫生")
        self.login(self.paiqian)
        data = {"code": "1", "title": "市容环境", "points": "", "method": "field", "order": ""}
        r = self.client.post(f"/campaigns/indicators/{content.pk}/edit/", data, follow=True)
        self.assertContains(r, "已生成新版本 v2")
        content.refresh_from_db()
        self.assertEqual(content.title, "市容环境卫生")
        self.assertEqual(Campaign.objects.get(pk=self.other_campaign.pk).version, other)

    def test_its_own_administrator_edits_it_in_place(self):
        other = self.other_campaign.version
        self.assertFalse(standards.locked(other, self.authz_of(self.outsider)))
        self.assertTrue(standards.locked(other, self.authz_of(self.paiqian)))

    def authz_of(self, user):
        return Authz(user)


class ProblemsTests(CampaignTestCase):
    def test_levels_must_nest(self):
        item = Indicator(version=self.version, depth=3, code="9", title="x", points=D(1))
        project = self.ads.parent.parent
        self.assertEqual(
            standards.problems(item, project)["parent"],
            "上级“1”是测评项目，测评标准的上级应为测评内容。",
        )
        self.assertEqual(
            standards.problems(item, None)["parent"], "测评标准须设在某个测评内容之下。"
        )
        top = Indicator(version=self.version, depth=1, code="9", title="x")
        self.assertEqual(
            standards.problems(top, project)["parent"], "测评项目是第一层，不能有上级。"
        )

    def test_only_items_carry_scoring_rules(self):
        content = Indicator(
            version=self.version, depth=2, code="9", title="x", negative="cap", negative_value=D(60)
        )
        self.assertIn(
            "只有测评标准", standards.problems(content, self.ads.parent.parent)["negative"]
        )
