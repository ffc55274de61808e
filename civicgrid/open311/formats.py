"""GeoReport v2 documents in XML and JSON, one Python structure rendered either way.

A document is built once as dicts, lists and plain values. JSON is that structure
as it stands; XML follows the Spark convention backwards: a list becomes a container
element whose items are named by CHILDREN, a dict becomes child elements, None an
empty element and booleans true/false.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# What the items of each list are called in XML.
CHILDREN = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry, even escaped; a pasted description may hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """A request we answer with the spec's error list: 400, 403, 404 or 405."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def w3c(moment: datetime | None) -> str | None:
    """A W3C datetime with the local offset, e.g. 2025-03-01T09:30:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def render(root: str, document, fmt: str, status: int = 200) -> HttpResponse:
    """`document` as an HTTP response in `fmt` ("xml" or "json"); `root` names the XML root."""
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False)
    else:
        body = XML_DECLARATION + ET.tostring(_element(root, document), encoding="unicode")
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=status)


def errors(status: int, descriptions, fmt: str) -> HttpResponse:
    document = [{"code": status, "description": str(text)} for text in descriptions]
    return render("errors", document, fmt if fmt in CONTENT_TYPES else "xml", status)


def _element(name: str, value) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, list):
        element.extend(_element(CHILDREN[name], item) for item in value)
    elif isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("", str(value))
    return element
