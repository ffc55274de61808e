"""台账记录: values checked against their type's field definitions, saved with their history.

Every way into a ledger (the phone or PC form, the Excel import) checks values here, so a
number is a number and a choice one of the choices whichever the door. Values are kept
in LedgerEntry.values as JSON: numbers as JSON numbers, dates as "YYYY-MM-DD", text and
choices as strings; an empty optional field is left out. Photos and attachments are
LedgerFile rows under their field's key, checked by their content.

Every save writes an EntryChange with the entry as it was and as it is (a snapshot of
area, date, values and file names) in the same transaction, and bumps the version; a
save made against an older version is refused (Conflict).
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.campaigns.uploads import check_document, stored_name
from civicgrid.ledgers.models import FILE_KINDS, EntryChange, FieldKind, LedgerEntry, LedgerFile
from civicgrid.lib.images import clean_image
from civicgrid.lib.keyset import Keyset
from civicgrid.lib.privacy import mask_name

MAX_TEXT = 500
MAX_NUMBER = Decimal("1000000000")
MAX_FILES = 6  # per field
EARLIEST = dt.date(2000, 1, 1)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
# How names are separated in a masked text field ("张三、李四" → "张**、李**").
NAME_SEPARATORS = re.compile(r"([、,，;；/\s]+)")
# Lists of entries (the page and the API): newest first, in pages cut by (date, id).
PAGES = Keyset("-date", "-pk")
RELATED = ("ledger__street", "area", "created_by")


class Conflict(Exception):
    """Someone saved the entry since the person opened it."""

    def __str__(self):
        return _("该记录已被他人修改，请刷新页面查看最新内容后再修改。")


class Inactive(Exception):
    """The ledger type is no longer in use: it takes no new entries."""

    def __str__(self):
        return _("该台账类型已停用，不能再新增记录；如需启用请联系管理员。")


def check_active(ledger) -> None:
    if not ledger.is_active:
        raise Inactive


# --- values ------------------------------------------------------------------------------


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_value(field: dict, raw):
    """The value of one (non-file) field as it is stored, None when empty and optional."""
    label = field.get("label") or field["key"]
    if is_empty(raw):
        if field.get("required"):
            raise ValidationError(_("请填写“%(label)s”。") % {"label": label}, code="required")
        return None
    cleaner = CLEANERS[field["kind"]]
    return cleaner(field, label, raw)


def _number(field, label, raw):
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(_("“%(label)s”应为数字，如 12 或 3.5。") % {"label": label})
    if number < 0:
        raise ValidationError(_("“%(label)s”不能为负数。") % {"label": label})
    if number >= MAX_NUMBER:
        raise ValidationError(_("“%(label)s”数值过大，请核对。") % {"label": label})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(_("“%(label)s”最多保留两位小数。") % {"label": label})
    return int(number) if number == number.to_integral_value() else float(number)


def _text(field, label, raw):
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_("“%(label)s”不能超过 %(n)s 字。") % {"label": label, "n": MAX_TEXT})
    return text


def _date(field, label, raw):
    day = parse_date(raw)
    if day is None:
        raise ValidationError(_("“%(label)s”应为日期，如 2026-03-15。") % {"label": label})
    return day.isoformat()


def _choice(field, label, raw):
    text = str(raw).strip()
    choices = [str(c) for c in field.get("choices") or ()]
    if text not in choices:
        raise ValidationError(
            _("“%(label)s”只能填：%(choices)s。") % {"label": label, "choices": "、".join(choices)}
        )
    return text


CLEANERS = {
    FieldKind.NUMBER: _number,
    FieldKind.TEXT: _text,
    FieldKind.DATE: _date,
    FieldKind.CHOICE: _choice,
}


def parse_date(raw) -> dt.date | None:
    """A date from a form, a cell (a date, a datetime or text) or None if it is none."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw or "").strip()
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def clean_values(ledger, raw: dict) -> dict:
    """Every non-file field of `ledger` checked; a ValidationError keyed by field otherwise."""
    values, errors = {}, {}
    for field in ledger.fields:
        if field["kind"] in FILE_KINDS:
            continue
        try:
            value = clean_value(field, raw.get(field["key"]))
        except ValidationError as error:
            errors[field["key"]] = error.messages
            continue
        if value is not None:
            values[field["key"]] = value
    if errors:
        raise ValidationError(errors)
    return values


def clean_day(raw, today: dt.date | None = None) -> dt.date:
    """The entry's own date: a real date, not in the future."""
    day = parse_date(raw)
    if day is None:
        raise ValidationError(_("日期应为日期，如 2026-03-15。"))
    if day > (today or timezone.localdate()):
        raise ValidationError(_("日期不能晚于今天：台账记录已经做过的工作。"))
    if day < EARLIEST:
        raise ValidationError(_("日期太早，请核对年份。"))
    return day


def check_area(ledger, area) -> None:
    """An entry lies in its type's street."""
    if not area.path.startswith(ledger.street.path):
        raise ValidationError(
            _("区域“%(area)s”不在“%(street)s”内，不能记入该台账。")
            % {"area": area.name, "street": ledger.street.name}
        )


# --- files -------------------------------------------------------------------------------


