"""The archive pages: who sees and asks for documents, generation in the background with a
page that polls, failures, and the form's checks."""

import datetime as dt
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from civicgrid.campaigns.models import Campaign, CampaignKind
from civicgrid.demo.testing import run_worker
from civicgrid.documents import tasks
from civicgrid.documents.models import Document
from civicgrid.documents.tests.base import DocumentTestCase
from civicgrid.scoring.compute import compute, publish
from civicgrid.scoring.models import Period

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(name, *args) -> str:
    return reverse(f"documents:{name}", args=args)


class DocumentPagesTestCase(DocumentTestCase):
    def draft(self, **fields) -> Period:
        return Period.objects.create(
            campaign=fields.pop("campaign", self.campaign),
            kind=Period.Kind.WEEK,
            name="2026年第49周",
            start=dt.date(2026, 11, 30),
            end=dt.date(2026, 12, 6),
            **fields,
        )

    def far_document(self) -> Document:
        """A done bulletin of the outsider's street."""
        far = self.outsider.assignments.get().area
        campaign = Campaign.objects.create(
            name="外街道创城",
            kind=CampaignKind.CIVILIZED,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            version=self.version,
        )
        campaign.streets.add(far)
        return Document.objects.create(
            kind="bulletin",
            street=far,
            campaign=campaign,
            year=2026,
            number=1,
            title="外街道的通报",
            created_by=self.outsider,
            status=Document.Status.DONE,
        )


class AccessTests(DocumentPagesTestCase):
    def setUp(self):
        super().setUp()
        self.document = self.generate("bulletin")

    def test_the_archive_is_for_administrators_leaders_and_supervisors(self):
        self.assert_access(
            url("list"),
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1],
            forbidden=[self.shequ1, self.wangge01, self.huanwei, self.nobody],
        )

    def test_a_document_is_seen_in_its_street_and_hidden_from_others(self):
        for link in (url("detail", self.document.pk), url("download", self.document.pk)):
            with self.subTest(link):
                self.assert_access(
                    link,
                    allowed=[self.paiqian, self.lingdao, self.duban1],
                    hidden=[self.outsider, self.shequ1, self.huanwei, self.nobody],
                )

    def test_only_administrators_ask_for_documents(self):
        self.assert_access(
            url("new"),
            allowed=[self.paiqian, self.outsider],
            forbidden=[self.lingdao, self.duban1, self.shequ1, self.nobody],
        )

    def test_only_administrators_of_the_street_generate_a_failed_document_again(self):
        failed = self.generate("bulletin", period=self.draft())
        self.assert_access(
            url("retry", failed.pk),
            method="post",
            forbidden=[self.lingdao, self.duban1],
            hidden=[self.outsider, self.shequ1],
        )
        self.assert_status(self.paiqian, url("retry", failed.pk), 302, "post")

    def test_the_archive_lists_only_documents_of_the_persons_street(self):
        far = self.far_document()
        self.login(self.lingdao)
        page = self.client.get(url("list")).content.decode()
        self.assertIn(self.document.title, page)
        self.assertNotIn(far.title, page)
        self.login(self.outsider)
        page = self.client.get(url("list")).content.decode()
        self.assertIn(far.title, page)
        self.assertNotIn(self.document.title, page)

    def test_the_menu_shows_the_archive_to_those_who_may_see_it(self):
        link = f'href="{url("list")}"'
        self.login(self.lingdao)
        self.assertContains(self.client.get(reverse("home")), link)
        self.login(self.shequ1)
        self.assertNotContains(self.client.get(reverse("home")), link)


