"""Supporting documents (佐证材料) checked by what they contain, never by their name.

`check_document(upload)` accepts PDF, Word (.docx), Excel (.xlsx), JPEG and PNG up to
EVIDENCE_MAX_MB. A PDF must start with its `%PDF-` header and end with `%%EOF`; a .docx or
.xlsx must be a readable zip whose [Content_Types].xml declares the main part of that kind
(so a renamed .exe, a .pptx or a macro workbook is refused); an image must be one that
Pillow reads as JPEG or PNG (lib/images.py). The stored name keeps the person's own name
with the extension of what the file really is.
"""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicgrid.lib.images import MB, check_image

PDF, DOCX, XLSX, JPEG, PNG = "pdf", "docx", "xlsx", "jpg", "png"
# The main part each Office kind must declare; macro-enabled variants declare others.
OFFICE_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
IMAGE_KINDS = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG}
# What a file name's extension promises, for the message when the content does not match.
LABELS = {
    PDF: "PDF",
    DOCX: "Word（.docx）",
    XLSX: "Excel（.xlsx）",
    JPEG: "JPG",
    "jpeg": "JPG",
    PNG: "PNG",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls
PDF_WINDOW = 1024  # readers look for the header and the end marker this far in
MAX_CONTENT_TYPES = 1 * MB
MAX_UNZIPPED = 500 * MB  # an Office file claiming more is treated as a zip bomb


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_MB * MB


def check_document(upload) -> str:
    """The kind of `upload` (pdf, docx, xlsx, jpg, png) as its content says, or a
    ValidationError in Chinese that says what to do."""
    if upload.size > max_bytes():
        raise ValidationError(
            _("文件超过 %(mb)s MB，请压缩或拆分后再上传。") % {"mb": settings.EVIDENCE_MAX_MB},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("文件是空的，请重新选择。"), code="empty")
    try:
        kind = _kind(upload)
    finally:
        upload.seek(0)
    if kind is None:
        raise _unrecognised(upload.name)
    return kind


def stored_name(upload, kind: str) -> str:
    """The person's file name with the extension of what the file really is."""
    stem = PurePath(upload.name or "").stem.strip() or _("佐证材料")
    return f"{stem}.{kind}"


def _kind(upload) -> str | None:
    upload.seek(0)
    head = upload.read(PDF_WINDOW)
    if b"%PDF-" in head:
        return PDF if _ends_like_a_pdf(upload) else None
    if head.startswith(OLE2):
        raise ValidationError(
            _("不支持旧版 Word/Excel 格式（.doc/.xls），请另存为 .docx 或 .xlsx 后再上传。"),
            code="old_office",
        )
    if head.startswith(b"PK"):
        return _office_kind(upload)
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return _image_kind(upload)
    return None


def _image_kind(upload) -> str | None:
    try:
        return IMAGE_KINDS.get(check_image(upload))
    except ValidationError as error:
        if error.code == "not_an_image":
            return None  # a broken image gets the same message as any unreadable file
        raise


def _ends_like_a_pdf(upload) -> bool:
    upload.seek(max(upload.size - PDF_WINDOW, 0))
    return b"%%EOF" in upload.read()


def _office_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entry = archive.getinfo("[Content_Types].xml")
            if entry.file_size > MAX_CONTENT_TYPES or _unzipped(archive) > MAX_UNZIPPED:
                return None
            types = archive.read(entry)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError):
        return None
    return next((kind for kind, main in OFFICE_MAIN.items() if main.encode() in types), None)


def _unzipped(archive: zipfile.ZipFile) -> int:
    return sum(info.file_size for info in archive.infolist())


def _unrecognised(name: str) -> ValidationError:
    suffix = PurePath(name or "").suffix.lower().lstrip(".")
    accepted = _("只接受 PDF、Word（.docx）、Excel（.xlsx）和 JPG、PNG 图片。")
    if suffix in LABELS:
        message = _(
            "“%(name)s”的内容不是有效的 %(kind)s 文件，可能已损坏或只是改了扩展名。%(accepted)s"
        ) % {"name": name, "kind": LABELS[suffix], "accepted": accepted}
    else:
        message = _("无法识别该文件的类型。%(accepted)s") % {"accepted": accepted}
    return ValidationError(message, code="unrecognised")
