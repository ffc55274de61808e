from decimal import Decimal

from django.test import SimpleTestCase

from civicgrid.campaigns.models import Indicator
from civicgrid.inspections.scoring import item_score, site_score

D = Decimal


def item(points, per_count=None, negative="", negative_value=None):
    return Indicator(
        points=D(points),
        deduction_per_count=None if per_count is None else D(per_count),
        negative=negative,
        negative_value=None if negative_value is None else D(negative_value),
    )


class ScoringTests(SimpleTestCase):
    def test_a_pass_and_a_not_applicable_item_keep_their_points(self):
        self.assertEqual(item_score(item(10), "pass"), D(10))
        self.assertEqual(item_score(item(10), "na"), D(10))

    def test_a_failure_loses_all_points_unless_deducted_by_count(self):
        self.assertEqual(item_score(item(10), "fail"), D(0))
        self.assertEqual(item_score(item(10, per_count=2), "fail", 3), D(4))

    def test_deductions_never_go_below_zero(self):
        self.assertEqual(item_score(item(10, per_count=4), "fail", 5), D(0))

    def test_a_site_score_adds_items_and_gives_a_percentage(self):
        # 10 - 2×3 = 4, plus 5 (pass), plus 0 (fail) = 9 of 20 = 45 %
        score = site_score([(item(10, 2), "fail", 3), (item(5), "pass", 0), (item(5), "fail", 0)])
        self.assertEqual(
            (score.score, score.max_score, score.percentage), (D("9.00"), D(20), D("45.00"))
        )

    def test_not_applicable_leaves_the_maximum(self):
        score = site_score([(item(10), "na", 0), (item(10), "fail", 0)])
        self.assertEqual(score.percentage, D("50.00"))

    def test_a_failed_negative_item_costs_extra_points(self):
        # 20 of 20, then the negative item's failure costs 5 more: 15 of 20 = 75 %
        score = site_score(
            [(item(20), "pass", 0), (item(0, negative="deduct", negative_value=5), "fail", 0)]
        )
        self.assertEqual((score.score, score.percentage), (D("15.00"), D("75.00")))

    def test_a_failed_capping_item_caps_the_percentage(self):
        score = site_score(
            [(item(20), "pass", 0), (item(0, negative="cap", negative_value=60), "fail", 0)]
        )
        self.assertEqual(
            (score.score, score.percentage, score.capped), (D("12.00"), D("60.00"), True)
        )

    def test_a_cap_above_the_score_changes_nothing(self):
        score = site_score(
            [
                (item(10), "fail", 0),
                (item(10), "pass", 0),
                (item(0, negative="cap", negative_value=60), "fail", 0),
            ]
        )
        self.assertEqual((score.percentage, score.capped), (D("50.00"), False))

    def test_a_site_with_nothing_to_score_has_no_percentage(self):
        self.assertIsNone(site_score([]).percentage)

    def test_thirds_round_to_the_cent(self):
        score = site_score([(item(1), "pass", 0), (item(1), "fail", 0), (item(1), "fail", 0)])
        self.assertEqual(score.percentage, D("33.33"))
