import base64
import json

from django.db.models import Value
from django.db.models.functions import Coalesce
from django.test import TestCase

from civicgrid.areas.models import Area, Level
from civicgrid.lib.keyset import Keyset

# Streets ordered by population (largest first), ties broken by code: a key with repeats.
BY_POPULATION = Keyset("-population", "code")
BY_NAME = Keyset("name", "code")
# An annotation as a key: streets without a population count as 0, after the others.
BY_PEOPLE = Keyset("-people", "code")


def raw_cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


class KeysetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for i, population in enumerate([500, 300, 300, 300, 100, 300, 50]):
            Area.objects.create(
                code=f"33010{i:04d}", name=f"街道{i}", level=Level.STREET, population=population
            )
        cls.streets = Area.objects.all()

    def walk(self, size: int, keyset=BY_POPULATION, streets=None) -> list[str]:
        streets = self.streets if streets is None else streets
        codes, cursor = [], None
        while True:
            rows, cursor = keyset.page(streets, cursor, size)
            codes += [row.code for row in rows]
            if cursor is None:
                return codes

    def test_pages_of_every_size_list_each_row_once_in_order_even_across_ties(self):
        expected = list(BY_POPULATION.order(self.streets).values_list("code", flat=True))
        for size in range(1, 8):
            with self.subTest(size=size):
                self.assertEqual(self.walk(size), expected)

    def test_the_last_page_has_no_next_cursor(self):
        rows, cursor = BY_POPULATION.page(self.streets, None, 7)
        self.assertEqual(len(rows), 7)
        self.assertIsNone(cursor)

    def test_an_unreadable_cursor_starts_at_the_first_page(self):
        first, _next = BY_POPULATION.page(self.streets, None, 3)
        for cursor in (
            "not base64!",
            raw_cursor("a string"),
            raw_cursor([300]),
            raw_cursor([None, "330100001"]),
            raw_cursor(["many", "330100001"]),
            raw_cursor([2**70, "330100001"]),
            raw_cursor([{"a": 1}, "330100001"]),
            base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        ):
            with self.subTest(cursor=cursor):
                rows, _next = BY_POPULATION.page(self.streets, cursor, 3)
                self.assertEqual(rows, first)

    def test_an_annotation_is_a_key_like_a_field(self):
        Area.objects.filter(code__in=["330100001", "330100005"]).update(population=None)
        streets = self.streets.annotate(people=Coalesce("population", Value(0)))
        expected = list(BY_PEOPLE.order(streets).values_list("code", flat=True))
        self.assertEqual(expected[-2:], ["330100001", "330100005"])
        for size in range(1, 8):
            with self.subTest(size=size):
                self.assertEqual(self.walk(size, BY_PEOPLE, streets), expected)
        rows, _next = BY_PEOPLE.page(streets, raw_cursor(["many", "330100001"]), 3)
        self.assertEqual([row.code for row in rows], expected[:3])

    def test_a_cursor_with_a_nul_character_starts_at_the_first_page(self):
        first, _next = BY_NAME.page(self.streets, None, 3)
        rows, _next = BY_NAME.page(self.streets, raw_cursor(["街道5\x00", "330100005"]), 3)
        self.assertEqual(rows, first)

    def test_a_page_costs_one_query(self):
        _rows, cursor = BY_POPULATION.page(self.streets, None, 2)
        with self.assertNumQueries(1):
            BY_POPULATION.page(self.streets, cursor, 2)

    def test_pages_cut_by_ids_are_the_same_pages_in_two_queries_the_first_of_keys_only(self):
        by_ids = Keyset("-population", "code", by_ids=True)
        expected = list(BY_POPULATION.order(self.streets).values_list("code", flat=True))
        for size in (1, 3, 7):
            with self.subTest(size=size):
                self.assertEqual(self.walk(size, by_ids), expected)
        _rows, cursor = by_ids.page(self.streets, None, 2)
        with self.assertNumQueries(2) as queries:
            rows, _next = by_ids.page(self.streets.select_related("parent"), cursor, 2)
        first, second = (q["sql"] for q in queries.captured_queries)
        self.assertRegex(first, r'^SELECT "areas_area"\."id"( AS "pk")? FROM "areas_area" WHERE')
        self.assertIn("JOIN", second)  # the rows come with their joins
        self.assertEqual([row.code for row in rows], expected[2:4])
