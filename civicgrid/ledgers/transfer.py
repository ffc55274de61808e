"""One ledger type's entries to and from Excel.

Columns: 区域编码, 日期, then each field's label (photos and attachments are not in the
sheet: they are added on the entry's page), then 记录编号. An exported sheet imports back:
a row with a 记录编号 updates that entry (its history records the change), a row without
one adds an entry. Every row is checked first, by the same rules as the form; one error
anywhere and nothing is imported.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.areas.models import Area, Level
from civicgrid.ledgers import entries
from civicgrid.ledgers.models import FILE_KINDS, FieldKind, LedgerEntry, LedgerType
from civicgrid.lib.spreadsheets import read_sheet

AREA, DATE, NUMBER = "区域编码", "日期", "记录编号"
MAX_ROWS = 5000


def sheet_fields(ledger: LedgerType) -> list[dict]:
    return [f for f in ledger.fields if f["kind"] not in FILE_KINDS]


def headers(ledger: LedgerType) -> list[str]:
    return [AREA, DATE] + [f["label"] for f in sheet_fields(ledger)] + [NUMBER]


def filename(ledger: LedgerType) -> str:
    return f"{ledger.name}.xlsx"


def _cell(field: dict, value, full: bool):
    if value is None or field["kind"] == FieldKind.NUMBER:
        return value
    return entries.shown(field, value, full)


def export_rows(ledger: LedgerType, rows, full: bool):
    """One list per entry; names in masked fields masked unless `full`."""
    fields = sheet_fields(ledger)
    for entry in rows:
        yield (
            [entry.area.code, entry.date]
            + [_cell(f, entry.values.get(f["key"]), full) for f in fields]
            + [entry.pk]
        )


@dataclass
class Row:
    number: int
    area: Area
    day: object
    values: dict
    entry: LedgerEntry | None  # the entry a 记录编号 names; None adds one


class Lookups:
    """The areas and entries the person may record in, looked up once per import."""

    def __init__(self, ledger: LedgerType, authz):
        areas = authz.restrict(
            Area.objects.filter(path__startswith=ledger.street.path, level__gte=Level.STREET),
            "ledgers.record",
        )
        self.areas = {a.code: a for a in areas.order_by()}
        self.ledger, self.authz = ledger, authz

    def entries(self, numbers: set[int]) -> dict[int, LedgerEntry]:
        rows = self.authz.restrict(
            LedgerEntry.objects.filter(ledger=self.ledger, pk__in=numbers), "ledgers.record"
        ).select_related("area")
        return {entry.pk: entry for entry in rows}


def parse(upload, ledger: LedgerType, authz) -> tuple[list[Row], list[str]]:
    """Validate every row; the rows to save, or the errors that stop the import."""
    fields = sheet_fields(ledger)
    sheet = read_sheet(upload, [AREA, DATE] + [f["label"] for f in fields])
    if sheet.errors:
        return [], sheet.errors
    if len(sheet.rows) > MAX_ROWS:
        return [], [_("一次最多导入 %(n)s 行，请分批导入。") % {"n": MAX_ROWS}]
    lookups = Lookups(ledger, authz)
    found = lookups.entries({n for _, raw in sheet.rows if (n := _entry_number(raw))})
    rows, seen = [], {}
    for number, raw in sheet.rows:
        errors = []
        row = _parse_row(number, raw, ledger, lookups, found, errors)
        if row and row.entry and row.entry.pk in seen:
            errors.append(_("与第 %(row)s 行的记录编号相同。") % {"row": seen[row.entry.pk]})
        for message in errors:
            sheet.error(number, message)
        if row and not errors:
            if row.entry:
                seen[row.entry.pk] = number
            rows.append(row)
    if not sheet.rows and not sheet.errors:
        sheet.errors.append(_("文件中没有台账记录。"))
    return rows, sheet.errors


def _entry_number(raw) -> int | None:
    text = str(raw.get(NUMBER) or "").strip()
    return int(text) if text.isdigit() else None


def _parse_row(number, raw, ledger, lookups, found, errors) -> Row | None:
    code = str(raw.get(AREA) or "").strip()
    area = lookups.areas.get(code)
    if area is None:
        errors.append(
            _("区域编码不能为空（填社区或网格编码）。")
            if not code
            else _("区域编码“%(code)s”不在“%(street)s”内或不在您的管辖范围内。")
            % {"code": code, "street": ledger.street.name}
        )
    day = _day(raw.get(DATE), errors)
    values = _values(ledger, raw, errors)
    entry = _entry(raw, found, errors)
    if errors:
        return None
    return Row(number, area, day, values, entry)


def _day(raw, errors):
    try:
        return entries.clean_day(raw)
    except ValidationError as error:
        errors.extend(error.messages)


def _values(ledger, raw, errors) -> dict:
    by_key = {f["key"]: raw.get(f["label"]) for f in sheet_fields(ledger)}
    try:
        return entries.clean_values(ledger, by_key)
    except ValidationError as error:
        errors.extend(error.messages)
        return {}


def _entry(raw, found, errors) -> LedgerEntry | None:
    text = str(raw.get(NUMBER) or "").strip()
    if not text:
        return None
    entry = found.get(_entry_number(raw) or 0)
    if entry is None:
        errors.append(
            _("记录编号“%(n)s”不是本台账的记录，或您无权修改；新增记录请留空。") % {"n": text}
        )
    return entry


@transaction.atomic
def apply(rows: list[Row], ledger: LedgerType, by) -> dict[str, int]:
    """Save every row: {"added", "updated", "unchanged"}."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    in_sheet = {f["key"] for f in sheet_fields(ledger)}
    for row in rows:
        if row.entry is None:
            entries.record(ledger, row.area, row.day, row.values, by)
            counts["added"] += 1
            continue
        values = entries.keep_other_keys(row.entry, row.values, in_sheet)
        change = entries.update(
            row.entry, by, area=row.area, day=row.day, values=values, version=None
        )
        counts["updated" if change else "unchanged"] += 1
    return counts
