import json
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from civicgrid.areas.models import Area, Level
from civicgrid.demo.testing import DemoTestCase
from civicgrid.lib.spreadsheets import workbook_bytes


class AreaTransferTests(DemoTestCase):
    def export_xlsx(self, user):
        self.login(user)
        return self.client.get("/areas/export.xlsx").content

    def upload(self, name, content):
        return self.client.post("/areas/import/", {"file": SimpleUploadedFile(name, content)})

    def test_the_excel_export_has_the_columns_officials_use_and_every_area_in_scope(self):
        sheet = load_workbook(BytesIO(self.export_xlsx(self.shequ1))).active
        rows = list(sheet.values)
        self.assertEqual(rows[0][:4], ("编码", "名称", "层级", "上级编码"))
        self.assertEqual(
            {r[0] for r in rows[1:]},
            set(Area.objects.subtree(self.demo.community(0)).values_list("code", flat=True)),
        )

    def test_a_geojson_export_imports_back_unchanged(self):
        self.login(self.admin)
        exported = self.client.get("/areas/export.geojson").content
        before = list(Area.objects.values_list("code", "name", "parent__code", "boundary"))
        response = self.upload("areas.geojson", exported)
        self.assertRedirects(response, "/areas/")
        self.assertEqual(
            list(Area.objects.values_list("code", "name", "parent__code", "boundary")), before
        )

    def test_an_excel_sheet_adds_a_new_grid_to_a_community(self):
        community = self.demo.community(0)
        code = community.child_code(9)
        content = workbook_bytes(
            "区域",
            ["编码", "名称", "层级", "上级编码", "户数"],
            [[code, "新增网格", "网格", community.code, 300]],
        )
        self.login(self.paiqian)
        self.upload("new.xlsx", content)
        grid = Area.objects.get(code=code)
        self.assertEqual((grid.parent, grid.level, grid.households), (community, Level.GRID, 300))
        self.assertTrue(grid.path.startswith(community.path))

    def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(self):
        community = self.demo.community(0)
        rows = [
            [community.child_code(9), "好网格", "网格", community.code],
            ["12345", "坏网格", "网格", community.code],
        ]
        self.login(self.paiqian)
        response = self.upload(
            "bad.xlsx", workbook_bytes("区域", ["编码", "名称", "层级", "上级编码"], rows)
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "第 3 行", status_code=400)
        self.assertFalse(Area.objects.filter(code=community.child_code(9)).exists())

    def test_community_staff_cannot_import(self):
        self.login(self.shequ1)
        content = workbook_bytes("区域", ["编码", "名称", "层级", "上级编码"], [])
        self.assertEqual(self.upload("x.xlsx", content).status_code, 403)

    def test_a_file_that_is_not_geojson_is_refused_clearly(self):
        self.login(self.admin)
        response = self.upload("x.geojson", b"not json")
        self.assertContains(response, "不是 GeoJSON", status_code=400)

    def test_a_geojson_feature_with_a_broken_polygon_is_refused(self):
        community = self.demo.community(0)
        bad = {
            "type": "Polygon",
            "coordinates": [
                [[113.2, 35.2], [113.3, 35.3], [113.3, 35.2], [113.2, 35.3], [113.2, 35.2]]
            ],
        }
        feature = {
            "type": "Feature",
            "geometry": bad,
            "properties": {
                "code": community.child_code(9),
                "name": "X",
                "level": 60,
                "parent_code": community.code,
            },
        }
        self.login(self.admin)
        response = self.upload(
            "x.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
        )
        self.assertContains(response, "边界多边形无效", status_code=400)
