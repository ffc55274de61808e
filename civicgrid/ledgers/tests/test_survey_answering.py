from django.test import override_settings

from civicgrid.ledgers.models import Response, Survey
from civicgrid.ledgers.surveys_views import DEVICE_COOKIE, phone_hash
from civicgrid.ledgers.tests.survey_base import SurveyTestCase

PHONE = "13912345678"


class AnsweringTests(SurveyTestCase):
    def test_the_page_opens_without_login_and_lists_the_streets_communities(self):
        r = self.client.get(self.answer_url())
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "创城知晓率满意率调查")
        for community in self.demo.communities:
            self.assertContains(r, community.name)
        self.assertContains(r, "1 分最低，5 分最高")

    def test_the_page_is_light_no_script_no_stylesheet_no_map(self):
        r = self.client.get(self.answer_url())
        html = r.content.decode()
        self.assertNotIn("<script", html)
        self.assertNotIn("stylesheet", html)
        self.assertNotIn("leaflet", html.lower())
        self.assertLess(len(r.content), 20_000)

    def test_a_resident_answers_and_the_answers_are_kept_by_question(self):
        r = self.client.post(self.answer_url(), self.form(community=2))
        self.assertRedirects(r, f"/s/{self.survey.slug}/thanks")
        row = Response.objects.get(survey=self.survey)
        self.assertEqual(row.community, self.demo.community(2))
        self.assertEqual(
            row.answers,
            {
                str(self.q_known.pk): "知道",
                str(self.q_topics.pk): ["环境卫生"],
                str(self.q_clean.pk): 5,
                str(self.q_facilities.pk): "满意",
            },
        )
        self.assertContains(self.client.get(r["Location"]), "感谢您的参与")

    def test_missing_answers_are_asked_for_in_chinese_and_nothing_is_saved(self):
        data = self.form() | {"community": "", f"q{self.q_clean.pk}": ""}
        r = self.client.post(self.answer_url(), data)
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "请选择您居住的社区。", status_code=400)
        self.assertContains(r, "请回答这道题。", status_code=400)
        self.assertFalse(Response.objects.exists())

    def test_an_answer_outside_the_options_is_refused(self):
        r = self.client.post(self.answer_url(), self.form(**{f"q{self.q_known.pk}": "也许"}))
        self.assertContains(r, "请从给出的选项中选择。", status_code=400)

    def test_a_community_of_another_street_is_refused(self):
        _, elsewhere = self.other_street()
        data = self.form() | {"community": elsewhere.pk}
        r = self.client.post(self.answer_url(), data)
        self.assertEqual(r.status_code, 400)
        data["community"] = self.demo.grid(0, 0).pk  # a grid is not a community
        self.assertEqual(self.client.post(self.answer_url(), data).status_code, 400)
        self.assertFalse(Response.objects.exists())

    def test_an_unknown_survey_is_404(self):
        self.assertEqual(self.client.get("/s/no-such-survey/").status_code, 404)


class OnePerDeviceTests(SurveyTestCase):
    def test_a_device_answers_once(self):
        self.assertEqual(self.client.post(self.answer_url(), self.form()).status_code, 302)
        self.assertIn(DEVICE_COOKIE, self.client.cookies)
        again = self.client.post(self.answer_url(), self.form())
        self.assertContains(again, "您已经填写过这份问卷", status_code=409)
        self.assertEqual(Response.objects.count(), 1)

    def test_the_page_says_so_when_the_device_has_answered(self):
        self.client.post(self.answer_url(), self.form())
        r = self.client.get(self.answer_url())
        self.assertContains(r, "您已经填写过这份问卷")
        self.assertNotContains(r, "提交问卷")

    def test_another_device_may_answer(self):
        self.client.post(self.answer_url(), self.form())
        self.client.cookies.clear()
        self.assertEqual(self.client.post(self.answer_url(), self.form()).status_code, 302)
        devices = set(Response.objects.values_list("device", flat=True))
        self.assertEqual(len(devices), 2)
        self.assertTrue(all(len(d) == 32 for d in devices))

    def test_a_forged_device_cookie_is_ignored(self):
        self.client.post(self.answer_url(), self.form())
        kept = Response.objects.get().device
        self.client.cookies[DEVICE_COOKIE] = kept  # the id without its signature
        self.assertEqual(self.client.post(self.answer_url(), self.form()).status_code, 302)
        self.assertEqual(Response.objects.filter(device=kept).count(), 1)

    def test_the_device_is_per_survey(self):
        self.client.post(self.answer_url(), self.form())
        other = Survey.objects.create(title="另一份", street=self.street, slug="another")
        self.assertContains(self.client.get(self.answer_url(other)), "提交问卷")


