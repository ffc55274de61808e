"""English works too: the catalogue translates every message, and the pages speak English.

The pages' data (names of streets, people, categories) stays as it was entered, in
Chinese; what the application itself says (titles, navigation, buttons) must not.
"""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from civicgrid.areas.models import Area, Department
from civicgrid.campaigns.models import Campaign
from civicgrid.categories.models import Category
from civicgrid.demo.testing import DemoTestCase
from civicgrid.inspections.models import Site
from civicgrid.ledgers.models import LedgerType, Survey
from civicgrid.people.models import User

CATALOGUE = Path(settings.BASE_DIR) / "civicgrid/locale/en/LC_MESSAGES/django.po"
CHINESE = re.compile(r"[\u3400-\u9fff]")
PAGES = [
    "home",
    "cases:list",
    "cases:map",
    "cases:new",
    "rules:list",
    "areas:tree",
    "people:list",
    "campaigns:list",
    "work:home",
    "inspections:rounds",
    "inspections:sites",
    "ledgers:index",
    "surveys:list",
    "scoring:periods",
    "dashboard:index",
    "documents:list",
    "public:report",
    "public:map",
]


def untranslated(catalogue: Path) -> list[str]:
    """The msgids of the catalogue without a translation, or with only a guessed (fuzzy)
    one, which compilemessages leaves out (msgattrib, from GNU gettext)."""
    found = []
    for selection in ("--untranslated", "--only-fuzzy"):
        found += re.findall(
            r'^msgid "(.*)"$',
            subprocess.run(
                ["msgattrib", selection, "--no-obsolete", "--no-wrap", str(catalogue)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout,
            re.MULTILINE,
        )
    return [msgid for msgid in found if msgid]


def msgids(catalogue: Path) -> set[str]:
    unwrapped = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(re.findall(r'^msgid "(.*)"$', unwrapped, re.MULTILINE)) - {""}


def test_the_catalogue_holds_every_message_of_the_source(tmp_path, settings, monkeypatch):
    """makemessages on a copy finds nothing new: no string was added without its entry."""
    copy = tmp_path / "en" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.chdir(settings.BASE_DIR)
    # The repository's own locale folder is ignored, so the copy is written, not the original.
    call_command(
        "makemessages", locale=["en"], no_obsolete=True, ignore_patterns=["locale"], verbosity=0
    )
    missing = msgids(copy) - msgids(CATALOGUE)
    assert not missing, f"run make messages-update: {len(missing)} new, e.g. {sorted(missing)[:3]}"


def test_every_message_of_the_english_catalogue_is_translated():
    missing = untranslated(CATALOGUE)
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_the_check_finds_an_untranslated_message(tmp_path):
    catalogue = tmp_path / "django.po"
    catalogue.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "问题清单"\nmsgstr "Cases"\n\nmsgid "上报问题"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "立案"\nmsgstr "Report"\n',
        encoding="utf-8",
    )
    assert untranslated(catalogue) == ["上报问题", "立案"]


class Chrome(HTMLParser):
    """The text the application writes itself: the title, headings, navigation and buttons."""

    TAGS = {"title", "h1", "h2", "nav", "button", "label", "th", "summary"}

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.TAGS and tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data):
        if self.open and data.strip():
            self.texts.append(data.strip())


def chinese_chrome(html: str, data: set[str] = frozenset()) -> list[str]:
    """Texts of the chrome still in Chinese once the data's own names are taken out."""
    parser = Chrome()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for name in sorted(data, key=len, reverse=True):
            text = text.replace(name, "")
        if CHINESE.search(text):
            found.append(text)
    return found


def data_names() -> set[str]:
    """What people entered, shown as entered: names of people, areas, units and catalogues."""
    models = [User, Area, Department, Category, Campaign, Site, LedgerType]
    names = {name for model in models for name in model.objects.values_list("name", flat=True)}
    return names | set(Survey.objects.values_list("title", flat=True))


@pytest.mark.django_db
def test_the_login_page_shows_in_english(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Log in" in text
    assert "Password" in text
    assert chinese_chrome(text) == []


class EnglishPagesTests(DemoTestCase):
    def test_an_administrator_reads_every_main_page_in_english(self):
        self.login(self.admin)
        data = data_names()
        for name in PAGES:
            with self.subTest(name):
                response = self.client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Language"], "en")
                self.assertEqual(chinese_chrome(response.content.decode(), data), [])

    def test_the_same_pages_speak_chinese_by_default(self):
        self.login(self.admin)
        response = self.client.get(reverse("cases:list"))
        self.assertEqual(response["Content-Language"], "zh-hans")
        self.assertIn("问题清单", chinese_chrome(response.content.decode()))
