from django.test import override_settings

from civicgrid.cases import workflow
from civicgrid.cases.models import Rating, State
from civicgrid.people.authz import Authz
from civicgrid.public.tests.base import PublicTestCase


def actions(case, user) -> list[str]:
    return [step.action for step in workflow.available_steps(case, Authz(user))]


class RatingTests(PublicTestCase):
    def setUp(self):
        super().setUp()
        self.mine = self.resident_report()
        self.case = self.mine.case

    def rate(self, level, comment=""):
        return self.client.post(
            f"/p/t/{self.mine.token}/rate", {"level": level, "comment": comment}
        )

    def test_an_open_case_cannot_be_rated_yet(self):
        self.assertNotContains(self.client.get(self.track_url(self.mine)), "评价办理结果")
        self.assertEqual(self.rate(5).status_code, 409)
        self.assertFalse(Rating.objects.exists())

    def test_after_closure_the_resident_rates_once(self):
        self.close(self.case)
        self.assertContains(self.client.get(self.track_url(self.mine)), "非常不满意")
        response = self.rate(4, "清理得很干净")
        self.assertRedirects(response, self.track_url(self.mine))
        rating = Rating.objects.get()
        self.assertEqual((rating.case, rating.report, rating.level), (self.case, self.mine, 4))
        page = self.client.get(self.track_url(self.mine))
        self.assertContains(page, "您的评价")
        self.assertContains(page, "清理得很干净")
        self.assertNotContains(page, "提交评价")

    def test_a_second_rating_is_refused(self):
        self.close(self.case)
        self.rate(5)
        response = self.rate(1, "改主意了")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(list(Rating.objects.values_list("level", flat=True)), [5])

    def test_a_level_outside_the_five_is_refused(self):
        self.close(self.case)
        self.assertContains(self.rate(7), "请从五个满意程度中选择一个", status_code=400)
        self.assertFalse(Rating.objects.exists())


class UnsatisfiedListTests(PublicTestCase):
    url = "/p/staff/unsatisfied"

    def rated(self, level, comment=""):
        mine = self.resident_report()
        self.close(mine.case)
        return Rating.objects.create(case=mine.case, report=mine, level=level, comment=comment)

    def test_only_people_who_approve_steps_see_the_list(self):
        self.assert_access(self.url, allowed=[self.paiqian], forbidden=[self.duban1, self.wangge01])

    def test_an_unsatisfied_rating_waits_for_the_dispatchers_review_with_a_link_to_the_case(self):
        bad = self.rated(2, "垃圾又堆起来了")
        self.rated(5)
        self.login(self.paiqian)
        response = self.client.get(self.url)
        self.assertEqual([r.pk for r in response.context["ratings"]], [bad.pk])
        self.assertContains(response, f'href="/cases/{bad.case.number}/"')
        self.assertContains(response, "垃圾又堆起来了")

    def test_a_reopened_case_leaves_the_list_but_stays_in_the_full_one(self):
        bad = self.rated(1)
        self.step(bad.case, "reopen", self.paiqian, note="回访不满意")
        self.login(self.paiqian)
        self.assertEqual(self.client.get(self.url).context["ratings"], [])
        full = self.client.get(self.url, {"all": "1"})
        self.assertEqual([r.pk for r in full.context["ratings"]], [bad.pk])
        self.assertContains(full, "已重新处理")

    def test_a_dispatcher_explains_why_no_rework_is_due_and_the_resident_reads_it(self):
        bad = self.rated(2, "还是有味道")
        case = bad.case
        self.assertIn("explain_rating", actions(case, self.paiqian))
        self.assertNotIn("explain_rating", actions(case, self.wangge01))
        self.step(
            case, "explain_rating", self.paiqian, note="异味来自相邻的私人养殖场，已移交区农业部门"
        )
        case.refresh_from_db()
        self.assertEqual(case.state, State.CLOSED)
        self.assertEqual(case.events.last().to_state, State.CLOSED)
        self.assertNotIn("explain_rating", actions(case, self.paiqian))
        self.login(self.paiqian)
        self.assertEqual(self.client.get(self.url).context["ratings"], [])
        self.assertContains(self.client.get(self.url, {"all": "1"}), "已回访说明")
        page = self.client.get(self.track_url(bad.report))
        self.assertContains(page, "已就您的评价作出说明")
        self.assertContains(page, "已移交区农业部门")

    def test_only_an_unsatisfied_rating_since_the_last_review_can_be_explained(self):
        mine = self.resident_report()
        self.close(mine.case)
        self.assertNotIn("explain_rating", actions(mine.case, self.paiqian))
        Rating.objects.create(case=mine.case, report=mine, level=5)
        self.assertNotIn("explain_rating", actions(mine.case, self.paiqian))
        with self.assertRaises(workflow.Conflict):
            self.step(mine.case, "explain_rating", self.paiqian, note="无需说明")
        joined = mine.case.reports.create(name="", phone="")
        Rating.objects.create(case=mine.case, report=joined, level=1)
        self.assertIn("explain_rating", actions(mine.case, self.paiqian))

    @override_settings(SATISFIED_MIN_LEVEL=4)
    def test_the_threshold_decides_what_is_unsatisfied(self):
        fair = self.rated(3)
        self.login(self.paiqian)
        response = self.client.get(self.url)
        self.assertEqual([r.pk for r in response.context["ratings"]], [fair.pk])
        self.assertContains(response, "满意 0 条 / 评价 1 条")

    def test_the_header_shows_the_satisfaction_figure(self):
        self.rated(5)
        self.rated(4)
        self.rated(2)
        self.login(self.paiqian)
        self.assertContains(self.client.get(self.url), "66.7%")
