"""The API's small JSON layer: shapes made of fields, each field knowing its JSON Schema and
how to read its value, so what a view returns and what the OpenAPI document says are one text.

    CATEGORY = Shape("Category", "问题类别", {
        "code": string("5 位代码"),
        "name": string("名称"),
    })
    CATEGORY.dump(category, ctx)   # {"code": "06010", "name": "暴露垃圾"}
    CATEGORY.component()           # {"type": "object", "properties": ..., "required": [...]}

Query parameters and request bodies that a Django form checks are described from that
form's own fields (`form_fields`), so the filters the pages use and those the API documents
cannot drift apart.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone

JSON_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list}
TYPE_MESSAGES = {
    "string": "应为字符串。",
    "integer": "应为整数。",
    "number": "应为数字。",
    "boolean": "应为 true 或 false。",
    "object": "应为 JSON 对象。",
    "array": "应为数组。",
}


def local_iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in the site's time zone, to the second: 2026-05-01T09:30:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Field:
    """One JSON value: its schema, and where it comes from on the object being dumped.

    `get(obj, ctx)` reads the value; without it the key or attribute of the field's name is read.
    """

    type: str
    description: str = ""
    nullable: bool = False
    get: Callable[[Any, Any], Any] | None = None
    format: str | None = None
    enum: tuple | None = None
    items: "Field | Shape | None" = None
    shape: "Shape | None" = None
    extra: dict = field(default_factory=dict)

    def schema(self) -> dict:
        if self.shape is not None:
            schema = self.shape.ref()
        else:
            schema = {"type": self.type}
            if self.format:
                schema["format"] = self.format
            if self.enum is not None:
                schema["enum"] = list(self.enum)
            if self.items is not None:
                schema["items"] = self.items.schema()
            schema.update(self.extra)
        if self.nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        if self.description:
            schema = {**schema, "description": str(self.description)}
        return schema

    def read(self, obj, name: str, ctx):
        if self.get is not None:
            value = self.get(obj, ctx)
        else:
            value = obj[name] if isinstance(obj, dict) else getattr(obj, name)
        return self.dump(value, ctx)

    def dump(self, value, ctx):
        if value is None:
            return None
        if self.shape is not None:
            return self.shape.dump(value, ctx)
        if self.type == "array":
            return [self.items.dump(item, ctx) for item in value]
        if self.format == "date-time":
            return local_iso(value)
        if self.type == "number":
            return float(value)  # a Decimal too: JsonResponse would write it as a string
        if self.type == "string":
            return str(value)
        return value

    def accepts(self, value) -> bool:
        """Whether a JSON value has this field's type (values themselves are checked by forms)."""
        if value is None:
            return self.nullable
        if self.type == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, JSON_TYPES[self.type])

    def shapes(self):
        """The shapes this field refers to (for the document's components)."""
        if self.shape is not None:
            yield from self.shape.shapes()
        if self.items is not None:
            yield from self.items.shapes()


def string(description="", **kwargs) -> Field:
    return Field("string", description, **kwargs)


def integer(description="", **kwargs) -> Field:
    return Field("integer", description, **kwargs)


def number(description="", **kwargs) -> Field:
    return Field("number", description, **kwargs)


def boolean(description="", **kwargs) -> Field:
    return Field("boolean", description, **kwargs)


def moment(description="", **kwargs) -> Field:
    return Field("string", description, format="date-time", **kwargs)


def obj(shape: "Shape", description="", **kwargs) -> Field:
    return Field("object", description, shape=shape, **kwargs)


def array(items: "Field | Shape", description="", **kwargs) -> Field:
    if isinstance(items, Shape):
        items = obj(items)
    return Field("array", description, items=items, **kwargs)


@dataclass(frozen=True)
class Shape:
    """A named JSON object: a component of the OpenAPI document."""

    name: str
    description: str
    fields: dict[str, Field]
    required: tuple[str, ...] | None = None  # None: every field (answers always carry all)

    def dump(self, obj, ctx=None) -> dict:
        return {name: f.read(obj, name, ctx) for name, f in self.fields.items()}

    def ref(self) -> dict:
        return {"$ref": f"#/components/schemas/{self.name}"}

    def schema(self) -> dict:
        return self.ref()

    def component(self) -> dict:
        return {
            "type": "object",
            "description": str(self.description),
            "properties": {name: f.schema() for name, f in self.fields.items()},
            "required": list(self.fields if self.required is None else self.required),
            "additionalProperties": False,
        }

    def check(self, data: dict) -> dict[str, list[str]]:
        """Unknown and mistyped fields of a JSON object sent to the API. Missing and wrong
        values are left to the form behind the operation, which says what to fill in."""
        errors = {name: ["未知字段。"] for name in data if name not in self.fields}
        for name, value in data.items():
            if name in self.fields and not self.fields[name].accepts(value):
                errors[name] = [TYPE_MESSAGES[self.fields[name].type]]
        return errors

    def shapes(self):
        yield self
        for f in self.fields.values():
            yield from f.shapes()


def form_field(form_field: forms.Field, *, enum=None) -> Field:
    """The JSON schema of what a Django form field accepts (query strings and JSON bodies)."""
    help_text = str(form_field.label or "")
    if isinstance(form_field, forms.ModelChoiceField):
        return integer(help_text, extra={"minimum": 1})
    if isinstance(form_field, forms.ChoiceField):
        values = enum if enum is not None else [v for v, _label in form_field.choices if v != ""]
        return string(help_text, enum=tuple(str(v) for v in values))
    if isinstance(form_field, forms.BooleanField):
        return boolean(help_text)
    if isinstance(form_field, forms.DateTimeField):
        return moment(help_text)
    if isinstance(form_field, forms.DateField):
        return string(help_text, format="date")
    if isinstance(form_field, forms.FloatField):
        return number(help_text)
    if isinstance(form_field, forms.IntegerField):
        return integer(help_text)
    extra = {"maxLength": form_field.max_length} if getattr(form_field, "max_length", None) else {}
    return string(help_text, extra=extra)


def form_fields(form_class, *, skip=(), enums=None) -> dict[str, Field]:
    """Each field of a Django form as a JSON field, in the form's order."""
    enums = enums or {}
    return {
        name: form_field(f, enum=enums.get(name))
        for name, f in form_class.base_fields.items()
        if name not in skip
    }


class IdField(forms.IntegerField):
    """An object's id in a query: a positive integer a database column can hold (a larger
    one would be a database error, not a 400)."""

    def __init__(self, label="", **kwargs):
        super().__init__(label=label, required=False, min_value=1, max_value=2**63 - 1, **kwargs)