def clean_file(field: dict, upload, n: int = 1):
    """A photo re-encoded without metadata, or an attachment checked by its content."""
    if field["kind"] == FieldKind.PHOTO:
        return clean_image(upload, name=f"{field['key']}-{n}.jpg")
    upload.name = stored_name(upload, check_document(upload))
    return upload


def check_required_files(ledger, counts: dict[str, int]) -> None:
    """Each required photo or attachment field has at least one file (`counts` by key)."""
    errors = {
        f["key"]: [_("请上传“%(label)s”。") % {"label": f.get("label") or f["key"]}]
        for f in ledger.fields
        if f["kind"] in FILE_KINDS and f.get("required") and not counts.get(f["key"])
    }
    if errors:
        raise ValidationError(errors)


# --- showing -----------------------------------------------------------------------------


def mask_names(text: str) -> str:
    """Each name in a list of names masked as a reporter's is (张三、李四 → 张**、李**)."""
    return "".join(
        part if NAME_SEPARATORS.fullmatch(part) else mask_name(part)
        for part in NAME_SEPARATORS.split(text)
        if part
    )


def shown(field: dict, value, full: bool = True) -> str:
    """A stored value as a person reads it: with its unit; masked where the field says so."""
    if value is None or value == "":
        return ""
    text = str(value)
    if field.get("masked") and not full:
        return mask_names(text)
    if field["kind"] == FieldKind.NUMBER and field.get("unit"):
        return f"{text} {field['unit']}"
    return text


def summary(entry, full: bool = False, limit: int = 3) -> str:
    """The first few filled-in fields of an entry, for one line of a list."""
    parts = []
    for field in entry.ledger.fields:
        value = shown(field, entry.values.get(field["key"]), full)
        if value:
            parts.append(f"{field.get('label')}：{value}")
        if len(parts) == limit:
            break
    return "；".join(parts)


# --- saving with history -----------------------------------------------------------------


def snapshot(entry: LedgerEntry) -> dict:
    files: dict[str, list[str]] = {}
    for item in entry.files.order_by("pk"):
        files.setdefault(item.key, []).append(item.basename)
    return {
        "area": entry.area.code,
        "date": entry.date.isoformat(),
        "values": dict(entry.values),
        "files": files,
    }


def _add_files(entry: LedgerEntry, files: dict[str, list]) -> None:
    for key, uploads in files.items():
        for upload in uploads:
            LedgerFile.objects.create(entry=entry, key=key, file=upload)


@transaction.atomic
def record(ledger, area, day, values: dict, by, files: dict | None = None) -> LedgerEntry:
    """A new entry, its files and the first line of its history."""
    entry = LedgerEntry.objects.create(
        ledger=ledger, area=area, date=day, values=values, created_by=by
    )
    _add_files(entry, files or {})
    EntryChange.objects.create(entry=entry, by=by, before={}, after=snapshot(entry))
    return entry


def keep_other_keys(entry: LedgerEntry, values: dict, keys=None) -> dict:
    """`values` with the entry's values of other fields kept: fields the type no longer has,
    or (given `keys`, the fields being edited) those not being edited."""
    if keys is None:
        keys = {f["key"] for f in entry.ledger.fields}
    return {k: v for k, v in entry.values.items() if k not in keys} | values


@transaction.atomic
def update(
    entry: LedgerEntry,
    by,
    *,
    area,
    day,
    values: dict,
    version: int | None,
    files: dict | None = None,
    remove: list[int] = (),
) -> EntryChange | None:
    """Change an entry made at `version`; the change recorded, or None when nothing changed."""
    current = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if version is not None and version != current.version:
        raise Conflict
    before = snapshot(current)
    for item in current.files.filter(pk__in=remove):
        item.file.delete(save=False)
        item.delete()
    _add_files(current, files or {})
    current.area, current.date, current.values = area, day, values
    after = snapshot(current)
    if after == before:
        return None
    current.version += 1
    current.save()
    return EntryChange.objects.create(entry=current, by=by, before=before, after=after)


def history(entry: LedgerEntry, full: bool = True) -> list[EntryChange]:
    """The entry's changes, oldest first, each with `rows`: its differences as the person
    reads them (masked fields masked unless `full`)."""
    changes = list(entry.changes.select_related("by"))
    for change in changes:
        change.rows = differences(change, entry.ledger, full)
    return changes


def differences(change: EntryChange, ledger, full: bool = True) -> list[tuple[str, str, str]]:
    """(what, before, after) for each part of the entry a change touched."""
    before, after = change.before, change.after
    rows = []
    if before.get("area") != after.get("area"):
        rows.append((_("区域编码"), before.get("area", ""), after.get("area", "")))
    if before.get("date") != after.get("date"):
        rows.append((_("日期"), before.get("date", ""), after.get("date", "")))
    old, new = before.get("values", {}), after.get("values", {})
    old_files, new_files = before.get("files", {}), after.get("files", {})
    for field in ledger.fields:
        key, label = field["key"], field.get("label") or field["key"]
        if field["kind"] in FILE_KINDS:
            a, b = old_files.get(key, []), new_files.get(key, [])
            if a != b:
                rows.append((label, "、".join(a), "、".join(b)))
        elif old.get(key) != new.get(key):
            rows.append((label, shown(field, old.get(key), full), shown(field, new.get(key), full)))
    return rows
