"""The public ranking page (公示): open to anyone, only published periods marked public,
only what the street publishes: rank, name, index, grade, change of each community."""

from django.urls import reverse

from civicgrid.scoring.compute import publish
from civicgrid.scoring.models import Period, Unit
from civicgrid.scoring.tests.pages_base import ScoringTestCase


class PublicRankingTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.computed()

    def make_public(self, period=None):
        period = period or self.period
        publish(period, self.paiqian)
        Period.objects.filter(pk=period.pk).update(public=True)

    def test_anyone_opens_the_page_without_logging_in(self):
        self.make_public()
        r = self.client.get(reverse("scoring_public:ranking"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["period"], self.period)
        self.assertContains(r, "考核排名公示")

    def test_it_shows_each_communitys_rank_name_index_and_grade(self):
        self.make_public()
        r = self.client.get(reverse("scoring_public:period", args=[self.period.pk]))
        first = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.assertContains(r, f'<td class="rank">1</td><td>{first.name}</td>', html=False)
        self.assertContains(r, f'<td class="num">{first.index}</td>', html=False)
        self.assertEqual(len(r.context["rows"]), len(self.demo.communities))
        self.assertContains(r, "A ≥90，B ≥75，C ≥60，D ≥40，E &lt;40")

    def test_it_shows_no_people_and_no_counts(self):
        self.make_public()
        r = self.client.get(reverse("scoring_public:ranking"))
        for hidden in [self.paiqian.name, "结案率", "立案", "网格", "环卫所", "/scores/units/"]:
            self.assertNotContains(r, hidden)

    def test_a_draft_period_is_not_shown(self):
        Period.objects.filter(pk=self.period.pk).update(public=True)  # public, but not published
        self.assertIsNone(self.client.get(reverse("scoring_public:ranking")).context["period"])
        r = self.client.get(reverse("scoring_public:period", args=[self.period.pk]))
        self.assertEqual(r.status_code, 404)

    def test_a_published_period_is_shown_only_when_marked_public(self):
        publish(self.period, self.paiqian)
        r = self.client.get(reverse("scoring_public:period", args=[self.period.pk]))
        self.assertEqual(r.status_code, 404)
        r = self.client.get(reverse("scoring_public:ranking"))
        self.assertContains(r, "目前没有公示的考核排名")

    def test_it_lists_the_published_periods_newest_first(self):
        self.make_public()
        month = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.MONTH,
            name="2026年11月",
            start=self.period.start.replace(day=1),
            end=self.period.end.replace(day=30),
        )
        self.make_public(month)
        hidden = Period.objects.create(
            campaign=self.campaign,
            kind=Period.Kind.QUARTER,
            name="2026年第4季度",
            start=self.period.start.replace(month=10, day=1),
            end=self.period.end.replace(month=12, day=31),
        )
        publish(hidden, self.paiqian)
        r = self.client.get(reverse("scoring_public:ranking"))
        self.assertEqual(list(r.context["periods"]), [month, self.period])
        self.assertEqual(r.context["period"], month)
        self.assertNotContains(r, "2026年第4季度")

    def test_it_fits_a_phone(self):
        self.make_public()
        r = self.client.get(reverse("scoring_public:ranking"))
        self.assertContains(r, 'name="viewport" content="width=device-width, initial-scale=1"')
