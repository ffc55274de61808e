"""demo_documents: a bulletin and a work report of the latest published period, once."""

from civicgrid.documents.demo_documents import demo_documents
from civicgrid.documents.models import Document
from civicgrid.documents.tests.base import DocumentTestCase


class DemoDocumentTests(DocumentTestCase):
    def test_it_generates_a_bulletin_and_a_report_of_the_latest_published_period(self):
        bulletin, report = demo_documents(self.campaign, by=self.admin)
        self.assertEqual((bulletin.kind, bulletin.number), ("bulletin", 1))
        self.assertEqual(report.kind, "report")
        for document in (bulletin, report):
            self.assertEqual((document.status, document.period), ("done", self.period))
            self.word(document)

    def test_running_it_again_adds_nothing(self):
        first = demo_documents(self.campaign)
        self.assertEqual(demo_documents(self.campaign), first)
        self.assertEqual(Document.objects.count(), 2)
        self.assertEqual(first[0].created_by, self.admin)  # the first superuser

    def test_without_a_published_period_there_is_nothing_to_generate(self):
        self.period.status = "draft"
        self.period.save()
        self.assertEqual(demo_documents(self.campaign), [])
