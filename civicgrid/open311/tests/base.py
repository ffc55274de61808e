"""Open311 tests: the demo street's cases, three client applications, and readers for both
formats that check XML and JSON say the same thing."""

import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlencode

from django.test import override_settings

from civicgrid.cases.tests.base import CaseTestCase
from civicgrid.categories.models import Category
from civicgrid.open311.models import ApiClient

API = "/open311/v2/"
FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# XML elements that hold a list (the Spark convention makes them JSON arrays).
CONTAINERS = {
    "services",
    "service_requests",
    "attributes",
    "values",
    "endpoints",
    "formats",
    "errors",
}
MEDIA = tempfile.mkdtemp(prefix="civicgrid-open311-")


def from_xml(element: ET.Element):
    """An XML document read back as JSON would carry it, every leaf as text."""
    if element.tag in CONTAINERS:
        return [from_xml(child) for child in element]
    if len(element):
        return {child.tag: from_xml(child) for child in element}
    return element.text


def as_text(value):
    """A JSON value as XML carries it: text, true/false, and nothing for null or ""."""
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value in (None, "") else str(value)


def w3c(text: str) -> datetime:
    """Parse a W3C datetime and insist on its offset."""
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None, f"{text} has no offset"
    return moment


@override_settings(MEDIA_ROOT=MEDIA)
class Open311TestCase(CaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.manhole = Category.objects.create(
            kind=Category.Kind.COMPONENT,
            code="01001",
            major_name="公用设施类",
            name="窨井盖",
            keywords="井盖，下水道 窨井",
            case_threshold="井盖缺失、破损或移位",
            open_to_residents=True,
        )
        cls.app, cls.app_key = ApiClient.create("随手拍", cls.street)
        cls.hotline, cls.hotline_key = ApiClient.create("12345 热线", cls.street)
        cls.old_app, cls.old_key = ApiClient.create("旧版小程序", cls.street)
        cls.old_app.is_active = False
        cls.old_app.save()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def read(self, response, fmt: str, status: int = 200):
        """The document of a response in `fmt`, its status, type and encoding checked."""
        self.assertEqual(response.status_code, status, response.content.decode())
        self.assertEqual(response["Content-Type"], CONTENT_TYPES[fmt])
        if fmt == "json":
            return json.loads(response.content.decode("utf-8"))
        self.assertTrue(response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>'))
        root = ET.fromstring(response.content)
        return root.tag, from_xml(root)

    def fetch(self, path: str, root: str, expect: int = 200, **params):
        """GET `path` in both formats; returns the JSON after checking the XML says the same."""
        document = self.read(self.client.get(f"{API}{path}.json", params), "json", expect)
        tag, from_xml_document = self.read(
            self.client.get(f"{API}{path}.xml", params), "xml", expect
        )
        self.assertEqual(tag, root)
        self.assertEqual(from_xml_document, as_text(document))
        return document

    def post(self, fmt: str = "json", status: int = 200, **fields):
        """POST requests form-encoded as the spec says; a field given as None is left out."""
        lat, lng = self.point_in(self.demo.grid(0, 0))
        data = {
            "api_key": self.app_key,
            "service_code": "matter-06010",
            "lat": lat,
            "long": lng,
            "description": "小区门口有一堆建筑垃圾",
        }
        data.update(fields)
        body = urlencode({k: v for k, v in data.items() if v is not None}, doseq=True)
        response = self.client.post(
            f"{API}requests.{fmt}", body, content_type="application/x-www-form-urlencoded"
        )
        document = self.read(response, fmt, status)
        return document if fmt == "json" else document[1]

    def errors(self, document) -> list[str]:
        return [error["description"] for error in document]
