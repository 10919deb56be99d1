"""JSON and XML bodies of GeoReport v2, chosen by the file extension of the URL.

The XML follows the element names of the specification (http://wiki.open311.org/GeoReport_v2):
a root per resource (``services``, ``service_definition``, ``service_requests``, ``errors``,
``discovery``), one child per item (``service``, ``request``, ``error``) and, for nested lists, the
singular of the list's name (``attributes/attribute``, ``values/value``, ``endpoints/endpoint``,
``formats/format``). Booleans are ``true``/``false``; a missing value is an empty element.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
CHILD_TAGS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        tag = CHILD_TAGS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, tag), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any, item: str | None = None) -> bytes:
    """``data`` under ``<root>``: a list becomes one ``<item>`` per element, a dict its fields."""
    element = ET.Element(root)
    if item is not None:
        for row in data:
            _fill(ET.SubElement(element, item), row)
    else:
        _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, data: Any, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, data, item), content_type=XML_TYPE, status=status)
    body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body.encode(), content_type=JSON_TYPE, status=status)


def errors(fmt: str, status: int, messages: list[str]) -> HttpResponse:
    """The specification's error body: a list of ``{code, description}`` (XML ``errors/error``)."""
    rows = [{"code": status, "description": str(message)} for message in messages]
    return respond(fmt, rows, root="errors", item="error", status=status)
