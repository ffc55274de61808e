"""Every figure drills down to exactly what it counted: cases, ratings, inspection items."""

from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.cases.models import Case
from civicgrid.scoring import drilldown
from civicgrid.scoring.models import Score, Unit
from civicgrid.scoring.tests.pages_base import ScoringTestCase


class DrilldownTests(ScoringTestCase):
    def setUp(self):
        super().setUp()
        self.computed()

    def test_each_count_of_each_score_equals_the_rows_behind_it(self):
        scores = Score.objects.filter(period=self.period)
        self.assertEqual(set(scores.values_list("unit", flat=True)), set(Unit.values))
        for score in scores:
            for metric in [*drilldown.CASE_METRICS, *drilldown.RATING_METRICS]:
                with self.subTest(unit=score.unit, name=score.name, metric=metric):
                    self.assertEqual(drilldown.count_of(score, metric), score.counts[metric])

    def test_the_fixture_has_something_behind_every_count(self):
        counts = self.score(Unit.STREET, self.street).counts
        self.assertTrue(all(counts[m] for m in drilldown.CASE_METRICS if m != "verified"))
        self.assertEqual((counts["verified"], counts["rated"], counts["satisfied"]), (1, 2, 1))

    def test_the_cases_behind_a_department_are_those_it_answers_for(self):
        score = self.score(Unit.DEPARTMENT, self.demo.departments["HW"])
        cases = drilldown.cases_behind(score, "registered")
        self.assertEqual(
            set(cases.values_list("responsible_department", flat=True)),
            {self.demo.departments["HW"].pk},
        )
        self.assertEqual(cases.count(), score.counts["registered"])

    def test_a_grids_cases_lie_in_the_grid(self):
        score = self.score(Unit.GRID, self.demo.grid(1, 0))
        self.assertEqual(
            list(drilldown.cases_behind(score, "due")),
            list(Case.objects.filter(grid=self.demo.grid(1, 0))),
        )

    def test_the_inspections_behind_a_community_average_to_its_inspection_score(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        inspections = list(drilldown.inspections_behind(score))
        self.assertEqual([i.site for i in inspections], [self.market])
        self.assertEqual(inspections[0].percentage, Decimal(score.rates["inspection"]))
        self.assertEqual(drilldown.items_behind(score).count(), 3)

    def test_another_communitys_score_has_no_inspection_behind_it(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(1))
        self.assertFalse(drilldown.inspections_behind(score).exists())

    def test_the_page_lists_the_cases_behind_a_count(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.login(self.lingdao)
        r = self.client.get(reverse("scoring:behind", args=[score.pk, "reworked"]))
        reworked = Case.objects.get(rework_count__gt=0)
        self.assertContains(r, reworked.number)
        self.assertEqual(len(r.context["cases"]), score.counts["reworked"])
        self.assertEqual((r.context["total"], r.context["hidden"]), (1, 0))

    def test_every_count_on_the_page_links_to_as_many_rows(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.login(self.paiqian)
        for metric in [*drilldown.CASE_METRICS, *drilldown.RATING_METRICS]:
            with self.subTest(metric=metric):
                r = self.client.get(reverse("scoring:behind", args=[score.pk, metric]))
                self.assertEqual(r.context["total"], score.counts[metric])
                self.assertEqual(r.context["recorded"], score.counts[metric])

    def test_the_ratings_page_shows_levels_without_names(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.login(self.paiqian)
        r = self.client.get(reverse("scoring:behind", args=[score.pk, "satisfied"]))
        self.assertContains(r, "非常满意")
        self.assertNotContains(r, "不满意")

    def test_the_inspection_page_shows_the_items_and_recomputes_the_score(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.login(self.shequ1)
        r = self.client.get(reverse("scoring:behind", args=[score.pk, "inspection"]))
        self.assertContains(r, self.market.name)
        self.assertContains(r, "无占道经营")
        self.assertContains(r, "不合格")
        self.assertEqual(r.context["average"], Decimal(score.rates["inspection"]))

    def test_an_unknown_figure_is_not_found(self):
        score = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.login(self.paiqian)
        r = self.client.get(reverse("scoring:behind", args=[score.pk, "index"]))
        self.assertEqual(r.status_code, 404)

    def test_listing_five_cases_takes_as_many_queries_as_one(self):
        self.login(self.paiqian)
        counts = []
        for score in [
            self.score(Unit.GRID, self.demo.grid(1, 0)),
            self.score(Unit.STREET, self.street),
        ]:
            with CaptureQueriesContext(connection) as queries:
                r = self.client.get(reverse("scoring:behind", args=[score.pk, "registered"]))
            counts.append((len(r.context["cases"]), len(queries)))
        self.assertEqual([n for n, _q in counts], [1, 5])
        self.assertEqual(counts[0][1], counts[1][1])

    def test_more_cases_load_a_page_at_a_time(self):
        score = self.score(Unit.STREET, self.street)
        self.login(self.paiqian)
        url = reverse("scoring:behind", args=[score.pk, "registered"])
        with mock.patch("civicgrid.cases.filters.PAGE_SIZE", 2):
            first = self.client.get(url)
            self.assertEqual(len(first.context["cases"]), 2)
            more = self.client.get(first.context["more"], headers={"HX-Request": "true"})
        self.assertEqual(len(more.context["cases"]), 2)
        self.assertTemplateUsed(more, "cases/_rows.html")
