import datetime as dt

from civicgrid.campaigns.models import Campaign, CampaignKind, Standard, StandardVersion
from civicgrid.ledgers.models import Question, Survey
from civicgrid.ledgers.tests.survey_base import SurveyTestCase, make_survey

Kind = Question.Kind


class AccessTests(SurveyTestCase):
    """allowed / 403 / out of scope 404 / anonymous to the login page, for every staff view."""

    def setUp(self):
        super().setUp()
        street, _ = self.other_street()
        self.elsewhere = make_survey(street, slug="elsewhere")

    def url(self, name, survey=None) -> str:
        pk = (survey or self.survey).pk
        return {
            "results": f"/surveys/{pk}/",
            "edit": f"/surveys/{pk}/edit",
            "export": f"/surveys/{pk}/export.xlsx",
            "qr": f"/surveys/{pk}/qr.svg",
            "poster": f"/surveys/{pk}/poster",
            "question-new": f"/surveys/{pk}/questions/new",
            "question-edit": f"/surveys/{pk}/questions/{self.q_known.pk}/",
        }[name]

    def test_the_list_is_for_those_who_may_view_surveys(self):
        self.assert_access(
            "/surveys/",
            allowed=[self.paiqian, self.lingdao, self.duban1, self.shequ1],
            forbidden=[self.wangge01, self.huanwei],
        )

    def test_the_list_shows_only_surveys_in_scope(self):
        self.login(self.paiqian)
        r = self.client.get("/surveys/")
        self.assertContains(r, self.survey.title)
        self.assertNotContains(r, f"/surveys/{self.elsewhere.pk}/")
        self.assertContains(r, "新建问卷")
        self.login(self.lingdao)
        self.assertNotContains(self.client.get("/surveys/"), "新建问卷")

    def test_results_export_and_qr_code_are_for_viewers_in_scope(self):
        for name in ("results", "export", "qr", "poster"):
            self.assert_access(
                self.url(name),
                # community staff see their street's surveys (authz_covers)
                allowed=[self.paiqian, self.lingdao, self.duban1, self.shequ1],
                hidden=[self.wangge01, self.huanwei],
            )
            self.assert_status(self.paiqian, self.url(name, self.elsewhere), 404)

    def test_the_editor_is_for_those_who_may_change_surveys(self):
        for name in ("edit", "question-new", "question-edit"):
            self.assert_access(
                self.url(name),
                allowed=[self.paiqian],
                forbidden=[self.lingdao, self.duban1, self.shequ1],
                hidden=[self.wangge01],
            )
            self.assert_status(self.paiqian, self.url(name, self.elsewhere), 404)

    def test_a_new_survey_is_for_those_who_may_change_surveys(self):
        self.assert_access(
            "/surveys/new", allowed=[self.paiqian], forbidden=[self.lingdao, self.shequ1]
        )

    def test_deleting_a_question_is_for_those_who_may_change_the_survey(self):
        url = f"/surveys/{self.survey.pk}/questions/{self.q_advice.pk}/delete"
        self.assert_status(self.lingdao, url, 403, "post")
        self.assert_status(self.shequ1, url, 403, "post")
        self.assert_status(None, url, 302, "post")
        self.assert_status(self.paiqian, url, 302, "post")
        self.assertFalse(Question.objects.filter(pk=self.q_advice.pk).exists())

    def test_a_question_is_reached_only_through_its_own_survey(self):
        other = self.elsewhere.questions.first()
        self.assert_status(self.paiqian, f"/surveys/{self.survey.pk}/questions/{other.pk}/", 404)

    def test_the_answering_page_needs_no_login(self):
        self.assert_status(None, "/s/chuangcheng/", 200)


