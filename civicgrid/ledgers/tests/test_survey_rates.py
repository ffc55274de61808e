from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from civicgrid.ledgers.demo_surveys import QUESTIONS, RESPONSES, demo_surveys
from civicgrid.ledgers.models import Response, Survey
from civicgrid.ledgers.survey_results import percent, question_rates, rate
from civicgrid.ledgers.tests.survey_base import SurveyTestCase


class RateDefinitionTests(SurveyTestCase):
    def test_a_single_choice_counts_when_the_option_is_marked(self):
        self.respond(q_known="知道")
        self.respond(q_known="知道")
        self.respond(q_known="不知道")
        self.assertEqual(rate(self.survey, "aware"), Decimal("66.7"))

    def test_a_multiple_choice_counts_when_any_chosen_option_is_marked(self):
        self.respond(q_topics=["不清楚", "交通秩序"])
        self.respond(q_topics=["不清楚"])
        self.assertEqual(rate(self.survey, "aware"), Decimal("50.0"))

    def test_a_rating_counts_at_or_above_the_marked_threshold(self):
        for score in (5, 4, 3, 1):
            self.respond(q_clean=score)
        self.assertEqual(rate(self.survey, "satisfied"), Decimal("50.0"))

    def test_a_respondent_scores_the_share_of_their_marked_answers_that_count(self):
        self.respond(q_known="知道", q_topics=["不清楚"])  # 1 of 2
        self.respond(q_known="知道", q_topics=["环境卫生"])  # 2 of 2
        self.assertEqual(rate(self.survey, "aware"), Decimal("75.0"))

    def test_unanswered_questions_are_left_out_of_the_respondents_share(self):
        self.respond(q_known="知道")  # did not answer q_topics: 1 of 1, not 1 of 2
        self.respond(q_known="不知道", q_topics=[])
        self.assertEqual(rate(self.survey, "aware"), Decimal("50.0"))

    def test_respondents_who_answered_no_marked_question_are_not_counted(self):
        self.respond(q_known="知道")
        self.respond(q_clean=5, q_advice="很好")  # no awareness question answered
        self.assertEqual(rate(self.survey, "aware"), Decimal("100.0"))
        self.assertEqual(rate(self.survey, "satisfied"), Decimal("100.0"))

    def test_no_respondents_give_none_rather_than_zero(self):
        self.assertIsNone(rate(self.survey, "aware"))
        self.respond(q_advice="只写了建议")
        self.assertIsNone(rate(self.survey, "satisfied"))

    def test_nobody_aware_is_zero_not_none(self):
        self.respond(q_known="不知道")
        self.assertEqual(rate(self.survey, "aware"), Decimal("0.0"))

    def test_text_answers_never_count_even_if_marked(self):
        self.q_advice.aware_answers = ["知道"]
        self.q_advice.save()
        self.respond(q_advice="知道")
        self.assertIsNone(rate(self.survey, "aware"))

    def test_answers_saved_as_strings_and_numbers_compare_alike(self):
        self.respond(q_clean="4")
        self.assertEqual(rate(self.survey, "satisfied"), Decimal("100.0"))

    def test_rates_are_percentages_rounded_half_up_to_one_decimal(self):
        self.assertEqual(percent(1, 16), Decimal("6.3"))
        self.assertEqual(percent(1, 3), Decimal("33.3"))
        self.assertEqual(percent(3, 3), Decimal("100.0"))
        self.assertIsNone(percent(0, 0))

    def test_an_unknown_kind_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            rate(self.survey, "supported")


