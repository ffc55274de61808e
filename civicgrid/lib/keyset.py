"""Keyset pagination: pages that stay fast on millions of rows and neither skip nor repeat
rows when new ones arrive, unlike OFFSET.

    NEWEST = Keyset("-created_at", "-pk")
    rows, next_cursor = NEWEST.page(cases, request.GET.get("after"), 50)

The last key must be unique (usually the primary key). A key may be an annotation of the
rows (an expression the database orders by). A cursor is the last row's keys,
base64-encoded; a cursor that cannot be read starts at the first page, so an old or
mangled link shows something sensible rather than an error.
"""

import base64
import binascii
import json
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q


class Keyset:
    """An ordering of unique keys (Django order_by names) and the pages it cuts.

    `by_ids` cuts a page in two queries: first the page's primary keys alone, which an index
    holding the keys answers without reading the table (an index-only scan), then those rows
    with their joins. Worth it where a person's rows are many and scattered (a street's ten
    thousand cases among a city's million); one query is cheaper for small tables.
    """

    def __init__(self, *keys: str, by_ids: bool = False):
        self.keys = keys
        self.by_ids = by_ids

    def order(self, rows):
        return rows.order_by(*self.keys)

    def cursor(self, row) -> str:
        values = [_attr(row, key.lstrip("-")) for key in self.keys]
        raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def after(self, rows, cursor: str | None):
        """The rows that come after `cursor` (all of them when there is none, or it is bad)."""
        values = self._read(rows, cursor) if cursor else None
        if values is None:
            return rows
        return rows.filter(reduce(or_, (self._beyond(values, i) for i in range(len(self.keys)))))

    def page(self, rows, cursor: str | None, size: int) -> tuple[list, str | None]:
        """One page in this order and the cursor of the next one (None on the last page)."""
        cut = self.after(self.order(rows), cursor)[: size + 1]
        if self.by_ids:
            cut = self.order(rows.filter(pk__in=list(cut.values_list("pk", flat=True))))
        found = list(cut)
        if len(found) > size:
            return found[:size], self.cursor(found[size - 1])
        return found, None

    def _beyond(self, values, i: int) -> Q:
        """Equal on the first i keys, then past the cursor on key i."""
        same = {key.lstrip("-"): value for key, value in zip(self.keys[:i], values, strict=False)}
        key = self.keys[i]
        lookup = "lt" if key.startswith("-") else "gt"
        return Q(**same, **{f"{key.lstrip('-')}__{lookup}": values[i]})

    def _read(self, rows, cursor: str) -> list | None:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            values = json.loads(raw.decode())
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        if not isinstance(values, list) or len(values) != len(self.keys):
            return None
        try:
            values = [
                _field(rows, key.lstrip("-")).to_python(value)
                for key, value in zip(self.keys, values, strict=True)
            ]
        except (ValidationError, TypeError, ValueError):
            return None
        return values if all(_plausible(v) for v in values) else None


def _plausible(value) -> bool:
    """A value a database can compare: not null, an integer within 64 bits, text without NUL."""
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, str):
        return "\x00" not in value
    return value is not None


def _attr(row, name: str):
    return row.pk if name == "pk" else getattr(row, name)


def _field(rows, name: str):
    if name in rows.query.annotations:
        return rows.query.annotations[name].output_field
    return rows.model._meta.pk if name == "pk" else rows.model._meta.get_field(name)
