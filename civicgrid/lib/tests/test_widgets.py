from django import forms
from django.test import SimpleTestCase

from civicgrid.lib.widgets import QuickSelect

CHOICES = [("", "全部"), ("open", "办理中"), ("a&b", "<甲>"), (7, "七")]


class QuickSelectTests(SimpleTestCase):
    def assert_same_as_django(self, value, attrs=None):
        quick = QuickSelect(choices=CHOICES).render("state", value, attrs)
        django = forms.Select(choices=CHOICES).render("state", value, attrs)
        self.assertHTMLEqual(quick, django)
        return quick

    def test_it_draws_what_djangos_select_draws_for_every_value(self):
        for value in (None, "", "open", "a&b", 7, "7", "unknown"):
            with self.subTest(value=value):
                self.assert_same_as_django(value, {"id": "id_state", "aria-invalid": "true"})

    def test_labels_and_values_are_escaped(self):
        html = self.assert_same_as_django("a&b")
        self.assertIn('value="a&amp;b" selected', html)
        self.assertIn("&lt;甲&gt;", html)

    def test_option_groups_are_refused_rather_than_drawn_wrong(self):
        grouped = QuickSelect(choices=[("组", [("x", "X")])])
        with self.assertRaises(ValueError):
            grouped.render("g", None)
