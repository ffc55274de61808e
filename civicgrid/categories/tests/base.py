"""Helpers for the catalogue tests: the directory loaded once per class, and CSV files to load."""

from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command
from django.test import TestCase

from civicgrid.categories.catalogue import COLUMNS
from civicgrid.categories.models import Category

MATTER, COMPONENT, LOCAL = Category.Kind.MATTER, Category.Kind.COMPONENT, Category.Kind.LOCAL
HEADER = ",".join(COLUMNS)


def load_categories(*args) -> str:
    """Run the command; its output."""
    out = StringIO()
    call_command("load_categories", *args, stdout=out)
    return out.getvalue().strip()


class DirectoryFiles:
    """Writes CSV files in a temporary folder for one test."""

    def __init__(self, test: TestCase):
        folder = TemporaryDirectory()
        test.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, *rows: str, header=HEADER, encoding="utf-8") -> str:
        path = self.folder / f"directory-{len(list(self.folder.iterdir()))}.csv"
        path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
        return str(path)


class CatalogueTestCase(TestCase):
    """The whole directory, loaded once per class."""

    @classmethod
    def setUpTestData(cls):
        load_categories()

    def category(self, kind, code) -> Category:
        return Category.objects.get(kind=kind, code=code)