class RateNarrowingTests(SurveyTestCase):
    def test_an_area_narrows_to_the_communities_inside_it(self):
        self.respond(community=0, q_known="知道")
        self.respond(community=1, q_known="不知道")
        self.assertEqual(rate(self.survey, "aware", area=self.demo.community(0)), Decimal("100.0"))
        self.assertEqual(rate(self.survey, "aware", area=self.demo.community(1)), Decimal("0.0"))
        self.assertEqual(rate(self.survey, "aware", area=self.street), Decimal("50.0"))

    def test_a_grid_matches_no_response(self):
        self.respond(community=0, q_known="知道")
        self.assertIsNone(rate(self.survey, "aware", area=self.demo.grid(0, 0)))

    def test_start_and_end_are_dates_both_included(self):
        day = datetime(2026, 3, 10, 23, 30, tzinfo=timezone.get_current_timezone())
        for offset, known in [(-1, "不知道"), (0, "知道"), (1, "知道"), (2, "不知道")]:
            row = self.respond(q_known=known)
            Response.objects.filter(pk=row.pk).update(submitted_at=day + timedelta(days=offset))
        start, end = day.date(), day.date() + timedelta(days=1)
        self.assertEqual(rate(self.survey, "aware", start=start, end=end), Decimal("100.0"))
        self.assertEqual(rate(self.survey, "aware", end=start), Decimal("50.0"))

    def test_other_surveys_answers_do_not_count(self):
        other = Survey.objects.create(title="另一份", street=self.street, slug="other")
        Response.objects.create(survey=other, answers={str(self.q_known.pk): "不知道"})
        self.respond(q_known="知道")
        self.assertEqual(rate(self.survey, "aware"), Decimal("100.0"))


class QuestionRateTests(SurveyTestCase):
    def test_each_question_has_its_rates_over_those_who_answered_it(self):
        self.respond(q_known="知道", q_clean=5)
        self.respond(q_known="不知道", q_clean=2)
        self.respond(q_known="知道")
        known, topics, clean, facilities, advice = question_rates(self.survey)
        self.assertEqual((known.answered, known.aware_rate), (3, Decimal("66.7")))
        self.assertIsNone(known.satisfied_rate)  # not marked for satisfaction
        self.assertEqual((clean.answered, clean.satisfied_rate), (2, Decimal("50.0")))
        self.assertEqual((topics.answered, topics.aware_rate), (0, None))

    def test_options_are_counted_in_the_questions_order(self):
        self.respond(q_topics=["交通秩序", "环境卫生"])
        self.respond(q_topics=["环境卫生"])
        topics = question_rates(self.survey)[1]
        self.assertEqual(
            topics.option_rows(),
            [
                ("环境卫生", 2, Decimal("100.0")),
                ("交通秩序", 1, Decimal("50.0")),
                ("不清楚", 0, Decimal("0.0")),
            ],
        )

    def test_ratings_are_counted_per_score(self):
        self.respond(q_clean=5)
        self.respond(q_clean=5)
        self.respond(q_clean=3)
        clean = question_rates(self.survey)[2]
        self.assertEqual([n for _, n, _ in clean.option_rows()], [0, 0, 1, 0, 2])

    def test_text_answers_are_listed(self):
        self.respond(q_advice="路灯坏了")
        self.respond(q_advice="")
        advice = question_rates(self.survey)[4]
        self.assertEqual((advice.answered, advice.texts), (1, ["路灯坏了"]))


class DemoSurveyTests(SurveyTestCase):
    def test_the_demo_survey_has_its_questions_and_answers_over_recent_weeks(self):
        now = timezone.now()
        survey = demo_surveys(self.demo, now=now)
        self.assertEqual(survey.questions.count(), len(QUESTIONS))
        self.assertEqual(survey.responses.count(), RESPONSES)
        communities = set(survey.responses.values_list("community", flat=True))
        self.assertEqual(communities, {c.pk for c in self.demo.communities})
        oldest = survey.responses.order_by("submitted_at").first().submitted_at
        self.assertGreater(oldest, now - timedelta(weeks=9))
        self.assertFalse(survey.responses.filter(submitted_at__gt=now).exists())
        for kind in ("aware", "satisfied"):
            self.assertTrue(Decimal(40) < rate(survey, kind) < Decimal(95), kind)

    def test_the_demo_survey_is_made_once_and_the_same_each_time(self):
        now = timezone.now()
        first = demo_surveys(self.demo, now=now)
        before = snapshot(first)
        self.assertEqual(demo_surveys(self.demo, now=now).pk, first.pk)
        self.assertEqual(first.responses.count(), RESPONSES)
        first.delete()
        self.assertEqual(snapshot(demo_surveys(self.demo, now=now)), before)


def snapshot(survey) -> list:
    """The answers by question order, with when and where: what must not vary between runs."""
    order = {str(q.pk): q.order for q in survey.questions.all()}
    rows = survey.responses.order_by("pk").values_list("answers", "submitted_at", "community")
    return [
        (sorted((order[key], value) for key, value in answers.items()), at, community)
        for answers, at, community in rows
    ]