class OnePerPhoneTests(SurveyTestCase):
    def setUp(self):
        super().setUp()
        self.survey.one_per = Survey.OnePer.PHONE
        self.survey.save()

    def test_the_phone_is_asked_and_only_its_keyed_hash_is_kept(self):
        r = self.client.post(self.answer_url(), self.form(phone="139-1234-5678"))
        self.assertEqual(r.status_code, 302)
        row = Response.objects.get()
        self.assertEqual(row.phone_hash, phone_hash(self.survey, PHONE))
        self.assertEqual(len(row.phone_hash), 64)
        self.assertNotIn(PHONE, str(row.__dict__))
        self.assertEqual(row.device, "")

    def test_the_hash_depends_on_the_secret_key(self):
        kept = phone_hash(self.survey, PHONE)
        with override_settings(SECRET_KEY="another-secret"):
            self.assertNotEqual(phone_hash(self.survey, PHONE), kept)

    def test_a_phone_answers_once_even_from_another_device(self):
        self.client.post(self.answer_url(), self.form(phone=PHONE))
        self.client.cookies.clear()
        again = self.client.post(self.answer_url(), self.form(phone=PHONE))
        self.assertContains(again, "您已经填写过这份问卷", status_code=409)
        self.assertEqual(Response.objects.count(), 1)

    def test_another_phone_may_answer_from_the_same_device(self):
        self.client.post(self.answer_url(), self.form(phone=PHONE))
        r = self.client.post(self.answer_url(), self.form(phone="13812345678"))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Response.objects.count(), 2)

    def test_a_missing_or_bad_phone_is_asked_for(self):
        r = self.client.post(self.answer_url(), self.form())
        self.assertContains(r, "请填写手机号。", status_code=400)
        r = self.client.post(self.answer_url(), self.form(phone="12345"))
        self.assertContains(r, "请填写 11 位手机号", status_code=400)


class NoCheckTests(SurveyTestCase):
    def test_without_a_check_the_same_browser_may_answer_again(self):
        self.survey.one_per = Survey.OnePer.NONE
        self.survey.save()
        for _ in range(2):
            self.assertEqual(self.client.post(self.answer_url(), self.form()).status_code, 302)
        self.assertEqual(Response.objects.count(), 2)
        self.assertNotIn(DEVICE_COOKIE, self.client.cookies)


class QuotaTests(SurveyTestCase):
    def setUp(self):
        super().setUp()
        self.survey.one_per = Survey.OnePer.NONE
        self.survey.quotas = {self.demo.community(0).code: 2}
        self.survey.save()

    def test_a_full_community_is_told_politely_and_nothing_is_saved(self):
        for _ in range(2):
            self.client.post(self.answer_url(), self.form(community=0))
        r = self.client.post(self.answer_url(), self.form(community=0))
        self.assertContains(r, "幸福社区的问卷份数已经收满", status_code=409)
        self.assertContains(r, "感谢您的参与", status_code=409)
        self.assertEqual(Response.objects.count(), 2)

    def test_other_communities_go_on(self):
        for _ in range(2):
            self.client.post(self.answer_url(), self.form(community=0))
        self.assertEqual(
            self.client.post(self.answer_url(), self.form(community=1)).status_code, 302
        )

    def test_the_form_marks_a_full_community(self):
        self.assertNotContains(self.client.get(self.answer_url()), "已收满")
        for _ in range(2):
            self.respond(community=0, q_known="知道")
        self.assertContains(self.client.get(self.answer_url()), "幸福社区（已收满）")


class ClosedSurveyTests(SurveyTestCase):
    def setUp(self):
        super().setUp()
        self.survey.is_open = False
        self.survey.save()

    def test_a_closed_survey_says_so(self):
        r = self.client.get(self.answer_url())
        self.assertContains(r, "问卷已结束")
        self.assertNotContains(r, "提交问卷")

    def test_a_closed_survey_keeps_no_answer(self):
        r = self.client.post(self.answer_url(), self.form())
        self.assertContains(r, "问卷已结束", status_code=409)
        self.assertFalse(Response.objects.exists())


class RateLimitTests(SurveyTestCase):
    @override_settings(SURVEY_RATE_PER_IP=2)
    def test_too_many_answers_from_one_address_are_refused_in_chinese(self):
        self.survey.one_per = Survey.OnePer.NONE
        self.survey.save()
        for _ in range(2):
            self.assertEqual(self.client.post(self.answer_url(), self.form()).status_code, 302)
        r = self.client.post(self.answer_url(), self.form())
        self.assertContains(r, "提交太频繁了", status_code=429)
        self.assertIn("Retry-After", r)
        self.assertEqual(Response.objects.count(), 2)
        other = self.client.post(self.answer_url(), self.form(), REMOTE_ADDR="10.1.2.3")
        self.assertEqual(other.status_code, 302)

    @override_settings(SURVEY_RATE_PER_IP=1)
    def test_reading_the_page_is_not_limited(self):
        for _ in range(3):
            self.assertEqual(self.client.get(self.answer_url()).status_code, 200)
