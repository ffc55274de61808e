"""Charts for documents, drawn as PNG images with Pillow (no plotting library).

Chinese labels need a CJK font: the first of FONT_FILES that exists, else the first file
under /usr/share/fonts whose name says wqy or CJK. Debian's fonts-wqy-microhei (which the
Makefile installs with chromium) and Noto CJK are both found. Without one the bars are
labelled by rank ("#1", "#2", …), which the ranking table beside the chart names.
"""

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
FONT_DIR = "/usr/share/fonts"
FONT_PATTERNS = ("*wqy*.tt[cf]", "*CJK*.tt[cf]", "*CJK*.otf")

# Drawn at 12 px a millimetre (about 300 dpi) for a chart 150 mm wide.
WIDTH, ROW, PAD, LABELS, FONT_PX = 1800, 84, 40, 360, 44
BAR, GRID, TEXT = (47, 85, 151), (210, 210, 210), (0, 0, 0)


@dataclass(frozen=True)
class Bar:
    rank: int
    label: str
    value: Decimal


def cjk_font() -> str | None:
    """The path of a font with Chinese glyphs, or None."""
    for path in FONT_FILES:
        if Path(path).is_file():
            return path
    root = Path(FONT_DIR)
    for pattern in FONT_PATTERNS:
        found = sorted(root.rglob(pattern)) if root.is_dir() else []
        if found:
            return str(found[0])
    return None


def labels(bars: list[Bar], has_cjk: bool) -> list[str]:
    """What each bar is called: its name, or its rank when Chinese cannot be drawn."""
    return [bar.label if has_cjk else f"#{bar.rank}" for bar in bars]


def _font(path: str | None, size: int):
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _fit(draw, text: str, font, width: int) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def bar_chart(bars: list[Bar], maximum: int = 100) -> bytes:
    """Horizontal bars in the given order, a value scale from 0 to `maximum` below."""
    path = cjk_font()
    font = _font(path, FONT_PX)
    height = PAD * 2 + ROW * max(len(bars), 1) + FONT_PX * 2
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    left, right = LABELS + PAD, WIDTH - PAD * 5
    span = right - left
    bottom = PAD + ROW * len(bars)
    for tick in range(0, maximum + 1, maximum // 5 or 1):
        x = left + span * tick // maximum
        draw.line([(x, PAD), (x, bottom)], fill=GRID, width=2)
        draw.text((x, bottom + 8), str(tick), fill=TEXT, font=font, anchor="ma")
    for n, (bar, label) in enumerate(zip(bars, labels(bars, path is not None), strict=True)):
        top = PAD + ROW * n
        middle = top + ROW // 2
        text = _fit(draw, label, font, LABELS - 12)
        draw.text((LABELS, middle), text, fill=TEXT, font=font, anchor="rm")
        length = int(span * min(max(float(bar.value), 0), maximum) / maximum)
        draw.rectangle([(left, top + 14), (left + length, top + ROW - 14)], fill=BAR)
        value = f"{bar.value:.2f}".rstrip("0").rstrip(".")
        draw.text((left + length + 10, middle), value, fill=TEXT, font=font, anchor="lm")
    draw.line([(left, PAD), (left, bottom)], fill=TEXT, width=2)
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