class GenerationTests(DocumentPagesTestCase):
    def ask(self, **data):
        self.login(self.paiqian)
        fields = {"kind": "bulletin", "campaign": self.campaign.pk, "period": self.period.pk}
        return self.client.post(url("new"), fields | data)

    def test_asking_for_a_bulletin_queues_it_and_the_page_polls_until_it_is_done(self):
        response = self.ask()
        document = Document.objects.get()
        self.assertRedirects(response, url("detail", document.pk))
        self.assertEqual((document.status, document.number), (Document.Status.QUEUED, 1))
        page = self.client.get(url("detail", document.pk))
        self.assertContains(page, "排队中")
        self.assertContains(page, 'hx-trigger="every 2s"')
        run_worker()
        poll = self.client.get(url("detail", document.pk), headers={"HX-Request": "true"})
        self.assertNotContains(poll, "hx-trigger")
        self.assertContains(poll, "已生成")
        self.assertContains(poll, url("download", document.pk))
        download = self.client.get(url("download", document.pk))
        self.assertEqual(download["Content-Type"], DOCX)
        self.assertIn("filename*=utf-8''%E7%AC%AC1%E6%9C%9F", download["Content-Disposition"])
        self.assertTrue(b"".join(download.streaming_content).startswith(b"PK"))

    def test_the_archive_shows_who_asked_when_and_for_what(self):
        self.ask()
        run_worker()
        page = self.client.get(url("list")).content.decode()
        for text in ("第1期", "督导通报", "创建全国文明城市 · 2026年第48周", str(self.paiqian)):
            self.assertIn(text, page)
        detail = self.client.get(url("detail", Document.objects.get().pk)).content.decode()
        self.assertIn("2026-11-23 ~ 2026-11-29", detail)

    def test_a_failed_document_says_why_and_is_generated_again_under_its_number(self):
        draft = self.draft()
        failed = tasks.issue(
            "bulletin", street=self.street, campaign=self.campaign, period=draft, by=self.paiqian
        )
        run_worker()
        self.login(self.paiqian)
        page = self.client.get(url("detail", failed.pk))
        self.assertContains(page, "“2026年第49周”尚未发布")
        self.assertContains(page, url("retry", failed.pk))
        self.login(self.lingdao)
        self.assertNotContains(self.client.get(url("detail", failed.pk)), url("retry", failed.pk))
        compute(draft)
        publish(draft, self.paiqian)
        self.login(self.paiqian)
        self.client.post(url("retry", failed.pk))
        run_worker()
        failed.refresh_from_db()
        self.assertEqual((failed.status, failed.number, failed.error), ("done", 1, ""))

    def test_a_document_whose_worker_died_while_generating_can_be_generated_again(self):
        stuck = tasks.issue(
            "bulletin",
            street=self.street,
            campaign=self.campaign,
            period=self.period,
            by=self.paiqian,
        )
        Document.objects.filter(pk=stuck.pk).update(
            status=Document.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=31)
        )
        self.login(self.paiqian)
        page = self.client.get(url("detail", stuck.pk))
        self.assertContains(page, "后台任务可能已中断")
        self.assertContains(page, url("retry", stuck.pk))
        self.client.post(url("retry", stuck.pk))
        run_worker()
        stuck.refresh_from_db()
        self.assertEqual((stuck.status, stuck.number), ("done", 1))

    def test_a_document_generating_for_a_few_minutes_is_left_to_its_worker(self):
        busy = tasks.issue(
            "bulletin",
            street=self.street,
            campaign=self.campaign,
            period=self.period,
            by=self.paiqian,
        )
        Document.objects.filter(pk=busy.pk).update(
            status=Document.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=5)
        )
        self.login(self.paiqian)
        self.assertNotContains(self.client.get(url("detail", busy.pk)), url("retry", busy.pk))
        self.client.post(url("retry", busy.pk))
        busy.refresh_from_db()
        self.assertEqual(busy.status, Document.Status.RUNNING)

    def test_the_form_offers_only_published_periods(self):
        draft = self.draft()
        response = self.ask(period=draft.pk)
        self.assertEqual(response.status_code, 200)
        self.assertIn("period", response.context["form"].errors)
        self.assertFalse(Document.objects.exists())

    def test_a_bulletin_needs_a_period(self):
        response = self.ask(period="")
        self.assertContains(response, "请选择一个已发布的考核周期。")

    def test_a_period_of_another_campaign_is_refused(self):
        other = Campaign.objects.create(
            name="创建国家卫生城市",
            kind=CampaignKind.SANITARY,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            version=self.version,
        )
        other.streets.add(self.street)
        period = self.draft(campaign=other, status=Period.Status.PUBLISHED)
        response = self.ask(period=period.pk)
        self.assertContains(response, "所选周期不属于该创建项目，请重新选择。")

    def test_the_problem_list_takes_the_periods_dates_unless_given_others(self):
        self.ask(kind="cases")
        document = Document.objects.get()
        self.assertEqual(
            (document.parameters["start"], document.parameters["end"], document.period),
            ("2026-11-23", "2026-11-29", None),
        )
        self.ask(kind="cases", period="", start="2026-11-01", end="2026-11-15")
        self.assertEqual(Document.objects.first().parameters["start"], "2026-11-01")
        response = self.ask(kind="cases", period="", start="2026-11-15", end="2026-11-01")
        self.assertContains(response, "结束日期不能早于开始日期。")
        response = self.ask(kind="cases", period="")
        self.assertContains(response, "请填写开始和结束日期，或选择一个考核周期。")

    def test_an_administrator_of_another_street_cannot_choose_this_campaign(self):
        self.login(self.outsider)
        response = self.client.post(
            url("new"),
            {"kind": "bulletin", "campaign": self.campaign.pk, "period": self.period.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("campaign", response.context["form"].errors)
        self.assertFalse(Document.objects.exists())

    def test_the_archive_filters_by_kind(self):
        self.ask()
        self.ask(kind="ranking")
        self.login(self.lingdao)
        page = self.client.get(url("list"), {"kind": "ranking"}).content.decode()
        listed = page.split('<table id="documents">')[1]
        self.assertIn("考核排名", listed)
        self.assertNotIn("督导检查情况的通报", listed)
