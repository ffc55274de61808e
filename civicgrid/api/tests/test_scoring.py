"""Rankings through the API: published periods, one period, its ranking of one kind of unit
(scoped, ordered and tied as on the ranking page) and one unit's figures."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.api.tests.base import ApiTestCase
from civicgrid.campaigns.models import Campaign, CampaignKind
from civicgrid.scoring import ranking
from civicgrid.scoring.compute import compute, publish
from civicgrid.scoring.models import DEFAULT_WEIGHTS, Period, Scheme, Score, Unit
from civicgrid.scoring.tests.pages_base import ScoringTestCase

WEEK = dt.timedelta(days=7)


class RankingApiTestCase(ScoringTestCase, ApiTestCase):
    """The scoring pages' week, computed and published by the dispatcher."""

    def setUp(self):
        super().setUp()
        self.computed()
        publish(self.period, self.paiqian)
        self.period.refresh_from_db()

    def another(self, kind=Period.Kind.WEEK, weeks=0, campaign=None, published=True) -> Period:
        start = self.period.start + weeks * WEEK
        end = start + (
            dt.timedelta(days=29) if kind == Period.Kind.MONTH else WEEK - dt.timedelta(1)
        )
        period = Period.objects.create(
            campaign=campaign or self.campaign,
            kind=kind,
            name=f"{kind} {start}",
            start=start,
            end=end,
        )
        compute(period)
        if published:
            publish(period, self.paiqian)
        return period

    def body(self, path, user, data=None) -> dict:
        response = self.api("GET", path, user, data)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json()

    def walk(self, path, user, size, **query) -> list[int]:
        """The ids of every page of a list, `size` at a time, following `next`."""
        seen, after = [], None
        while True:
            params = {"limit": size, **query, **({"after": after} if after else {})}
            body = self.body(path, user, params)
            seen += [row["id"] for row in body["results"]]
            if (after := body["next"]) is None:
                return seen

    def assert_period_access(self, path):
        """Every role of the period's street may look, a person without any role may not, and
        another street's administrator does not see it."""
        self.assert_api_access(
            "GET",
            path,
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.shequ1],
            forbidden=[self.nobody],
            hidden=[self.outsider],
        )
        self.assert_api_access("GET", path, allowed=[self.wangge01, self.huanwei, self.zhang])

    def page_rows(self, user, **params) -> list[Score]:
        """The scores the ranking page shows `user`, in its order."""
        self.login(user)
        r = self.client.get(reverse("scoring:period", args=[self.period.pk]), params)
        self.assertEqual(r.status_code, 200)
        return [row.score for row in r.context["rows"]]