class SurveySettingsTests(SurveyTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.paiqian)

    def test_a_survey_is_made_with_a_generated_link(self):
        r = self.client.post(
            "/surveys/new",
            {
                "title": "垃圾分类满意度",
                "street": self.street.pk,
                "one_per": "device",
                "is_open": "on",
            },
        )
        survey = Survey.objects.get(title="垃圾分类满意度")
        self.assertRedirects(r, f"/surveys/{survey.pk}/edit")
        self.assertRegex(survey.slug, r"^[a-z2-9]{8}$")
        self.assertEqual(survey.quotas, {})

    def test_quotas_are_kept_by_community_code_and_blank_means_none(self):
        c0, c1 = self.demo.community(0), self.demo.community(1)
        data = {
            "title": self.survey.title,
            "slug": self.survey.slug,
            "one_per": "phone",
            "is_open": "on",
            f"quota_{c0.code}": "50",
            f"quota_{c1.code}": "",
        }
        r = self.client.post(f"/surveys/{self.survey.pk}/edit", data)
        self.assertEqual(r.status_code, 302)
        self.survey.refresh_from_db()
        self.assertEqual(self.survey.quotas, {c0.code: 50})
        self.assertEqual(self.survey.one_per, Survey.OnePer.PHONE)
        self.assertContains(self.client.get(f"/surveys/{self.survey.pk}/edit"), 'value="50"')

    def test_a_campaign_must_cover_the_surveys_street(self):
        version = StandardVersion.objects.create(
            standard=Standard.objects.create(name="测评", kind=CampaignKind.CIVILIZED), number=1
        )
        campaign = Campaign.objects.create(
            name="创卫",
            kind=CampaignKind.CIVILIZED,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            version=version,
        )
        other, _ = self.other_street()
        campaign.streets.add(other)
        data = {"title": "x", "street": self.street.pk, "one_per": "none", "campaign": campaign.pk}
        self.assertContains(  # paiqian is not offered another street's campaign
            self.client.post("/surveys/new", data), "选择一个有效的选项", status_code=400
        )
        self.login(self.admin)  # the superuser is, and is told why it does not fit
        self.assertContains(
            self.client.post("/surveys/new", data), "该创建项目不覆盖所选街道", status_code=400
        )
        campaign.streets.add(self.street)
        self.assertEqual(self.client.post("/surveys/new", data).status_code, 302)

    def test_a_survey_cannot_be_moved_to_another_street(self):
        street, _ = self.other_street()
        data = {"title": "改", "slug": "chuangcheng", "one_per": "device", "street": street.pk}
        self.client.post(f"/surveys/{self.survey.pk}/edit", data)
        self.survey.refresh_from_db()
        self.assertEqual(self.survey.street, self.street)


class QuestionEditorTests(SurveyTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.paiqian)

    def add(self, **data):
        fields = {"order": 9, "text": "新题", "required": "on"} | data
        return self.client.post(f"/surveys/{self.survey.pk}/questions/new", fields)

    def test_a_single_choice_question_marks_its_aware_options(self):
        r = self.add(kind="single", choices_text="知道\n不知道\n", aware_text="知道")
        self.assertEqual(r.status_code, 302)
        question = self.survey.questions.get(text="新题")
        self.assertEqual(question.choices, ["知道", "不知道"])
        self.assertEqual((question.aware_answers, question.satisfied_answers), (["知道"], []))

    def test_marked_answers_must_be_among_the_choices(self):
        r = self.add(kind="multiple", choices_text="A\nB", satisfied_text="A\nC")
        self.assertContains(r, "“C”不在选项中", status_code=400)
        self.assertContains(r, "计为“满意”的答案必须是上面列出的选项", status_code=400)
        self.assertFalse(self.survey.questions.filter(text="新题").exists())

    def test_a_rating_counts_from_a_threshold_up(self):
        self.add(kind="rating", satisfied_min="4", aware_min="")
        question = self.survey.questions.get(text="新题")
        self.assertEqual((question.satisfied_answers, question.aware_answers), ([4, 5], []))
        r = self.client.get(f"/surveys/{self.survey.pk}/questions/{question.pk}/")
        self.assertContains(r, '<option value="4" selected>')

    def test_a_rating_takes_no_options_and_no_listed_answers(self):
        r = self.add(kind="rating", choices_text="好\n坏", satisfied_text="好")
        self.assertContains(r, "评分题的选项固定为 1–5 分", status_code=400)
        self.assertContains(r, "评分题请在下面选择“几分及以上”计入", status_code=400)

    def test_a_choice_question_takes_no_threshold(self):
        r = self.add(kind="single", choices_text="是\n否", aware_min="4")
        self.assertContains(r, "只有评分题按分数计入", status_code=400)

    def test_a_choice_question_needs_two_different_options(self):
        self.assertContains(
            self.add(kind="single", choices_text="是"), "至少要有两个选项", status_code=400
        )
        self.assertContains(
            self.add(kind="single", choices_text="是\n是"), "选项不能重复", status_code=400
        )

    def test_a_text_question_cannot_count_towards_a_rate(self):
        r = self.add(kind="text", aware_min="3")
        self.assertContains(r, "文字题无法判断是否知晓或满意", status_code=400)

    def test_a_question_with_answers_keeps_its_kind(self):
        self.respond(q_known="知道")
        url = f"/surveys/{self.survey.pk}/questions/{self.q_known.pk}/"
        self.assertContains(self.client.get(url), "这道题已有答卷")
        data = {
            "order": 1,
            "text": self.q_known.text,
            "kind": "multiple",
            "choices_text": "知道\n不知道",
        }
        self.assertContains(self.client.post(url, data), "不能再改题型", status_code=400)
        data["kind"] = "single"
        data["aware_text"] = "知道"
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_a_new_question_goes_last(self):
        r = self.client.get(f"/surveys/{self.survey.pk}/questions/new")
        self.assertContains(r, 'name="order" value="6"')

    def test_the_editor_lists_the_questions_and_what_counts(self):
        r = self.client.get(f"/surveys/{self.survey.pk}/edit")
        self.assertContains(r, self.q_facilities.text)
        self.assertContains(r, "满意、基本满意")
        self.assertContains(r, "4 分及以上")
        self.assertContains(r, "http://127.0.0.1:8000/s/chuangcheng/")
