"""Uploaded 佐证材料 are read by their content: what they claim to be by name does not count."""

import zipfile
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from PIL import Image

from civicgrid.campaigns.demo_work import docx_bytes, pdf_bytes, xlsx_bytes
from civicgrid.campaigns.models import Evidence
from civicgrid.campaigns.tests.work_base import WorkTestCase
from civicgrid.campaigns.uploads import check_document, stored_name


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def image(fmt: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, fmt)
    return out.getvalue()


def zipped(parts: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


PPTX_TYPES = (
    b'<Types><Override PartName="/ppt/presentation.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"


class CheckDocumentTests(SimpleTestCase):
    def assert_refused(self, name, content, message):
        with self.assertRaises(ValidationError) as raised:
            check_document(upload(name, content))
        self.assertIn(message, raised.exception.messages[0])
        return raised.exception

    def test_it_accepts_the_five_kinds_by_their_content(self):
        cases = {
            "方案.pdf": (pdf_bytes(), "pdf"),
            "照片.docx": (docx_bytes("照片"), "docx"),
            "台账.xlsx": (xlsx_bytes("台账"), "xlsx"),
            "现场.jpg": (image("JPEG"), "jpg"),
            "截图.png": (image("PNG"), "png"),
        }
        for name, (content, kind) in cases.items():
            with self.subTest(name):
                self.assertEqual(check_document(upload(name, content)), kind)

    def test_it_refuses_a_pdf_that_is_only_text(self):
        self.assert_refused(
            "方案.pdf",
            "这是一份工作方案\n".encode() * 20,
            "“方案.pdf”的内容不是有效的 PDF 文件，可能已损坏或只是改了扩展名。",
        )

    def test_it_refuses_a_pdf_cut_short(self):
        self.assert_refused("方案.pdf", pdf_bytes()[:200], "不是有效的 PDF 文件")

    def test_it_refuses_a_program_renamed_docx(self):
        self.assert_refused("照片.docx", EXE, "“照片.docx”的内容不是有效的 Word（.docx） 文件")

    def test_it_refuses_a_zip_that_is_not_word_or_excel(self):
        self.assert_refused(
            "汇报.docx", zipped({"[Content_Types].xml": PPTX_TYPES}), "不是有效的 Word（.docx）"
        )
        self.assert_refused("材料.xlsx", zipped({"a.txt": b"x"}), "不是有效的 Excel（.xlsx）")

    def test_it_refuses_old_word_and_excel_files_with_what_to_do(self):
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
        self.assert_refused("方案.doc", ole2, "请另存为 .docx 或 .xlsx 后再上传")

    def test_it_refuses_an_unknown_kind_whatever_its_name(self):
        self.assert_refused(
            "说明.txt",
            b"hello",
            "无法识别该文件的类型。只接受 PDF、Word（.docx）、Excel（.xlsx）和 JPG、PNG 图片。",
        )

    def test_it_refuses_a_broken_image(self):
        self.assert_refused("现场.jpg", image("JPEG")[:60], "不是有效的 JPG 文件")

    @override_settings(EVIDENCE_MAX_MB=1)
    def test_it_refuses_a_file_over_the_size_limit(self):
        big = pdf_bytes() + b"%" * (1024 * 1024)
        error = self.assert_refused("方案.pdf", big, "文件超过 1 MB，请压缩或拆分后再上传。")
        self.assertEqual(error.code, "too_large")

    def test_it_refuses_an_empty_file(self):
        self.assert_refused("方案.pdf", b"", "文件是空的")

    def test_the_stored_name_takes_the_extension_of_the_content(self):
        self.assertEqual(stored_name(upload("会议纪要.docx", b""), "pdf"), "会议纪要.pdf")
        self.assertEqual(stored_name(upload("photo", b""), "jpg"), "photo.jpg")


class UploadPageTests(WorkTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan_file = cls.requirement()

    def post(self, user, name, content, note="第一季度"):
        self.login(user)
        return self.client.post(
            reverse("work:requirement", args=[self.plan_file.pk]),
            {"file": upload(name, content), "note": note},
        )

    def test_a_unit_uploads_a_file_that_waits_for_review(self):
        response = self.post(self.huanwei, "方案.pdf", pdf_bytes())
        self.assertEqual(response.status_code, 302)
        item = Evidence.objects.get()
        self.assertEqual(
            (item.status, item.uploaded_by, item.note), ("submitted", self.huanwei, "第一季度")
        )
        self.assertTrue(item.file.name.startswith(f"evidence/{self.campaign.pk}/2.1.1/方案"))
        self.assertTrue(item.file.name.endswith(".pdf"))

    def test_a_pdf_named_docx_is_kept_as_a_pdf(self):
        self.post(self.huanwei, "会议纪要.docx", pdf_bytes())
        self.assertTrue(Evidence.objects.get().file.name.endswith("会议纪要.pdf"))

    def test_bad_uploads_are_refused_with_the_message_and_nothing_is_kept(self):
        cases = [
            ("方案.pdf", b"just some text", "“方案.pdf”的内容不是有效的 PDF 文件"),
            ("setup.docx", EXE, "“setup.docx”的内容不是有效的 Word（.docx） 文件"),
        ]
        for name, content, message in cases:
            with self.subTest(name):
                response = self.post(self.huanwei, name, content)
                self.assertContains(response, message, status_code=400)
        with override_settings(EVIDENCE_MAX_MB=1):
            response = self.post(self.huanwei, "大.pdf", pdf_bytes() + b"%" * (1024 * 1024))
        self.assertContains(response, "文件超过 1 MB，请压缩或拆分后再上传。", status_code=400)
        self.assertFalse(Evidence.objects.exists())

    def test_an_upload_without_a_file_asks_for_one(self):
        self.login(self.huanwei)
        response = self.client.post(reverse("work:requirement", args=[self.plan_file.pk]), {})
        self.assertContains(response, "请选择要上传的文件。", status_code=400)