class PeriodListTests(RankingApiTestCase):
    def ids(self, user, **query) -> list[int]:
        return [p["id"] for p in self.body("/periods", user, query)["results"]]

    def test_the_list_follows_the_access_matrix(self):
        self.assert_api_access(
            "GET",
            "/periods",
            allowed=[self.admin, self.paiqian, self.lingdao, self.duban1, self.shequ1],
            forbidden=[self.nobody],
        )
        self.assert_api_access("GET", "/periods", allowed=[self.wangge01, self.huanwei])

    def test_only_published_periods_of_ones_own_streets_are_listed(self):
        self.another(weeks=1, published=False)
        for user in [self.admin, self.paiqian, self.shequ1, self.huanwei]:
            with self.subTest(user=user.username):
                self.assertEqual(self.ids(user), [self.period.pk])
        self.assertEqual(self.ids(self.outsider), [])

    def test_a_period_has_its_campaign_dates_and_publication(self):
        [row] = self.body("/periods", self.shequ1)["results"]
        self.assertEqual(row["name"], "2026年第48周")
        self.assertEqual((row["kind"], row["kind_label"]), ("week", "周"))
        self.assertEqual((row["start"], row["end"]), ("2026-11-23", "2026-11-29"))
        self.assertEqual(row["campaign"], {"id": self.campaign.pk, "name": "创建全国文明城市"})
        self.assertTrue(row["published_at"].endswith("+08:00"))
        self.assertFalse(row["public"])
        self.assertEqual(row["url"], f"/api/v1/periods/{self.period.pk}")
        self.assertEqual(row["web_url"], self.period.get_absolute_url())

    def test_the_filters_narrow_by_campaign_kind_year_and_dates(self):
        other = Campaign.objects.create(
            name="创建国家卫生城市",
            kind=CampaignKind.SANITARY,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            version=self.version,
        )
        other.streets.add(self.street)
        earlier = self.another(weeks=-1)
        month = self.another(kind=Period.Kind.MONTH, weeks=-3)  # 11-02 … 12-01
        elsewhere = self.another(campaign=other)
        week = self.period.pk
        self.assertEqual(self.ids(self.lingdao, campaign=other.pk), [elsewhere.pk])
        self.assertEqual(self.ids(self.lingdao, kind="month"), [month.pk])
        self.assertEqual(self.ids(self.lingdao, year=2025), [])
        self.assertEqual(len(self.ids(self.lingdao, year=2026)), 4)
        self.assertEqual(self.ids(self.lingdao, date_to="2026-11-22", kind="week"), [earlier.pk])
        self.assertEqual(
            set(self.ids(self.lingdao, date_from="2026-11-23", date_to="2026-11-23")),
            {week, elsewhere.pk, month.pk},
        )

    def test_pages_run_newest_first_as_on_the_page_without_gaps_or_repeats(self):
        made = [self.another(weeks=-n).pk for n in (1, 2, 3)]
        month = self.another(kind=Period.Kind.MONTH)  # starts with week 48: "month" < "week"
        for size in (1, 2, 5):
            with self.subTest(size=size):
                seen = self.walk("/periods", self.lingdao, size)
                self.assertEqual(seen, [month.pk, self.period.pk, *made])

    def test_invalid_filters_are_400_naming_each_one(self):
        response = self.api(
            "GET",
            "/periods",
            self.lingdao,
            {"kind": "year", "year": "twenty", "campaign": "0", "date_from": "tomorrow"},
        )
        self.assert_error(
            response, 400, "invalid", fields=["kind", "year", "campaign", "date_from"]
        )
        response = self.api(
            "GET", "/periods", self.lingdao, {"date_from": "2026-12-01", "date_to": "2026-11-01"}
        )
        self.assert_error(response, 400, fields=["date_to"])
        self.assert_error(self.api("GET", "/periods", self.lingdao, {"year": 99999}), 400)

    def test_the_list_takes_as_many_queries_for_one_period_as_for_many(self):
        token = self.token(self.lingdao)
        self.api("GET", "/auth/me", token=token)  # records the token's use, once
        with CaptureQueriesContext(connection) as one:
            self.api("GET", "/periods", token=token)
        for n in (1, 2, 3):
            self.another(weeks=-n)
        with self.assertNumQueries(len(one)):
            self.assertEqual(len(self.api("GET", "/periods", token=token).json()["results"]), 4)


class PeriodDetailTests(RankingApiTestCase):
    def path(self, period=None) -> str:
        return f"/periods/{(period or self.period).pk}"

    def test_one_period_follows_the_access_matrix(self):
        self.assert_period_access(self.path())

    def test_a_draft_period_is_not_served_even_to_its_administrator(self):
        draft = self.another(weeks=1, published=False)
        for user in [self.admin, self.paiqian]:
            self.assert_error(self.api("GET", self.path(draft), user), 404, "not_found")

    def test_an_unknown_period_is_404(self):
        self.assert_error(self.api("GET", "/periods/999999", self.admin), 404, "not_found")

    def test_the_units_are_the_tabs_the_person_has_with_the_rows_they_see(self):
        units = lambda user: [(u["unit"], u["rows"]) for u in self.body(self.path(), user)["units"]]  # noqa: E731
        departments = len(self.demo.departments)
        self.assertEqual(
            units(self.lingdao),
            [("community", 5), ("grid", 25), ("street", 1), ("department", departments)],
        )
        self.assertEqual(units(self.shequ1), [("community", 1), ("grid", 5)])
        self.assertEqual(units(self.wangge01), [("grid", 2)])
        self.assertEqual(units(self.huanwei), [("department", 1)])
        unit = self.body(self.path(), self.shequ1)["units"][1]
        self.assertEqual(unit["label"], "网格")
        self.assertEqual(unit["url"], f"/api/v1/periods/{self.period.pk}/scores?unit=grid")

    def test_grade_bands_and_weights_come_from_the_campaigns_scheme(self):
        body = self.body(self.path(), self.lingdao)
        self.assertEqual(body["grades"][0], {"grade": "A", "floor": 90.0})
        grid = {w["metric"]: w["weight"] for w in body["units"][1]["weights"]}
        self.assertEqual(grid, {m: float(w) for m, w in DEFAULT_WEIGHTS["grid"].items()})
        Scheme.objects.update_or_create(
            campaign=self.campaign,
            defaults={
                "weights": {"grid": {"closure_rate": 60, "rework_score": 40}},
                "grades": [["优", 85], ["良", 0]],
            },
        )
        body = self.body(self.path(), self.lingdao)
        self.assertEqual(
            body["grades"], [{"grade": "优", "floor": 85.0}, {"grade": "良", "floor": 0.0}]
        )
        self.assertEqual(
            body["units"][1]["weights"],
            [
                {"metric": "closure_rate", "label": "结案率", "weight": 60.0},
                {"metric": "rework_score", "label": "100−返工率", "weight": 40.0},
            ],
        )

    def test_one_period_takes_a_fixed_number_of_queries(self):
        token = self.token(self.lingdao)
        self.api("GET", "/auth/me", token=token)
        # token, roles, the period, rows per unit, the scheme
        with self.assertNumQueries(5):
            self.api("GET", self.path(), token=token)


