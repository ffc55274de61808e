from datetime import datetime, timedelta

from django.utils import timezone

from civicgrid.ledgers.models import Response
from civicgrid.ledgers.tests.survey_base import SurveyTestCase


class ResultsPageTests(SurveyTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.duban1)
        self.url = f"/surveys/{self.survey.pk}/"

    def at(self, row, day: datetime):
        Response.objects.filter(pk=row.pk).update(submitted_at=day)

    def test_the_page_shows_both_rates_and_how_they_are_computed(self):
        self.respond(q_known="知道", q_clean=5)
        self.respond(q_known="不知道", q_clean=4)
        r = self.client.get(self.url)
        self.assertContains(r, '<strong id="responses">2</strong>', html=True)
        self.assertContains(r, '<strong id="aware-rate">50.0%</strong>', html=True)
        self.assertContains(r, '<strong id="satisfied-rate">100.0%</strong>', html=True)
        self.assertContains(r, "计算方法")

    def test_an_empty_survey_shows_no_rate_rather_than_zero(self):
        r = self.client.get(self.url)
        self.assertContains(
            r, '<strong id="aware-rate"><span class="muted">—</span></strong>', html=True
        )
        self.assertContains(r, "还没有答卷")

    def test_rates_per_community_with_their_quota(self):
        self.survey.quotas = {self.demo.community(0).code: 40}
        self.survey.save()
        self.respond(0, q_known="知道")
        self.respond(1, q_known="不知道")
        r = self.client.get(self.url)
        rows = r.content.decode().split('id="by-community"')[1].split("</table>")[0]
        self.assertInHTML(
            "<tr><td>幸福社区</td><td class='right'>1</td><td class='right'>1 / 40</td>"
            "<td class='right'>100.0%</td><td class='right'><span class='muted'>—</span></td></tr>",
            rows,
        )
        self.assertIn("和平社区", rows)

    def test_rates_per_week_from_monday(self):
        tz = timezone.get_current_timezone()
        monday = datetime(2026, 4, 6, 10, tzinfo=tz)
        self.at(self.respond(q_known="知道"), monday)
        self.at(
            self.respond(q_known="不知道"), monday + timedelta(days=6, hours=13)
        )  # Sunday 23:00
        self.at(self.respond(q_known="知道"), monday + timedelta(days=7))
        r = self.client.get(self.url)
        weeks = r.content.decode().split('id="by-week"')[1].split("</table>")[0]
        self.assertInHTML(
            "<tr><td>2026-04-06 – 04-12</td><td class='right'>2</td><td class='right'>50.0%</td>"
            "<td class='right'><span class='muted'>—</span></td></tr>",
            weeks,
        )
        self.assertIn("2026-04-13 – 04-19", weeks)

    def test_each_question_lists_counts_per_choice_and_the_text_answers(self):
        self.respond(q_topics=["环境卫生", "交通秩序"], q_advice="垃圾桶太少")
        self.respond(q_topics=["不清楚"], q_advice="<b>路灯</b>")
        r = self.client.get(self.url)
        self.assertContains(r, "垃圾桶太少")
        self.assertContains(r, "&lt;b&gt;路灯&lt;/b&gt;")
        section = r.content.decode().split(f'id="question-{self.q_topics.pk}"')[1]
        section = section.split("</section>")[0]
        self.assertInHTML(
            "<tr><td>交通秩序</td><td class='right'>1</td><td class='right'>50.0%</td>"
            "<td class='hide-phone'><div class='bar'><span style='width:50.0%'></span></div></td></tr>",
            section,
        )

    def test_the_filters_narrow_to_a_community_and_dates(self):
        self.respond(0, q_known="知道")
        old = self.respond(1, q_known="不知道")
        self.at(old, timezone.now() - timedelta(days=30))
        r = self.client.get(self.url, {"community": self.demo.community(1).pk})
        self.assertContains(r, '<strong id="aware-rate">0.0%</strong>', html=True)
        since = (timezone.localdate() - timedelta(days=7)).isoformat()
        r = self.client.get(self.url, {"start": since})
        self.assertContains(r, '<strong id="aware-rate">100.0%</strong>', html=True)
        self.assertContains(r, f"export.xlsx?start={since}")

    def test_a_reversed_date_range_is_explained_and_narrows_nothing(self):
        self.respond(q_known="知道")
        r = self.client.get(self.url, {"start": "2026-05-01", "end": "2026-04-01"})
        self.assertContains(r, "开始日期不能晚于结束日期。")
        self.assertContains(r, '<strong id="responses">1</strong>', html=True)

    def test_the_results_load_in_a_fixed_number_of_queries(self):
        for n in range(20):
            self.respond(n % 5, q_known="知道", q_clean=4)
        self.client.get(self.url)  # warm the session and the person's grants
        with self.assertNumQueries(9):
            self.client.get(self.url)
