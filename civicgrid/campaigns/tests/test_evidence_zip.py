"""All accepted 佐证材料 in one ZIP: one folder per indicator, UTF-8 names, in the background
when large."""

import io
import zipfile
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from civicgrid.campaigns.demo_work import pdf_bytes
from civicgrid.campaigns.tests.work_base import WorkTestCase
from civicgrid.demo.testing import run_worker

ACCEPTED, RETURNED, SUBMITTED = "accepted", "returned", "submitted"
UTF8_FLAG = 0x800


class EvidenceZipTests(WorkTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hw_plan = cls.requirement(cls.plan, department=cls.hw)
        cls.photos = cls.requirement(cls.meeting, area=cls.demo.community(0))
        cls.file(cls.hw_plan, name="创建工作方案.pdf")
        cls.file(cls.hw_plan, name="会议纪要.docx")
        cls.file(cls.hw_plan, name="草稿.pdf", status=SUBMITTED)
        cls.file(cls.hw_plan, name="作废.pdf", status=RETURNED)
        cls.file(cls.photos, name="动员会签到表.docx", by=cls.shequ1)

    def url(self):
        return reverse("work:evidence-zip", args=[self.campaign.pk])

    def archive(self, user=None) -> zipfile.ZipFile:
        response = self.assert_status(user or self.paiqian, self.url(), 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("attachment; filename*=utf-8''", response["Content-Disposition"])
        return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    def test_the_zip_is_for_people_who_may_view_the_campaign(self):
        self.assert_access(
            self.url(),
            allowed=[self.paiqian, self.lingdao, self.shequ1],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )

    def test_it_holds_the_accepted_files_in_a_folder_per_indicator(self):
        archive = self.archive()
        self.assertEqual(
            sorted(archive.namelist()),
            [
                "2.1.1 制定创建工作方案/会议纪要.docx",
                "2.1.1 制定创建工作方案/创建工作方案.pdf",
                "2.1.2 召开动员会/动员会签到表.docx",
            ],
        )
        self.assertEqual(archive.read("2.1.1 制定创建工作方案/创建工作方案.pdf"), pdf_bytes())
        stored = self.photos.files.get().file
        with stored.open("rb"):
            self.assertEqual(archive.read("2.1.2 召开动员会/动员会签到表.docx"), stored.read())
        self.assertIsNone(archive.testzip())

    def test_names_are_utf8_and_flagged_so(self):
        for info in self.archive().infolist():
            self.assertTrue(info.flag_bits & UTF8_FLAG, info.filename)

    def test_a_department_gets_only_the_material_it_provides(self):
        names = self.archive(self.huanwei).namelist()
        self.assertEqual(len(names), 2)
        self.assertTrue(all(name.startswith("2.1.1 ") for name in names))

    def test_a_title_with_a_slash_stays_one_folder(self):
        self.meeting.title = "召开动员会/部署会"
        self.meeting.save()
        names = self.archive().namelist()
        self.assertIn("2.1.2 召开动员会_部署会/动员会签到表.docx", names)

    def test_a_file_missing_from_storage_is_named_instead(self):
        self.hw_plan.files.filter(file__endswith="会议纪要.docx").update(
            file=f"evidence/{self.campaign.pk}/2.1.1/会议纪要-gone.docx"
        )
        archive = self.archive()
        self.assertNotIn("2.1.1 制定创建工作方案/会议纪要.docx", archive.namelist())
        self.assertEqual(
            archive.read("缺失文件.txt").decode(), "2.1.1 制定创建工作方案/会议纪要-gone.docx\n"
        )

    def test_without_accepted_material_there_is_nothing_to_download(self):
        self.login(self.paiqian)
        self.hw_plan.files.update(status=SUBMITTED)
        self.photos.files.update(status=SUBMITTED)
        response = self.client.get(self.url(), follow=True)
        self.assertContains(response, "还没有审核通过的佐证材料")

    def test_a_large_zip_is_built_by_the_worker_for_the_person_who_asked(self):
        self.login(self.paiqian)
        with mock.patch("civicgrid.campaigns.evidence.DIRECT_FILES", 1):
            response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        status_url = response["Location"]
        waiting = self.client.get(status_url)
        self.assertContains(waiting, "生成中")
        self.assertContains(waiting, 'hx-trigger="every 2s"')
        self.assert_status(self.lingdao, status_url, 404)
        self.assert_status(self.lingdao, status_url + "file", 404)

        run_worker()

        ready = self.assert_status(self.paiqian, status_url, 200)
        self.assertContains(ready, "下载 ZIP")
        download = self.client.get(ready.context["download"])
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
        self.assertEqual(len(archive.namelist()), 3)
        self.assertIn("attachment", download["Content-Disposition"])

    def test_without_a_worker_that_reports_back_a_large_zip_is_streamed_at_once(self):
        immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        with (
            override_settings(TASKS=immediate),
            mock.patch("civicgrid.campaigns.evidence.DIRECT_FILES", 1),
        ):
            self.assertEqual(len(self.archive().namelist()), 3)

    def test_an_unknown_or_foreign_task_is_not_found(self):
        self.assert_status(self.paiqian, reverse("work:zip-status", args=["not-a-task"]), 404)
