"""Helpers for the catalogue tests: the directory loaded once per class, and CSV files to load."""

from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command
from django.test import TestCase

from civicgrid.areas.models import Area, Level
from civicgrid.categories.catalogue import COLUMNS
from civicgrid.categories.models import Category
from civicgrid.people.models import Role, RoleAssignment, User

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


class PeopleTestCase(CatalogueTestCase):
    """The directory and three people of one street.

    Personas: admin (创城办 administrator, may change the catalogue), clerk (staff who may
    enter the admin site but holds no role), wangge (a grid worker, not staff).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        street = Area.objects.create(level=Level.STREET, code="410811001", name="示范街道")
        cls.admin = cls.person("admin", Role.ADMIN, street, is_staff=True)
        cls.clerk = cls.person("clerk", None, street, is_staff=True)
        cls.wangge = cls.person("wangge", Role.GRID_WORKER, street)

    @classmethod
    def person(cls, username, role, area, **flags) -> User:
        user = User.objects.create_user(username=username, **flags)
        if role:
            RoleAssignment.objects.create(user=user, role=role, area=area)
        return user
