from django.test import override_settings

from civicgrid.cases.models import Rating
from civicgrid.public.satisfaction import Figure, satisfaction, satisfaction_rate
from civicgrid.public.tests.base import PublicTestCase


class SatisfactionRateTests(PublicTestCase):
    def rate(self, *levels):
        for level in levels:
            report = self.report().reports.get()
            Rating.objects.create(case=report.case, report=report, level=level)

    def test_no_ratings_give_no_rate_rather_than_zero(self):
        self.assertIsNone(satisfaction_rate(Rating.objects.all()))
        self.assertEqual(satisfaction(Rating.objects.all()), Figure(satisfied=0, total=0))

    def test_the_rate_is_the_share_at_or_above_the_threshold(self):
        self.rate(5, 4, 3, 2, 1)  # the default threshold is 3, 基本满意
        self.assertEqual(satisfaction_rate(Rating.objects.all()), 3 / 5)
        self.assertEqual(satisfaction(Rating.objects.all()).percent, "60")

    @override_settings(SATISFIED_MIN_LEVEL=4)
    def test_the_threshold_is_configurable(self):
        self.rate(5, 4, 3, 2)
        self.assertEqual(satisfaction_rate(Rating.objects.all()), 0.5)

    def test_a_threshold_can_be_passed_for_one_figure(self):
        self.rate(5, 4, 3)
        self.assertEqual(satisfaction_rate(Rating.objects.all(), min_level=5), 1 / 3)

    def test_the_rate_is_over_the_queryset_given(self):
        self.rate(5, 1, 1)
        self.assertEqual(satisfaction_rate(Rating.objects.filter(level__gte=5)), 1.0)

    def test_percent_keeps_one_decimal(self):
        self.assertEqual(Figure(satisfied=2, total=3).percent, "66.7")
        self.assertEqual(Figure(satisfied=0, total=0).percent, "")
