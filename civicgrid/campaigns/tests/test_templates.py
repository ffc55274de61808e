from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from civicgrid.campaigns import templates, transfer
from civicgrid.campaigns.models import CampaignKind, Indicator, PointType, Standard
from civicgrid.categories.catalogue import load as load_categories


class SampleStandardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_categories()

    def load(self) -> str:
        out = StringIO()
        call_command("load_standards", stdout=out)
        return out.getvalue()

    def test_every_sample_reads_without_an_error(self):
        files = templates.sample_files()
        self.assertEqual(len(files), 3)
        for path in files:
            with self.subTest(path.name):
                parsed = templates.read_sample(path)
                self.assertIn(templates.SAMPLE_NOTE, parsed.note)
                self.assertTrue(parsed.entries)

    def test_the_command_loads_three_marked_samples_and_a_second_run_creates_nothing(self):
        self.assertIn("新增样例测评体系 3 个", self.load())
        indicators = Indicator.objects.count()
        self.assertIn("新增样例测评体系 0 个，已存在 3 个", self.load())
        self.assertEqual(Standard.objects.count(), 3)
        self.assertEqual(Indicator.objects.count(), indicators)
        kinds = set(Standard.objects.filter(is_sample=True).values_list("kind", flat=True))
        self.assertEqual(
            kinds, {CampaignKind.CIVILIZED, CampaignKind.SANITARY, CampaignKind.ETHNIC_UNITY}
        )
        for standard in Standard.objects.all():
            self.assertIn(templates.SAMPLE_NOTE, standard.note)
            self.assertEqual(standard.versions.count(), 1)

    def test_a_sample_edited_by_the_street_is_left_alone(self):
        self.load()
        item = Indicator.objects.get(version__standard__kind=CampaignKind.CIVILIZED, code="1.1.3")
        item.points = 20
        item.save()
        self.load()
        item.refresh_from_db()
        self.assertEqual(item.points, 20)

    def test_every_category_a_sample_names_is_in_the_directory(self):
        for path in templates.sample_files():
            parsed = templates.read_sample(path)
            named = [e for e in parsed.entries if e.category_text]
            with self.subTest(path.name):
                self.assertTrue(all(e.indicator.category_id for e in named))

    def test_each_field_checklist_of_the_civilized_city_sample_is_worth_100(self):
        version = self.civilized()
        for point_type in (
            PointType.FARMERS_MARKET,
            PointType.MAIN_ROAD,
            PointType.BACK_STREET,
            PointType.SQUARE,
            PointType.RESIDENTIAL,
            PointType.STREET_OFFICE,
        ):
            items = [
                item
                for item in version.indicators.filter(depth=3, method=Indicator.Method.FIELD)
                if item.applies_to(point_type)
            ]
            with self.subTest(point_type):
                self.assertEqual(sum(item.points for item in items), 100)

    def test_the_market_checklist_files_the_brief_s_matters_and_caps_a_serious_hazard(self):
        market = self.civilized().indicators.filter(parent__code="1.1")
        codes = set(market.exclude(category=None).values_list("category__code", flat=True))
        self.assertLessEqual({"09006", "09009", "07001"}, codes)
        hazard = market.get(negative=Indicator.Negative.CAP)
        self.assertEqual(hazard.negative_value, 60)

    def test_survey_and_material_projects_sit_beside_the_field_checklists(self):
        version = self.civilized()
        methods = dict(version.indicators.filter(depth=1).values_list("title", "method"))
        self.assertEqual(methods["未成年人思想道德建设"], Indicator.Method.MATERIAL)
        self.assertEqual(methods["问卷调查"], Indicator.Method.SURVEY)
        self.assertFalse(
            version.indicators.filter(parent__parent__code="3")
            .exclude(method=Indicator.Method.MATERIAL)
            .exists()
        )

    def test_the_sanitary_sample_has_the_eight_aspects(self):
        self.load()
        version = Standard.objects.get(kind=CampaignKind.SANITARY).latest
        titles = list(
            version.indicators.filter(depth=1).order_by("order").values_list("title", flat=True)
        )
        self.assertEqual(
            titles,
            [
                "爱国卫生组织管理",
                "健康教育和健康促进",
                "市容环境卫生",
                "环境保护",
                "重点场所卫生",
                "食品和生活饮用水安全",
                "公共卫生与医疗服务",
                "病媒生物预防控制",
            ],
        )

    def test_the_ethnic_unity_sample_is_mostly_material(self):
        self.load()
        items = Standard.objects.get(kind=CampaignKind.ETHNIC_UNITY).latest.indicators.filter(
            depth=3
        )
        material = items.filter(method=Indicator.Method.MATERIAL).count()
        self.assertGreater(material, items.count() * 0.7)

    def test_a_broken_sample_loads_nothing(self):
        broken = self.tmp_file(
            "name: 坏样例\nkind: civilized\nprojects:\n  - code: '1'\n    points: -1\n"
        )
        with self.assertRaises(transfer.TransferError) as raised:
            templates.load_samples([*templates.sample_files(), broken])
        self.assertIn("broken.yaml：projects[0]（编号 1）：请填写名称。", raised.exception.errors)
        self.assertFalse(Standard.objects.exists())

    def civilized(self):
        self.load()
        return Standard.objects.get(kind=CampaignKind.CIVILIZED).latest

    def tmp_file(self, text):
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        path = folder / "broken.yaml"
        path.write_text(text, encoding="utf-8")
        return path