class RankingTests(RankingApiTestCase):
    def path(self, period=None) -> str:
        return f"/periods/{(period or self.period).pk}/scores"

    def rows(self, user, **query) -> list[dict]:
        return self.body(self.path(), user, query)["results"]

    def test_the_ranking_follows_the_access_matrix(self):
        self.assert_period_access(self.path())

    def test_a_draft_periods_ranking_is_not_served(self):
        draft = self.another(weeks=1, published=False)
        self.assert_error(self.api("GET", self.path(draft), self.paiqian), 404, "not_found")

    def test_each_person_sees_the_rows_the_page_shows_them(self):
        cases = [
            (self.lingdao, {}),
            (self.lingdao, {"unit": "grid"}),
            (self.lingdao, {"unit": "department"}),
            (self.shequ1, {}),
            (self.shequ1, {"unit": "grid"}),
            (self.wangge01, {}),
            (self.zhang, {"unit": "grid"}),
            (self.huanwei, {}),
        ]
        for user, query in cases:
            with self.subTest(user=user.username, **query):
                shown = [s.pk for s in self.page_rows(user, **query)]
                self.assertTrue(shown)
                self.assertEqual([row["id"] for row in self.rows(user, **query)], shown)

    def test_without_a_unit_the_first_kind_the_person_has_is_ranked_as_on_the_page(self):
        for user, unit in [
            (self.lingdao, "community"),
            (self.shequ1, "community"),
            (self.wangge01, "grid"),
            (self.huanwei, "department"),
        ]:
            with self.subTest(user=user.username):
                self.assertEqual({row["unit"] for row in self.rows(user)}, {unit})

    def test_a_kind_of_unit_the_person_cannot_see_is_empty_not_another_kind(self):
        self.assertEqual(self.rows(self.shequ1, unit="department"), [])
        self.assertEqual(self.rows(self.huanwei, unit="community"), [])

    def test_ranks_ties_and_the_unranked_are_ordered_as_on_the_page(self):
        grids = Score.objects.filter(period=self.period, unit=Unit.GRID).order_by("pk")
        names = ["b", "B", "第10网格", "第2网格", "a", "Z", "网格", "a"]
        ranks = [3, 3, 1, None, 3, None, 1, None]
        for score, name, rank in zip(grids, names, ranks, strict=False):
            Score.objects.filter(pk=score.pk).update(name=name, rank=rank)
        expected = [s.pk for s in self.page_rows(self.lingdao, unit="grid")]
        self.assertEqual(
            expected, [s.pk for s in ranking.ordered(Score.objects.filter(pk__in=expected))]
        )
        rows = self.rows(self.lingdao, unit="grid")
        self.assertEqual([row["id"] for row in rows], expected)
        self.assertEqual([row["rank"] for row in rows][:5], [1, 1, 3, 3, 3])
        self.assertEqual([row["name"] for row in rows][:5], ["第10网格", "网格", "B", "a", "b"])
        for size in (1, 2, 3, 7):
            with self.subTest(size=size):
                self.assertEqual(self.walk(self.path(), self.lingdao, size, unit="grid"), expected)

    def test_a_row_has_its_unit_index_rank_grade_change_and_every_rate_with_its_counts(self):
        community = self.score(Unit.COMMUNITY, self.demo.community(0))
        Score.objects.filter(pk=community.pk).update(change=Decimal("2.50"))
        row = next(r for r in self.rows(self.lingdao) if r["id"] == community.pk)
        self.assertEqual((row["unit"], row["unit_label"]), ("community", "社区"))
        self.assertEqual(row["area"]["code"], self.demo.community(0).code)
        self.assertIsNone(row["department"])
        self.assertEqual(row["index"], float(community.index))
        self.assertEqual(
            (row["rank"], row["grade"], row["change"]), (community.rank, community.grade, 2.5)
        )
        rates = {rate["key"]: rate for rate in row["rates"]}
        self.assertEqual([rate["key"] for rate in row["rates"]], [r.key for r in ranking.RATIOS])
        closure = rates["closure_rate"]
        self.assertEqual(closure["rate"], float(Decimal(community.rates["closure_rate"])))
        self.assertEqual(
            (closure["part"], closure["whole"]),
            (community.counts["closed"], community.counts["due"]),
        )
        self.assertEqual((closure["part_metric"], closure["whole_metric"]), ("closed", "due"))
        self.assertIsNone(rates["inspection"]["part"])
        self.assertEqual(rates["inspection"]["rate"], float(Decimal(community.rates["inspection"])))
        self.assertEqual(row["url"], f"/api/v1/periods/{self.period.pk}/scores/{community.pk}")
        self.assertEqual(row["web_url"], reverse("scoring:score", args=[community.pk]))

    def test_a_department_row_names_its_department_and_an_unranked_one_has_no_grade(self):
        [row] = self.rows(self.huanwei)
        department = self.demo.departments["HW"]
        self.assertEqual(row["department"], {"code": department.code, "name": "环卫所"})
        self.assertIsNone(row["area"])
        unranked = next(r for r in self.rows(self.lingdao, unit="department") if r["rank"] is None)
        self.assertIsNone(unranked["grade"])
        self.assertIsNone(unranked["index"])

    def test_grids_narrow_to_one_community_as_on_the_page(self):
        community = self.demo.community(1)
        shown = [s.pk for s in self.page_rows(self.lingdao, unit="grid", community=community.pk)]
        rows = self.rows(self.lingdao, unit="grid", community=community.code)
        self.assertEqual([row["id"] for row in rows], shown)
        self.assertEqual(len(rows), 5)

    def test_a_community_the_person_cannot_see_is_400_naming_it(self):
        response = self.api(
            "GET",
            self.path(),
            self.shequ1,
            {"unit": "grid", "community": self.demo.community(1).code},
        )
        self.assert_error(response, 400, "invalid", fields=["community"])

    def test_invalid_parameters_are_400_naming_each_one(self):
        response = self.api("GET", self.path(), self.lingdao, {"unit": "province", "limit": 0})
        self.assert_error(response, 400, "invalid", fields=["unit"])
        self.assert_error(
            self.api("GET", self.path(), self.lingdao, {"limit": 0}), 400, fields=["limit"]
        )

    def test_a_mangled_cursor_starts_at_the_first_page(self):
        first = self.body(self.path(), self.lingdao, {"limit": 2})
        again = self.body(self.path(), self.lingdao, {"limit": 2, "after": "bm90IGEgY3Vyc29y"})
        self.assertEqual(again, first)

    def test_the_ranking_takes_as_many_queries_for_25_grids_as_for_5(self):
        token = self.token(self.lingdao)
        self.api("GET", "/auth/me", token=token)
        counts = []
        for community in [self.demo.community(0).code, ""]:
            query = {"unit": "grid", "community": community} if community else {"unit": "grid"}
            with CaptureQueriesContext(connection) as queries:
                body = self.api("GET", self.path(), token=token, data=query).json()
            counts.append((len(body["results"]), len(queries)))
        self.assertEqual([rows for rows, _n in counts], [5, 25])
        # token, roles, the period, (the community,) the page
        self.assertEqual([n for _rows, n in counts], [5, 4])


