"""The one document builder: Word files laid out as official documents (GB/T 9704-2012).

Page: A4, 210 × 297 mm; margins top 37, bottom 35, left 28, right 26 mm, which leave the
standard's text area (版心) of 156 × 225 mm. Word keeps lengths in twips (1/20 pt,
1/1440 inch), each rounded to the nearest twip:

    page       11906 × 16838 twips
    margins    top 2098, bottom 1984, left 1587, right 1474
    text area  8845 × 12756 twips (156.0 × 225.0 mm)

Grid: 22 lines of 28 characters.
    line pitch = 12756 // 22 = 579 twips = 28.95 pt (22 lines take 12738 of the 12756
                 twips); body paragraphs have exactly this line spacing.
    char pitch = 8845 / 28 = 315.9 twips = 15.79 pt. Word writes it as the difference from
                 the 16 pt body size in 1/4096 pt: charSpace = floor(−0.205 × 4096) = −842,
                 so 28 characters take 442.24 of the 442.25 pt.
    Both go in the section's <w:docGrid w:type="linesAndChars" w:linePitch="579"
    w:charSpace="-842"/> (Word: 页面设置 › 文档网格 › 指定行和字符网格, 每行 28 字, 每页 22 行).
    Body characters are also condensed by 0.25 pt (w:spacing −5, the twentieth of a point
    at or below −0.205): a 16 pt character is wider than the 15.79 pt cell, and renderers
    that do not shrink it to the grid as Word and WPS do (LibreOffice) would give it two
    cells; condensed, it fits one there too, and Word still sets 28 to a line.

Fonts, each East Asian font set in w:eastAsia (the font Word uses for Chinese), digits and
Latin letters of body and tables in Times New Roman:
    masthead (版头)   方正小标宋简体, red, at most 36 pt, smaller when the name is long
    title             2号 22 pt 方正小标宋简体, centred
    body              3号 16 pt 仿宋_GB2312, justified, first line indented two characters
    heading 1 (一、)  3号 黑体; heading 2 (（一）) 3号 楷体_GB2312, indented like the body
    tables            小四 12 pt 仿宋_GB2312, header row 黑体, single line spacing
    page number       4号 14 pt 宋体, "— 1 —": odd pages right and even pages left, one
                      character in from the edge. The footer sits 23 mm from the page edge,
                      so the 14 pt line's top lies 7 mm below the text area (35 − 7 − 4.9).
Text that is not on the body grid (title, tables, pictures, page numbers) is taken off it
(w:snapToGrid 0), or Word would stretch it to the 15.79 pt character cells.

Tables are 155 mm wide, 1 mm inside the text width for their borders, centred, with
fixed column widths and the header row repeated on each page.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from PIL import Image, ImageOps, UnidentifiedImageError


def mm(value: float) -> int:
    """Millimetres in twips, rounded."""
    return round(value * 1440 / 25.4)


PAGE_WIDTH, PAGE_HEIGHT = mm(210), mm(297)
TOP, BOTTOM, LEFT, RIGHT = mm(37), mm(35), mm(28), mm(26)
HEADER, FOOTER = mm(15), mm(23)
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
TEXT_HEIGHT = PAGE_HEIGHT - TOP - BOTTOM
LINES, CHARS = 22, 28
BODY_PT = 16
LINE_PITCH = TEXT_HEIGHT // LINES
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARS - BODY_PT) * 4096)
CONDENSE = math.floor((TEXT_WIDTH / 20 / CHARS - BODY_PT) * 20)  # twentieths of a point
TABLE_WIDTH = mm(155)
# Word's 指定行和字符网格. LibreOffice 7 spaces characters unevenly in this mode; "lines"
# would suit it, and the condensed body (CONDENSE) still sets 28 characters to a line.
GRID_TYPE = "linesAndChars"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_PT, TABLE_PT, PAGE_NUMBER_PT, MASTHEAD_PT = 22, 12, 14, 36
RED = RGBColor(0xFF, 0x00, 0x00)
EM_DASH = "\u2014"

CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT_ALIGN, RIGHT_ALIGN = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT

# The order of w:pPr's children (ECMA-376), for properties python-docx has no setter for.
PPR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]


@dataclass(frozen=True)
class Look:
    """How one paragraph style looks."""

    font: str
    size: float = BODY_PT
    latin: str = LATIN_FONT
    align: WD_ALIGN_PARAGRAPH = JUSTIFY
    indent_chars: int = 0  # first-line indent in characters
    on_grid: bool = True  # exact grid line spacing; off: single spacing, off the grid
    outline: int | None = None
    keep_next: bool = False
    space_after: int = 0  # twips


# name Word shows: (style id, look)
STYLES = {
    "公文标题": (
        "GwTitle",
        Look(TITLE_FONT, TITLE_PT, TITLE_FONT, CENTER, on_grid=False, space_after=LINE_PITCH),
    ),
    "公文正文": ("GwBody", Look(BODY_FONT, indent_chars=2)),
    "公文一级标题": (
        "GwHeading1",
        Look(HEADING1_FONT, latin=HEADING1_FONT, indent_chars=2, outline=0, keep_next=True),
    ),
    "公文二级标题": (
        "GwHeading2",
        Look(HEADING2_FONT, latin=HEADING2_FONT, indent_chars=2, outline=1, keep_next=True),
    ),
    "公文居中": ("GwCentered", Look(BODY_FONT, align=CENTER)),
    "公文落款": ("GwSignature", Look(BODY_FONT, align=RIGHT_ALIGN)),
    "公文版头": (
        "GwMasthead",
        Look(TITLE_FONT, MASTHEAD_PT, TITLE_FONT, CENTER, on_grid=False, keep_next=True),
    ),
    "公文表格": ("GwTableText", Look(BODY_FONT, TABLE_PT, align=CENTER, on_grid=False)),
    "公文表头": (
        "GwTableHead",
        Look(HEADING1_FONT, TABLE_PT, HEADING1_FONT, CENTER, on_grid=False, keep_next=True),
    ),
    "公文插图": ("GwFigure", Look(BODY_FONT, align=CENTER, on_grid=False, keep_next=True)),
    "公文图注": (
        "GwCaption",
        Look(HEADING2_FONT, PAGE_NUMBER_PT, HEADING2_FONT, CENTER, on_grid=False),
    ),
    "公文页码": (
        "GwPageNumber",
        Look(PAGE_NUMBER_FONT, PAGE_NUMBER_PT, PAGE_NUMBER_FONT, on_grid=False),
    ),
}

HEADINGS = {1: "公文一级标题", 2: "公文二级标题"}


def set_fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a w:rPr; theme fonts are dropped, as Word would prefer them."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for key, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        fonts.set(qn(f"w:{key}"), name)


# The order of w:rPr's children after w:spacing, for inserting it.
AFTER_SPACING = [
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
]


def condense(rpr, twentieths: int) -> None:
    """Character spacing (w:spacing) of a w:rPr, in twentieths of a point."""
    old = rpr.find(qn("w:spacing"))
    if old is not None:
        rpr.remove(old)
    element = OxmlElement("w:spacing")
    element.set(qn("w:val"), str(twentieths))
    rpr.insert_element_before(element, *AFTER_SPACING)


def _set_ppr(ppr, tag: str, **attributes) -> None:
    """Set a w:pPr child python-docx has no property for, in schema order."""
    old = ppr.find(qn(tag))
    if old is not None:
        ppr.remove(old)
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), str(value))
    ppr.insert_element_before(element, *PPR_ORDER[PPR_ORDER.index(tag) + 1 :])


def _style(styles, name: str, style_id: str, look: Look):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(look.size)
    set_fonts(style.element.get_or_add_rPr(), look.font, look.latin)
    fmt = style.paragraph_format
    fmt.alignment = look.align
    fmt.space_before, fmt.space_after = Twips(0), Twips(look.space_after)
    fmt.keep_with_next = look.keep_next
    if look.on_grid:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Twips(LINE_PITCH)
    else:
        fmt.line_spacing = 1.0
        _set_ppr(style.element.get_or_add_pPr(), "w:snapToGrid", val=0)
        condense(style.element.rPr, 0)
    ppr = style.element.get_or_add_pPr()
    if look.indent_chars:
        fmt.first_line_indent = Twips(look.indent_chars * look.size * 20)
        ppr.get_or_add_ind().set(qn("w:firstLineChars"), str(look.indent_chars * 100))
    if look.outline is not None:
        _set_ppr(ppr, "w:outlineLvl", val=look.outline)
    return style


def _defaults(document) -> None:
    """Document defaults and Normal: body font and size, no space between paragraphs."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    condense(normal.element.rPr, CONDENSE)
    fmt = normal.paragraph_format
    fmt.alignment = JUSTIFY
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Twips(LINE_PITCH)
    fmt.space_after = Twips(0)


