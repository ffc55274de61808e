"""The scoring fixture's week, computed and published, and helpers that generate documents
through the background worker and open them as python-docx and openpyxl read them."""

import shutil
import tempfile
from io import BytesIO

import docx
from django.test import override_settings
from docx.oxml.ns import qn
from openpyxl import load_workbook

from civicgrid.demo.testing import run_worker
from civicgrid.documents import tasks
from civicgrid.documents.models import Document
from civicgrid.scoring.compute import publish
from civicgrid.scoring.tests.pages_base import ScoringTestCase

MEDIA = tempfile.mkdtemp(prefix="civicgrid-documents-")


def east_asia(style) -> str | None:
    """The East Asian font a style names (w:rFonts/@w:eastAsia)."""
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def texts(word) -> list[str]:
    return [p.text for p in word.paragraphs]


def rows(table) -> list[list[str]]:
    """A table's rows as text, the header row first; a merged cell counted once."""
    found = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1][0]:
                cells.append((cell._tc, cell.text))
        found.append([text for _tc, text in cells])
    return found


def table_after(word, heading: str):
    """The first table after the paragraph that starts with `heading`."""
    body = word.element.body
    start = next(p for p in word.paragraphs if p.text.startswith(heading))._p
    for element in start.itersiblings():
        if element.tag == qn("w:tbl"):
            return next(t for t in word.tables if t._tbl is element)
    raise AssertionError(f"no table after {heading!r} in {body}")


@override_settings(MEDIA_ROOT=MEDIA)
class DocumentTestCase(ScoringTestCase):
    """`self.period` is the published week of the scoring fixture (four cases, one
    inspection); `generate` asks for a document as `admin` and runs the worker."""

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.computed()
        publish(self.period, self.admin)
        self.period.refresh_from_db()

    def generate(self, kind, by=None, street=None, **parameters) -> Document:
        parameters.setdefault("campaign", self.campaign)
        if kind in ("bulletin", "report", "ranking"):
            parameters.setdefault("period", self.period)
        document = tasks.issue(
            kind, street=street or self.street, by=by or self.admin, **parameters
        )
        run_worker()
        document.refresh_from_db()
        return document

    def word(self, document: Document):
        self.assertEqual(document.status, Document.Status.DONE, document.error)
        with document.file.open("rb") as source:
            return docx.Document(BytesIO(source.read()))

    def workbook(self, document: Document):
        self.assertEqual(document.status, Document.Status.DONE, document.error)
        with document.file.open("rb") as source:
            return load_workbook(BytesIO(source.read()))
