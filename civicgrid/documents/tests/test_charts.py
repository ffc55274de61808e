"""The ranking chart: a PNG drawn with Pillow, Chinese labels when a CJK font is found."""

from decimal import Decimal
from io import BytesIO
from unittest import TestCase, mock

from PIL import Image

from civicgrid.documents import charts

BARS = [charts.Bar(1, "幸福社区", Decimal("92.5")), charts.Bar(2, "和平社区", Decimal("61"))]


class ChartTests(TestCase):
    def test_a_cjk_font_is_found_where_debian_installs_it(self):
        path = charts.cjk_font()
        if path is None:
            self.skipTest("no CJK font on this machine (fonts-wqy-microhei)")
        self.assertRegex(path.lower(), r"wqy|cjk")

    def test_bars_are_named_when_chinese_can_be_drawn_and_ranked_when_not(self):
        self.assertEqual(charts.labels(BARS, has_cjk=True), ["幸福社区", "和平社区"])
        self.assertEqual(charts.labels(BARS, has_cjk=False), ["#1", "#2"])

    def test_the_chart_is_a_print_sized_png_with_a_row_per_bar(self):
        image = Image.open(BytesIO(charts.bar_chart(BARS)))
        self.assertEqual((image.format, image.width), ("PNG", charts.WIDTH))
        taller = Image.open(BytesIO(charts.bar_chart(BARS * 3)))
        self.assertEqual(taller.height - image.height, 4 * charts.ROW)

    def test_without_a_cjk_font_the_chart_is_still_drawn(self):
        with mock.patch.object(charts, "cjk_font", return_value=None):
            image = Image.open(BytesIO(charts.bar_chart(BARS)))
        self.assertEqual(image.format, "PNG")