def _page(section) -> None:
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(TOP), Twips(BOTTOM)
    section.left_margin, section.right_margin = Twips(LEFT), Twips(RIGHT)
    section.header_distance, section.footer_distance = Twips(HEADER), Twips(FOOTER)
    section.gutter = Twips(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), GRID_TYPE)
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def add_field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES…) showing `shown` until Word updates it."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        elif kind == "text":
            run.text = shown
            continue
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _page_number(footer, align) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.style = "公文页码"
    paragraph.alignment = align
    one_char = Twips(PAGE_NUMBER_PT * 20)
    if align == RIGHT_ALIGN:
        paragraph.paragraph_format.right_indent = one_char
    else:
        paragraph.paragraph_format.left_indent = one_char
    paragraph.add_run(f"{EM_DASH} ")
    add_field(paragraph, "PAGE", "1")
    paragraph.add_run(f" {EM_DASH}")


# --- text helpers ------------------------------------------------------------------------

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals, as headings count: 一, 十, 十二, 二十, 二十三."""
    tens, ones = divmod(n, 10)
    if not tens:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return f"{head}十{DIGITS[ones] if ones else ''}"


def chinese_date(day) -> str:
    """成文日期 in Arabic numerals, no leading zeros: 2026年11月30日."""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def month_day(day) -> str:
    return _("%(m)s月%(d)s日") % {"m": day.month, "d": day.day}


def number_text(value) -> str:
    """A figure without trailing zeros (97.50 → 97.5, 100.00 → 100); "—" for none."""
    if value is None:
        return EM_DASH
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent(value) -> str:
    return EM_DASH if value is None else f"{number_text(value)}%"


def signed(value) -> str:
    """A change against the last period: +1.5, -2, 0; "—" when there is nothing to compare."""
    if value is None:
        return EM_DASH
    text = number_text(value)
    return f"+{text}" if Decimal(value) > 0 else text


# --- pictures ----------------------------------------------------------------------------

MAX_PIXELS = 1200


@dataclass(frozen=True)
class Picture:
    """An image ready to place: JPEG or PNG bytes and its size on the page, in twips."""

    data: bytes
    width: int
    height: int


def fit_picture(raw: bytes, max_width: int, max_height: int) -> Picture | None:
    """Shrink an image to fit a box (twips), keeping its shape; None if it is no image."""
    try:
        with Image.open(BytesIO(raw)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    image.thumbnail((MAX_PIXELS, MAX_PIXELS))
    scale = min(max_width / image.width, max_height / image.height)
    out = BytesIO()
    image.save(out, "JPEG", quality=85)
    return Picture(out.getvalue(), int(image.width * scale), int(image.height * scale))


@dataclass
class PhotoRow:
    """One row of a photo table: a caption over two pictures (or the text for a missing one)."""

    caption: str
    left: Picture | None
    right: Picture | None
    left_missing: str = ""
    right_missing: str = ""


# --- the document ------------------------------------------------------------------------

# The box a photo must fit in a two-column photo table: half the table less Word's cell
# margins (108 twips each side) and a little air; 50 mm high, so four rows fill a page.
PHOTO_WIDTH = TABLE_WIDTH // 2 - 2 * 108 - 40
PHOTO_HEIGHT = mm(50)
KEEP_ROWS = 15


def _row(table, widths: list[int], values, style: str = "公文表格"):
    row = table.add_row()
    for cell, twips, value in zip(row.cells, widths, values, strict=True):
        cell.width = Twips(twips)
        cell.paragraphs[0].style = style
        cell.paragraphs[0].text = "" if value is None else str(value)
    return row


class OfficialDocument:
    """A Word document in the official layout; add parts in reading order, then `save`."""

    def __init__(self, title: str, author: str = ""):
        self.doc = WordDocument()
        _defaults(self.doc)
        for name, (style_id, look) in STYLES.items():
            _style(self.doc.styles, name, style_id, look)
        section = self.doc.sections[0]
        _page(section)
        self.doc.settings.odd_and_even_pages_header_footer = True
        _page_number(section.footer, RIGHT_ALIGN)
        _page_number(section.even_page_footer, LEFT_ALIGN)
        self.doc.core_properties.title = title
        self.doc.core_properties.author = author
        self.figures = 0
        self.sections = self.subsections = 0

    def _paragraph(self, text: str, style: str):
        return self.doc.add_paragraph(text, style=style)

    def masthead(self, name: str, number: str, issuer: str, date) -> None:
        """The bulletin's head: its name in red, the issue number, issuer and date over a red line."""
        head = self._paragraph(name, "公文版头")
        size = min(MASTHEAD_PT, max(TITLE_PT, TEXT_WIDTH // 20 // max(len(name), 1)))
        for run in head.runs:
            run.font.size, run.font.color.rgb = Pt(size), RED
        self._paragraph(number, "公文居中")
        line = self._paragraph(f"{issuer}\t{chinese_date(date)}", "公文居中")
        line.alignment = LEFT_ALIGN
        line.paragraph_format.space_after = Twips(LINE_PITCH)
        line.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
        _set_ppr(line._p.get_or_add_pPr(), "w:pBdr")
        border = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", "FF0000")):
            border.set(qn(f"w:{key}"), value)
        line._p.pPr.find(qn("w:pBdr")).append(border)

    def title(self, text: str) -> None:
        self._paragraph(text, "公文标题")

    def heading(self, text: str, level: int = 1) -> None:
        self._paragraph(text, HEADINGS[level])

    def section(self, text: str) -> None:
        """A first-level heading numbered 一、二、…"""
        self.sections, self.subsections = self.sections + 1, 0
        self.heading(f"{chinese_number(self.sections)}、{text}")

    def subsection(self, text: str) -> None:
        """A second-level heading numbered （一）（二）… within its section."""
        self.subsections += 1
        self.heading(f"（{chinese_number(self.subsections)}）{text}", 2)

    def paragraph(self, text: str, keep_with_next: bool = False) -> None:
        """A body paragraph; `keep_with_next` for one that introduces a table or picture."""
        paragraph = self._paragraph(text, "公文正文")
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True

    def placeholder(self, prompt: str) -> None:
        """A highlighted 【请填写：…】 paragraph for the author to replace."""
        paragraph = self._paragraph("", "公文正文")
        run = paragraph.add_run(_("【请填写：%(prompt)s】") % {"prompt": prompt})
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def signature(self, issuer: str, date) -> None:
        """落款: the issuer and the date, right-aligned, after an empty line."""
        self._paragraph("", "公文正文")
        for text in (issuer, chinese_date(date)):
            paragraph = self._paragraph(text, "公文落款")
            paragraph.paragraph_format.right_indent = Twips(4 * BODY_PT * 20)

    def _table(self, columns: list[float], header: list[str]):
        """A table as wide as TABLE_WIDTH, columns in proportion to `columns`; returns the
        table and its column widths in twips."""
        total = sum(columns)
        widths = [int(TABLE_WIDTH * c / total) for c in columns]
        widths[-1] = TABLE_WIDTH - sum(widths[:-1])
        table = self.doc.add_table(rows=0, cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        width = table._tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(TABLE_WIDTH))
        width.set(qn("w:type"), "dxa")
        for column, twips in zip(table.columns, widths, strict=True):
            column.width = Twips(twips)
        row = _row(table, widths, header, "公文表头")
        trpr = row._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader"):
            trpr.append(OxmlElement(tag))
        return table, widths

    def table(self, header: list[str], rows: list[list], columns: list[float]):
        """A table of text: `columns` are relative widths; the header repeats on each page,
        and a table of up to KEEP_ROWS rows is kept on one page."""
        table, widths = self._table(columns, header)
        for values in rows:
            row = _row(table, widths, values)
            if len(rows) <= KEEP_ROWS:
                for cell in row.cells:
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
        if len(rows) <= KEEP_ROWS:  # the last row need not keep with what follows
            for cell in table.rows[-1].cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = None
        self._gap()
        return table

    def photo_table(self, header: tuple[str, str], rows: list[PhotoRow]):
        """Two pictures a row (before and after), each under a caption across both columns.
        Pictures should fit PHOTO_WIDTH × PHOTO_HEIGHT (`fit_picture`)."""
        table, widths = self._table([1, 1], list(header))
        for item in rows:
            caption = _row(table, widths, [item.caption, ""])
            merged = caption.cells[0].merge(caption.cells[1])
            for extra in merged.paragraphs[1:]:  # the second cell's empty paragraph
                extra._p.getparent().remove(extra._p)
            merged.paragraphs[0].alignment = LEFT_ALIGN
            merged.paragraphs[0].paragraph_format.keep_with_next = True
            pictures = _row(table, widths, ["", ""])
            pictures._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            sides = ((item.left, item.left_missing), (item.right, item.right_missing))
            for cell, (picture, missing) in zip(pictures.cells, sides, strict=True):
                if picture is None:
                    cell.paragraphs[0].text = missing
                    continue
                run = cell.paragraphs[0].add_run()
                run.add_picture(BytesIO(picture.data), Twips(picture.width), Twips(picture.height))
        self._gap()
        return table

    def _gap(self) -> None:
        """An empty line after a table: it keeps the next table apart and the text clear."""
        self.doc.add_paragraph(style="公文插图")

    def figure(self, png: bytes, caption: str, width: int = mm(150)) -> None:
        """A picture across the text width, numbered "图1" with its caption below."""
        self.figures += 1
        paragraph = self.doc.add_paragraph(style="公文插图")
        paragraph.add_run().add_picture(BytesIO(png), width=Twips(width))
        label = _("图%(n)s %(caption)s") % {"n": self.figures, "caption": caption}
        self._paragraph(label, "公文图注")

    def save(self) -> bytes:
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()