class ScoreDetailTests(RankingApiTestCase):
    def path(self, score, period=None) -> str:
        return f"/periods/{(period or self.period).pk}/scores/{score.pk}"

    def test_one_row_is_hidden_outside_its_area_as_on_the_score_page(self):
        community1 = self.score(Unit.COMMUNITY, self.demo.community(1))
        self.assert_api_access(
            "GET",
            self.path(community1),
            allowed=[self.admin, self.paiqian, self.lingdao, self.shequ2, self.zhang],
            forbidden=[self.nobody],
            hidden=[self.shequ1, self.wangge01, self.huanwei, self.outsider],
        )

    def test_a_department_sees_its_own_row_only(self):
        own = self.score(Unit.DEPARTMENT, self.demo.departments["HW"])
        other = self.score(Unit.DEPARTMENT, self.demo.departments["CG"])
        self.assert_api_access("GET", self.path(own), allowed=[self.huanwei, self.lingdao])
        self.assert_api_access(
            "GET", self.path(other), allowed=[self.chengguan], hidden=[self.huanwei]
        )

    def test_a_row_is_found_only_under_its_own_published_period(self):
        community = self.score(Unit.COMMUNITY, self.demo.community(0))
        later = self.another(weeks=1)
        self.assert_error(self.api("GET", self.path(community, later), self.admin), 404)
        draft = self.another(weeks=2, published=False)
        in_draft = self.score(Unit.COMMUNITY, self.demo.community(0), draft)
        self.assert_error(self.api("GET", self.path(in_draft, draft), self.admin), 404)
        self.assert_error(
            self.api("GET", f"/periods/{self.period.pk}/scores/999999", self.admin), 404
        )

    def test_a_row_has_what_the_score_page_shows(self):
        community = self.score(Unit.COMMUNITY, self.demo.community(0))
        body = self.body(self.path(community), self.lingdao)
        self.assertEqual(body["name"], self.demo.community(0).name)
        self.assertEqual(body["period"]["id"], self.period.pk)
        figures = {f["metric"]: f["count"] for f in body["figures"]}
        self.assertEqual(list(figures), list(ranking.COUNT_LABELS))
        self.assertEqual(figures, {m: community.counts.get(m, 0) for m in ranking.COUNT_LABELS})
        self.assertEqual(figures["due"], 4)  # three cases and the inspection's failure
        due = next(f for f in body["figures"] if f["metric"] == "due")
        self.assertEqual(due["label"], "应结案数")
        self.assertEqual(due["web_url"], reverse("scoring:behind", args=[community.pk, "due"]))
        self.assertEqual(
            body["inspections_web_url"],
            reverse("scoring:behind", args=[community.pk, "inspection"]),
        )
        weights = {w["metric"]: w["weight"] for w in body["weights"]}
        self.assertEqual(weights, {m: float(w) for m, w in DEFAULT_WEIGHTS["community"].items()})
        self.assertEqual(
            body["trend"], {"periods": ["2026年第48周"], "index": [float(community.index)]}
        )

    def test_the_trend_leaves_out_periods_not_yet_published(self):
        earlier = self.another(weeks=-1, published=False)
        community = self.score(Unit.COMMUNITY, self.demo.community(0))
        self.assertEqual(
            self.body(self.path(community), self.lingdao)["trend"]["periods"], ["2026年第48周"]
        )
        publish(earlier, self.paiqian)
        trend = self.body(self.path(community), self.lingdao)["trend"]
        self.assertEqual(trend["periods"], [earlier.name, "2026年第48周"])

    def test_a_departments_row_has_no_inspection_page(self):
        own = self.score(Unit.DEPARTMENT, self.demo.departments["HW"])
        self.assertIsNone(self.body(self.path(own), self.huanwei)["inspections_web_url"])

    def test_one_row_takes_a_fixed_number_of_queries(self):
        community = self.score(Unit.COMMUNITY, self.demo.community(0))
        token = self.token(self.lingdao)
        self.api("GET", "/auth/me", token=token)
        # token, roles, the period, the row, the scheme, the trend's periods and figures
        with self.assertNumQueries(7):
            self.api("GET", self.path(community), token=token)
