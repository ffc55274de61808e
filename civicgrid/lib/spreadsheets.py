"""Excel in and out: officials keep their lists in spreadsheets."""

from dataclasses import dataclass, field
from io import BytesIO
from zipfile import BadZipFile

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# openpyxl is imported where a workbook is made or read, not at start-up: it costs every web
# worker 17 MiB, and only exports and imports need it.


def new_workbook():
    """An empty workbook (openpyxl's)."""
    from openpyxl import Workbook

    return Workbook()


def bold(cells) -> None:
    """Headers in bold."""
    from openpyxl.styles import Font

    for cell in cells:
        cell.font = Font(bold=True)


def workbook_bytes(title: str, headers: list[str], rows) -> bytes:
    book = new_workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    bold(sheet[1])
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            10, len(header) * 2 + 2
        )
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    response = HttpResponse(workbook_bytes(title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@dataclass
class SheetRows:
    """Rows of the first sheet as dicts keyed by header, or the errors that stop an import."""

    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, row_number: int, message: str) -> None:
        self.errors.append(
            _("第 %(row)s 行：%(message)s") % {"row": row_number, "message": message}
        )

    def position(self, number: int, raw: dict) -> tuple[float | None, float | None]:
        """The row's 纬度 and 经度 (WGS-84): both or neither, numbers within range."""
        lat_text, lng_text = cell_text(raw, "纬度"), cell_text(raw, "经度")
        if not lat_text and not lng_text:
            return None, None
        if not lat_text or not lng_text:
            self.error(number, _("纬度和经度须同时填写或同时留空。"))
            return None, None
        try:
            lat, lng = float(lat_text), float(lng_text)
        except ValueError:
            self.error(number, _("纬度和经度须为数字，如 34.7466 和 113.6253。"))
            return None, None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            self.error(number, _("纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。"))
            return None, None
        return lat, lng


def cell_text(raw: dict, header: str) -> str:
    """A cell of a row read by read_sheet, as trimmed text ("" when empty)."""
    value = raw.get(header)
    return "" if value is None else str(value).strip()


def read_sheet(upload, required: list[str]) -> SheetRows:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    result = SheetRows()
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError):
        result.errors.append(_("无法读取该文件，请确认是 .xlsx 格式的 Excel 文件。"))
        return result
    lines = book.worksheets[0].iter_rows(values_only=True)
    headers = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    missing = [name for name in required if name not in headers]
    if missing:
        result.errors.append(_("缺少列：%(cols)s。") % {"cols": "、".join(missing)})
        return result
    for number, values in enumerate(lines, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        row = {h: _clean(v) for h, v in zip(headers, values, strict=False) if h}
        result.rows.append((number, row))
    return result


def _clean(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx") or upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("请上传不超过 10 MB 的 .xlsx 文件。"))
        return upload


def import_page(request, template: str, context: dict, load, done):
    """An Excel import page. On a valid upload, `load(file)` checks every row and, when all
    are right, saves them: it returns (errors, message). No errors: the message is shown and
    the person goes on to `done`; otherwise the page again with the errors (400)."""
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        errors, message = load(form.cleaned_data["file"])
        if not errors:
            messages.success(request, message)
            return redirect(done)
    status = 400 if errors or form.errors else 200
    return render(request, template, {**context, "form": form, "errors": errors}, status=status)
