"""The Word files are laid out as GB/T 9704-2012 asks: checked in the generated files."""

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from civicgrid.documents.builder import chinese_number, number_text, signed
from civicgrid.documents.tests.base import DocumentTestCase, east_asia

W = qn


class OfficialLayoutTests(DocumentTestCase):
    def setUp(self):
        super().setUp()
        self.bulletin = self.word(self.generate("bulletin"))
        self.report = self.word(self.generate("report"))

    def test_the_page_is_a4_with_the_standard_margins(self):
        for word in (self.bulletin, self.report):
            section = word.sections[0]
            # 210 × 297 mm and 37/35/28/26 mm, in twips (1 mm = 1440/25.4 twips, rounded).
            self.assertEqual((section.page_width.twips, section.page_height.twips), (11906, 16838))
            margins = (section.top_margin, section.bottom_margin)
            margins += (section.left_margin, section.right_margin)
            self.assertEqual([m.twips for m in margins], [2098, 1984, 1587, 1474])
            # python-docx reads twips back as EMU: 635 EMU a twip.
            self.assertEqual(section.page_width, 11906 * 635)

    def test_the_grid_has_22_lines_of_28_characters(self):
        grid = self.bulletin.sections[0]._sectPr.find(W("w:docGrid"))
        self.assertEqual(grid.get(W("w:type")), "linesAndChars")
        self.assertEqual(grid.get(W("w:linePitch")), "579")
        self.assertEqual(grid.get(W("w:charSpace")), "-842")
        text_height = 16838 - 2098 - 1984
        self.assertEqual(text_height // 579, 22)
        text_width_pt = (11906 - 1587 - 1474) / 20
        self.assertEqual(int(text_width_pt // (16 - 842 / 4096)), 28)

    def test_the_title_is_2hao_fangzheng_xiaobiaosong_centred(self):
        title = next(p for p in self.bulletin.paragraphs if p.text.startswith("关于"))
        self.assertEqual(title.style.name, "公文标题")
        self.assertEqual(title.style.font.size, Pt(22))
        self.assertEqual(east_asia(title.style), "方正小标宋简体")
        self.assertEqual(title.style.paragraph_format.alignment, WD_ALIGN_PARAGRAPH.CENTER)

    def test_the_body_is_3hao_fangsong_on_exact_grid_lines(self):
        body = next(p for p in self.report.paragraphs if p.text.startswith(self.period.name))
        style = body.style
        self.assertEqual(style.name, "公文正文")
        self.assertEqual(style.font.size, Pt(16))
        self.assertEqual(east_asia(style), "仿宋_GB2312")
        fmt = style.paragraph_format
        self.assertEqual(fmt.line_spacing_rule, WD_LINE_SPACING.EXACTLY)
        self.assertEqual(fmt.line_spacing.twips, 579)
        self.assertEqual(fmt.first_line_indent.twips, 640)  # two 16 pt characters
        self.assertEqual(style.element.pPr.find(W("w:ind")).get(W("w:firstLineChars")), "200")
        normal = self.report.styles["Normal"]
        self.assertEqual((normal.font.size, east_asia(normal)), (Pt(16), "仿宋_GB2312"))

    def test_headings_are_heiti_then_kaiti(self):
        first = next(p for p in self.report.paragraphs if p.text == "一、组织领导和责任落实")
        second = next(p for p in self.report.paragraphs if p.text == "（一）督查检查")
        self.assertEqual(east_asia(first.style), "黑体")
        self.assertEqual(east_asia(second.style), "楷体_GB2312")
        self.assertEqual(first.style.font.size, Pt(16))
        self.assertEqual(first.style.element.pPr.find(W("w:outlineLvl")).get(W("w:val")), "0")

    def test_page_numbers_are_a_page_field_between_em_dashes_outside(self):
        self.assertTrue(self.bulletin.settings.odd_and_even_pages_header_footer)
        section = self.bulletin.sections[0]
        for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
            paragraph = footer.paragraphs[0]
            self.assertEqual(paragraph.text, "— 1 —")
            instruction = paragraph._p.find(f".//{W('w:instrText')}")
            self.assertEqual(instruction.text.strip(), "PAGE")
            kinds = [f.get(W("w:fldCharType")) for f in paragraph._p.iter(W("w:fldChar"))]
            self.assertEqual(kinds, ["begin", "separate", "end"])
            self.assertEqual(paragraph.style.font.size, Pt(14))
            self.assertEqual(east_asia(paragraph.style), "宋体")
            self.assertEqual(paragraph.alignment, getattr(WD_ALIGN_PARAGRAPH, side.upper()))
        # The footer's line starts 7 mm under the text area: 35 − 23 mm less one 14 pt line.
        self.assertEqual(section.footer_distance.twips, 1304)

    def test_tables_are_155_mm_wide_with_fixed_columns_and_a_repeated_header(self):
        for table in self.bulletin.tables + self.report.tables:
            properties = table._tbl.tblPr
            width = properties.find(W("w:tblW"))
            self.assertEqual((width.get(W("w:w")), width.get(W("w:type"))), ("8787", "dxa"))
            self.assertEqual(properties.find(W("w:tblLayout")).get(W("w:type")), "fixed")
            grid = [int(c.get(W("w:w"))) for c in table._tbl.tblGrid.iter(W("w:gridCol"))]
            self.assertEqual(sum(grid), 8787)
            self.assertIsNotNone(table.rows[0]._tr.trPr.find(W("w:tblHeader")))
            self.assertEqual(table.rows[0].cells[0].paragraphs[0].style.name, "公文表头")

    def test_text_off_the_body_grid_does_not_snap_to_it(self):
        for name in ("公文标题", "公文表格", "公文表头", "公文插图", "公文页码"):
            snap = self.bulletin.styles[name].element.pPr.find(W("w:snapToGrid"))
            self.assertEqual(snap.get(W("w:val")), "0", name)

    def test_the_bulletin_masthead_is_red_over_a_red_line(self):
        head = self.bulletin.paragraphs[0]
        self.assertEqual(head.text, "创建全国文明城市督导通报")
        self.assertEqual(str(head.runs[0].font.color.rgb), "FF0000")
        line = self.bulletin.paragraphs[2]
        border = line._p.pPr.find(W("w:pBdr")).find(W("w:bottom"))
        self.assertEqual(border.get(W("w:color")), "FF0000")

    def test_chinese_numbers_and_figures_read_as_officials_write_them(self):
        self.assertEqual(
            [chinese_number(n) for n in (1, 10, 12, 20, 23)], ["一", "十", "十二", "二十", "二十三"]
        )
        self.assertEqual(
            [number_text(v) for v in ("97.50", "100.00", "66.67", None)],
            ["97.5", "100", "66.67", "—"],
        )
        self.assertEqual([signed(v) for v in ("1.50", "-2.00", "0.00")], ["+1.5", "-2", "0"])
