"""The demo's ledgers: a year of entries of every ready type, targets in each state, and
the 门前三包 register with pledges and linked cases."""

import datetime as dt

from django.test import override_settings

from civicgrid.cases import intake
from civicgrid.categories.models import Category
from civicgrid.demo.testing import DemoTestCase
from civicgrid.ledgers import ledger_types as ready
from civicgrid.ledgers import targets
from civicgrid.ledgers.demo_ledgers import demo_ledgers
from civicgrid.ledgers.models import LedgerEntry, Pledge, Shop
from civicgrid.ledgers.tests.ledger_base import MEDIA, photo

TODAY = dt.date(2026, 5, 20)


@override_settings(MEDIA_ROOT=MEDIA)
class DemoLedgerTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        category = Category.objects.create(
            kind=Category.Kind.MATTER,
            code="09006",
            major_code="09",
            major_name="街面秩序类",
            name="占道经营",
            time_limit_value=1,
            time_limit_unit=Category.Unit.DAYS,
        )
        for grid in cls.demo.grids[:3]:
            intake.report(
                category=category,
                description="店外摆摊",
                lat=grid.centre_lat,
                lng=grid.centre_lng,
                by=cls.demo.people["duban1"],
                photos=[photo()],
            )
        cls.made = demo_ledgers(cls.demo, today=TODAY)

    def status(self, name):
        return targets.progress(self.made.targets[name], TODAY, TODAY).status

    def test_every_ready_type_has_entries_over_the_year(self):
        for code in [code for code, *_ in ready.READY]:
            dates = LedgerEntry.objects.filter(ledger=self.made.types[code]).values_list(
                "date", flat=True
            )
            self.assertTrue(dates, code)
            self.assertLessEqual(max(dates), TODAY)
            self.assertGreaterEqual(min(dates), TODAY - dt.timedelta(days=365))
        self.assertEqual(LedgerEntry.objects.count(), self.made.entries)
        self.assertEqual(LedgerEntry.objects.filter(changes__before={}).count(), self.made.entries)

    def test_the_lecture_target_is_met_and_the_board_is_one_period_behind(self):
        self.assertEqual(self.status("lectures"), targets.MET)
        self.assertEqual(self.status("boards"), targets.BEHIND)
        board = self.made.targets["boards"]
        past = targets.history(board, board.anchor, TODAY, TODAY)[:-1]
        self.assertTrue(past)
        self.assertEqual({p.status for p in past}, {targets.MET})

    def test_some_communities_are_behind_on_flyers(self):
        statuses = [self.status(f"flyers-{c.code}") for c in self.demo.communities]
        self.assertEqual(statuses[3:], [targets.BEHIND, targets.BEHIND])
        self.assertNotIn(targets.BEHIND, statuses[:3])

    def test_the_shop_register_has_pledges_and_linked_cases(self):
        self.assertEqual(Shop.objects.count(), 30)
        self.assertEqual(Pledge.objects.count(), 25)
        self.assertGreater(Pledge.objects.exclude(photo="").count(), 0)
        linked = Shop.objects.filter(cases__isnull=False).distinct()
        self.assertTrue(linked.exists())
        for shop in linked:
            self.assertTrue(all(c.grid_id == shop.area_id for c in shop.cases.all()))

    def test_the_demo_pages_render(self):
        self.login(self.demo.people["paiqian"])
        for url in ["/ledgers/", "/ledgers/entries/", "/ledgers/targets/", "/ledgers/shops/"]:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        board = self.made.targets["boards"]
        self.assertEqual(self.client.get(f"/ledgers/targets/{board.pk}/").status_code, 200)
