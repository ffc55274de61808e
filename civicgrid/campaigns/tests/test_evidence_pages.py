"""The 佐证材料 pages: who sees, uploads and reviews which material, and the review flow."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicgrid.campaigns.demo_work import pdf_bytes
from civicgrid.campaigns.models import Evidence, EvidenceRequirement
from civicgrid.campaigns.tests.work_base import WorkTestCase

ACCEPTED, RETURNED, SUBMITTED = "accepted", "returned", "submitted"


def pdf(name="方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


class EvidencePageTests(WorkTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hw_plan = cls.requirement(description="创建工作方案")
        cls.community_photos = cls.requirement(
            cls.meeting, description="动员会照片", area=cls.demo.community(0), quantity=3
        )
        cls.far_plan = cls.requirement(campaign=cls.far_campaign, department=cls.far_dept)

    def url(self, name, *args):
        return reverse(f"work:{name}", args=args)

    def review(self, item, decision, comment="", user=None):
        self.login(user or self.paiqian)
        return self.client.post(
            self.url("review", item.pk), {"decision": decision, "comment": comment}
        )

    # --- access ------------------------------------------------------------------------------

    def test_the_overview_is_for_people_who_may_view_the_campaign(self):
        self.assert_access(
            self.url("evidence", self.campaign.pk),
            allowed=[self.paiqian, self.lingdao, self.huanwei, self.shequ1, self.wangge01],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )

    def test_a_requirement_is_seen_by_the_street_and_the_unit_that_provides_it(self):
        self.assert_access(
            self.url("requirement", self.hw_plan.pk),
            allowed=[self.paiqian, self.lingdao, self.huanwei],
            hidden=[self.chengguan, self.shequ1, self.outsider, self.nobody],
        )
        self.assert_access(
            self.url("requirement", self.community_photos.pk),
            allowed=[self.paiqian, self.shequ1],
            hidden=[self.shequ2, self.huanwei, self.outsider],
        )

    def test_uploading_is_for_the_providing_unit_and_the_street(self):
        url = self.url("requirement", self.hw_plan.pk)
        self.assert_access(
            url,
            method="post",
            data={"file": pdf()},
            forbidden=[self.lingdao, self.duban1],
            hidden=[self.chengguan, self.shequ1, self.outsider],
        )
        for user in (self.huanwei, self.paiqian):
            self.login(user)
            self.assertEqual(self.client.post(url, {"file": pdf()}).status_code, 302)
        self.login(self.shequ1)
        response = self.client.post(
            self.url("requirement", self.community_photos.pk), {"file": pdf()}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Evidence.objects.count(), 3)

    def test_reviewing_is_for_reviewers_in_scope(self):
        item = self.file(self.hw_plan, status=SUBMITTED)
        self.assert_access(
            self.url("review", item.pk),
            method="post",
            data={"decision": ACCEPTED},
            forbidden=[self.huanwei, self.lingdao, self.shequ1, self.nobody],
            hidden=[self.outsider],
        )

    def test_setting_requirements_is_for_campaign_administrators(self):
        self.assert_access(
            self.url("requirement-new", self.campaign.pk),
            allowed=[self.paiqian],
            forbidden=[self.lingdao, self.huanwei, self.nobody],
            hidden=[self.outsider],
        )
        self.assert_access(
            self.url("requirement-edit", self.hw_plan.pk),
            allowed=[self.paiqian],
            forbidden=[self.lingdao, self.huanwei, self.chengguan, self.nobody],
            hidden=[self.outsider],
        )

    def test_files_are_served_only_to_people_who_may_see_their_requirement(self):
        item = self.file(self.community_photos, name="照片.pdf", by=self.shequ1)
        url = item.file.url
        self.assertTrue(url.startswith("/media/evidence/"))
        for user in (self.paiqian, self.shequ1, self.lingdao):
            response = self.assert_status(user, url, 200)
            self.assertEqual(b"".join(response.streaming_content), pdf_bytes())
        for user in (self.shequ2, self.huanwei, self.outsider):
            self.assert_status(user, url, 404)

    # --- what people see ---------------------------------------------------------------------

    def test_a_department_sees_only_the_material_it_provides(self):
        response = self.assert_status(self.huanwei, self.url("evidence", self.campaign.pk), 200)
        self.assertContains(response, "创建工作方案")
        self.assertNotContains(response, "动员会照片")
        response = self.assert_status(self.paiqian, self.url("evidence", self.campaign.pk), 200)
        self.assertContains(response, "动员会照片")

    def test_a_communitys_home_lists_the_material_it_still_owes(self):
        self.file(self.community_photos, by=self.shequ1)
        response = self.assert_status(self.shequ1, reverse("work:home"), 200)
        self.assertEqual(list(response.context["requirements"]), [self.community_photos])
        self.assertContains(response, "动员会照片")
        self.assertContains(response, "1/3")

    def test_the_home_leaves_out_material_already_complete(self):
        self.file(self.hw_plan)
        self.file(self.hw_plan)
        response = self.assert_status(self.huanwei, reverse("work:home"), 200)
        self.assertEqual(list(response.context["requirements"]), [])

    def test_an_administrator_adds_a_requirement_for_a_unit(self):
        self.login(self.paiqian)
        response = self.client.post(
            self.url("requirement-new", self.campaign.pk),
            {
                "indicator": self.plan.pk,
                "description": "会议纪要",
                "quantity": 2,
                "department": self.cg.pk,
            },
        )
        self.assertEqual(response.status_code, 302)
        made = EvidenceRequirement.objects.get(description="会议纪要")
        self.assertEqual(
            (made.campaign, made.department, made.quantity), (self.campaign, self.cg, 2)
        )

    def test_a_requirement_has_one_provider_and_asks_for_at_least_one_file(self):
        self.login(self.paiqian)
        response = self.client.post(
            self.url("requirement-new", self.campaign.pk),
            {
                "indicator": self.plan.pk,
                "description": "会议纪要",
                "quantity": 0,
                "department": self.cg.pk,
                "area": self.demo.community(0).pk,
            },
        )
        self.assertContains(response, "提供单位只能有一个", status_code=400)
        self.assertIn("quantity", response.context["form"].errors)

    # --- review ------------------------------------------------------------------------------

    def test_a_reviewer_accepts_a_file(self):
        item = self.file(self.hw_plan, status=SUBMITTED)
        self.assertEqual(self.review(item, ACCEPTED, "符合要求").status_code, 302)
        item.refresh_from_db()
        self.assertEqual(
            (item.status, item.reviewed_by, item.review_comment),
            (ACCEPTED, self.paiqian, "符合要求"),
        )

    def test_returning_a_file_needs_a_reason_the_unit_then_reads(self):
        item = self.file(self.hw_plan, status=SUBMITTED)
        response = self.review(item, RETURNED)
        item.refresh_from_db()
        self.assertEqual(item.status, SUBMITTED)
        page = self.client.get(response["Location"])
        self.assertContains(page, "退回时请写明原因，以便提供单位补正。")
        self.review(item, RETURNED, "缺少盖章页")
        item.refresh_from_db()
        self.assertEqual(item.status, RETURNED)
        page = self.assert_status(self.huanwei, self.url("requirement", self.hw_plan.pk), 200)
        self.assertContains(page, "缺少盖章页")
        self.assertContains(page, "已退回")
        self.assertNotContains(page, 'name="decision"')

    def test_a_unit_uploads_again_after_a_return(self):
        self.file(self.hw_plan, status=RETURNED)
        self.login(self.huanwei)
        self.client.post(self.url("requirement", self.hw_plan.pk), {"file": pdf("方案-修改.pdf")})
        statuses = list(self.hw_plan.files.values_list("status", flat=True))
        self.assertEqual(statuses, [RETURNED, SUBMITTED])

    def test_an_unknown_decision_changes_nothing(self):
        item = self.file(self.hw_plan, status=SUBMITTED)
        self.review(item, "deleted")
        item.refresh_from_db()
        self.assertEqual(item.status, SUBMITTED)
